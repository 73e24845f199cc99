"""The one insight table: ``conversation_outcomes``, one anonymised row per conversation.

No personal data: no names, texts, references, addresses or resident ids, and
no staff ids; only when, which language, which service area and team, what
happened and how long it took. So it survives the retention purge of
``ho_conversations`` and years of figures stay. ``conversation_id`` is the
random id the conversation had (it names nobody) and keeps recording idempotent.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, SmallInteger, String, Table

from frontdoor.db import AwareDateTime, new_metadata

metadata = new_metadata()

Moment = AwareDateTime()

conversation_outcomes = Table(
    "conversation_outcomes",
    metadata,
    Column("conversation_id", String(32), primary_key=True),
    Column("started_at", Moment, nullable=False),
    Column("closed_at", Moment, nullable=True),
    Column("language", String(8), nullable=False, default="en"),
    Column("team", String(40), nullable=True),
    Column("topic", String(40), nullable=False, default="general"),
    Column("outcome", String(20), nullable=False),
    Column("reason", String(20), nullable=True),
    Column("resident_messages", Integer, nullable=False, default=0),
    Column("bot_answers", Integer, nullable=False, default=0),
    Column("helpful_yes", Integer, nullable=False, default=0),
    Column("helpful_no", Integer, nullable=False, default=0),
    Column("out_of_hours", Boolean, nullable=False, default=False),
    Column("wait_seconds", Integer, nullable=True),
    Column("abandon_seconds", Integer, nullable=True),
    Column("handle_seconds", Integer, nullable=True),
    Column("advisor_messages", Integer, nullable=False, default=0),
    Column("rating", SmallInteger, nullable=True),
    Column("case_created", Boolean, nullable=False, default=False),
    Column("demo", Boolean, nullable=False, default=False),
    Index("ix_conversation_outcomes_started", "started_at"),
)
