"""handoff: an index of the messages left, by when

Revision ID: ho_0004
Revises: ho_0003
Create Date: 2026-12-06

Insight's dashboard counts the messages left in a range and how soon their cases
were picked up, and its inbox lists the newest: both read ``ho_transcripts`` by
``created_at`` among those naming a case, and with no index PostgreSQL scanned
every transcript (70,000 in a million conversations) for a month's figures.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ho_0004"
down_revision = "ho_0003"
branch_labels = None
depends_on = None

LEFT = sa.text("case_reference IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_ho_transcripts_left",
        "ho_transcripts",
        ["created_at"],
        sqlite_where=LEFT,
        postgresql_where=LEFT,
    )


def downgrade() -> None:
    op.drop_index("ix_ho_transcripts_left", table_name="ho_transcripts")
