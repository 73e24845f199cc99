"""Legal holds: placing and lifting them, audited; and the refusal an erasure meets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from frontdoor import audit
from frontdoor.audit import AuditAction
from frontdoor.exceptions import FrontdoorError
from privacy.store import Hold, PrivacyStore


class UnderLegalHold(FrontdoorError):
    """An erasure asked for data a legal hold keeps."""

    def __init__(self, holds: list[Hold]) -> None:
        reasons = "; ".join(f"hold {h.id} by {h.placed_by}: {h.reason}" for h in holds)
        super().__init__(f"refused: under legal hold ({reasons})")
        self.holds = holds


def place_hold(
    engine: Engine, *, kind: str, reference: str, reason: str, by: str, now: datetime
) -> Hold:
    hold = PrivacyStore(engine).place_hold(
        subject_kind=kind, reference=reference, reason=reason, placed_by=by, now=now
    )
    _audit(
        engine,
        by,
        AuditAction.LEGAL_HOLD,
        f"{kind}:{reference}",
        {"hold": hold.id, "reason": reason},
        now,
    )
    return hold


def lift_hold(engine: Engine, hold_id: int, *, by: str, now: datetime) -> bool:
    lifted = PrivacyStore(engine).lift_hold(hold_id, lifted_by=by, now=now)
    if lifted:
        _audit(engine, by, AuditAction.LEGAL_HOLD_LIFTED, f"hold:{hold_id}", {}, now)
    return lifted


def refuse_if_held(engine: Engine, references: list[str]) -> None:
    holds = PrivacyStore(engine).holds_on(references)
    if holds:
        raise UnderLegalHold(holds)


def _audit(
    engine: Engine, actor: str, action: AuditAction, subject: str, detail: dict, now: datetime
) -> None:
    with Session(engine) as db:
        audit.record(
            db, actor=actor, action=action, subject=subject, detail=detail, clock=lambda: now
        )
        db.commit()
