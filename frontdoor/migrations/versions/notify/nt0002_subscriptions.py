"""notify: residents' subscriptions (bin days, disruptions, case updates)

Revision ID: nt_0002_subs
Revises: nt_0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "nt_0002_subs"
down_revision = "nt_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nt_subscriptions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("public_id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(10), nullable=False),
        sa.Column("contact", sa.String(320), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("uprn", sa.String(20), nullable=True),
        sa.Column("address", sa.String(400), nullable=True),
        sa.Column("postcode", sa.String(10), nullable=True),
        sa.Column("case_reference", sa.String(30), nullable=True),
        sa.Column("bins", sa.Boolean(), nullable=False),
        sa.Column("disruptions", sa.Boolean(), nullable=False),
        sa.Column("case_updates", sa.Boolean(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_nt_subscriptions"),
        sa.UniqueConstraint("public_id", name="uq_nt_subscriptions_public_id"),
    )
    op.create_index("ix_nt_subscriptions_status", "nt_subscriptions", ["status"])


def downgrade() -> None:
    op.drop_table("nt_subscriptions")
