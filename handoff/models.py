"""Tables of the handoff service (prefix ``ho_``), on their own ``metadata``.

The database is the source of truth for every conversation: its state and
routing data (``ho_conversations``), every event with its per-conversation
sequence number (``ho_events``), who handled it (``ho_assignments``), the teams
and who is in them, and advisor presence. User ids are ``auth_users.id`` values,
kept without a foreign key so the components migrate independently.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from frontdoor.db import AwareDateTime, new_metadata

metadata = new_metadata()

Moment = AwareDateTime()

teams = Table(
    "ho_teams",
    metadata,
    Column("slug", String(40), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("skills", Text, nullable=False, default=""),  # comma-separated service areas
    Column("opening_hours", String(200), nullable=False, default="mon-fri 09:00-17:00"),
    Column("routing_mode", String(10), nullable=False, default="direct"),
    Column("sort_order", Integer, nullable=False, default=0),
)

team_members = Table(
    "ho_team_members",
    metadata,
    Column(
        "team_slug", String(40), ForeignKey("ho_teams.slug", ondelete="CASCADE"), primary_key=True
    ),
    Column("user_id", Integer, primary_key=True),
)

advisors = Table(
    "ho_advisors",
    metadata,
    Column("user_id", Integer, primary_key=True),
    Column("display_name", String(120), nullable=False, default=""),
    Column("availability", String(10), nullable=False, default="away"),
    Column("cap", Integer, nullable=True),  # None: the service default
    Column("connected", Boolean, nullable=False, default=False),
    Column("instance_id", String(80), nullable=True),
    Column("last_seen_at", Moment, nullable=True),
    Column("idle_since", Moment, nullable=True),
)

conversations = Table(
    "ho_conversations",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("created_at", Moment, nullable=False),
    Column("updated_at", Moment, nullable=False),
    Column("state", String(16), nullable=False, default="bot", index=True),
    Column("last_seq", Integer, nullable=False, default=0),
    Column("language", String(8), nullable=False, default="en"),
    Column("page_url", String(2000), nullable=False, default=""),
    Column("identity_token", Text, nullable=True),
    Column("verified_resident_id", String(40), nullable=True),
    Column("verified_name", String(200), nullable=True),
    Column("verified_refs", String(400), nullable=False, default="", server_default=""),
    Column("verified_method", String(40), nullable=True),
    # routing
    Column("team", String(40), nullable=True, index=True),
    Column("service_area", String(40), nullable=True),
    Column("priority", String(10), nullable=False, default="normal"),
    Column("reason", String(200), nullable=True),
    Column("summary", Text, nullable=True),
    Column("queued_at", Moment, nullable=True),
    Column("requeued", Boolean, nullable=False, default=False),
    Column("offered_to", Integer, nullable=True, index=True),
    Column("offer_expires_at", Moment, nullable=True),
    Column("declined_by", String(400), nullable=False, default=""),
    Column("assigned_to", Integer, nullable=True, index=True),
    Column("last_notice", String(40), nullable=True),
    # when a socket of the resident's was last heard while waiting (migration ho_0005)
    Column("resident_seen_at", Moment, nullable=True),
    # end
    Column("closed_at", Moment, nullable=True),
    Column("outcome", String(40), nullable=True),
    Column("rating", Integer, nullable=True),
    # only the open conversations (migration ho_0003): what insight counts live
    Index(
        "ix_ho_conversations_open",
        "state",
        sqlite_where=text("state <> 'closed'"),
        postgresql_where=text("state <> 'closed'"),
    ),
)

events = Table(
    "ho_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "conversation_id",
        String(32),
        ForeignKey("ho_conversations.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("seq", Integer, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("audience", String(10), nullable=False, default="all"),
    Column("author", String(16), nullable=True),  # messages: resident, bot, advisor, system
    Column("data", JSON, nullable=False),
    Column("client_id", String(64), nullable=True),
    Column("at", Moment, nullable=False),
    Column("bot_pending", Boolean, nullable=False, default=False),
    Column("bot_claimed_at", Moment, nullable=True),
    UniqueConstraint("conversation_id", "seq", name="uq_ho_events_conversation_seq"),
    UniqueConstraint("conversation_id", "client_id", name="uq_ho_events_conversation_client"),
    Index("ix_ho_events_bot_pending", "bot_pending"),
)

assignments = Table(
    "ho_assignments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "conversation_id",
        String(32),
        ForeignKey("ho_conversations.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("user_id", Integer, nullable=False, index=True),
    Column("team", String(40), nullable=True),
    Column("started_at", Moment, nullable=False),
    Column("ended_at", Moment, nullable=True),
    Column("end_reason", String(40), nullable=True),
    Column("read_seq", Integer, nullable=False, default=0),
)

transcripts = Table(
    "ho_transcripts",
    metadata,
    Column(
        "conversation_id",
        String(32),
        ForeignKey("ho_conversations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("created_at", Moment, nullable=False),
    Column("text", Text, nullable=False),
    Column("case_reference", String(40), nullable=True),
    # the messages left, by when (migration ho_0004): insight's pick-up figures and inbox
    Index(
        "ix_ho_transcripts_left",
        "created_at",
        sqlite_where=text("case_reference IS NOT NULL"),
        postgresql_where=text("case_reference IS NOT NULL"),
    ),
)

router_lock = Table(
    "ho_router",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticked_at", Moment, nullable=True),
    Column("ticked_by", String(80), nullable=True),
)
