"""The audit log of staff access: append-only and tamper-evident.

A council must be able to say which member of staff looked at a resident's
balance, who signed in (and who failed to), who exported or erased what. Each
entry stores the sha256 of the entry before it together with its own fields,
so changing or deleting any entry in the middle breaks every hash after it and
``frontdoor audit verify`` finds the first broken one.

- A core component of its own (``audit``: it has no seed), so that accounts,
  handoff and privacy can all write to it; migration ``aud_0001``.
  Database triggers refuse ``UPDATE`` on both SQLite and PostgreSQL; the only
  delete is the retention purge of whole entries from the *start* of the chain
  (older than the audit schedule, six years by default): verification then
  starts from the oldest entry left, whose ``prev_hash`` is the anchor.
- Writers take the chain's lock (see :func:`_lock_chain`) and ``prev_hash`` is
  unique, so the chain never forks. Callers pass their own session and commit;
  a rolled-back request leaves no entry, which is right for a view that did
  not happen.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Integer, String, Text, delete, false, select, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from frontdoor.clock import Clock, system_clock
from frontdoor.db import AwareDateTime, new_metadata

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x46444155  # 'FDAU'


metadata = new_metadata()


class Base(DeclarativeBase):
    metadata = metadata


class AuditAction(StrEnum):
    """What happened. Stored as text: new actions need no migration."""

    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    ROLE_CHANGED = "role_changed"
    TEAM_CHANGED = "team_changed"
    VIEW_RESIDENT = "view_resident"
    VIEW_BALANCE = "view_balance"
    VIEW_CASES = "view_cases"
    VIEW_TRANSCRIPT = "view_transcript"
    PUBLISH = "publish"  # a reviewer approves (or an import publishes) a revision
    UNPUBLISH = "unpublish"  # a live article archived: taken off the website and search
    SCHEDULED_PUBLISH = "scheduled_publish"  # an approved revision's publish_at came due
    SCHEDULED_UNPUBLISH = "scheduled_unpublish"  # its unpublish_at came due
    SUBJECT_SEARCH = "subject_search"
    SUBJECT_EXPORT = "subject_export"
    ERASURE = "erasure"
    LEGAL_HOLD = "legal_hold"
    LEGAL_HOLD_LIFTED = "legal_hold_lifted"
    AUDIT_EXPORT = "audit_export"
    PURGE = "purge"
    TWO_FACTOR_ENROLLED = "two_factor_enrolled"
    TWO_FACTOR_RESET = "two_factor_reset"
    TWO_FACTOR_POLICY = "two_factor_policy"  # required for everyone, or for one person
    REVIEW_DISMISSED = "review_dismissed"  # missed messages dismissed (knowledge/gaps.py)
    REVIEW_DRAFTED = "review_drafted"
    REVIEW_ALTERNATIVES = "review_alternatives"
    REVIEW_TRAINED = "review_trained"
    BOT_RETRAINED = "bot_retrained"  # a retraining finished (knowledge/retraining.py)
    PAYMENT_REFUND = "payment_refund"  # staff refunded a refund-due payment (payments/staff.py)
    SUBSCRIPTION_ENDED = "subscription_ended"  # staff unsubscribed a resident for them (notify)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(254))  # the staff email, or "system"
    action: Mapped[str] = mapped_column(String(40), index=True)
    subject: Mapped[str] = mapped_column(String(200), default="", index=True)
    detail: Mapped[str] = mapped_column(Text, default="{}")  # canonical JSON
    client_ip: Mapped[str] = mapped_column(String(64), default="")
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64))


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    actor: str
    action: str
    subject: str
    detail: dict[str, Any]
    client_ip: str
    hash: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.astimezone(UTC).isoformat(),
            "actor": self.actor,
            "action": self.action,
            "subject": self.subject,
            "detail": self.detail,
            "client_ip": self.client_ip,
            "hash": self.hash,
        }


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_at: int | None  # id of the first entry whose hash or link is wrong
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def _canonical_detail(detail: Mapping[str, Any] | None) -> str:
    return json.dumps(dict(detail or {}), sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(
    *,
    prev_hash: str,
    at: datetime,
    actor: str,
    action: str,
    subject: str,
    detail: str,
    client_ip: str,
) -> str:
    """sha256 over the previous hash and this entry's fields, unambiguously joined."""
    moment = at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")
    payload = json.dumps(
        [prev_hash, moment, actor, action, subject, detail, client_ip],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _head(session: Session) -> str:
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    return last or GENESIS


def record(
    session: Session,
    *,
    actor: str,
    action: AuditAction,
    subject: str = "",
    detail: Mapping[str, Any] | None = None,
    client_ip: str = "",
    clock: Clock = system_clock,
) -> AuditRecord:
    """Append one entry to the chain (flushed, not committed: the caller commits).

    ``subject`` names what was touched (``resident:CT40012345``,
    ``conversation:42``, ``user:7``); ``detail`` is small JSON, never the
    personal data itself (say "viewed balance", not the balance).
    """
    at = clock()
    text_detail = _canonical_detail(detail)
    actor, subject, client_ip = actor[:254], subject[:200], client_ip[:64]
    _lock_chain(session)
    prev = _head(session)
    digest = entry_hash(
        prev_hash=prev,
        at=at,
        actor=actor,
        action=action.value,
        subject=subject,
        detail=text_detail,
        client_ip=client_ip,
    )
    entry = AuditEntry(
        at=at,
        actor=actor,
        action=action.value,
        subject=subject,
        detail=text_detail,
        client_ip=client_ip,
        prev_hash=prev,
        hash=digest,
    )
    session.add(entry)
    session.flush()
    return _to_record(entry)


def _lock_chain(session: Session) -> None:
    """Hold the chain's write lock until the caller's transaction ends.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: any write statement
    takes the database's one write lock, so a no-op delete does. Either way the
    head read next cannot change before this entry is committed (and the unique
    ``prev_hash`` would refuse a fork if it somehow did).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    else:
        session.execute(delete(AuditEntry).where(false()))


def _to_record(entry: AuditEntry) -> AuditRecord:
    return AuditRecord(
        id=entry.id,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        subject=entry.subject,
        detail=json.loads(entry.detail or "{}"),
        client_ip=entry.client_ip,
        hash=entry.hash,
    )


def list_entries(
    session: Session,
    *,
    limit: int = 50,
    subject: str | None = None,
    subjects: tuple[str, ...] = (),
    actor: str | None = None,
    action: str | None = None,
    subject_contains: str | None = None,
    before_id: int | None = None,
) -> list[AuditRecord]:
    """The newest entries first, optionally for one subject (or any of several),
    actor or action; ``subject_contains`` matches part of a subject and
    ``before_id`` pages back (entries older than that id)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(max(1, limit))
    if action is not None:
        query = query.where(AuditEntry.action == action)
    if subject_contains:
        query = query.where(AuditEntry.subject.contains(subject_contains, autoescape=True))
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    if subject is not None:
        query = query.where(AuditEntry.subject == subject)
    if subjects:
        query = query.where(AuditEntry.subject.in_(subjects))
    if actor is not None:
        query = query.where(AuditEntry.actor == actor)
    return [_to_record(entry) for entry in session.scalars(query)]


def _in_order(session: Session, batch: int = 5000) -> Iterator[AuditEntry]:
    last_id = 0
    while True:
        rows = list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.id > last_id)
                .order_by(AuditEntry.id)
                .limit(batch)
            )
        )
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id
        session.expunge_all()


def verify(session: Session) -> VerifyResult:
    """Walk the chain from the oldest entry kept; report the first broken link."""
    checked = 0
    expected_prev: str | None = None  # the oldest entry kept anchors the chain
    for entry in _in_order(session):
        if expected_prev is not None and entry.prev_hash != expected_prev:
            return VerifyResult(checked, entry.id, "an entry before it was removed or changed")
        digest = entry_hash(
            prev_hash=entry.prev_hash,
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            subject=entry.subject,
            detail=entry.detail,
            client_ip=entry.client_ip,
        )
        if digest != entry.hash:
            return VerifyResult(checked, entry.id, "its content does not match its hash")
        expected_prev = entry.hash
        checked += 1
    return VerifyResult(checked, None)
