"""Knowledge checks, the lock-out and verified sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from actions.backoffice.seed import DEMO_IDENTITIES
from actions.verification import (
    CheckOutcome,
    MemoryVerificationStore,
    Purpose,
    Verifier,
    parse_money_pence,
)
from tests.unit.bot.harness import NOW, SIGNING_KEY, BotHarness

CT = DEMO_IDENTITIES["council_tax"]
TEN = DEMO_IDENTITIES["tenancy"]
CASE = DEMO_IDENTITIES["case_in_progress"]


def check(verifier: Verifier, conversation: str = "c1", **kwargs):
    kwargs.setdefault("reference", CT["reference"])
    kwargs.setdefault("postcode", "bf3 2qx")
    kwargs.setdefault("fact", "Whitlock")
    kwargs.setdefault("purpose", Purpose.BALANCE)
    return verifier.knowledge_check(conversation_id=conversation, **kwargs)


@pytest.mark.parametrize(
    "fact", ["Whitlock", "whitlock", " my surname is WHITLOCK ", "£168.75", "168.75"]
)
def test_reference_postcode_and_one_fact_verify(bot: BotHarness, fact: str) -> None:
    result = check(bot.services.verifier, fact=fact)
    assert result.outcome is CheckOutcome.VERIFIED
    assert result.references == ("CT40012345",)
    session = bot.services.verifier.session("c1", result.secret)
    assert session is not None and session.references == ("CT40012345",)


def test_a_tenancy_verifies_with_the_surname(bot: BotHarness) -> None:
    result = check(bot.services.verifier, reference="ten 004512", fact="Okafor")
    assert result.outcome is CheckOutcome.VERIFIED


@pytest.mark.parametrize(
    "change",
    [
        {"postcode": "BF3 2QY"},
        {"fact": "Smith"},
        {"fact": "£168.76"},
        {"reference": "CT40019999"},  # well-formed, no such account
        {"reference": "BDC-104233"},  # a case reference cannot open balances
    ],
)
def test_any_wrong_fact_fails_the_same_way(bot: BotHarness, change) -> None:
    result = check(bot.services.verifier, **change)
    assert result.outcome is CheckOutcome.FAILED
    assert result.secret is None


def test_a_case_needs_only_its_property_postcode(bot: BotHarness) -> None:
    verifier = bot.services.verifier
    ok = check(verifier, reference=CASE["reference"], fact=None, purpose=Purpose.CASE_DETAILS)
    assert ok.outcome is CheckOutcome.VERIFIED
    wrong = check(
        verifier,
        "c2",
        reference=CASE["reference"],
        postcode="BF1 3NW",
        purpose=Purpose.CASE_DETAILS,
    )
    assert wrong.outcome is CheckOutcome.FAILED


def test_three_failures_lock_the_conversation(bot: BotHarness) -> None:
    verifier = bot.services.verifier
    assert check(verifier, fact="nope").failures_left == 2
    assert check(verifier, fact="nope").failures_left == 1
    assert check(verifier, fact="nope").outcome is CheckOutcome.LOCKED
    # even the right answer is refused now, and nothing is verified
    locked = check(verifier)
    assert locked.outcome is CheckOutcome.LOCKED and locked.secret is None
    # a different account in the same conversation is locked too
    assert check(verifier, reference=TEN["reference"], fact="Okafor").outcome is CheckOutcome.LOCKED


def test_three_failures_lock_the_account_for_an_hour_across_conversations(bot: BotHarness) -> None:
    store = MemoryVerificationStore()
    now = [NOW]
    verifier = Verifier(
        store, bot.backoffice, signing_key=SIGNING_KEY.encode(), clock=lambda: now[0]
    )
    for conversation in ("a", "b", "c"):
        check(verifier, conversation, fact="wrong")
    assert check(verifier, "d").outcome is CheckOutcome.LOCKED
    assert (
        check(verifier, "d", reference=TEN["reference"], fact="Okafor").outcome
        is CheckOutcome.VERIFIED
    )
    now[0] = NOW + timedelta(minutes=61)
    assert check(verifier, "e").outcome is CheckOutcome.VERIFIED


def test_an_unknown_account_locks_like_a_real_one(bot: BotHarness) -> None:
    verifier = bot.services.verifier
    for conversation in ("a", "b", "c"):
        check(verifier, conversation, reference="CT49999999")
    assert check(verifier, "d", reference="CT49999999").outcome is CheckOutcome.LOCKED


def test_the_account_is_stored_as_a_keyed_hash(bot: BotHarness) -> None:
    check(bot.services.verifier, fact="wrong")
    ((_, account_key, succeeded, _),) = bot.store.attempts
    assert not succeeded
    assert "40012345" not in account_key and len(account_key) == 64


def test_a_session_needs_the_same_conversation_and_secret(bot: BotHarness) -> None:
    verifier = bot.services.verifier
    secret = check(verifier).secret
    assert verifier.session("c1", secret) is not None
    assert verifier.session("someone-else", secret) is None
    assert verifier.session("c1", "guessed-secret") is None
    assert verifier.session("c1", None) is None
    identity = verifier.identity("c1", token=None, secret=secret)
    assert identity.verified and identity.method == "knowledge_check"
    assert not verifier.identity("invented-id", token=None, secret=secret).verified


def test_sessions_expire_and_end(bot: BotHarness) -> None:
    now = [NOW]
    verifier = Verifier(
        bot.store, bot.backoffice, signing_key=SIGNING_KEY.encode(), clock=lambda: now[0]
    )
    secret = check(verifier).secret
    now[0] = NOW + timedelta(minutes=31)
    assert verifier.session("c1", secret) is None
    now[0] = NOW
    verifier.end_sessions("c1")
    now[0] = NOW + timedelta(seconds=1)
    assert verifier.session("c1", secret) is None


def test_a_second_check_keeps_what_the_first_verified(bot: BotHarness) -> None:
    verifier = bot.services.verifier
    first = check(verifier).secret
    second = check(verifier, reference=TEN["reference"], fact="Okafor", previous_secret=first)
    assert set(second.references) == {"CT40012345", "TEN-004512"}


def test_a_valid_token_verifies_without_questions(bot: BotHarness) -> None:
    token = bot.token(council_tax=[CT["reference"]])
    identity = bot.services.verifier.identity("any", token=token, secret=None)
    assert identity.method == "token" and identity.covers("CT40012345")
    assert identity.summary() == {"method": "token", "references": ["CT40012345"]}
    assert not bot.services.verifier.identity("any", token=token + "x", secret=None).verified


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("£168.75", 16875),
        ("168.75", 16875),
        ("98 pounds", 9800),
        ("£1,234.5", 123450),
        ("Smith", None),
    ],
)
def test_money_is_read_loosely(text: str, pence: int | None) -> None:
    assert parse_money_pence(text) == pence
