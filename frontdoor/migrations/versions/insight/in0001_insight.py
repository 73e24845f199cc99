"""insight: one anonymised outcome per conversation (survives the retention purge)

Revision ID: in_0001
Revises:
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "in_0001"
down_revision = None
branch_labels = ("insight",)
depends_on = None

Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "conversation_outcomes",
        sa.Column("conversation_id", sa.String(32), nullable=False),
        sa.Column("started_at", Moment, nullable=False),
        sa.Column("closed_at", Moment, nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("team", sa.String(40), nullable=True),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(20), nullable=True),
        sa.Column("resident_messages", sa.Integer(), nullable=False),
        sa.Column("bot_answers", sa.Integer(), nullable=False),
        sa.Column("helpful_yes", sa.Integer(), nullable=False),
        sa.Column("helpful_no", sa.Integer(), nullable=False),
        sa.Column("out_of_hours", sa.Boolean(), nullable=False),
        sa.Column("wait_seconds", sa.Integer(), nullable=True),
        sa.Column("abandon_seconds", sa.Integer(), nullable=True),
        sa.Column("handle_seconds", sa.Integer(), nullable=True),
        sa.Column("advisor_messages", sa.Integer(), nullable=False),
        sa.Column("rating", sa.SmallInteger(), nullable=True),
        sa.Column("case_created", sa.Boolean(), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name="pk_conversation_outcomes"),
    )
    op.create_index("ix_conversation_outcomes_started", "conversation_outcomes", ["started_at"])


def downgrade() -> None:
    op.drop_index("ix_conversation_outcomes_started", table_name="conversation_outcomes")
    op.drop_table("conversation_outcomes")
