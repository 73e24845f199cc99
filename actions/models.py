"""The bot's own tables (prefix ``bot_``), migration branch ``bot``.

- ``bot_verification_attempts``: one row per knowledge-based identity check,
  for the lock-out (at most N failures per conversation, and per account in a
  window). The account is stored as a keyed hash, never as the reference.
- ``bot_verification_grants``: the server-side record of what a conversation
  proved: one row per grant (reference kind and reference, purpose, method and
  the facts that matched, when, until when). The conversation holds only a
  random secret in a slot; the rows hold its SHA-256 and the conversation id.
  Both must match, so neither a client-invented conversation id nor a
  client-sent slot value grants anything on its own. (Replaces
  ``bot_verified_sessions``, whose rows named references without a purpose.)
- ``bot_answer_feedback``: one row per knowledge answer (article, section,
  language, the question clipped) and whether the resident said it helped
  (``actions.answer_log``).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, MetaData, String, Table

from frontdoor.db import AwareDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)

verification_attempts = Table(
    "bot_verification_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(255), nullable=False),
    Column("account_key", String(64), nullable=True),
    Column("succeeded", Boolean, nullable=False),
    Column("attempted_at", AwareDateTime(), nullable=False),
    Index(None, "conversation_id", "attempted_at"),
    Index(None, "account_key", "attempted_at"),
)

verification_grants = Table(
    "bot_verification_grants",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(255), nullable=False),
    Column("secret_hash", String(64), nullable=False),
    Column("reference_kind", String(20), nullable=False),
    Column("reference", String(40), nullable=False),
    Column("purpose", String(20), nullable=False),
    Column("method", String(32), nullable=False),
    Column("facts", String(100), nullable=False),
    Column("verified_at", AwareDateTime(), nullable=False),
    Column("expires_at", AwareDateTime(), nullable=False),
    Index(None, "conversation_id", "secret_hash"),
    Index(None, "conversation_id", "expires_at"),
)

answer_feedback = Table(
    "bot_answer_feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(255), nullable=False),
    Column("slug", String(200), nullable=False),
    Column("section_anchor", String(200), nullable=True),
    Column("language", String(8), nullable=False),
    Column("question", String(500), nullable=False),
    Column("answered_at", AwareDateTime(), nullable=False),
    Column("helpful", Boolean, nullable=True),
    Column("rated_at", AwareDateTime(), nullable=True),
    Index(None, "conversation_id", "answered_at"),
    Index(None, "slug", "answered_at"),
)
