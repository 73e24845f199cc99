"""reports: the photos residents attach to problem reports (issue #16)

Revision ID: rp_0002
Revises:
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "rp_0002"
down_revision = None
branch_labels = ("reports",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rp_photos",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("photo_id", sa.String(32), nullable=False),
        sa.Column("case_reference", sa.String(12), nullable=False),
        sa.Column("idempotency_key", sa.String(120), nullable=False),
        sa.Column("content_type", sa.String(20), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_rp_photos"),
        sa.UniqueConstraint("idempotency_key", name="uq_rp_photos_idempotency_key"),
        sa.UniqueConstraint("photo_id", name="uq_rp_photos_photo_id"),
    )
    op.create_index("ix_rp_photos_case_reference", "rp_photos", ["case_reference"])
    op.create_index("ix_rp_photos_created_at", "rp_photos", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_rp_photos_created_at", table_name="rp_photos")
    op.drop_index("ix_rp_photos_case_reference", table_name="rp_photos")
    op.drop_table("rp_photos")
