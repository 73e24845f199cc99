"""Handoff's storage: the one place in the service that speaks SQL.

``port`` says what the service asks of it (:class:`Store`, :class:`Tx`);
``sql`` (with ``sql_console`` and ``seeding``) keeps it on SQLite or PostgreSQL;
``memory`` keeps it in a dict for unit tests. Both pass
``tests/contract/test_handoff_store_contract.py``.
"""

from handoff.store.memory import MemoryStore
from handoff.store.port import Store, Tx
from handoff.store.records import (
    DISCONNECTED,
    AccountGrant,
    AdvisorRecord,
    ChatSummary,
    Clock,
    Conversation,
    TeamRecord,
    Unrelayed,
    utcnow,
)
from handoff.store.sql import DatabaseError, SqlStore, SqlTx, conflicted, unreachable

__all__ = [
    "DISCONNECTED",
    "AccountGrant",
    "AdvisorRecord",
    "ChatSummary",
    "Clock",
    "Conversation",
    "DatabaseError",
    "MemoryStore",
    "SqlStore",
    "SqlTx",
    "Store",
    "TeamRecord",
    "Tx",
    "Unrelayed",
    "conflicted",
    "unreachable",
    "utcnow",
]
