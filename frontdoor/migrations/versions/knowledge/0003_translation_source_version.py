"""Translation freshness: the English revision each Welsh article was translated from.

Existing Welsh translations are taken to match their English source's live
revision today, so nothing is flagged until the English article is published
again (issue #18).

Revision ID: kb_0003
Revises: kb_0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "kb_0003"
down_revision = "kb_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kb_articles") as batch:
        batch.add_column(sa.Column("source_version", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE kb_articles SET source_version = ("
        " SELECT r.number FROM kb_articles e JOIN kb_revisions r ON r.id = e.live_revision_id"
        " WHERE e.slug = kb_articles.translation_of AND e.language = 'en')"
        " WHERE language = 'cy' AND translation_of IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("kb_articles") as batch:
        batch.drop_column("source_version")
