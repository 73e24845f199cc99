"""Knowledge base: articles, revisions, workflow events, feedback, content gaps.

Revision ID: kb_0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "kb_0001"
down_revision = None
branch_labels = ("knowledge",)
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "kb_content_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_kb_content_state"),
    )
    op.bulk_insert(
        sa.table(
            "kb_content_state", sa.column("id", sa.Integer), sa.column("revision", sa.BigInteger)
        ),
        [{"id": 1, "revision": 0}],
    )
    op.create_table(
        "kb_articles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("service_area", sa.String(40), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("alternative_questions", sa.JSON(), nullable=False),
        sa.Column("owner_team", sa.String(120), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=False),
        sa.Column("translation_of", sa.String(120), nullable=True),
        sa.Column("related", sa.JSON(), nullable=False),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("live_revision_id", sa.Integer(), nullable=True),
        _ts("publish_at", nullable=True),
        _ts("unpublish_at", nullable=True),
        sa.Column("schedule_applied", sa.Boolean(), nullable=False),
        _ts("last_reviewed_at", nullable=True),
        sa.Column("index_revision", sa.BigInteger(), nullable=False),
        sa.Column("source_front_matter", sa.Text(), nullable=True),
        _ts("created_at"),
        _ts("updated_at"),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_kb_articles"),
        sa.UniqueConstraint("slug", name="uq_kb_articles_slug"),
    )
    op.create_index("ix_kb_articles_index_revision", "kb_articles", ["index_revision"])
    op.create_index("ix_kb_articles_state", "kb_articles", ["state"])
    op.create_table(
        "kb_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("service_area", sa.String(40), nullable=False),
        sa.Column("owner_team", sa.String(120), nullable=False),
        sa.Column("review_by", sa.Date(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(120), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        _ts("created_at"),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name="fk_kb_revisions_article_id_kb_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_kb_revisions"),
        sa.UniqueConstraint("article_id", "number", name="uq_kb_revisions_article_number"),
    )
    op.create_table(
        "kb_workflow_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("from_state", sa.String(20), nullable=False),
        sa.Column("to_state", sa.String(20), nullable=False),
        sa.Column("revision_number", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(120), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        _ts("created_at"),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name="fk_kb_workflow_events_article_id_kb_articles",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_kb_workflow_events"),
    )
    op.create_index("ix_kb_workflow_events_article_id", "kb_workflow_events", ["article_id"])
    op.create_table(
        "kb_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("slug", sa.String(120), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        _ts("created_at"),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name="fk_kb_feedback_article_id_kb_articles",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_kb_feedback"),
    )
    op.create_index("ix_kb_feedback_article_id", "kb_feedback", ["article_id"])
    op.create_table(
        "kb_content_gaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("conversation_id", sa.String(120), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("resolution", sa.String(20), nullable=False),
        _ts("created_at"),
        _ts("resolved_at", nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["kb_articles.id"],
            name="fk_kb_content_gaps_article_id_kb_articles",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_kb_content_gaps"),
    )
    op.create_index(
        "ix_kb_content_gaps_status_created", "kb_content_gaps", ["status", "created_at"]
    )


def downgrade() -> None:
    op.drop_table("kb_content_gaps")
    op.drop_table("kb_feedback")
    op.drop_table("kb_workflow_events")
    op.drop_table("kb_revisions")
    op.drop_table("kb_articles")
    op.drop_table("kb_content_state")
