"""The notify component's table: the outbox (prefix ``nt_``).

One row per message; ``idempotency_key`` is unique, so enqueueing the same
message twice finds the first row. The key is also the provider's
``reference``, which is how a resend after a crash is recognised.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, Text, UniqueConstraint

from frontdoor.db import AwareDateTime, new_metadata

metadata = new_metadata()

outbox = Table(
    "nt_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(200), nullable=False),
    Column("channel", String(10), nullable=False),  # email | sms
    Column("template_id", String(100), nullable=False),
    Column("recipient", String(320), nullable=False),
    Column("personalisation", Text, nullable=False),  # JSON object
    # queued | sending | sent | failed | permanent-failure
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", AwareDateTime(), nullable=False),
    Column("lease_until", AwareDateTime(), nullable=True),
    Column("provider_id", String(100), nullable=True),
    Column("error", Text, nullable=True),
    Column("created_at", AwareDateTime(), nullable=False),
    Column("sent_at", AwareDateTime(), nullable=True),
    UniqueConstraint("idempotency_key", name="uq_nt_outbox_idempotency_key"),
    Index("ix_nt_outbox_due", "status", "next_attempt_at"),
)
