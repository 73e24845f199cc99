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
touched. Notify's outbox is reached through its table (``notify.models``), as
handoff's and the bot's are: only messages sent, or failed for good, expire; a
message queued, being sent or awaiting a retry is still the sender's work.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
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
    text,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from actions import models as bot
from backoffice import models as bo
from backoffice.casework import PROBLEM_TYPES
from frontdoor.audit import AuditEntry
from frontdoor.exceptions import FrontdoorError
from handoff import models as ho
from knowledge.gaps import normalised
from knowledge.models import ContentGap, Feedback
from notify import models as nt
from payments import models as pay
from privacy.models import legal_holds
from reports import models as rp

HOLD_KINDS = ("conversation", "resident")
FINISHED_NOTIFICATIONS = ("sent", "permanent-failure")
CONVERSATIONS_PER_BATCH = 500
LOCK_TIMEOUT_MS = 100


class Contended(FrontdoorError):
    """A purge batch met a lock held by live traffic and gave way (nothing deleted)."""


@dataclass(frozen=True)
class Hold:
    id: int
    subject_kind: str
    reference: str
    reason: str
    placed_by: str
    placed_at: datetime
    lifted_by: str | None = None
    lifted_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.lifted_at is None


def _hold(row: Any) -> Hold:
    return Hold(
        row.id, row.subject_kind, row.reference, row.reason, row.placed_by, row.placed_at,
        row.lifted_by, row.lifted_at,
    )  # fmt: skip


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


def _orphan_answers(cutoff: datetime) -> ColumnElement[bool]:
    answers = bot.answer_feedback.c
    conversation = select(ho.conversations.c.id).where(
        ho.conversations.c.id == answers.conversation_id
    )
    return and_(answers.answered_at < cutoff, not_(exists(conversation)))


def expired_notifications(cutoff: datetime) -> ColumnElement[bool]:
    """Sent before the cutoff, or failed for good with its last attempt before it
    (a permanent failure keeps the moment that attempt was due in ``next_attempt_at``)."""
    out = nt.outbox.c
    return and_(
        out.status.in_(FINISHED_NOTIFICATIONS),
        func.coalesce(out.sent_at, out.next_attempt_at) < cutoff,
    )


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
            answers = conn.scalar(
                select(func.count())
                .select_from(bot.answer_feedback)
                .where(bot.answer_feedback.c.conversation_id.in_(ids))
            )
            orphans = conn.scalar(
                select(func.count()).select_from(bot.answer_feedback).where(_orphan_answers(cutoff))
            )
            other = sum(
                conn.scalar(
                    select(func.count()).select_from(table).where(table.c.conversation_id.in_(ids))
                )
                or 0
                for table in (
                    ho.transcripts,
                    ho.assignments,
                    bot.verification_attempts,
                    bot.verification_grants,
                )
            )
        return {
            "conversations": conversations,
            "events": events,
            "answers": (answers or 0) + (orphans or 0),
            "other": other,
        }

    def purge_orphan_answers_batch(self, cutoff: datetime, batch: int) -> int:
        """The bot's answer log rows past the conversations' schedule whose
        conversation is gone (purged before the log was, or never reached handoff)."""
        table = bot.answer_feedback
        with self._batch() as conn:
            chosen = select(table.c.id).where(_orphan_answers(cutoff)).limit(batch)
            return conn.execute(delete(table).where(table.c.id.in_(chosen))).rowcount

    def purge_gaps_batch(self, cutoff: datetime, batch: int) -> int:
        """Delete up to ``batch`` expired content gaps, and re-key what they leave.

        A gap's ``group_key`` is the normalised words of the first question of
        its group: when that question is purged, the later ones still carry its
        words. So every surviving member of a group that lost a gap takes the
        key of its oldest survivor: nothing of a purged question stays behind.
        """
        table = GAPS
        with self._batch() as conn:
            rows = conn.execute(
                select(table.c.id, table.c.group_key, table.c.language)
                .where(table.c.created_at < cutoff)
                .order_by(table.c.id)
                .limit(batch)
            ).all()
            if not rows:
                return 0
            deleted = conn.execute(
                delete(table).where(table.c.id.in_([r.id for r in rows]))
            ).rowcount
            for key, language in sorted({(r.group_key, r.language) for r in rows}):
                survivors = conn.execute(
                    select(table.c.id, table.c.question)
                    .where(table.c.group_key == key, table.c.language == language)
                    .order_by(table.c.created_at, table.c.id)
                ).all()
                if not survivors:
                    continue
                new_key = normalised(survivors[0].question)
                if new_key != key:
                    conn.execute(
                        update(table)
                        .where(table.c.id.in_([r.id for r in survivors]))
                        .values(group_key=new_key)
                    )
            return deleted

    @contextmanager
    def _batch(self) -> Iterator[Connection]:
        """One short purge transaction. On PostgreSQL it never waits for a lock
        (``lock_timeout``: waiting would also queue live requests behind it) and
        does not wait for its commit to reach the disk (``synchronous_commit``
        off: a purge lost in a crash is simply redone by the next run)."""
        try:
            with self.engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    conn.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_MS}ms'"))
                    conn.execute(text("SET LOCAL synchronous_commit = off"))
                yield conn
        except OperationalError as exc:
            if getattr(exc.orig, "sqlstate", None) == "55P03":  # lock_not_available
                raise Contended("a purge batch gave way to a lock held by live traffic") from exc
            raise

    def purge_conversations_batch(self, cutoff: datetime, batch: int) -> int:
        """Delete about ``batch`` rows belonging to expired conversations.

        Whole conversations are chosen (by their event count, ``last_seq``) so
        that their events fit the batch, and named by id, so every delete below
        walks an index on ``conversation_id`` rather than joining the whole
        table: their events, transcripts, assignments, the bot's verification
        records and answer log (each answer keeps the resident's question) and
        the conversations themselves, in one transaction. A conversation with
        more events than a batch loses them ``batch`` at a time first.
        """
        with self._batch() as conn:
            rows = conn.execute(
                select(ho.conversations.c.id, ho.conversations.c.last_seq)
                .where(expired_conversations(cutoff))
                .limit(CONVERSATIONS_PER_BATCH)
            ).all()
            if not rows:
                return 0
            ids: list[str] = []
            size = 0
            for row in rows:
                if ids and size + row.last_seq > batch:
                    break
                ids.append(row.id)
                size += row.last_seq
            events = ho.events
            deleted = 0
            if size > batch:  # one long conversation: its events a batch at a time
                chosen = select(events.c.id).where(events.c.conversation_id == ids[0]).limit(batch)
                deleted = conn.execute(delete(events).where(events.c.id.in_(chosen))).rowcount
                if deleted == batch:
                    return deleted
            deleted += conn.execute(
                delete(events).where(events.c.conversation_id.in_(ids))
            ).rowcount
            for table in (
                ho.transcripts,
                ho.assignments,
                bot.verification_attempts,
                bot.verification_grants,
                bot.answer_feedback,
            ):
                deleted += conn.execute(
                    delete(table).where(table.c.conversation_id.in_(ids))
                ).rowcount
            deleted += conn.execute(
                delete(ho.conversations).where(ho.conversations.c.id.in_(ids))
            ).rowcount
            return deleted

    def count_notifications(self, cutoff: datetime) -> int:
        with self.engine.connect() as conn:
            query = select(func.count()).select_from(nt.outbox)
            return conn.scalar(query.where(expired_notifications(cutoff))) or 0

    def purge_notifications_batch(self, cutoff: datetime, batch: int) -> int:
        table = nt.outbox
        with self._batch() as conn:
            chosen = select(table.c.id).where(expired_notifications(cutoff))
            chosen = chosen.order_by(table.c.id).limit(batch)
            return conn.execute(delete(table).where(table.c.id.in_(chosen))).rowcount

    def count_older(self, table: Table, column: str, cutoff: datetime) -> int:
        with self.engine.connect() as conn:
            query = select(func.count()).select_from(table).where(table.c[column] < cutoff)
            return conn.scalar(query) or 0

    def delete_older_batch(self, table: Table, column: str, cutoff: datetime, batch: int) -> int:
        (key,) = table.primary_key.columns  # every simple class has a one-column key
        with self._batch() as conn:
            chosen = list(
                conn.scalars(select(key).where(table.c[column] < cutoff).order_by(key).limit(batch))
            )
            if not chosen:
                return 0
            for companion, owner in COMPANIONS.get(table.name, ()):
                conn.execute(delete(companion).where(companion.c[owner].in_(chosen)))
            return conn.execute(delete(table).where(key.in_(chosen))).rowcount

    # --- legal holds ---------------------------------------------------------------

    # each write runs in the caller's session, so the hold and its audit entry
    # commit together or not at all

    @staticmethod
    def place_hold(
        db: Session, *, subject_kind: str, reference: str, reason: str, placed_by: str,
        now: datetime,
    ) -> Hold:  # fmt: skip
        hold_id = db.execute(
            insert(legal_holds).values(
                subject_kind=subject_kind,
                reference=reference,
                reason=reason,
                placed_by=placed_by,
                placed_at=now,
            )
        ).inserted_primary_key[0]  # type: ignore[attr-defined]
        return Hold(hold_id, subject_kind, reference, reason, placed_by, now)

    @staticmethod
    def lift_hold(db: Session, hold_id: int, *, lifted_by: str, now: datetime) -> Hold | None:
        """The hold as lifted, or None when no active hold has that id."""
        changed = db.execute(
            update(legal_holds)
            .where(legal_holds.c.id == hold_id, _active_holds())
            .values(lifted_by=lifted_by, lifted_at=now)
        ).rowcount  # type: ignore[attr-defined]
        if not changed:
            return None
        return _hold(db.execute(select(legal_holds).where(legal_holds.c.id == hold_id)).one())

    def holds_on(self, references: list[str]) -> list[Hold]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(legal_holds)
                .where(_active_holds(), legal_holds.c.reference.in_(references))
                .order_by(legal_holds.c.id)
            ).all()
        return [_hold(r) for r in rows]

    def active_holds(self) -> list[Hold]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(legal_holds).where(_active_holds()).order_by(legal_holds.c.id)
            ).all()
        return [_hold(r) for r in rows]

    def recent_holds(self, lifted_limit: int = 20) -> list[Hold]:
        """Every active hold (oldest first), then the most recently lifted ones."""
        with self.engine.connect() as conn:
            lifted = conn.execute(
                select(legal_holds)
                .where(legal_holds.c.lifted_at.is_not(None))
                .order_by(legal_holds.c.lifted_at.desc(), legal_holds.c.id.desc())
                .limit(lifted_limit)
            ).all()
        return self.active_holds() + [_hold(r) for r in lifted]

    def conversation_exists(self, conversation_id: str) -> bool:
        with self.engine.connect() as conn:
            query = select(ho.conversations.c.id).where(ho.conversations.c.id == conversation_id)
            return conn.execute(query).first() is not None


# (table, time column) of each simple data class
SIMPLE_CLASSES: dict[str, tuple[Table, str]] = {
    "content_gaps": (cast(Table, ContentGap.__table__), "created_at"),
    "feedback": (cast(Table, Feedback.__table__), "created_at"),
    "verification_attempts": (bot.verification_attempts, "attempted_at"),
    "audit_log": (cast(Table, AuditEntry.__table__), "at"),
    "report_photos": (rp.photos, "created_at"),
    # ended_at: the unsubscribing, or a pending request's deadline; NULL (in use) never
    "subscriptions": (nt.subscriptions, "ended_at"),
    # settled_at: paid, refunded, failed, cancelled or expired; NULL (in progress) never
    "payments": (pay.payments, "settled_at"),
}

# Rows that belong to a simple class's row and go with it: (table, column holding the
# owner's key). A payment's refund is part of the payment's financial record.
COMPANIONS: dict[str, tuple[tuple[Table, str], ...]] = {
    pay.payments.name: ((pay.refunds, "reference"),),
}


GAPS = cast(Table, ContentGap.__table__)
AUDIT = cast(Table, AuditEntry.__table__)

# --- subject access ---------------------------------------------------------------

# What a bundle shows of the bot's record of a proved identity: not the hash of
# the secret it was proved with
GRANT_COLUMNS = [c for c in bot.verification_grants.c if c.name != "secret_hash"]
# What a bundle shows of a payment: everything but the provider's next-page URL
# (a one-time link to the card page, of no use to anyone once it has run out).
PAYMENT_COLUMNS = [c for c in pay.payments.c if c.name != "next_url"]
# A reported problem as the resident sent it, and what became of it
REPORT_COLUMNS = [
    getattr(bo.CaseRow, name)
    for name in (
        "reference", "case_type", "status", "summary", "description", "location", "latitude",
        "longitude", "uprn", "channel", "created_at",
    )
]  # fmt: skip
# A photo's record; its bytes go into the bundle as a file of their own (photo_files)
PHOTO_COLUMNS = [c for c in rp.photos.c if c.name not in ("id", "data", "idempotency_key")]
# A card payment that moved money is a financial record; one that did not is not
MONEY_MOVED = ("booked", "paid", "refund-due")
NO_MONEY_MOVED = ("failed", "cancelled", "expired", "error")


@dataclass(frozen=True)
class KeptPayment:
    reference: str
    status: str
    amount_pence: int
    settled_at: datetime | None
    expires_at: datetime


@dataclass
class Identity:
    """Everything one identifier leads to, widened through the back office."""

    resident_ids: set[str]
    references: set[str]  # council tax and tenancy references
    cases: set[str]
    emails: set[str]
    conversation_ids: set[str]
    phones: set[str] = field(default_factory=set)  # national form, digits only: 07700900123
    notification_ids: set[int] = field(default_factory=set)  # notify's outbox rows to them
    subscription_ids: set[int] = field(default_factory=set)  # notify's subscriptions of them
    payment_references: set[str] = field(default_factory=set)  # their card payments (pay_)

    @property
    def empty(self) -> bool:
        return not (
            self.resident_ids
            or self.references
            or self.cases
            or self.conversation_ids
            or self.notification_ids
            or self.subscription_ids
            or self.payment_references
        )


_PHONE = re.compile(r"^\+?[\d ()-]{10,18}$")


def national_phone(text: str) -> str | None:
    """A UK phone number as 0 and ten digits (``+44 7700 900123`` -> ``07700900123``)."""
    if not _PHONE.match(text.strip()):
        return None
    digits = re.sub(r"\D", "", text)
    if digits.startswith("440"):
        digits = digits[2:]
    elif digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits if len(digits) == 11 and digits.startswith("0") else None


def _phone_forms(phones: set[str]) -> set[str]:
    """How a number may be written in a recipient column, once spaces and dashes go."""
    return {form for p in phones for form in (p, "+44" + p[1:], "44" + p[1:])}


def _squeezed(column: Any) -> Any:
    return func.replace(func.replace(column, " ", ""), "-", "")


def _rows(conn: Any, query: Any) -> list[Any]:
    return list(conn.execute(query).all())


class SubjectStore:
    """Finds a resident across every store, exports and erases what is found."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def resolve(self, identifier: str) -> Identity:

        found = Identity(set(), set(), set(), set(), set())
        text = " ".join(identifier.split())
        with self.engine.connect() as conn:
            if re.fullmatch(r"[0-9a-f]{32}", text):
                row = conn.execute(
                    select(
                        ho.conversations.c.verified_resident_id, ho.conversations.c.verified_refs
                    ).where(ho.conversations.c.id == text)
                ).first()
                if row is not None:
                    found.conversation_ids.add(text)
                    if row.verified_resident_id:
                        found.resident_ids.add(row.verified_resident_id)
                    found.references |= {r for r in row.verified_refs.split(",") if r}
            elif "@" in text:
                found.emails.add(text.lower())
                found.resident_ids |= set(
                    conn.scalars(
                        select(bo.ResidentRow.resident_id).where(
                            func.lower(bo.ResidentRow.email) == text.lower()
                        )
                    )
                )
            elif (phone := national_phone(text)) is not None:
                found.phones.add(phone)
                found.resident_ids |= set(
                    conn.scalars(
                        select(bo.ResidentRow.resident_id).where(
                            _squeezed(bo.ResidentRow.phone).in_(_phone_forms({phone}))
                        )
                    )
                )
            elif (postcode := _postcode_and_surname(text)) is not None:
                code, surname = postcode
                found.resident_ids |= set(
                    conn.scalars(
                        select(bo.ResidentRow.resident_id)
                        .join(bo.PropertyRow, bo.PropertyRow.uprn == bo.ResidentRow.uprn)
                        .where(
                            func.replace(func.upper(bo.PropertyRow.postcode), " ", "") == code,
                            func.lower(bo.ResidentRow.surname) == surname.lower(),
                        )
                    )
                )
            else:
                ref = text.upper()
                holders = set(
                    conn.scalars(
                        select(bo.CouncilTaxHolderRow.resident_id).where(
                            bo.CouncilTaxHolderRow.reference == ref
                        )
                    )
                )
                tenants = set(
                    conn.scalars(
                        select(bo.TenantRow.resident_id).where(
                            bo.TenantRow.tenancy_reference == ref
                        )
                    )
                )
                case_owner = conn.execute(
                    select(bo.CaseRow.resident_id).where(bo.CaseRow.reference == ref)
                ).first()
                resident = conn.scalar(
                    select(bo.ResidentRow.resident_id).where(bo.ResidentRow.resident_id == ref)
                )
                found.resident_ids |= holders | tenants
                if case_owner is not None:
                    found.cases.add(ref)
                    if case_owner.resident_id:
                        found.resident_ids.add(case_owner.resident_id)
                if resident:
                    found.resident_ids.add(resident)
                if holders or tenants:
                    found.references.add(ref)
                mentioned = conn.scalar(
                    select(func.count())
                    .select_from(ho.conversations)
                    .where(
                        or_(
                            ho.conversations.c.verified_refs.contains(ref),
                            ho.conversations.c.verified_resident_id == ref,
                        )
                    )
                )
                if mentioned:
                    found.references.add(ref)
                found.payment_references |= self._payment_named(conn, ref, found)
            if found.resident_ids:
                ids = found.resident_ids
                found.references |= set(
                    conn.scalars(
                        select(bo.CouncilTaxHolderRow.reference).where(
                            bo.CouncilTaxHolderRow.resident_id.in_(ids)
                        )
                    )
                )
                found.references |= set(
                    conn.scalars(
                        select(bo.TenantRow.tenancy_reference).where(
                            bo.TenantRow.resident_id.in_(ids)
                        )
                    )
                )
                found.cases |= set(
                    conn.scalars(
                        select(bo.CaseRow.reference).where(bo.CaseRow.resident_id.in_(ids))
                    )
                )
                found.emails |= {
                    e.lower()
                    for e in conn.scalars(
                        select(bo.ResidentRow.email).where(bo.ResidentRow.resident_id.in_(ids))
                    )
                    if e
                }
                found.phones |= {
                    p
                    for raw in conn.scalars(
                        select(bo.ResidentRow.phone).where(bo.ResidentRow.resident_id.in_(ids))
                    )
                    if raw and (p := national_phone(raw))
                }
            found.notification_ids |= set(conn.scalars(self._notifications_to(found)))
            found.subscription_ids |= set(conn.scalars(self._subscriptions_of(found)))
            found.conversation_ids |= set(
                conn.scalars(select(ho.conversations.c.id).where(self._conversation_match(found)))
            )
            # last: a bulky booking's payment may name only the chat it was booked in
            found.payment_references |= self._payments_of(conn, found)
        return found

    @staticmethod
    def _payment_named(conn: Any, ref: str, found: Identity) -> set[str]:
        """A payment by its own reference or its bulky booking's; the payer's email
        and resident id then find the rest of what is held about them."""
        rows = _rows(
            conn,
            select(pay.payments.c.reference, pay.payments.c.order).where(
                or_(pay.payments.c.reference == ref, pay.payments.c.booking_reference == ref)
            ),
        )
        for row in rows:
            order = _order(row.order)
            if isinstance(order.get("email"), str) and order["email"]:
                email = order["email"].lower()
                found.emails.add(email)
                found.resident_ids |= set(
                    conn.scalars(
                        select(bo.ResidentRow.resident_id).where(
                            func.lower(bo.ResidentRow.email) == email
                        )
                    )
                )
            if isinstance(order.get("resident_id"), str) and order["resident_id"]:
                found.resident_ids.add(order["resident_id"])
        return {row.reference for row in rows}

    @staticmethod
    def _payments_of(conn: Any, found: Identity) -> set[str]:
        """Card payments whose order names one of the subject's emails (a fee's
        payer), resident ids or conversations (a bulky-waste booking), or that
        pay for one of their bulky bookings. The order is JSON text: the SQL
        narrows by substring, the JSON decides (``a@x.org`` is not ``la@x.org``)."""
        order = pay.payments.c.order
        wanted = {
            "email": found.emails,
            "resident_id": found.resident_ids,
            "conversation_id": found.conversation_ids,
        }
        # an order written before payments stored UTF-8 as is holds "\u00e2" for "â"
        spellings = {form for e in found.emails for form in (e, json.dumps(e)[1:-1])}
        needles = [func.lower(order).contains(e, autoescape=True) for e in sorted(spellings)]
        needles += [
            order.contains(v, autoescape=True)
            for v in sorted(found.resident_ids | found.conversation_ids)
        ]
        references: set[str] = set()
        if needles:
            for row in _rows(conn, select(pay.payments.c.reference, order).where(or_(*needles))):
                named = _order(row.order)
                for key, values in wanted.items():
                    value = named.get(key)
                    if not isinstance(value, str):
                        continue
                    if (value.lower() if key == "email" else value) in values:
                        references.add(row.reference)
        if found.resident_ids:
            booking = bo.BulkyBookingRow
            references |= {
                reference
                for reference in conn.scalars(
                    select(booking.payment_reference).where(
                        booking.resident_id.in_(found.resident_ids)
                    )
                )
                if reference
            }
        return references

    @staticmethod
    def _notifications_to(found: Identity) -> Any:
        """Notify's outbox rows addressed to one of the subject's emails or phones."""
        out = nt.outbox.c
        phones = _phone_forms(found.phones)
        return select(out.id).where(
            or_(
                and_(out.channel == "email", func.lower(out.recipient).in_(found.emails)),
                and_(out.channel == "sms", _squeezed(out.recipient).in_(phones)),
            )
        )

    @staticmethod
    def _subscriptions_of(found: Identity) -> Any:
        """Notify's subscriptions by one of the subject's emails or phones (the
        subscriptions keep phones in national form, digits only)."""
        sub = nt.subscriptions.c
        return select(sub.id).where(
            or_(
                and_(sub.channel == "email", func.lower(sub.contact).in_(found.emails)),
                and_(sub.channel == "sms", sub.contact.in_(found.phones)),
            )
        )

    @staticmethod
    def _conversation_match(found: Identity) -> ColumnElement[bool]:
        conv = ho.conversations.c
        conditions: list[ColumnElement[bool]] = [conv.id.in_(found.conversation_ids)]
        if found.resident_ids:
            conditions.append(conv.verified_resident_id.in_(found.resident_ids))
        conditions += [conv.verified_refs.contains(ref) for ref in sorted(found.references)]
        if found.cases:
            conditions.append(
                conv.id.in_(
                    select(ho.transcripts.c.conversation_id).where(
                        ho.transcripts.c.case_reference.in_(found.cases)
                    )
                )
            )
        return or_(*conditions)

    def gather(self, found: Identity) -> dict[str, list[dict[str, Any]]]:
        """Every row held about the subject, by store, as plain JSON-ready dicts."""
        ids = sorted(found.conversation_ids)
        payments = sorted(found.payment_references)
        subjects = [f"conversation:{cid}" for cid in ids]
        subjects += [
            f"{kind}:{ref}"
            for kind in ("resident", "reference")
            for ref in sorted(found.references | found.resident_ids)
        ]
        # staff who unsubscribed them on their behalf (notify's staff page)
        subjects += [f"subscription:{sid}" for sid in sorted(found.subscription_ids)]
        with self.engine.connect() as conn:
            data = {
                "conversations": _dicts(
                    conn,
                    select(ho.conversations)
                    .where(ho.conversations.c.id.in_(ids))
                    .order_by(ho.conversations.c.created_at),
                ),
                "messages": _dicts(
                    conn,
                    select(ho.events)
                    .where(ho.events.c.conversation_id.in_(ids), ho.events.c.kind == "message")
                    .order_by(ho.events.c.conversation_id, ho.events.c.seq),
                ),
                "transcripts": _dicts(
                    conn, select(ho.transcripts).where(ho.transcripts.c.conversation_id.in_(ids))
                ),
                "cases_raised_in_chat": _dicts(
                    conn,
                    select(ho.transcripts.c.conversation_id, ho.transcripts.c.case_reference).where(
                        ho.transcripts.c.conversation_id.in_(ids),
                        ho.transcripts.c.case_reference.is_not(None),
                    ),
                ),
                "verification_attempts": _dicts(
                    conn,
                    select(bot.verification_attempts).where(
                        bot.verification_attempts.c.conversation_id.in_(ids)
                    ),
                ),
                "verification_grants": _dicts(
                    conn,
                    select(*GRANT_COLUMNS).where(
                        bot.verification_grants.c.conversation_id.in_(ids)
                    ),
                ),
                "content_gaps": _dicts(conn, select(GAPS).where(GAPS.c.conversation_id.in_(ids))),
                "bot_answers": _dicts(
                    conn,
                    select(bot.answer_feedback)
                    .where(bot.answer_feedback.c.conversation_id.in_(ids))
                    .order_by(bot.answer_feedback.c.answered_at),
                ),
                "notifications": _dicts(
                    conn,
                    select(nt.outbox)
                    .where(nt.outbox.c.id.in_(sorted(found.notification_ids)))
                    .order_by(nt.outbox.c.id),
                ),
                "subscriptions": _dicts(
                    conn,
                    select(nt.subscriptions)
                    .where(nt.subscriptions.c.id.in_(sorted(found.subscription_ids)))
                    .order_by(nt.subscriptions.c.id),
                ),
                "payments": [
                    {**row, "order": _order(row["order"])}
                    for row in _dicts(
                        conn,
                        select(*PAYMENT_COLUMNS)
                        .where(pay.payments.c.reference.in_(payments))
                        .order_by(pay.payments.c.created_at),
                    )
                ],
                "refunds": _dicts(
                    conn,
                    select(pay.refunds)
                    .where(pay.refunds.c.reference.in_(payments))
                    .order_by(pay.refunds.c.requested_at),
                ),
                "reported_problems": _dicts(
                    conn,
                    select(*REPORT_COLUMNS)
                    .where(
                        bo.CaseRow.reference.in_(sorted(found.cases)),
                        bo.CaseRow.case_type.in_([kind.value for kind in PROBLEM_TYPES]),
                    )
                    .order_by(bo.CaseRow.created_at),
                ),
                "report_photos": [
                    {**row, "file": photo_file(row)}
                    for row in _dicts(
                        conn,
                        select(*PHOTO_COLUMNS)
                        .where(rp.photos.c.case_reference.in_(sorted(found.cases)))
                        .order_by(rp.photos.c.created_at, rp.photos.c.photo_id),
                    )
                ],
                "audit_entries": _dicts(
                    conn,
                    select(AUDIT)
                    .where(
                        or_(
                            AUDIT.c.subject.in_(subjects),
                            *[
                                AUDIT.c.detail.contains(f'"{ref}"')
                                for ref in sorted(found.references | found.cases)
                            ],
                        )
                    )
                    .order_by(AUDIT.c.id),
                ),
            }
        return data

    def photo_files(self, found: Identity) -> dict[str, bytes]:
        """The photos of the subject's reports, by their file name in the bundle."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(rp.photos.c.case_reference, rp.photos.c.photo_id,
                       rp.photos.c.content_type, rp.photos.c.data)
                .where(rp.photos.c.case_reference.in_(sorted(found.cases)))
            ).all()  # fmt: skip
        return {photo_file(row._mapping): bytes(row.data) for row in rows}

    def erase(self, found: Identity) -> dict[str, int]:
        """Delete the conversations (their messages, transcripts, assignments go with
        them), the bot's verification records and answer log, the gaps they left, and
        the emails and texts sent to them (one still waiting to go is not sent) and
        their subscriptions (nothing more is sent), the photos of the problems they
        reported, and the card payments that took no money; trim the ones that did
        (:meth:`_erase_payments`)."""
        ids = sorted(found.conversation_ids)
        removed: dict[str, int] = {}
        with self.engine.begin() as conn:
            # The conversations first, in id order: the handoff service's lock order
            # (handoff/store/sql.py). Deleting their assignments before locking them
            # deadlocked with an advisor writing in the chat (PostgreSQL).
            c = ho.conversations.c
            conn.execute(select(c.id).where(c.id.in_(ids)).order_by(c.id).with_for_update()).all()
            for name, table in (
                ("verification_attempts", bot.verification_attempts),
                ("verification_grants", bot.verification_grants),
                ("content_gaps", cast(Table, ContentGap.__table__)),
                ("bot_answers", bot.answer_feedback),
            ):
                removed[name] = conn.execute(
                    delete(table).where(table.c.conversation_id.in_(ids))
                ).rowcount
            removed["messages"] = conn.execute(
                delete(ho.events).where(ho.events.c.conversation_id.in_(ids))
            ).rowcount
            for name, table in (("transcripts", ho.transcripts), ("assignments", ho.assignments)):
                removed[name] = conn.execute(
                    delete(table).where(table.c.conversation_id.in_(ids))
                ).rowcount
            removed["conversations"] = conn.execute(
                delete(ho.conversations).where(ho.conversations.c.id.in_(ids))
            ).rowcount
            removed["notifications"] = conn.execute(
                delete(nt.outbox).where(nt.outbox.c.id.in_(sorted(found.notification_ids)))
            ).rowcount
            removed["subscriptions"] = conn.execute(
                delete(nt.subscriptions).where(
                    nt.subscriptions.c.id.in_(sorted(found.subscription_ids))
                )
            ).rowcount
            removed["report_photos"] = conn.execute(
                delete(rp.photos).where(rp.photos.c.case_reference.in_(sorted(found.cases)))
            ).rowcount
            removed["payments"], removed["payment_emails"] = self._erase_payments(conn, found)
        return removed

    def _erase_payments(self, conn: Connection, found: Identity) -> tuple[int, int]:
        """Delete the payments that took no money (failed, cancelled, expired, or
        never started); of those that did, the council's financial record, take
        out only what the accounts do not need: the payer's email (the receipt is
        sent) and the chat it was booked in (erased above). A payment still in
        progress is left alone: the card page may yet take the money."""
        p = pay.payments.c
        references = sorted(found.payment_references)
        deleted = conn.execute(
            delete(pay.payments).where(
                p.reference.in_(references),
                p.status.in_(NO_MONEY_MOVED),
                p.reference.not_in(select(pay.refunds.c.reference)),
            )
        ).rowcount
        trimmed = 0
        kept = conn.execute(
            select(p.reference, p.order).where(
                p.reference.in_(references), p.status.in_(MONEY_MOVED)
            )
        ).all()
        for row in kept:
            order = _order(row.order)
            less = {k: v for k, v in order.items() if k not in ("email", "conversation_id")}
            if less != order:
                conn.execute(
                    update(pay.payments)
                    .where(p.reference == row.reference)
                    .values(order=json.dumps(less, sort_keys=True))
                )
                trimmed += 1
        return deleted, trimmed

    def kept_payments(self, found: Identity) -> list[KeptPayment]:
        """The subject's payments an erasure leaves: financial records, and any
        still in progress."""
        p = pay.payments.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(p.reference, p.status, p.amount_pence, p.settled_at, p.expires_at)
                .where(
                    p.reference.in_(sorted(found.payment_references)),
                    or_(p.status.in_(MONEY_MOVED), p.settled_at.is_(None)),
                )
                .order_by(p.created_at)
            ).all()
        return [KeptPayment(**row._mapping) for row in rows]


_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def photo_file(row: Any) -> str:
    """Where a report's photo sits in the bundle: ``photos/<case>-<photo id>.<ext>``
    (both ids are ours: letters, digits and dashes, safe as a file name)."""
    extension = _EXTENSIONS.get(row["content_type"], "bin")
    safe = re.sub(r"[^A-Za-z0-9-]", "", f"{row['case_reference']}-{row['photo_id']}")
    return f"photos/{safe}.{extension}"


def _order(text: str | None) -> dict[str, Any]:
    """A payment's order (JSON text); anything unreadable names nobody."""
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _dicts(conn: Any, query: Any) -> list[dict[str, Any]]:
    return [
        {
            key: (value.isoformat() if isinstance(value, datetime) else value)
            for key, value in row._mapping.items()
        }
        for row in conn.execute(query)
    ]


_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?) ?(\d[A-Z]{2})\s+([A-Za-z' -]+)$", re.IGNORECASE)


def _postcode_and_surname(text: str) -> tuple[str, str] | None:
    match = _POSTCODE.match(text)
    if match is None:
        return None
    return (match.group(1) + match.group(2)).upper(), match.group(3).strip()
