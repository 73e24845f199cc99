"""handoff: a partial index of the conversations still open

Revision ID: ho_0003
Revises: ho_0002
Create Date: 2026-12-06

``ix_ho_conversations_state`` indexes every conversation, and nearly all of them
are closed. SQLite's planner knows only the average rows per value (it has no
histogram here), so once ANALYZE has run on a big table it judges the state index
useless for ``state IN ('bot', 'waiting', 'with_advisor')`` and scans the whole
table: insight's count of open conversations read a million rows. This index
holds only the open ones, so it stays tiny and both databases use it for
``state <> 'closed'`` (``insight.store.pending``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ho_0003"
down_revision = "ho_0002"
branch_labels = None
depends_on = None

OPEN = sa.text("state <> 'closed'")


def upgrade() -> None:
    op.create_index(
        "ix_ho_conversations_open",
        "ho_conversations",
        ["state"],
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index("ix_ho_conversations_open", table_name="ho_conversations")
