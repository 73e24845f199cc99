"""Every SQL statement of the payments component (both tables).

A payment's journey status only moves out of ``pending`` through
:func:`settle`, a conditional update, so two returns racing each other
settle it once; the loser reads the winner's outcome.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine, RowMapping
from sqlalchemy.exc import IntegrityError

from payments.models import demo_payments, payments

PENDING = "pending"
CREATING = "creating"  # asked the provider, no answer yet
SETTLED = ("booked", "failed", "cancelled", "expired", "refund-due", "error")


@dataclass(frozen=True)
class PaymentRecord:
    reference: str
    idempotency_key: str
    purpose: str
    provider: str
    provider_id: str | None
    amount_pence: int
    description: str
    language: str
    status: str
    provider_status: str | None
    failure_code: str | None
    next_url: str | None
    hold_id: str | None
    booking_reference: str | None
    collection_day: str | None
    order: dict[str, Any]
    created_at: datetime
    expires_at: datetime
    settled_at: datetime | None

    @property
    def settled(self) -> bool:
        return self.status in SETTLED


def _record(row: RowMapping) -> PaymentRecord:
    values = dict(row)
    values["order"] = json.loads(values["order"])
    return PaymentRecord(**values)


def create(engine: Engine, record: PaymentRecord) -> tuple[PaymentRecord, bool]:
    """Insert ``record``; the same idempotency key returns the first (and False)."""
    values = {**record.__dict__, "order": json.dumps(record.order, sort_keys=True)}
    try:
        with engine.begin() as conn:
            conn.execute(insert(payments).values(**values))
    except IntegrityError:
        found = by_key(engine, record.idempotency_key)
        if found is None:
            raise
        return found, False
    return record, True


def get(engine: Engine, reference: str) -> PaymentRecord | None:
    with engine.connect() as conn:
        row = conn.execute(select(payments).where(payments.c.reference == reference[:32]))
        first = row.mappings().first()
    return None if first is None else _record(first)


def by_key(engine: Engine, key: str) -> PaymentRecord | None:
    with engine.connect() as conn:
        row = conn.execute(select(payments).where(payments.c.idempotency_key == key))
        first = row.mappings().first()
    return None if first is None else _record(first)


def created(
    engine: Engine, reference: str, *, provider_id: str, next_url: str | None, provider_status: str
) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(payments)
            .where(payments.c.reference == reference, payments.c.status == CREATING)
            .values(
                status=PENDING,
                provider_id=provider_id,
                next_url=next_url,
                provider_status=provider_status,
            )
        )


def seen(engine: Engine, reference: str, *, provider_status: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(payments)
            .where(payments.c.reference == reference)
            .values(provider_status=provider_status)
        )


def settle(engine: Engine, reference: str, *, status: str, now: datetime, **values: Any) -> bool:
    """Move an unsettled payment to ``status``; False when another request did first."""
    assert status in SETTLED
    with engine.begin() as conn:
        result = conn.execute(
            update(payments)
            .where(payments.c.reference == reference, payments.c.status.in_((PENDING, CREATING)))
            .values(status=status, settled_at=now, **values)
        )
    return result.rowcount == 1


def overdue(engine: Engine, *, now: datetime, limit: int = 500) -> list[str]:
    """Unsettled payments whose hold has expired (the sweep settles them)."""
    with engine.connect() as conn:
        found = conn.scalars(
            select(payments.c.reference)
            .where(payments.c.status.in_((PENDING, CREATING)), payments.c.expires_at <= now)
            .order_by(payments.c.expires_at)
            .limit(limit)
        )
        return list(found)


def recent(engine: Engine, *, limit: int = 20) -> list[PaymentRecord]:
    with engine.connect() as conn:
        rows = conn.execute(select(payments).order_by(payments.c.created_at.desc()).limit(limit))
        return [_record(row) for row in rows.mappings()]


# --- the demo provider's payments ---------------------------------------------------


@dataclass(frozen=True)
class DemoRecord:
    payment_id: str
    reference: str
    amount_pence: int
    description: str
    return_url: str
    language: str
    status: str
    code: str | None
    created_at: datetime


def demo_create(engine: Engine, record: DemoRecord) -> None:
    with engine.begin() as conn:
        conn.execute(insert(demo_payments).values(**record.__dict__))


def demo_get(engine: Engine, payment_id: str) -> DemoRecord | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(demo_payments).where(demo_payments.c.payment_id == payment_id[:32])
        ).mappings()
        first = row.first()
    return None if first is None else DemoRecord(**dict(first))


def demo_finish(
    engine: Engine, payment_id: str, *, status: str, code: str | None, unfinished: tuple[str, ...]
) -> bool:
    """Finish a demo payment that has not finished yet; False if it had."""
    with engine.begin() as conn:
        result = conn.execute(
            update(demo_payments)
            .where(demo_payments.c.payment_id == payment_id, demo_payments.c.status.in_(unfinished))
            .values(status=status, code=code)
        )
    return result.rowcount == 1


def demo_start(engine: Engine, payment_id: str) -> None:
    """The resident opened the page: created -> started (as GOV.UK Pay does)."""
    with engine.begin() as conn:
        conn.execute(
            update(demo_payments)
            .where(demo_payments.c.payment_id == payment_id, demo_payments.c.status == "created")
            .values(status="started")
        )
