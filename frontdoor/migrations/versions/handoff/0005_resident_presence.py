"""handoff: when a waiting resident was last heard

Revision ID: ho_0005
Revises: ho_0004
Create Date: 2026-12-07

A resident who asked for a person and closed the tab stayed in the queue for ever
(issue #12, deliverable 3): advisors were offered chats with nobody there, and
everyone behind them was told the wrong position. Each instance now writes when it
last heard a waiting resident's socket, and dispatch gives the place up after
``resident_gone_seconds`` of silence. Nullable: a chat already waiting when this
runs is judged from when it was queued.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ho_0005"
down_revision = "ho_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN on both backends: a batch (table copy) on SQLite would have
    # to rebuild the partial index of ho_0003
    op.add_column(
        "ho_conversations", sa.Column("resident_seen_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("ho_conversations", "resident_seen_at")
