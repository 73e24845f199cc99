"""bot: identity-check attempts (lock-out) and verified sessions

Revision ID: bot_0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "bot_0001"
down_revision = None
branch_labels = ("bot",)
depends_on = None

Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "bot_verification_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("account_key", sa.String(64), nullable=True),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.Column("attempted_at", Moment, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_bot_verification_attempts"),
    )
    op.create_index(
        "ix_bot_verification_attempts_conversation_id_attempted_at",
        "bot_verification_attempts",
        ["conversation_id", "attempted_at"],
    )
    op.create_index(
        "ix_bot_verification_attempts_account_key_attempted_at",
        "bot_verification_attempts",
        ["account_key", "attempted_at"],
    )
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


def downgrade() -> None:
    op.drop_index("ix_bot_verified_sessions_conversation_id", table_name="bot_verified_sessions")
    op.drop_table("bot_verified_sessions")
    op.drop_index(
        "ix_bot_verification_attempts_account_key_attempted_at",
        table_name="bot_verification_attempts",
    )
    op.drop_index(
        "ix_bot_verification_attempts_conversation_id_attempted_at",
        table_name="bot_verification_attempts",
    )
    op.drop_table("bot_verification_attempts")
