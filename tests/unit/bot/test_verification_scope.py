"""Issue #10, finding 1: a check proves one thing, for one purpose.

The probe: "where is my request BDC-…" → "yes" to the details → a wrong
postcode → "Try again" → a council tax (or tenancy) reference → that
property's postcode → "what is my council tax balance?" → the balance was
shown. These tests drive that chain through the actions and check that
nothing personal is shown, that the wrong kind of reference is explained, and
that the advisor is not told the resident was verified for the account.
"""

from __future__ import annotations

import pytest

from actions.backoffice.ports import BackOffice
from actions.backoffice.seed import DEMO_IDENTITIES
from actions.verification import CheckOutcome, Purpose
from tests.unit.bot.conversation import Conversation
from tests.unit.bot.harness import BotHarness

CT = DEMO_IDENTITIES["council_tax"]
TEN = DEMO_IDENTITIES["tenancy"]
CASE = DEMO_IDENTITIES["case_in_progress"]


def postcode_of(backoffice: BackOffice, reference: str) -> str:
    if reference.startswith("CT"):
        uprn = backoffice.council_tax.get_account(reference).uprn
    elif reference.startswith("TEN"):
        uprn = backoffice.rents.get_account(reference).uprn
    else:
        uprn = backoffice.cases.get_case(reference).uprn or ""
    return backoffice.properties.get_property(uprn).postcode


def _case_check_then_wrong_postcode(bot: BotHarness) -> Conversation:
    chat = Conversation(bot)
    reply = chat.say(
        f"where is my request {CASE['reference']}",
        intent="ask_case_status",
        entities=(("case_reference", CASE["reference"]),),
    )
    assert "in progress" in reply
    chat.click("/affirm", "Yes")  # yes, show me the details
    assert chat.slots["requested_slot"] == "verify_postcode"
    reply = chat.say("ZZ9 9ZZ")  # a wrong postcode: one failure
    assert "couldn't confirm" in reply
    return chat


@pytest.mark.parametrize(
    ("account", "intent", "marker"),
    [
        (CT["reference"], "ask_council_tax_balance", "Council tax account"),
        (TEN["reference"], "ask_rent_balance", "Rent account"),
    ],
)
def test_finding_1_a_case_check_retried_with_an_account_reference_shows_no_balance(
    bot: BotHarness, account: str, intent: str, marker: str
) -> None:
    chat = _case_check_then_wrong_postcode(bot)
    chat.click("/affirm", "Try again")
    reply = chat.say(account)
    # The wrong kind of reference is explained, not accepted.
    assert "case reference" in reply.lower()
    assert chat.slots.get("verify_reference") in (None, CASE["reference"])
    chat.say(postcode_of(bot.backoffice, account))
    chat.say("what is my balance?", intent=intent)
    assert marker not in chat.transcript
    assert "£" not in chat.transcript
    # and the advisor is not told the resident is verified for the account
    chat.say("can I talk to someone?", intent="human")
    handoff = [c for r in chat.results for c in r.custom if "frontdoor_handoff" in c]
    assert handoff
    summary = handoff[-1]["frontdoor_handoff"]["summary"]
    assert summary["verified_identity"] is None


def test_try_again_resets_the_whole_check(bot: BotHarness) -> None:
    chat = _case_check_then_wrong_postcode(bot)
    chat.click("/affirm", "Try again")
    assert chat.slots.get("verify_postcode") is None
    assert chat.slots.get("verify_fact") is None
    assert chat.slots.get("verify_purpose") == Purpose.CASE_DETAILS.value
    # the check asks again from the start: the reference first
    assert chat.slots.get("requested_slot") == "verify_reference"
    assert "case reference" in chat.shown[-1].lower()


def test_the_case_check_retried_properly_shows_the_case_only(bot: BotHarness) -> None:
    chat = _case_check_then_wrong_postcode(bot)
    chat.click("/affirm", "Try again")
    chat.say(CASE["reference"])
    reply = chat.say(postcode_of(bot.backoffice, CASE["reference"]))
    assert "Target date" in reply
    # what the case check proved does not open the account at the same property
    chat.say("what is my council tax balance?", intent="ask_council_tax_balance")
    assert "Council tax account" not in chat.transcript and "£" not in chat.transcript


@pytest.mark.parametrize("account", [CT["reference"], TEN["reference"]])
def test_the_verifier_refuses_an_account_reference_for_case_details(
    bot: BotHarness, account: str
) -> None:
    result = bot.services.verifier.knowledge_check(
        conversation_id="c1",
        reference=account,
        postcode=postcode_of(bot.backoffice, account),
        fact=None,
        purpose=Purpose.CASE_DETAILS,
    )
    assert result.outcome is CheckOutcome.WRONG_KIND and result.secret is None
    assert bot.services.verifier.recorded_identity("c1").verified is False


def test_a_case_reference_at_the_balance_step_is_explained(bot: BotHarness) -> None:
    chat = Conversation(bot)
    chat.say("what is my council tax balance?", intent="ask_council_tax_balance")
    reply = chat.say(CASE["reference"])
    assert "council tax" in reply.lower() and "CT" in reply
    assert chat.slots.get("verify_reference") is None
