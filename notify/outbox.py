"""The durable outbox: enqueue (idempotent), claim due rows, record outcomes, list.

Every message is one row keyed by its idempotency key. Enqueueing a key that
is already there returns the existing row and sends nothing new. The sender
claims due rows by moving them to ``sending`` with a lease; a row whose lease
ran out (its worker died) is due again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine, RowMapping
from sqlalchemy.exc import IntegrityError

from frontdoor.notifications import Notification
from notify.models import outbox
from notify.ports import CHANNELS, Channel, Message

STATUSES = ("queued", "sending", "sent", "failed", "permanent-failure")
KEY_MAX = 200


class InvalidMessage(ValueError):
    """A message the outbox refuses (the reason is the text)."""


@dataclass(frozen=True)
class OutboxRow:
    id: int
    idempotency_key: str
    channel: str
    template_id: str
    recipient: str
    personalisation: dict[str, str]
    status: str
    attempts: int
    next_attempt_at: datetime
    provider_id: str | None
    error: str | None
    created_at: datetime
    sent_at: datetime | None

    @property
    def message(self) -> Message:
        channel: Channel = "sms" if self.channel == "sms" else "email"
        return Message(
            channel, self.template_id, self.recipient, self.idempotency_key, self.personalisation
        )


def _row(mapping: RowMapping) -> OutboxRow:
    values = {k: mapping[k] for k in OutboxRow.__dataclass_fields__ if k != "personalisation"}
    return OutboxRow(personalisation=json.loads(mapping["personalisation"]), **values)


def _validate(message: Message) -> None:
    if message.channel not in CHANNELS:
        raise InvalidMessage(f"channel must be one of {', '.join(CHANNELS)}")
    if not message.reference.strip() or len(message.reference) > KEY_MAX:
        raise InvalidMessage(f"the idempotency key must be 1 to {KEY_MAX} characters")
    if not message.template_id.strip():
        raise InvalidMessage("a message needs a template id")
    if not message.recipient.strip():
        raise InvalidMessage("a message needs a recipient")
    if message.channel == "email" and "@" not in message.recipient:
        raise InvalidMessage("an email recipient must be an email address")
    if not all(isinstance(v, str) for v in message.personalisation.values()):
        raise InvalidMessage("personalisation values must be text")


def enqueue(engine: Engine, message: Message, *, now: datetime) -> tuple[OutboxRow, bool]:
    """Put ``message`` in the outbox; returns its row and whether it is new.

    The same idempotency key always gives the same row: never a second message.
    """
    _validate(message)
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(outbox).values(
                    idempotency_key=message.reference,
                    channel=message.channel,
                    template_id=message.template_id,
                    recipient=message.recipient,
                    personalisation=json.dumps(message.personalisation, sort_keys=True),
                    status="queued",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        created = True
    except IntegrityError:
        created = False
    row = get(engine, message.reference)
    assert row is not None
    return row, created


def enqueue_many(engine: Engine, messages: Sequence[Message], *, now: datetime) -> int:
    """Put every message in the outbox in one transaction; returns how many were new.
    A key already there is skipped, as :func:`enqueue` would (``ON CONFLICT DO
    NOTHING`` covers a concurrent run): a scheduler's round costs one commit,
    not one per message."""
    for message in messages:
        _validate(message)
    there = known_keys(engine, [m.reference for m in messages])
    fresh = {m.reference: m for m in messages if m.reference not in there}
    if not fresh:
        return 0
    rows = [
        {
            "idempotency_key": m.reference,
            "channel": m.channel,
            "template_id": m.template_id,
            "recipient": m.recipient,
            "personalisation": json.dumps(m.personalisation, sort_keys=True),
            "status": "queued",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for m in fresh.values()
    ]
    make = postgresql_insert if engine.dialect.name == "postgresql" else sqlite_insert
    statement = make(outbox).on_conflict_do_nothing(index_elements=["idempotency_key"])
    with engine.begin() as conn:  # a concurrent run's rows are skipped, not duplicated
        conn.execute(statement, rows)
    return len(fresh)


def known_keys(engine: Engine, keys: Sequence[str]) -> set[str]:
    """Which of ``keys`` are already in the outbox."""
    found: set[str] = set()
    with engine.connect() as conn:
        for start in range(0, len(keys), 500):
            chunk = list(keys[start : start + 500])
            column = outbox.c.idempotency_key
            found |= set(conn.scalars(select(column).where(column.in_(chunk))))
    return found


def get(engine: Engine, key: str) -> OutboxRow | None:
    with engine.connect() as conn:
        found = conn.execute(select(outbox).where(outbox.c.idempotency_key == key)).mappings()
        first = found.first()
    return None if first is None else _row(first)


def claim_due(engine: Engine, *, now: datetime, limit: int, lease: timedelta) -> list[OutboxRow]:
    """Move up to ``limit`` due rows to ``sending`` under a lease and return them.

    Due: queued or failed with ``next_attempt_at`` reached, or sending with an
    expired lease (a dead worker's). On PostgreSQL concurrent senders skip
    each other's rows (``FOR UPDATE SKIP LOCKED``).
    """
    due = or_(
        and_(outbox.c.status.in_(("queued", "failed")), outbox.c.next_attempt_at <= now),
        and_(outbox.c.status == "sending", outbox.c.lease_until <= now),
    )
    with engine.begin() as conn:
        ids = list(
            conn.scalars(
                select(outbox.c.id)
                .where(due)
                .order_by(outbox.c.next_attempt_at, outbox.c.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            return []
        conn.execute(
            update(outbox)
            .where(outbox.c.id.in_(ids))
            .values(status="sending", lease_until=now + lease, attempts=outbox.c.attempts + 1)
        )
        rows = conn.execute(select(outbox).where(outbox.c.id.in_(ids)).order_by(outbox.c.id))
        return [_row(m) for m in rows.mappings()]


def _finish(conn: Connection, row_id: int, **values: Any) -> None:
    conn.execute(
        update(outbox)
        .where(outbox.c.id == row_id, outbox.c.status == "sending")
        .values(lease_until=None, **values)
    )


def mark_sent(engine: Engine, row_id: int, *, provider_id: str, now: datetime) -> None:
    with engine.begin() as conn:
        _finish(conn, row_id, status="sent", provider_id=provider_id, sent_at=now, error=None)


def mark_failed(engine: Engine, row_id: int, *, error: str, retry_at: datetime | None) -> None:
    """A temporary failure retried at ``retry_at``, or (``None``) a permanent one."""
    with engine.begin() as conn:
        if retry_at is None:
            _finish(conn, row_id, status="permanent-failure", error=error[:2000])
        else:
            _finish(conn, row_id, status="failed", error=error[:2000], next_attempt_at=retry_at)


@dataclass(frozen=True)
class Page:
    rows: Sequence[OutboxRow]
    total: int
    page: int
    pages: int
    counts: Mapping[str, int]


def page(engine: Engine, *, status: str | None = None, number: int = 1, size: int = 50) -> Page:
    """The outbox newest first, ``size`` rows a page, optionally one status only."""
    if status is not None and status not in STATUSES:
        raise InvalidMessage(f"status must be one of {', '.join(STATUSES)}")
    where = [] if status is None else [outbox.c.status == status]
    with engine.connect() as conn:
        grouped = select(outbox.c.status, func.count()).group_by(outbox.c.status)
        counts = {str(name): int(n) for name, n in conn.execute(grouped).all()}
        total = sum(counts.values()) if status is None else counts.get(status, 0)
        pages = max(1, -(-total // size))
        number = min(max(1, number), pages)
        rows = conn.execute(
            select(outbox)
            .where(*where)
            .order_by(outbox.c.id.desc())
            .limit(size)
            .offset((number - 1) * size)
        ).mappings()
        listed = [_row(m) for m in rows]
    return Page(listed, total, number, pages, {s: counts.get(s, 0) for s in STATUSES})


class OutboxNotifications:
    """Core's notifications port (``frontdoor.notifications``) on this outbox: what
    other components queue here is sent on by the sender like any other message."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def enqueue(self, notification: Notification, *, now: datetime) -> bool:
        _, created = enqueue(self.engine, _message(notification), now=now)
        return created

    def enqueue_all(self, notifications: Sequence[Notification], *, now: datetime) -> int:
        """Queue them all in one transaction; how many were new."""
        return enqueue_many(self.engine, [_message(n) for n in notifications], now=now)

    def known(self, keys: Sequence[str]) -> set[str]:
        """Which of these idempotency keys were queued already."""
        return known_keys(self.engine, keys)


def _message(notification: Notification) -> Message:
    return Message(
        notification.channel,
        notification.template,
        notification.recipient,
        notification.key,
        dict(notification.personalisation),
    )
