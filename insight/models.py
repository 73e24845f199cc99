"""Insight's tables: ``conversation_outcomes``, one anonymised row per conversation, and
its daily rollup (``insight_daily``, ``insight_daily_waits``) that the summary reads.

No personal data: no names, texts, references, addresses or resident ids, and
no staff ids; only when, which language, which service area and team, what
happened and how long it took. So it survives the retention purge of
``ho_conversations`` and years of figures stay. ``conversation_id`` is the
random id the conversation had (it names nobody) and keeps recording idempotent.
``conversation_intents`` holds, per recorded conversation, how many of its
messages the bot's NLU read as each intent (names of intents, never text), and
``insight_daily_intents`` the same per day, team and topic.
The rollup holds only counts and sums per day and group, kept in step by
``insight.store.record`` in the same transaction (``frontdoor insight rollup
--rebuild`` recomputes it).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
)

from frontdoor.db import AwareDateTime, new_metadata
from insight.report import ROLLUP_SUMS

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
    # the advisors' load while on it (insight.report.advisor_load; migration in_0003)
    Column("advisor_peak_chats", SmallInteger, nullable=True),
    Column("advisor_chat_ms", BigInteger, nullable=True),
    Column("advisor_busy_ms", BigInteger, nullable=True),
    Index("ix_conversation_outcomes_started", "started_at"),
)


conversation_intents = Table(
    "conversation_intents",
    metadata,
    Column("conversation_id", String(32), nullable=False),
    Column("intent", String(60), nullable=False),
    Column("messages", Integer, nullable=False),
    Column("confidence_milli", BigInteger, nullable=False),  # sum, in thousandths
    PrimaryKeyConstraint("conversation_id", "intent"),
)


# --- the daily rollup: the same figures pre-aggregated, kept in step by store.record ---
# Keys never hold NULL ("" stands for no team / no reason) so each group is one row.
# ``day`` is the UTC calendar day of ``started_at`` as YYYY-MM-DD text.

insight_daily = Table(
    "insight_daily",
    metadata,
    Column("day", String(10), nullable=False),
    Column("language", String(8), nullable=False),
    Column("team", String(40), nullable=False),
    Column("topic", String(40), nullable=False),
    Column("outcome", String(20), nullable=False),
    Column("reason", String(20), nullable=False),
    *(
        Column(name, BigInteger, nullable=False, default=0, server_default="0")
        if name.startswith("advisor_")  # added by in_0003
        else Column(name, BigInteger, nullable=False, default=0)
        for name in ROLLUP_SUMS
    ),
    PrimaryKeyConstraint("day", "language", "team", "topic", "outcome", "reason"),
)

insight_daily_waits = Table(
    "insight_daily_waits",
    metadata,
    Column("day", String(10), nullable=False),
    Column("language", String(8), nullable=False),
    Column("team", String(40), nullable=False),
    Column("topic", String(40), nullable=False),
    Column("bucket", Integer, nullable=False),  # lower edge in seconds (insight.rollup)
    Column("n", BigInteger, nullable=False, default=0),
    PrimaryKeyConstraint("day", "language", "team", "topic", "bucket"),
)

INTENT_SUMS = ("conversations", "messages", "confidence_milli")

insight_daily_intents = Table(
    "insight_daily_intents",
    metadata,
    Column("day", String(10), nullable=False),
    Column("team", String(40), nullable=False),
    Column("topic", String(40), nullable=False),
    Column("intent", String(60), nullable=False),
    *(Column(name, BigInteger, nullable=False, default=0) for name in INTENT_SUMS),
    PrimaryKeyConstraint("day", "team", "topic", "intent"),
)

# how many conversations had each peak of chats at once (advisor_peak_chats): the
# period's peak is the highest with any, and a re-record can take one away
insight_daily_peaks = Table(
    "insight_daily_peaks",
    metadata,
    Column("day", String(10), nullable=False),
    Column("team", String(40), nullable=False),
    Column("topic", String(40), nullable=False),
    Column("peak", Integer, nullable=False),
    Column("n", BigInteger, nullable=False, default=0),
    PrimaryKeyConstraint("day", "team", "topic", "peak"),
)
