"""The payments component's tables (prefix ``pay_``).

``pay_payments``: one row per payment a resident starts, keyed by our own
reference (what the return URL carries); ``idempotency_key`` is unique, so
pressing "pay" twice finds the first payment. ``status`` is the journey's
(pending, booked, failed, cancelled, expired, refund-due, error), not the
provider's, which is kept beside it as last seen.

``pay_demo_payments``: the payments the embedded demo provider "takes" (no
money moves): the action server creates them, the demo page completes them.
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
