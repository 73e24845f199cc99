"""backoffice: places held in a bulky-waste slot while the resident pays (issue #16)

Revision ID: bo0002
Revises: bo0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "bo0002"
down_revision = "bo0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bo_bulky_holds",
        sa.Column("hold_id", sa.String(length=24), nullable=False),
        sa.Column("uprn", sa.String(length=12), nullable=False),
        sa.Column("resident_id", sa.String(length=20), nullable=True),
        sa.Column("slot_id", sa.String(length=20), nullable=False),
        sa.Column("collection_day", sa.Date(), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("price_pence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("held_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=120), nullable=False),
        sa.Column("concession_reason", sa.String(length=60), nullable=True),
        sa.Column("concession_percent", sa.Integer(), nullable=True),
        sa.Column("booking_reference", sa.String(length=10), nullable=True),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["bo_residents.resident_id"],
            name=op.f("fk_bo_bulky_holds_resident_id_bo_residents"),
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["bo_bulky_slots.slot_id"],
            name=op.f("fk_bo_bulky_holds_slot_id_bo_bulky_slots"),
        ),
        sa.ForeignKeyConstraint(
            ["uprn"], ["bo_properties.uprn"], name=op.f("fk_bo_bulky_holds_uprn_bo_properties")
        ),
        sa.PrimaryKeyConstraint("hold_id", name=op.f("pk_bo_bulky_holds")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_bo_bulky_holds_idempotency_key")),
    )
    op.create_index(op.f("ix_bo_bulky_holds_slot_id"), "bo_bulky_holds", ["slot_id"], unique=False)
    op.create_index(
        "ix_bo_bulky_holds_status_expires_at",
        "bo_bulky_holds",
        ["status", "expires_at"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_bo_bulky_holds_status_expires_at", table_name="bo_bulky_holds")
    op.drop_index(op.f("ix_bo_bulky_holds_slot_id"), table_name="bo_bulky_holds")
    op.drop_table("bo_bulky_holds")
