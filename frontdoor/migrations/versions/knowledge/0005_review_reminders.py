"""Review reminders: which owner team was reminded of which article's review, when.

Revision ID: kb_0005
Revises: kb_0004_use
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "kb_0005"
down_revision = "kb_0004_use"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kb_review_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(160), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("team", sa.String(120), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name="fk_kb_review_reminders_article_id_kb_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_kb_review_reminders"),
        sa.UniqueConstraint("key", name="uq_kb_review_reminders_key"),
    )
    op.create_index(
        "ix_kb_review_reminders_article", "kb_review_reminders", ["article_id", "sent_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_kb_review_reminders_article", table_name="kb_review_reminders")
    op.drop_table("kb_review_reminders")
