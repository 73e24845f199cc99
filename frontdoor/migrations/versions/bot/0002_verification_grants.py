"""bot: verification grants scoped by purpose replace verified sessions

A verified session named references without saying for what they were proved,
so a case-details check (postcode only) covered an account (issue #10,
finding 1). Each grant now names its reference kind, reference, purpose,
method and facts. Live sessions are not carried over: residents are asked
again, which is the safe side.

Revision ID: bot_0002
Revises: bot_0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "bot_0002"
down_revision = "bot_0001"
branch_labels = None
depends_on = None

Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "bot_verification_grants",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("reference_kind", sa.String(20), nullable=False),
        sa.Column("reference", sa.String(40), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("method", sa.String(32), nullable=False),
        sa.Column("facts", sa.String(100), nullable=False),
        sa.Column("verified_at", Moment, nullable=False),
        sa.Column("expires_at", Moment, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bot_verification_grants"),
    )
    op.create_index(
        "ix_bot_verification_grants_conversation_id_secret_hash",
        "bot_verification_grants",
        ["conversation_id", "secret_hash"],
    )
    op.create_index(
        "ix_bot_verification_grants_conversation_id_expires_at",
        "bot_verification_grants",
        ["conversation_id", "expires_at"],
    )
    op.drop_index("ix_bot_verified_sessions_conversation_id", table_name="bot_verified_sessions")
    op.drop_table("bot_verified_sessions")


def downgrade() -> None:
    op.create_table(
        "bot_verified_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("method", sa.String(32), nullable=False),
        sa.Column("account_refs", sa.Text(), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("expires_at", Moment, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bot_verified_sessions"),
        sa.UniqueConstraint("secret_hash", name="uq_bot_verified_sessions_secret_hash"),
    )
    op.create_index(
        "ix_bot_verified_sessions_conversation_id", "bot_verified_sessions", ["conversation_id"]
    )
    op.drop_index(
        "ix_bot_verification_grants_conversation_id_expires_at",
        table_name="bot_verification_grants",
    )
    op.drop_index(
        "ix_bot_verification_grants_conversation_id_secret_hash",
        table_name="bot_verification_grants",
    )
    op.drop_table("bot_verification_grants")
