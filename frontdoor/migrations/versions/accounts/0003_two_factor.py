"""accounts: two-factor sign-in (authenticators, recovery codes, half-signed-in states)

Revision ID: acc_0003
Revises: acc_0002
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "acc_0003"
down_revision = "acc_0002"
branch_labels = None
depends_on = None


def _user_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["user_id"], ["auth_users.id"], name=f"fk_{table}_user_id_auth_users", ondelete="CASCADE"
    )


def upgrade() -> None:
    with op.batch_alter_table("auth_users") as batch:
        batch.add_column(
            sa.Column(
                "two_factor_required", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    op.create_table(
        "auth_totp_credentials",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_sealed", sa.String(400), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_step", sa.BigInteger(), nullable=False, server_default="-1"),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("failures_since", sa.DateTime(timezone=True), nullable=True),
        _user_fk("auth_totp_credentials"),
        sa.PrimaryKeyConstraint("user_id", name="pk_auth_totp_credentials"),
    )
    op.create_table(
        "auth_recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        _user_fk("auth_recovery_codes"),
        sa.PrimaryKeyConstraint("id", name="pk_auth_recovery_codes"),
        sa.UniqueConstraint("code_hash", name="uq_auth_recovery_codes_code_hash"),
    )
    op.create_index("ix_auth_recovery_codes_user_id", "auth_recovery_codes", ["user_id"])
    op.create_table(
        "auth_pending_sign_ins",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(10), nullable=False),
        sa.Column("next_path", sa.String(500), nullable=False, server_default=""),
        sa.Column("failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        _user_fk("auth_pending_sign_ins"),
        sa.PrimaryKeyConstraint("id", name="pk_auth_pending_sign_ins"),
    )
    op.create_index("ix_auth_pending_sign_ins_user_id", "auth_pending_sign_ins", ["user_id"])
    op.create_index("ix_auth_pending_sign_ins_expires_at", "auth_pending_sign_ins", ["expires_at"])
    op.create_table(
        "auth_policies",
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("value", sa.String(200), nullable=False, server_default=""),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(254), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("name", name="pk_auth_policies"),
    )


def downgrade() -> None:
    op.drop_table("auth_policies")
    op.drop_index("ix_auth_pending_sign_ins_expires_at", table_name="auth_pending_sign_ins")
    op.drop_index("ix_auth_pending_sign_ins_user_id", table_name="auth_pending_sign_ins")
    op.drop_table("auth_pending_sign_ins")
    op.drop_index("ix_auth_recovery_codes_user_id", table_name="auth_recovery_codes")
    op.drop_table("auth_recovery_codes")
    op.drop_table("auth_totp_credentials")
    with op.batch_alter_table("auth_users") as batch:
        batch.drop_column("two_factor_required")
