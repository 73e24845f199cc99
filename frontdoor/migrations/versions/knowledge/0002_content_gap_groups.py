"""Content gaps: the group each joined, who asked (hashed), and who resolved or dismissed it.

Gaps are now counted by distinct askers per group, so one client's flood
counts once (issue #10). Existing open gaps get their group here, with the
same grouping new gaps get; their askers stay unknown (each counts alone).

Revision ID: kb_0002
Revises: kb_0001
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "kb_0002"
down_revision = "kb_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kb_content_gaps") as batch:
        batch.add_column(sa.Column("group_key", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("client_key", sa.String(64), nullable=True))
        batch.add_column(
            sa.Column("resolved_by", sa.String(120), nullable=False, server_default="")
        )
    op.create_index(
        "ix_kb_content_gaps_group",
        "kb_content_gaps",
        ["status", "group_key", "language", "client_key"],
    )
    op.create_index(
        "ix_kb_content_gaps_client", "kb_content_gaps", ["client_key", "status", "created_at"]
    )
    _group_existing()


def _group_existing() -> None:
    from knowledge.gaps import home_key

    gaps = sa.table(
        "kb_content_gaps",
        sa.column("id", sa.Integer),
        sa.column("question", sa.Text),
        sa.column("language", sa.String),
        sa.column("group_key", sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(gaps.c.id, gaps.c.question, gaps.c.language).order_by(gaps.c.id)
    ).all()
    homes: dict[str, list[str]] = {}
    for gap_id, question, language in rows:
        known = homes.setdefault(language, [])
        key = home_key(question, known)
        if key not in known:
            known.append(key)
        bind.execute(sa.update(gaps).where(gaps.c.id == gap_id).values(group_key=key))


def downgrade() -> None:
    op.drop_index("ix_kb_content_gaps_client", table_name="kb_content_gaps")
    op.drop_index("ix_kb_content_gaps_group", table_name="kb_content_gaps")
    with op.batch_alter_table("kb_content_gaps") as batch:
        batch.drop_column("resolved_by")
        batch.drop_column("client_key")
        batch.drop_column("group_key")
