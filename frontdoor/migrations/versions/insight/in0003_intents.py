"""insight: NLU intents per conversation and day; the advisors' load with each outcome

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
    # (the relay did not store them), so there is nothing to fill in. Their advisor
    # load stays unknown (NULL, adding 0 to the rollup) until `frontdoor insight
    # backfill --refresh` records them again from the assignments still stored.
    with op.batch_alter_table("conversation_outcomes") as batch:
        batch.add_column(sa.Column("advisor_peak_chats", sa.SmallInteger(), nullable=True))
        batch.add_column(sa.Column("advisor_chat_ms", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("advisor_busy_ms", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("insight_daily") as batch:
        for name in ("advisor_chat_ms", "advisor_busy_ms"):
            batch.add_column(sa.Column(name, sa.BigInteger(), nullable=False, server_default="0"))
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
    op.create_table(
        "insight_daily_peaks",
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("team", sa.String(40), nullable=False),
        sa.Column("topic", sa.String(40), nullable=False),
        sa.Column("peak", sa.Integer(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "team", "topic", "peak", name="pk_insight_daily_peaks"),
    )


def downgrade() -> None:
    op.drop_table("insight_daily_peaks")
    op.drop_table("insight_daily_intents")
    op.drop_table("conversation_intents")
    with op.batch_alter_table("insight_daily") as batch:
        batch.drop_column("advisor_busy_ms")
        batch.drop_column("advisor_chat_ms")
    with op.batch_alter_table("conversation_outcomes") as batch:
        batch.drop_column("advisor_busy_ms")
        batch.drop_column("advisor_chat_ms")
        batch.drop_column("advisor_peak_chats")
