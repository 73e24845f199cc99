"""insight: a daily rollup of conversation outcomes (and wait buckets) the summary reads

Revision ID: in_0002
Revises: in_0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "in_0002"
down_revision = "in_0001"
branch_labels = None
depends_on = None

SUMS = (
    "conversations",
    "rating_n",
    "rating_sum",
    "helpful_yes",
    "helpful_no",
    "out_of_hours",
    "ooh_left_message",
    "handle_n",
    "handle_sum",
    "demo",
)


def _keys() -> list[sa.Column]:
    return [
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("team", sa.String(40), nullable=False),
        sa.Column("topic", sa.String(40), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "insight_daily",
        *_keys(),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in SUMS),
        sa.PrimaryKeyConstraint(
            "day", "language", "team", "topic", "outcome", "reason", name="pk_insight_daily"
        ),
    )
    op.create_table(
        "insight_daily_waits",
        *_keys(),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "language", "team", "topic", "bucket", name="pk_insight_daily_waits"
        ),
    )
    # outcomes recorded before this revision: fill the rollup from them, in SQL
    from insight import store

    store.rebuild_rollup(op.get_bind(), intents=False, sums=SUMS)  # as they were here


def downgrade() -> None:
    op.drop_table("insight_daily_waits")
    op.drop_table("insight_daily")
