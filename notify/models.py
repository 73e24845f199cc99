"""The notify component's tables (prefix ``nt_``): the outbox and the subscriptions.

Outbox: one row per message; ``idempotency_key`` is unique, so enqueueing the
same message twice finds the first row. The key is also the provider's
``reference``, which is how a resend after a crash is recognised.

Subscriptions: one row per resident's request (personal data: the contact).
Links carry ``public_id`` with its HMAC signature (``notify.subscriptions``);
the signature is never stored. ``address`` and ``postcode`` are the address as
the resident chose it, so a round's reminders need no address look-up each. ``ended_at``
is when the row stops being live: the confirmation deadline while pending,
NULL while active, the moment of unsubscribing once ended; the retention purge
deletes rows ended long enough ago (``privacy``).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, String, Table, Text, UniqueConstraint

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

subscriptions = Table(
    "nt_subscriptions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("public_id", String(32), nullable=False),
    Column("status", String(20), nullable=False),  # pending | active | ended
    Column("channel", String(10), nullable=False),  # email | sms
    Column("contact", String(320), nullable=False),
    Column("language", String(2), nullable=False),
    Column("uprn", String(20), nullable=True),
    Column("address", String(400), nullable=True),
    Column("postcode", String(10), nullable=True),
    Column("case_reference", String(30), nullable=True),
    Column("bins", Boolean, nullable=False),
    Column("disruptions", Boolean, nullable=False),
    Column("case_updates", Boolean, nullable=False),
    Column("requested_at", AwareDateTime(), nullable=False),
    Column("confirmed_at", AwareDateTime(), nullable=True),
    Column("ended_at", AwareDateTime(), nullable=True),
    UniqueConstraint("public_id", name="uq_nt_subscriptions_public_id"),
    Index("ix_nt_subscriptions_status", "status"),
)
