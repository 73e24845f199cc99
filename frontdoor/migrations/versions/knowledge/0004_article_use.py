"""Article use per day: website page views and answers given to the bot, counts
only, so the top tasks can be ordered by what residents use (issue #17).

Revision ID: kb_0004_use
Revises: kb_0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "kb_0004_use"
down_revision = "kb_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_article_use",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("page_views", sa.Integer(), nullable=False),
        sa.Column("bot_answers", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name="fk_kb_article_use_article_id_kb_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "day", name="pk_kb_article_use"),
    )
    op.create_index("ix_kb_article_use_day", "kb_article_use", ["day"])


def downgrade() -> None:
    op.drop_index("ix_kb_article_use_day", table_name="kb_article_use")
    op.drop_table("kb_article_use")
