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

from actions.verification import CheckOutcome, Purpose
from backoffice.ports import BackOffice
from backoffice.seed import DEMO_IDENTITIES
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


# --- finding 6 (the bot's half): nobody is locked out by others or by a button ---------


def _at_the_surname_question(bot: BotHarness, sender_id: str = "resident-1") -> Conversation:
    chat = Conversation(bot, sender_id=sender_id)
    chat.say("what is my council tax balance?", intent="ask_council_tax_balance")
    chat.say(CT["reference"])
    chat.say(postcode_of(bot.backoffice, CT["reference"]))
    assert chat.slots["requested_slot"] == "verify_fact"
    return chat


@pytest.mark.parametrize(
    ("text", "intent"),
    [("/affirm", "affirm"), ("/deny", "deny"), ("Yes", "affirm"), ("no", "deny"), ("/human", None)],
)
def test_a_button_at_the_surname_question_is_asked_again_not_counted(
    bot: BotHarness, text: str, intent: str | None
) -> None:
    chat = _at_the_surname_question(bot)
    reply = chat.say(text, intent=intent)
    assert "surname" in reply and "couldn't confirm" not in reply
    assert bot.store.attempts == []
    assert chat.slots["requested_slot"] == "verify_fact"
    assert chat.active_loop == "verify_form"
    chat.say(CT["surname"])
    assert "Council tax account CT40012345" in chat.transcript


def test_strangers_cannot_lock_a_resident_out_of_their_account(bot: BotHarness) -> None:
    for n in range(8):  # eight strangers, each with wrong answers in their own chat
        stranger = _at_the_surname_question(bot, sender_id=f"stranger-{n}")
        stranger.say("Smith")
    resident = Conversation(bot, sender_id="resident")
    reply = resident.say("what is my council tax balance?", intent="ask_council_tax_balance")
    reply += resident.say(CT["reference"])
    reply += resident.say(postcode_of(bot.backoffice, CT["reference"]))
    reply += resident.say(CT["surname"])
    # delayed (told how long, offered a person), not locked, not shown
    assert "try again in" in resident.transcript and "£" not in resident.transcript
    assert "can't check any more" not in resident.transcript
    later = make_later(bot, minutes=16)
    again = Conversation(later, sender_id="resident")
    again.say("what is my council tax balance?", intent="ask_council_tax_balance")
    again.say(CT["reference"])
    again.say(postcode_of(bot.backoffice, CT["reference"]))
    again.say(CT["surname"])
    assert "Council tax account CT40012345" in again.transcript


def make_later(bot: BotHarness, *, minutes: int) -> BotHarness:
    """The same back office and verification store, ``minutes`` later."""
    from datetime import timedelta

    from tests.unit.bot.harness import harness_for

    return harness_for(
        bot.backoffice,
        now=bot.services.clock() + timedelta(minutes=minutes),
        verification=bot.store,
    )


@pytest.mark.parametrize(
    ("typed", "kind"), [(CT["reference"], "council tax account"), (TEN["reference"], "tenancy")]
)
def test_an_account_reference_where_a_request_is_asked_is_explained(
    bot: BotHarness, typed: str, kind: str
) -> None:
    result = bot.validate("case_form", {"case_reference": typed})
    assert result.slot("case_reference") is None
    assert f"looks like a {kind} reference" in result.text and "BDC-" in result.text


def test_a_delayed_account_is_told_how_long_and_offered_a_person(bot: BotHarness) -> None:
    verifier = bot.services.verifier
    for n in range(5):
        verifier.knowledge_check(
            conversation_id=f"stranger-{n}",
            reference=CT["reference"],
            postcode="BF3 2QX",
            fact="Smith",
            purpose=Purpose.BALANCE,
        )
    result = bot.run(
        "action_start_balance",
        bot.tracker(
            intent="ask_council_tax_balance",
            entities=[("council_tax_reference", CT["reference"])],
            sender_id="resident",
        ),
    )
    assert "try again in 1 minute" in result.text
    assert result.followup is None and result.slot("awaiting") == "offer_human"
    assert [b["payload"] for b in result.buttons] == ["/human"]


def test_action_verify_explains_a_wrong_kind_and_asks_again(bot: BotHarness) -> None:
    result = bot.run(
        "action_verify",
        bot.tracker(
            slots={
                "verify_purpose": "case_details",
                "verify_reference": CT["reference"],
                "verify_postcode": "BF3 2QX",
            }
        ),
    )
    assert "case reference" in result.text and result.slot("verified_session") == "<unset>"
    assert result.followup == "verify_form" and result.slot("verify_reference") is None
    assert bot.store.attempts == []
