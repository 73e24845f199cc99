"""backoffice: where a reported problem is, and its id in the council's Open311 system (issue #16)

Revision ID: rp_0001
Revises: bo0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "rp_0001"
down_revision = "bo0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bo_cases") as batch:
        batch.add_column(sa.Column("location", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("latitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("longitude", sa.Float(), nullable=True))
        batch.add_column(sa.Column("external_reference", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bo_cases") as batch:
        batch.drop_column("external_reference")
        batch.drop_column("longitude")
        batch.drop_column("latitude")
        batch.drop_column("location")
