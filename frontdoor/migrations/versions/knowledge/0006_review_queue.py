"""The review queue of what the bot missed: meaning, training examples, retrainings.

- ``kb_content_gaps.embedding``: each message's vector from the search's
  embedding model, which groups messages by meaning (knowledge/gaps.py);
- the bot's old source ``bot`` becomes ``fallback`` (it reported only messages
  nothing answered); ``not_helpful`` and ``handover`` are new sources;
- ``kb_training_examples``: residents' wordings taught to the bot as intent examples;
- ``kb_bot_trainings``: each retraining and its outcome (one runs at a time).

Revision ID: kb_0006
Revises: kb_0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "kb_0006"
down_revision = "kb_0005"
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("kb_content_gaps") as batch:
        batch.add_column(sa.Column("embedding", sa.LargeBinary(), nullable=True))
    op.execute("UPDATE kb_content_gaps SET source = 'fallback' WHERE source = 'bot'")
    op.create_table(
        "kb_training_examples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("intent", sa.String(80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        _ts("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_kb_training_examples"),
        sa.UniqueConstraint("intent", "text", name="uq_kb_training_examples_intent"),
    )
    op.create_table(
        "kb_bot_trainings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("running_slot", sa.Integer(), nullable=True),
        sa.Column("requested_by", sa.String(120), nullable=False),
        _ts("requested_at"),
        _ts("started_at", nullable=True),
        _ts("finished_at", nullable=True),
        sa.Column("examples", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(300), nullable=False),
        sa.Column("detail", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_kb_bot_trainings"),
        sa.UniqueConstraint("running_slot", name="uq_kb_bot_trainings_running_slot"),
    )
    op.create_index("ix_kb_bot_trainings_status", "kb_bot_trainings", ["status", "id"])


def downgrade() -> None:
    op.drop_index("ix_kb_bot_trainings_status", table_name="kb_bot_trainings")
    op.drop_table("kb_bot_trainings")
    op.drop_table("kb_training_examples")
    op.execute("UPDATE kb_content_gaps SET source = 'bot' WHERE source = 'fallback'")
    with op.batch_alter_table("kb_content_gaps") as batch:
        batch.drop_column("embedding")
