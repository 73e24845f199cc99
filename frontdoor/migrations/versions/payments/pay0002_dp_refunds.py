"""payments: refunds staff send for refund-due payments, and the demo provider's refunds

Revision ID: pay_dp_0002
Revises: pay_0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "pay_dp_0002"
down_revision = "pay_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pay_refunds",
        sa.Column("reference", sa.String(32), nullable=False),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("provider_refund_id", sa.String(64), nullable=True),
        sa.Column("failure_code", sa.String(10), nullable=True),
        sa.Column("requested_by", sa.String(254), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("reference", name="pk_pay_refunds"),
    )
    op.create_table(
        "pay_demo_refunds",
        sa.Column("refund_id", sa.String(32), nullable=False),
        sa.Column("payment_id", sa.String(32), nullable=False),
        sa.Column("amount_pence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("refund_id", name="pk_pay_demo_refunds"),
    )
    op.create_index("ix_pay_demo_refunds_payment_id", "pay_demo_refunds", ["payment_id"])


def downgrade() -> None:
    op.drop_index("ix_pay_demo_refunds_payment_id", table_name="pay_demo_refunds")
    op.drop_table("pay_demo_refunds")
    op.drop_table("pay_refunds")
