"""bot: whether each knowledge answer helped

One row per answer the bot gives from an article, with the resident's "Did
that help?" (issue #18, deliverable 3), so helpfulness can be reported per
answer and per article (``actions.answer_log.helpfulness_by_article``).

Revision ID: bot_0003
Revises: bot_0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "bot_0003"
down_revision = "bot_0002"
branch_labels = None
depends_on = None

Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "bot_answer_feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(255), nullable=False),
        sa.Column("slug", sa.String(200), nullable=False),
        sa.Column("section_anchor", sa.String(200), nullable=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("question", sa.String(500), nullable=False),
        sa.Column("answered_at", Moment, nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=True),
        sa.Column("rated_at", Moment, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_bot_answer_feedback"),
    )
    op.create_index(
        "ix_bot_answer_feedback_conversation_id_answered_at",
        "bot_answer_feedback",
        ["conversation_id", "answered_at"],
    )
    op.create_index(
        "ix_bot_answer_feedback_slug_answered_at",
        "bot_answer_feedback",
        ["slug", "answered_at"],
    )


def downgrade() -> None:
    op.drop_index("ix_bot_answer_feedback_slug_answered_at", table_name="bot_answer_feedback")
    op.drop_index(
        "ix_bot_answer_feedback_conversation_id_answered_at", table_name="bot_answer_feedback"
    )
    op.drop_table("bot_answer_feedback")
