"""The bot_ tables on every configured database (SQLite, and PostgreSQL when
FRONTDOOR_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from actions.verification import SqlVerificationStore, VerifiedSession

NOW = datetime(2026, 11, 18, 14, 30, tzinfo=UTC)


def test_attempts_are_counted_per_conversation_and_per_account(database) -> None:
    store = SqlVerificationStore(database.engine)
    for conversation, succeeded in (("a", False), ("a", False), ("b", False), ("b", True)):
        store.record_attempt(
            conversation_id=conversation, account_key="k1", succeeded=succeeded, at=NOW
        )
    store.record_attempt(
        conversation_id="c", account_key="k1", succeeded=False, at=NOW - timedelta(hours=2)
    )
    assert store.conversation_failures("a") == 2
    assert store.conversation_failures("b") == 1
    assert store.account_failures("k1", since=NOW - timedelta(hours=1)) == 3
    assert store.account_failures("k2", since=NOW - timedelta(hours=1)) == 0


def test_sessions_are_found_by_conversation_and_hash_and_can_be_ended(database) -> None:
    store = SqlVerificationStore(database.engine)
    session = VerifiedSession(
        "conv", "knowledge_check", ("CT40012345",), NOW, NOW + timedelta(minutes=30)
    )
    store.save_session("h" * 64, session)
    found = store.find_session("conv", "h" * 64)
    assert found is not None and found.references == ("CT40012345",)
    assert found.expires_at == NOW + timedelta(minutes=30)
    assert store.find_session("other", "h" * 64) is None
    store.end_sessions("conv", at=NOW + timedelta(minutes=1))
    ended = store.find_session("conv", "h" * 64)
    assert ended is not None and ended.expires_at == NOW + timedelta(minutes=1)
