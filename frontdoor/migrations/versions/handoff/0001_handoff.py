"""handoff: conversations, events, assignments, teams, presence, transcripts

Revision ID: ho_0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "ho_0001"
down_revision = None
branch_labels = ("handoff",)
depends_on = None

Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "ho_teams",
        sa.Column("slug", sa.String(40), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("skills", sa.Text(), nullable=False),
        sa.Column("opening_hours", sa.String(200), nullable=False),
        sa.Column("routing_mode", sa.String(10), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("slug", name="pk_ho_teams"),
    )
    op.create_table(
        "ho_team_members",
        sa.Column("team_slug", sa.String(40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_slug"],
            ["ho_teams.slug"],
            name="fk_ho_team_members_team_slug_ho_teams",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_slug", "user_id", name="pk_ho_team_members"),
    )
    op.create_table(
        "ho_advisors",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("availability", sa.String(10), nullable=False),
        sa.Column("cap", sa.Integer(), nullable=True),
        sa.Column("connected", sa.Boolean(), nullable=False),
        sa.Column("instance_id", sa.String(80), nullable=True),
        sa.Column("last_seen_at", Moment, nullable=True),
        sa.Column("idle_since", Moment, nullable=True),
        sa.PrimaryKeyConstraint("user_id", name="pk_ho_advisors"),
    )
    op.create_table(
        "ho_conversations",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("updated_at", Moment, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("page_url", sa.String(2000), nullable=False),
        sa.Column("identity_token", sa.Text(), nullable=True),
        sa.Column("verified_resident_id", sa.String(40), nullable=True),
        sa.Column("verified_name", sa.String(200), nullable=True),
        sa.Column("team", sa.String(40), nullable=True),
        sa.Column("service_area", sa.String(40), nullable=True),
        sa.Column("priority", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(200), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("queued_at", Moment, nullable=True),
        sa.Column("requeued", sa.Boolean(), nullable=False),
        sa.Column("offered_to", sa.Integer(), nullable=True),
        sa.Column("offer_expires_at", Moment, nullable=True),
        sa.Column("declined_by", sa.String(400), nullable=False),
        sa.Column("assigned_to", sa.Integer(), nullable=True),
        sa.Column("last_notice", sa.String(40), nullable=True),
        sa.Column("closed_at", Moment, nullable=True),
        sa.Column("outcome", sa.String(40), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_ho_conversations"),
    )
    for column in ("state", "team", "offered_to", "assigned_to"):
        op.create_index(f"ix_ho_conversations_{column}", "ho_conversations", [column])
    op.create_table(
        "ho_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("audience", sa.String(10), nullable=False),
        sa.Column("author", sa.String(16), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=True),
        sa.Column("at", Moment, nullable=False),
        sa.Column("bot_pending", sa.Boolean(), nullable=False),
        sa.Column("bot_claimed_at", Moment, nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["ho_conversations.id"],
            name="fk_ho_events_conversation_id_ho_conversations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_ho_events"),
        sa.UniqueConstraint("conversation_id", "seq", name="uq_ho_events_conversation_seq"),
        sa.UniqueConstraint(
            "conversation_id", "client_id", name="uq_ho_events_conversation_client"
        ),
    )
    op.create_index("ix_ho_events_bot_pending", "ho_events", ["bot_pending"])
    op.create_table(
        "ho_assignments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("team", sa.String(40), nullable=True),
        sa.Column("started_at", Moment, nullable=False),
        sa.Column("ended_at", Moment, nullable=True),
        sa.Column("end_reason", sa.String(40), nullable=True),
        sa.Column("read_seq", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["ho_conversations.id"],
            name="fk_ho_assignments_conversation_id_ho_conversations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_ho_assignments"),
    )
    op.create_index("ix_ho_assignments_conversation_id", "ho_assignments", ["conversation_id"])
    op.create_index("ix_ho_assignments_user_id", "ho_assignments", ["user_id"])
    op.create_table(
        "ho_transcripts",
        sa.Column("conversation_id", sa.String(32), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("case_reference", sa.String(40), nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["ho_conversations.id"],
            name="fk_ho_transcripts_conversation_id_ho_conversations",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", name="pk_ho_transcripts"),
    )
    router = op.create_table(
        "ho_router",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticked_at", Moment, nullable=True),
        sa.Column("ticked_by", sa.String(80), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_ho_router"),
    )
    op.bulk_insert(router, [{"id": 1, "ticked_at": None, "ticked_by": None}])


def downgrade() -> None:
    for table in (
        "ho_router",
        "ho_transcripts",
        "ho_assignments",
        "ho_events",
        "ho_conversations",
        "ho_advisors",
        "ho_team_members",
        "ho_teams",
    ):
        op.drop_table(table)
