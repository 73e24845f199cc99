"""The payments component's tables (prefix ``pay_``).

``pay_payments``: one row per payment a resident starts, keyed by our own
reference (what the return URL carries); ``idempotency_key`` is unique, so
pressing "pay" twice finds the first payment. ``status`` is the journey's
(pending, booked, failed, cancelled, expired, refund-due, error), not the
provider's, which is kept beside it as last seen.

``pay_demo_payments``: the payments the embedded demo provider "takes" (no
money moves): the action server creates them, the demo page completes them.

``pay_refunds``: the refund staff sent for a ``refund-due`` payment (one per
payment: the primary key is what makes a double click refund once), who sent
it and what the provider said. ``pay_demo_refunds``: the demo provider's refunds.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text, UniqueConstraint

from frontdoor.db import AwareDateTime, new_metadata

metadata = new_metadata()

payments = Table(
    "pay_payments",
    metadata,
    Column("reference", String(32), primary_key=True),
    Column("idempotency_key", String(120), nullable=False),
    Column("purpose", String(30), nullable=False),  # bulky-waste
    Column("provider", String(20), nullable=False),  # demo | govuk-pay
    Column("provider_id", String(64), nullable=True),
    Column("amount_pence", Integer, nullable=False),
    Column("description", String(255), nullable=False),
    Column("language", String(2), nullable=False),
    Column("status", String(20), nullable=False),
    Column("provider_status", String(20), nullable=True),
    Column("failure_code", String(10), nullable=True),
    Column("next_url", Text, nullable=True),
    Column("hold_id", String(24), nullable=True),
    Column("booking_reference", String(10), nullable=True),
    Column("collection_day", String(10), nullable=True),  # ISO date of the booked day
    Column("order", Text, nullable=False),  # JSON: what is being paid for
    Column("created_at", AwareDateTime(), nullable=False),
    Column("expires_at", AwareDateTime(), nullable=False),
    Column("settled_at", AwareDateTime(), nullable=True),
    UniqueConstraint("idempotency_key", name="uq_pay_payments_idempotency_key"),
    Index("ix_pay_payments_status_expires_at", "status", "expires_at"),
)

demo_payments = Table(
    "pay_demo_payments",
    metadata,
    Column("payment_id", String(32), primary_key=True),
    Column("reference", String(255), nullable=False),
    Column("amount_pence", Integer, nullable=False),
    Column("description", String(255), nullable=False),
    Column("return_url", Text, nullable=False),
    Column("language", String(2), nullable=False),
    Column("status", String(20), nullable=False),
    Column("code", String(10), nullable=True),
    Column("created_at", AwareDateTime(), nullable=False),
)

refunds = Table(
    "pay_refunds",
    metadata,
    Column("reference", String(32), primary_key=True),  # the payment's (pay_payments)
    Column("amount_pence", Integer, nullable=False),
    # requesting (claimed, asking the provider), submitted, success, error (the provider's
    # refund failed), refused (the provider said no), unknown (no answer: look before retrying)
    Column("status", String(20), nullable=False),
    Column("provider_refund_id", String(64), nullable=True),
    Column("failure_code", String(10), nullable=True),
    Column("requested_by", String(254), nullable=False),
    Column("requested_at", AwareDateTime(), nullable=False),
    Column("updated_at", AwareDateTime(), nullable=False),
)

demo_refunds = Table(
    "pay_demo_refunds",
    metadata,
    Column("refund_id", String(32), primary_key=True),
    Column("payment_id", String(32), nullable=False, index=True),
    Column("amount_pence", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("created_at", AwareDateTime(), nullable=False),
)
