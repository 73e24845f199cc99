"""The review queue remembers the article the bot's search thought closest.

- ``kb_content_gaps.closest_slug``: the slug of that article, when the bot had
  one at hand as it reported the message (the article a request for a person
  named, the answer that did not help, the best result it did not show); NULL
  for every message stored before, and for those with none. The editor's review
  queue shows its title beside the group (knowledge/gaps.py).

Revision ID: kb_0007
Revises: kb_0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "kb_0007"
down_revision = "kb_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kb_content_gaps") as batch:
        batch.add_column(sa.Column("closest_slug", sa.String(120), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kb_content_gaps") as batch:
        batch.drop_column("closest_slug")
