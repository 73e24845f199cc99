"""The verification store's contract: what the SQL store and the in-memory fake
must both do (``actions.verification.VerificationStore``).

The grants are the server-side record of what a conversation proved (issue
#10): found only with the conversation id *and* the secret's hash, listed per
conversation for the advisor's console, ended by "start over". Attempts feed
the limits: failures per conversation, and per account (any conversation) in
a window, with their times for the account's delay. The SQL store runs on
every backend of the ``database`` fixture (SQLite, and PostgreSQL when
FRONTDOOR_TEST_POSTGRES_URL is set).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from actions.verification import (
    Grant,
    MemoryVerificationStore,
    Purpose,
    ReferenceKind,
    SqlVerificationStore,
    VerificationStore,
)

NOW = datetime(2026, 11, 18, 14, 30, tzinfo=UTC)
HASH = "h" * 64


def grant(reference: str = "CT40012345", **changes: object) -> Grant:
    kind = {"CT": ReferenceKind.COUNCIL_TAX, "TE": ReferenceKind.TENANCY}.get(
        reference[:2], ReferenceKind.CASE
    )
    fields: dict[str, object] = {
        "kind": kind,
        "reference": reference,
        "purpose": Purpose.CASE_DETAILS if kind is ReferenceKind.CASE else Purpose.BALANCE,
        "method": "knowledge_check",
        "facts": ("postcode",) if kind is ReferenceKind.CASE else ("postcode", "surname"),
        "verified_at": NOW,
        "expires_at": NOW + timedelta(minutes=30),
    }
    fields.update(changes)
    return Grant(**fields)  # type: ignore[arg-type]


class VerificationStoreContract:
    @pytest.fixture
    def store(self) -> VerificationStore:
        raise NotImplementedError("subclasses provide the store under test")

    def test_attempts_are_counted_per_conversation_and_per_account(
        self, store: VerificationStore
    ) -> None:
        for conversation, succeeded in (("a", False), ("a", False), ("b", False), ("b", True)):
            store.record_attempt(
                conversation_id=conversation, account_key="k1", succeeded=succeeded, at=NOW
            )
        store.record_attempt(
            conversation_id="c", account_key="k1", succeeded=False, at=NOW - timedelta(hours=2)
        )
        store.record_attempt(conversation_id="d", account_key=None, succeeded=False, at=NOW)
        assert store.conversation_failures("a") == 2
        assert store.conversation_failures("b") == 1
        assert store.conversation_failures("d") == 1
        assert store.account_failures("k1", since=NOW - timedelta(hours=1)) == 3
        assert store.account_failures("k2", since=NOW - timedelta(hours=1)) == 0

    def test_account_failure_times_are_oldest_first_and_aware(
        self, store: VerificationStore
    ) -> None:
        for minutes in (5, 1, 3):
            store.record_attempt(
                conversation_id=f"c{minutes}",
                account_key="k1",
                succeeded=False,
                at=NOW + timedelta(minutes=minutes),
            )
        times = store.account_failure_times("k1", since=NOW)
        assert times == [NOW + timedelta(minutes=m) for m in (1, 3, 5)]
        assert all(t.tzinfo is not None for t in times)

    def test_grants_need_the_conversation_and_the_hash(self, store: VerificationStore) -> None:
        saved = grant()
        store.save_grant(conversation_id="conv", secret_hash=HASH, grant=saved)
        assert store.find_grants("conv", HASH) == [saved]
        assert store.find_grants("other", HASH) == []
        assert store.find_grants("conv", "x" * 64) == []

    def test_a_grant_keeps_what_how_and_when(self, store: VerificationStore) -> None:
        first = grant()
        second = grant("BDC-104233", verified_at=NOW + timedelta(minutes=2))
        store.save_grant(conversation_id="conv", secret_hash=HASH, grant=first)
        store.save_grant(conversation_id="conv", secret_hash=HASH, grant=second)
        found = store.find_grants("conv", HASH)
        assert found == [first, second]
        assert found[1].purpose is Purpose.CASE_DETAILS
        assert found[1].kind is ReferenceKind.CASE and found[1].facts == ("postcode",)

    def test_conversation_grants_lists_only_live_ones(self, store: VerificationStore) -> None:
        live = grant()
        old = grant("TEN-004512", expires_at=NOW - timedelta(seconds=1))
        store.save_grant(conversation_id="conv", secret_hash=HASH, grant=live)
        store.save_grant(conversation_id="conv", secret_hash=HASH, grant=old)
        store.save_grant(conversation_id="other", secret_hash="o" * 64, grant=grant())
        assert store.conversation_grants("conv", at=NOW) == [live]
        assert store.conversation_grants("nobody", at=NOW) == []

    def test_ending_expires_every_grant_of_the_conversation_only(
        self, store: VerificationStore
    ) -> None:
        store.save_grant(conversation_id="conv", secret_hash=HASH, grant=grant())
        store.save_grant(conversation_id="other", secret_hash="o" * 64, grant=grant())
        store.end_sessions("conv", at=NOW + timedelta(minutes=1))
        (ended,) = store.find_grants("conv", HASH)
        assert ended.expires_at == NOW + timedelta(minutes=1)
        assert store.conversation_grants("conv", at=NOW + timedelta(minutes=1)) == []
        assert store.conversation_grants("other", at=NOW + timedelta(minutes=1))


class TestMemoryVerificationStore(VerificationStoreContract):
    @pytest.fixture
    def store(self) -> VerificationStore:
        return MemoryVerificationStore()


class TestSqlVerificationStore(VerificationStoreContract):
    @pytest.fixture
    def store(self, database) -> VerificationStore:
        return SqlVerificationStore(database.engine)
