"""handoff: the accounts a resident proved they hold (token or the bot's check)

Revision ID: ho_0002
Revises: ho_0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ho_0002"
down_revision = "ho_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ho_conversations") as batch:
        batch.add_column(
            sa.Column("verified_refs", sa.String(400), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("verified_method", sa.String(40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ho_conversations") as batch:
        batch.drop_column("verified_method")
        batch.drop_column("verified_refs")
