"""payments: the payments residents start and the demo provider's payments

Revision ID: pay_0001
Revises:
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pay_0001"
down_revision = None
branch_labels = ("payments",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pay_payments",
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("idempotency_key", sa.String(120), nullable=False),
        sa.Column("purpose", sa.String(30), nullable=False),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("provider_id", sa.String(64), nullable=True),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(255), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("provider_status", sa.String(20), nullable=True),
        sa.Column("failure_code", sa.String(10), nullable=True),
        sa.Column("next_url", sa.Text(), nullable=True),
        sa.Column("hold_id", sa.String(24), nullable=True),
        sa.Column("booking_reference", sa.String(10), nullable=True),
        sa.Column("collection_day", sa.String(10), nullable=True),
        sa.Column("order", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("reference", name="pk_pay_payments"),
        sa.UniqueConstraint("idempotency_key", name="uq_pay_payments_idempotency_key"),
    )
    op.create_index("ix_pay_payments_status_expires_at", "pay_payments", ["status", "expires_at"])
    op.create_table(
        "pay_demo_payments",
        sa.Column("payment_id", sa.String(32), nullable=False),
        sa.Column("reference", sa.String(255), nullable=False),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(255), nullable=False),
        sa.Column("return_url", sa.Text(), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("code", sa.String(10), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("payment_id", name="pk_pay_demo_payments"),
    )


def downgrade() -> None:
    op.drop_table("pay_demo_payments")
    op.drop_index("ix_pay_payments_status_expires_at", table_name="pay_payments")
    op.drop_table("pay_payments")
