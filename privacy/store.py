"""Every SQL statement of the privacy component: the purge's batched deletes
across services' tables, and legal holds.

Each batch is its own short transaction that deletes at most ``batch`` rows
chosen by the same condition the dry run counts (older than the cutoff, not
under a legal hold), so the live service is never blocked for long, a purge
stopped half-way simply resumes on the next run, and a second run finds
nothing: idempotent and restart-safe by construction. The cutoff is computed
by the caller from its clock at the start of a run, so a row still within its
schedule never matches.

``conversation_outcomes`` (anonymised, kept for insight) is deliberately not
touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Engine,
    Table,
    and_,
    delete,
    exists,
    func,
    insert,
    not_,
    or_,
    select,
    update,
)

from actions import models as bot
from frontdoor.audit import AuditEntry
from handoff import models as ho
from knowledge.models import ContentGap, Feedback
from privacy.models import legal_holds

HOLD_KINDS = ("conversation", "resident")


@dataclass(frozen=True)
class Hold:
    id: int
    subject_kind: str
    reference: str
    reason: str
    placed_by: str
    placed_at: datetime


def _active_holds() -> ColumnElement[bool]:
    return legal_holds.c.lifted_at.is_(None)


def _conversation_held() -> ColumnElement[bool]:
    """A conversation under a hold of its own or of a resident it names."""
    conv = ho.conversations.c
    held = (
        select(legal_holds.c.id)
        .where(
            _active_holds(),
            or_(
                and_(
                    legal_holds.c.subject_kind == "conversation",
                    legal_holds.c.reference == conv.id,
                ),
                and_(
                    legal_holds.c.subject_kind == "resident",
                    or_(
                        legal_holds.c.reference == conv.verified_resident_id,
                        conv.verified_refs.contains(legal_holds.c.reference),
                    ),
                ),
            ),
        )
        .correlate(ho.conversations)
    )
    return exists(held)


def expired_conversations(cutoff: datetime) -> ColumnElement[bool]:
    conv = ho.conversations.c
    return and_(conv.closed_at.is_not(None), conv.closed_at < cutoff, not_(_conversation_held()))


class PrivacyStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- the purge -----------------------------------------------------------------

    def _expired_ids(self, cutoff: datetime) -> Any:
        return select(ho.conversations.c.id).where(expired_conversations(cutoff))

    def count_conversations(self, cutoff: datetime) -> dict[str, int]:
        ids = self._expired_ids(cutoff)
        with self.engine.connect() as conn:
            conversations = conn.scalar(select(func.count()).select_from(ids.subquery())) or 0
            events = (
                conn.scalar(
                    select(func.count())
                    .select_from(ho.events)
                    .where(ho.events.c.conversation_id.in_(ids))
                )
                or 0
            )
        return {"conversations": conversations, "events": events}

    def purge_conversations_batch(self, cutoff: datetime, batch: int) -> int:
        """Delete up to ``batch`` rows belonging to expired conversations: first
        their events (the bulk), then transcripts, assignments and the bot's
        verification records, and the conversations once empty."""
        ids = self._expired_ids(cutoff)
        with self.engine.begin() as conn:
            for table in (ho.events, ho.assignments, bot.verification_attempts):
                chosen = select(table.c.id).where(table.c.conversation_id.in_(ids)).limit(batch)
                deleted = conn.execute(delete(table).where(table.c.id.in_(chosen))).rowcount
                if deleted:
                    return deleted
            grants = bot.verification_grants
            chosen = select(grants.c.id).where(grants.c.conversation_id.in_(ids)).limit(batch)
            deleted = conn.execute(delete(grants).where(grants.c.id.in_(chosen))).rowcount
            if deleted:
                return deleted
            one_batch = ids.limit(batch)
            transcripts = ho.transcripts
            deleted = conn.execute(
                delete(transcripts).where(transcripts.c.conversation_id.in_(one_batch))
            ).rowcount
            deleted += conn.execute(
                delete(ho.conversations).where(ho.conversations.c.id.in_(one_batch))
            ).rowcount
            return deleted

    def count_older(self, table: Table, column: str, cutoff: datetime) -> int:
        with self.engine.connect() as conn:
            query = select(func.count()).select_from(table).where(table.c[column] < cutoff)
            return conn.scalar(query) or 0

    def delete_older_batch(self, table: Table, column: str, cutoff: datetime, batch: int) -> int:
        with self.engine.begin() as conn:
            chosen = select(table.c.id).where(table.c[column] < cutoff).order_by(table.c.id)
            chosen = chosen.limit(batch)
            return conn.execute(delete(table).where(table.c.id.in_(chosen))).rowcount

    # --- legal holds ---------------------------------------------------------------

    def place_hold(
        self, *, subject_kind: str, reference: str, reason: str, placed_by: str, now: datetime
    ) -> Hold:
        with self.engine.begin() as conn:
            hold_id = conn.execute(
                insert(legal_holds).values(
                    subject_kind=subject_kind,
                    reference=reference,
                    reason=reason,
                    placed_by=placed_by,
                    placed_at=now,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
        return Hold(hold_id, subject_kind, reference, reason, placed_by, now)

    def lift_hold(self, hold_id: int, *, lifted_by: str, now: datetime) -> bool:
        with self.engine.begin() as conn:
            changed = conn.execute(
                update(legal_holds)
                .where(legal_holds.c.id == hold_id, _active_holds())
                .values(lifted_by=lifted_by, lifted_at=now)
            ).rowcount
        return bool(changed)

    def holds_on(self, references: list[str]) -> list[Hold]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(legal_holds)
                .where(_active_holds(), legal_holds.c.reference.in_(references))
                .order_by(legal_holds.c.id)
            ).all()
        return [
            Hold(r.id, r.subject_kind, r.reference, r.reason, r.placed_by, r.placed_at)
            for r in rows
        ]

    def active_holds(self) -> list[Hold]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(legal_holds).where(_active_holds()).order_by(legal_holds.c.id)
            ).all()
        return [
            Hold(r.id, r.subject_kind, r.reference, r.reason, r.placed_by, r.placed_at)
            for r in rows
        ]


# (table, time column) of each simple data class
SIMPLE_CLASSES: dict[str, tuple[Table, str]] = {
    "content_gaps": (cast(Table, ContentGap.__table__), "created_at"),
    "feedback": (cast(Table, Feedback.__table__), "created_at"),
    "verification_attempts": (bot.verification_attempts, "attempted_at"),
    "audit_log": (cast(Table, AuditEntry.__table__), "at"),
}
