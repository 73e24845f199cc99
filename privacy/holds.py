"""Legal holds: placing and lifting them, audited; and the refusal an erasure meets.

A hold and its audit entry are written in one transaction, so the log never
misses a hold nor names one that was not placed. ``checked_hold`` is what the
staff pages ask before placing one: a hold on something that matches nothing
would protect nothing, so it is refused with a message saying why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from frontdoor import audit
from frontdoor.audit import AuditAction
from frontdoor.exceptions import FrontdoorError
from privacy.store import HOLD_KINDS, Hold, PrivacyStore, SubjectStore

REASON_MAX = 2000
REFERENCE_MAX = 120


class UnderLegalHold(FrontdoorError):
    """An erasure asked for data a legal hold keeps."""

    def __init__(self, holds: list[Hold]) -> None:
        reasons = "; ".join(f"hold {h.id} by {h.placed_by}: {h.reason}" for h in holds)
        super().__init__(f"refused: under legal hold ({reasons})")
        self.holds = holds


class InvalidHold(FrontdoorError):
    """A hold the form cannot place; ``field`` names the input to correct."""

    code = "invalid_hold"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class HoldRequest:
    kind: str
    reference: str
    reason: str


def checked_hold(engine: Engine, *, kind: str, reference: str, reason: str) -> HoldRequest:
    """The hold as it will be stored, or InvalidHold naming the first problem.

    A conversation hold names an existing conversation id; a resident hold a
    reference the purge and erasure can match (council tax, tenancy or resident
    reference): an email or a postcode and surname is not kept on a
    conversation, so a hold by it would stop nothing.
    """
    reference = " ".join(reference.split())
    reason = reason.strip()
    if kind not in HOLD_KINDS:
        raise InvalidHold("kind", "Select whether the hold is on a conversation or a resident")
    if not reference:
        raise InvalidHold("reference", "Enter the conversation id or the resident's reference")
    if len(reference) > REFERENCE_MAX:
        raise InvalidHold("reference", f"The reference must be {REFERENCE_MAX} characters or fewer")
    if not reason:
        raise InvalidHold("reason", "Enter the reason for the hold")
    if len(reason) > REASON_MAX:
        raise InvalidHold("reason", f"The reason must be {REASON_MAX} characters or fewer")
    if kind == "conversation":
        reference = reference.lower()
        if not re.fullmatch(r"[0-9a-f]{32}", reference) or not PrivacyStore(
            engine
        ).conversation_exists(reference):
            raise InvalidHold("reference", f"No conversation has the id \u2018{reference}\u2019")
        return HoldRequest(kind, reference, reason)
    reference = reference.upper()
    if "@" in reference or " " in reference:
        raise InvalidHold(
            "reference", "Enter a council tax, tenancy or resident reference, not an email "
            "or a postcode",
        )  # fmt: skip
    identity = SubjectStore(engine).resolve(reference)
    if not (identity.resident_ids or identity.references):
        raise InvalidHold("reference", f"Nothing is held about \u2018{reference}\u2019")
    return HoldRequest(kind, reference, reason)


def place_hold(
    engine: Engine, *, kind: str, reference: str, reason: str, by: str, now: datetime
) -> Hold:
    with Session(engine) as db, db.begin():
        hold = PrivacyStore.place_hold(
            db, subject_kind=kind, reference=reference, reason=reason, placed_by=by, now=now
        )
        audit.record(
            db,
            actor=by,
            action=AuditAction.LEGAL_HOLD,
            subject=f"{kind}:{reference}",
            detail={"hold": hold.id, "reason": reason},
            clock=lambda: now,
        )
    return hold


def lift_hold(engine: Engine, hold_id: int, *, by: str, now: datetime) -> Hold | None:
    """The lifted hold, or None (nothing written) when no active hold has that id."""
    with Session(engine) as db, db.begin():
        lifted = PrivacyStore.lift_hold(db, hold_id, lifted_by=by, now=now)
        if lifted is not None:
            audit.record(
                db,
                actor=by,
                action=AuditAction.LEGAL_HOLD_LIFTED,
                subject=f"{lifted.subject_kind}:{lifted.reference}",
                detail={"hold": hold_id, "reason": lifted.reason},
                clock=lambda: now,
            )
    return lifted


def refuse_if_held(engine: Engine, references: list[str]) -> None:
    holds = PrivacyStore(engine).holds_on(references)
    if holds:
        raise UnderLegalHold(holds)
