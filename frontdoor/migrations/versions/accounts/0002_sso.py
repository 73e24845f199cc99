"""accounts: single sign-on identities and pending sign-in states

Revision ID: acc_0002
Revises: acc_0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "acc_0002"
down_revision = "acc_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("auth_users") as batch:
        batch.add_column(sa.Column("sso_subject", sa.String(400), nullable=True))
        batch.create_unique_constraint("uq_auth_users_sso_subject", ["sso_subject"])
    op.create_table(
        "auth_sso_states",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("nonce", sa.String(100), nullable=False),
        sa.Column("code_verifier", sa.String(128), nullable=False),
        sa.Column("next_path", sa.String(500), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_auth_sso_states"),
    )
    op.create_index("ix_auth_sso_states_created_at", "auth_sso_states", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_auth_sso_states_created_at", table_name="auth_sso_states")
    op.drop_table("auth_sso_states")
    with op.batch_alter_table("auth_users") as batch:
        batch.drop_constraint("uq_auth_users_sso_subject", type_="unique")
        batch.drop_column("sso_subject")
