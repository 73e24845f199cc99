"""insight: the NLU intents of each recorded conversation, and their daily rollup

Revision ID: in_0003
Revises: in_0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "in_0003"
down_revision = "in_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Outcomes recorded before this revision had no ``understood`` events to count
    # (the relay did not store them), so there is nothing to fill in.
    op.create_table(
        "conversation_intents",
        sa.Column("conversation_id", sa.String(32), nullable=False),
        sa.Column("intent", sa.String(60), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("confidence_milli", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", "intent", name="pk_conversation_intents"),
    )
    op.create_table(
        "insight_daily_intents",
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("team", sa.String(40), nullable=False),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("intent", sa.String(60), nullable=False),
        *(
            sa.Column(name, sa.BigInteger(), nullable=False)
            for name in ("conversations", "messages", "confidence_milli")
        ),
        sa.PrimaryKeyConstraint("day", "team", "topic", "intent", name="pk_insight_daily_intents"),
    )


def downgrade() -> None:
    op.drop_table("insight_daily_intents")
    op.drop_table("conversation_intents")
