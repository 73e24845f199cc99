"""Knowledge checks, the lock-out and verified sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from actions.verification import (
    CheckOutcome,
    MemoryVerificationStore,
    Purpose,
    ReferenceKind,
    Verifier,
    parse_money_pence,
)
from backoffice.seed import DEMO_IDENTITIES
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
    (grant,) = bot.services.verifier.grants("c1", result.secret)
    assert (grant.kind, grant.reference, grant.purpose) == (
        ReferenceKind.COUNCIL_TAX,
        "CT40012345",
        Purpose.BALANCE,
    )
    assert grant.method == "knowledge_check" and grant.facts[0] == "postcode"
    assert grant.facts[1] == ("last_payment" if "168" in fact else "surname")
    assert grant.expires_at == NOW + timedelta(minutes=30)


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
    ],
)
def test_any_wrong_fact_fails_the_same_way(bot: BotHarness, change) -> None:
    result = check(bot.services.verifier, **change)
    assert result.outcome is CheckOutcome.FAILED
    assert result.secret is None


def test_a_case_reference_cannot_open_balances_and_is_not_an_attempt(bot: BotHarness) -> None:
    result = check(bot.services.verifier, reference="BDC-104233")
    assert result.outcome is CheckOutcome.WRONG_KIND and result.secret is None
    assert bot.store.attempts == []


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


def _verifier(bot: BotHarness, now: list) -> Verifier:
    return Verifier(
        MemoryVerificationStore(),
        bot.backoffice,
        signing_key=SIGNING_KEY.encode(),
        clock=lambda: now[0],
    )


def test_strangers_failing_on_an_account_delay_it_and_never_lock_it(bot: BotHarness) -> None:
    now = [NOW]
    verifier = _verifier(bot, now)
    for conversation in ("a", "b", "c", "d", "e"):  # five strangers, one guess each
        assert check(verifier, conversation, fact="wrong").outcome is CheckOutcome.FAILED
    delayed = check(verifier, "resident")
    assert delayed.outcome is CheckOutcome.DELAYED and delayed.secret is None
    assert delayed.wait == timedelta(minutes=1)
    # other accounts are not affected
    assert (
        check(verifier, "resident", reference=TEN["reference"], fact="Okafor").outcome
        is CheckOutcome.VERIFIED
    )
    # once the delay has passed the resident gets in: delayed, not locked out
    now[0] = NOW + timedelta(minutes=1)
    assert check(verifier, "resident").outcome is CheckOutcome.VERIFIED


def test_the_account_delay_doubles_and_is_capped(bot: BotHarness) -> None:
    now = [NOW]
    verifier = _verifier(bot, now)
    waits = []
    for n in range(12):
        gate = verifier.gate(f"resident-{n}", CT["reference"])
        now[0] += gate.wait
        check(verifier, f"stranger-{n}", fact="wrong")
        waits.append(verifier.gate(f"resident-{n}", CT["reference"]).wait)
    assert [w.total_seconds() / 60 for w in waits[4:10]] == [1, 2, 4, 8, 15, 15]
    # an hour after the last failure the account is open again
    now[0] += timedelta(minutes=61)
    assert verifier.gate("resident", CT["reference"]).outcome is None


def test_a_delayed_check_is_not_counted_as_a_failure(bot: BotHarness) -> None:
    now = [NOW]
    verifier = _verifier(bot, now)
    for conversation in ("a", "b", "c", "d", "e"):
        check(verifier, conversation, fact="wrong")
    for _ in range(5):
        assert check(verifier, "resident").outcome is CheckOutcome.DELAYED
    now[0] = NOW + timedelta(minutes=1)
    assert check(verifier, "resident").outcome is CheckOutcome.VERIFIED


def test_the_account_is_stored_as_a_keyed_hash(bot: BotHarness) -> None:
    check(bot.services.verifier, fact="wrong")
    ((_, account_key, succeeded, _),) = bot.store.attempts
    assert not succeeded
    assert "40012345" not in account_key and len(account_key) == 64


def test_a_session_needs_the_same_conversation_and_secret(bot: BotHarness) -> None:
    verifier = bot.services.verifier
    secret = check(verifier).secret
    assert verifier.grants("c1", secret)
    assert verifier.grants("someone-else", secret) == []
    assert verifier.grants("c1", "guessed-secret") == []
    assert verifier.grants("c1", None) == []
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
    assert verifier.grants("c1", secret) == []
    assert not verifier.recorded_identity("c1").verified
    now[0] = NOW
    assert verifier.recorded_identity("c1").verified
    verifier.end_sessions("c1")
    now[0] = NOW + timedelta(seconds=1)
    assert verifier.grants("c1", secret) == []
    assert not verifier.recorded_identity("c1").verified


def test_a_second_check_keeps_what_the_first_verified(bot: BotHarness) -> None:
    verifier = bot.services.verifier
    first = check(verifier).secret
    second = check(verifier, reference=TEN["reference"], fact="Okafor", previous_secret=first)
    assert second.secret == first
    identity = verifier.identity("c1", token=None, secret=second.secret)
    assert identity.references_for(Purpose.BALANCE) == ["CT40012345", "TEN-004512"]


def test_a_case_check_and_an_account_check_each_prove_their_own_thing(bot: BotHarness) -> None:
    verifier = bot.services.verifier
    case = check(verifier, reference=CASE["reference"], fact=None, purpose=Purpose.CASE_DETAILS)
    identity = verifier.identity("c1", token=None, secret=case.secret)
    assert identity.covers(CASE["reference"], Purpose.CASE_DETAILS)
    assert identity.references_for(Purpose.BALANCE) == []
    assert identity.summary() is None  # the console is not told "verified"
    account = check(verifier, previous_secret=case.secret)
    identity = verifier.identity("c1", token=None, secret=account.secret)
    assert not identity.covers(CT["reference"], Purpose.CASE_DETAILS)
    assert not identity.covers(CASE["reference"], Purpose.BALANCE)
    assert identity.references_for(Purpose.BALANCE) == [CT["reference"]]


def test_a_valid_token_verifies_without_questions(bot: BotHarness) -> None:
    token = bot.token(council_tax=[CT["reference"]])
    identity = bot.services.verifier.identity("any", token=token, secret=None)
    assert identity.method == "token" and identity.covers("CT40012345", Purpose.BALANCE)
    summary = identity.summary()
    assert summary is not None
    assert summary["method"] == "token" and summary["references"] == ["CT40012345"]
    (grant,) = summary["grants"]  # type: ignore[misc]
    assert grant["purpose"] == "balance" and grant["facts"] == ["identity_token"]
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
