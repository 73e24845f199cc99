"""The bot's own tables (prefix ``bot_``), migration branch ``bot``.

- ``bot_verification_attempts``: one row per knowledge-based identity check,
  for the lock-out (at most N failures per conversation, and per account in a
  window). The account is stored as a keyed hash, never as the reference.
- ``bot_verified_sessions``: the server-side record of a successful check. The
  conversation holds only a random secret in a slot; the row holds its SHA-256,
  the conversation id, what was verified and when it expires. Both must match,
  so neither a client-invented conversation id nor a client-sent slot value
  grants anything on its own.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, MetaData, String, Table, Text

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
    Column("attempted_at", DateTime(timezone=True), nullable=False),
    Index(None, "conversation_id", "attempted_at"),
    Index(None, "account_key", "attempted_at"),
)

verified_sessions = Table(
    "bot_verified_sessions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(255), nullable=False, index=True),
    Column("secret_hash", String(64), nullable=False, unique=True),
    Column("method", String(32), nullable=False),
    Column("account_refs", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)
