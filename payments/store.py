"""Every SQL statement of the payments component (its four tables).

A payment's journey status only moves out of ``pending`` through
:func:`settle`, a conditional update, so two returns racing each other
settle it once; the loser reads the winner's outcome.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Engine, RowMapping
from sqlalchemy.exc import IntegrityError

from payments.models import demo_payments, demo_refunds, payments, refunds

PENDING = "pending"
CREATING = "creating"  # asked the provider, no answer yet
SETTLED = ("booked", "paid", "failed", "cancelled", "expired", "refund-due", "error")


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
    # ensure_ascii=False: an email with accents is stored as written, so a subject
    # access search by it finds the payment (privacy.store._payments_of)
    values = {
        **record.__dict__,
        "order": json.dumps(record.order, sort_keys=True, ensure_ascii=False),
    }
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


# --- refunds of refund-due payments ----------------------------------------------------

REFUND_DUE = "refund-due"
REQUESTING = "requesting"
# a refund in one of these states may be asked for again (nothing was paid back, or
# what happened must be looked up first: the caller reads the provider before asking)
RETRYABLE = ("refused", "error", "unavailable", "unknown")


@dataclass(frozen=True)
class RefundRecord:
    reference: str
    amount_pence: int
    status: str
    provider_refund_id: str | None
    failure_code: str | None
    requested_by: str
    requested_at: datetime
    updated_at: datetime


def refund_claim(
    engine: Engine, reference: str, *, amount_pence: int, by: str, now: datetime
) -> bool:
    """Claim the right to ask the provider for this payment's refund: True for the one
    caller that may (the first, or the first after a refusal); a double click gets False."""
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(refunds).values(
                    reference=reference, amount_pence=amount_pence, status=REQUESTING,
                    requested_by=by[:254], requested_at=now, updated_at=now,
                )
            )  # fmt: skip
        return True
    except IntegrityError:
        pass
    with engine.begin() as conn:
        again = conn.execute(
            update(refunds)
            .where(refunds.c.reference == reference, refunds.c.status.in_(RETRYABLE))
            .values(status=REQUESTING, requested_by=by[:254], requested_at=now, updated_at=now)
        )
    return again.rowcount == 1


def refund_finish(
    engine: Engine,
    reference: str,
    *,
    status: str,
    now: datetime,
    provider_refund_id: str | None = None,
    failure_code: str | None = None,
) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(refunds)
            .where(refunds.c.reference == reference, refunds.c.status == REQUESTING)
            .values(status=status, provider_refund_id=provider_refund_id,
                    failure_code=failure_code, updated_at=now)
        )  # fmt: skip


def refund_get(engine: Engine, reference: str) -> RefundRecord | None:
    with engine.connect() as conn:
        row = conn.execute(select(refunds).where(refunds.c.reference == reference[:32]))
        first = row.mappings().first()
    return None if first is None else RefundRecord(**dict(first))


def refund_due(
    engine: Engine, *, limit: int = 100
) -> list[tuple[PaymentRecord, RefundRecord | None]]:
    """Payments recorded as refund-due, newest first, each with its refund (if asked for)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(payments)
            .where(payments.c.status == REFUND_DUE)
            .order_by(payments.c.settled_at.desc(), payments.c.reference)
            .limit(limit)
        )
        found = [_record(row) for row in rows.mappings()]
        asked = conn.execute(
            select(refunds).where(refunds.c.reference.in_([p.reference for p in found]))
        )
        by_reference = {row["reference"]: RefundRecord(**dict(row)) for row in asked.mappings()}
    return [(payment, by_reference.get(payment.reference)) for payment in found]


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


def demo_refunded(engine: Engine, payment_id: str) -> int:
    """Pence the demo provider has refunded of ``payment_id``."""
    with engine.connect() as conn:
        total = conn.scalar(
            select(func.coalesce(func.sum(demo_refunds.c.amount_pence), 0)).where(
                demo_refunds.c.payment_id == payment_id, demo_refunds.c.status != "error"
            )
        )
    return int(total or 0)


def demo_refund_create(
    engine: Engine, *, refund_id: str, payment_id: str, amount_pence: int, now: datetime
) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(demo_refunds).values(
                refund_id=refund_id, payment_id=payment_id, amount_pence=amount_pence,
                status="success", created_at=now,
            )
        )  # fmt: skip
