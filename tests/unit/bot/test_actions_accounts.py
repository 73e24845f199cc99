"""Requests, balances and planning: public facts for anyone, personal ones only
after verification, and a client-sent slot never counts as verification."""

from __future__ import annotations

import pytest

from backoffice.seed import DEMO_IDENTITIES
from tests.unit.bot.harness import BotHarness

CT = DEMO_IDENTITIES["council_tax"]
TEN = DEMO_IDENTITIES["tenancy"]
CASE = DEMO_IDENTITIES["case_in_progress"]
PLANNING = DEMO_IDENTITIES["planning"]


# --- where is my request? -----------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["BDC-104233", "bdc104233", "bdc 104 233", "it's BDC-104233 thanks"]
)
def test_case_references_are_read_loosely(bot: BotHarness, typed: str) -> None:
    assert (
        bot.validate("case_form", {"case_reference": typed}).slot("case_reference") == "BDC-104233"
    )


@pytest.mark.parametrize("typed", ["BDC-12", "12345", "<script>alert(1)</script>", "CT40012345"])
def test_a_reference_in_the_wrong_format_is_asked_again(bot: BotHarness, typed: str) -> None:
    result = bot.validate("case_form", {"case_reference": typed})
    assert result.slot("case_reference") is None
    assert "BDC-104233" in result.text and "<script>" not in result.text


def test_an_unknown_case_is_asked_again(bot: BotHarness) -> None:
    result = bot.validate("case_form", {"case_reference": "BDC-999999"})
    assert result.slot("case_reference") is None and "can't find" in result.text


def test_the_status_is_public_but_details_need_verification(bot: BotHarness) -> None:
    result = bot.run("action_case_status", bot.tracker(slots={"case_reference": CASE["reference"]}))
    assert "Request BDC-104233 (fly tipping): in progress." in result.text
    assert "Target date" not in result.text and "clearance" not in result.text
    assert result.slot("awaiting") == "offer_case_verification"


def test_yes_to_the_offer_starts_the_postcode_check(bot: BotHarness) -> None:
    result = bot.run(
        "action_yes",
        bot.tracker(
            intent="affirm",
            slots={"awaiting": "offer_case_verification", "case_reference": CASE["reference"]},
        ),
    )
    assert result.followup == "verify_form"
    assert result.slot("verify_purpose") == "case_details"
    assert result.slot("verify_reference") == CASE["reference"]


def test_case_details_after_a_postcode_check(bot: BotHarness) -> None:
    tracker = bot.tracker(
        slots={
            "verify_purpose": "case_details",
            "verify_reference": CASE["reference"],
            "verify_postcode": "BF3 2QX",
            "case_reference": CASE["reference"],
        }
    )
    verified = bot.run("action_verify", tracker)
    assert verified.followup == "action_case_details"
    secret = verified.slot("verified_session")
    details = bot.run(
        "action_case_details",
        bot.tracker(slots={"case_reference": CASE["reference"], "verified_session": secret}),
    )
    assert "Target date" in details.text
    assert "What happens next" in details.text
    assert "in progress" in details.text


def test_a_token_for_an_account_at_the_same_property_shows_details(bot: BotHarness) -> None:
    token = bot.token(council_tax=[CT["reference"]])
    result = bot.run(
        "action_case_status",
        bot.tracker(
            slots={"case_reference": CASE["reference"]},
            metadata={"frontdoor_identity_token": token},
        ),
    )
    assert "Target date" in result.text
    assert result.slot("awaiting", None) is None


def test_a_client_sent_session_slot_grants_nothing(bot: BotHarness) -> None:
    result = bot.run(
        "action_case_details",
        bot.tracker(slots={"case_reference": CASE["reference"], "verified_session": "made-up"}),
    )
    assert "Target date" not in result.text and "check it's you" in result.text


def test_a_bulky_booking_reference_shows_its_status(bot: BotHarness, world) -> None:
    booking = world.bulky.bookings[0]
    result = bot.run("action_case_status", bot.tracker(slots={"case_reference": booking.reference}))
    assert booking.reference in result.text


# --- balances ------------------------------------------------


def test_a_balance_request_goes_to_the_identity_check(bot: BotHarness) -> None:
    result = bot.run("action_start_balance", bot.tracker(intent="ask_council_tax_balance"))
    assert result.followup == "verify_form"
    assert result.slot("verify_purpose") == "balance"
    assert result.slot("account_kind") == "council_tax"
    assert "£" not in result.text


def test_a_reference_given_up_front_is_kept(bot: BotHarness) -> None:
    result = bot.run(
        "action_start_balance",
        bot.tracker(intent="ask_rent_balance", entities=[("tenancy_reference", "ten 004512")]),
    )
    assert result.slot("verify_reference") == "TEN-004512"
    assert result.slot("account_kind") == "rent"


def test_a_valid_token_shows_the_balance_without_questions(bot: BotHarness) -> None:
    token = bot.token(council_tax=[CT["reference"]])
    meta = {"frontdoor_identity_token": token}
    start = bot.run(
        "action_start_balance", bot.tracker(intent="ask_council_tax_balance", metadata=meta)
    )
    assert start.followup == "action_show_balance"
    shown = bot.run(
        "action_show_balance",
        bot.tracker(
            metadata=meta,
            slots={"account_kind": "council_tax", "verify_reference": CT["reference"]},
        ),
    )
    assert "Council tax account CT40012345" in shown.text
    assert "Next instalment: £168.75" in shown.text
    assert "Direct Debit" in shown.text


def test_a_token_for_another_account_does_not_open_this_one(bot: BotHarness) -> None:
    token = bot.token(council_tax=["CT40012346"])
    result = bot.run(
        "action_start_balance",
        bot.tracker(
            intent="ask_council_tax_balance",
            entities=[("council_tax_reference", CT["reference"])],
            metadata={"frontdoor_identity_token": token},
        ),
    )
    assert result.followup == "verify_form"


def test_an_expired_or_forged_token_is_ignored(world) -> None:
    from datetime import timedelta

    from tests.unit.bot.harness import NOW, make_harness

    bot = make_harness(world)
    token = bot.token(council_tax=[CT["reference"]], minutes=5)
    later = make_harness(world, now=NOW + timedelta(minutes=10))
    for harness, candidate in ((later, token), (bot, token[:-2] + "xx")):
        result = harness.run(
            "action_show_balance",
            harness.tracker(
                metadata={"frontdoor_identity_token": candidate},
                slots={"account_kind": "council_tax", "verify_reference": CT["reference"]},
            ),
        )
        assert "£" not in result.text and "check it's you" in result.text


def _verify(bot: BotHarness, *, fact: str, sender: str = "c1", reference: str = CT["reference"]):
    return bot.run(
        "action_verify",
        bot.tracker(
            sender_id=sender,
            slots={
                "verify_purpose": "balance",
                "account_kind": "council_tax",
                "verify_reference": reference,
                "verify_postcode": "BF3 2QX",
                "verify_fact": fact,
            },
        ),
    )


def test_the_knowledge_check_opens_the_balance(bot: BotHarness) -> None:
    result = _verify(bot, fact="Whitlock")
    assert result.followup == "action_show_balance"
    assert result.slot("verify_fact") is None  # the identity fact is not kept
    shown = bot.run(
        "action_show_balance",
        bot.tracker(
            sender_id="c1",
            slots={
                "account_kind": "council_tax",
                "verify_reference": CT["reference"],
                "verified_session": result.slot("verified_session"),
            },
        ),
    )
    assert "Council tax account CT40012345" in shown.text


def test_the_same_session_secret_in_another_conversation_grants_nothing(bot: BotHarness) -> None:
    secret = _verify(bot, fact="Whitlock").slot("verified_session")
    shown = bot.run(
        "action_show_balance",
        bot.tracker(
            sender_id="invented-conversation",
            slots={
                "account_kind": "council_tax",
                "verify_reference": CT["reference"],
                "verified_session": secret,
            },
        ),
    )
    assert "£" not in shown.text


def test_every_failure_reads_the_same_and_the_third_locks(bot: BotHarness) -> None:
    wrong_name = _verify(bot, fact="Smith")
    wrong_amount = _verify(bot, fact="£1.00")
    assert (
        wrong_name.texts[0] == wrong_amount.texts[0] == "Sorry, I couldn't confirm those details."
    )
    assert wrong_name.slot("awaiting") == "retry_verification"
    locked = _verify(bot, fact="Jones")
    assert "can't check any more" in locked.text
    assert locked.slot("awaiting") == "offer_human"
    assert [b["payload"] for b in locked.buttons] == ["/human"]
    # the right answer no longer works in this conversation
    assert _verify(bot, fact="Whitlock").followup is None


def test_a_locked_conversation_is_told_at_once(bot: BotHarness) -> None:
    for fact in ("a", "b", "c"):
        _verify(bot, fact=fact)
    result = bot.run(
        "action_start_balance", bot.tracker(sender_id="c1", intent="ask_council_tax_balance")
    )
    assert result.followup is None and "can't check any more" in result.text


def test_try_again_restarts_the_check(bot: BotHarness) -> None:
    result = bot.run(
        "action_yes", bot.tracker(intent="affirm", slots={"awaiting": "retry_verification"})
    )
    assert result.followup == "verify_form"
    assert result.slot("verify_reference", "x") is None


def test_the_rent_balance_lists_recent_payments(bot: BotHarness) -> None:
    token = bot.token(tenancies=[TEN["reference"]])
    result = bot.run(
        "action_show_balance",
        bot.tracker(
            metadata={"frontdoor_identity_token": token},
            slots={"account_kind": "rent", "verify_reference": TEN["reference"]},
        ),
    )
    assert "Rent account TEN-004512 (weekly rent £106.50)" in result.text
    assert "Arrears:" in result.text
    assert "Recent payments:" in result.text


def test_the_verify_form_checks_formats_before_anything_else(bot: BotHarness) -> None:
    bad_ref = bot.validate(
        "verify_form", {"verify_reference": "CT123"}, slots={"verify_purpose": "balance"}
    )
    assert bad_ref.slot("verify_reference") is None
    case_for_balance = bot.validate(
        "verify_form", {"verify_reference": "BDC-104233"}, slots={"verify_purpose": "balance"}
    )
    assert case_for_balance.slot("verify_reference") is None
    good = bot.validate(
        "verify_form", {"verify_reference": "ct 4001 2345"}, slots={"verify_purpose": "balance"}
    )
    assert good.slot("verify_reference") == "CT40012345"
    postcode = bot.validate(
        "verify_form", {"verify_postcode": "bf32qx"}, requested="verify_postcode"
    )
    assert postcode.slot("verify_postcode") == "BF3 2QX"


def test_a_case_check_does_not_ask_for_the_extra_fact(bot: BotHarness) -> None:
    result = bot.validate(
        "verify_form",
        {"verify_postcode": "BF3 2QX"},
        slots={"verify_purpose": "case_details", "verify_reference": CASE["reference"]},
        requested="verify_postcode",
    )
    assert result.slot("requested_slot") is None


# --- planning ------------------------------------------------


def test_planning_by_reference(bot: BotHarness) -> None:
    query = bot.validate("planning_form", {"planning_query": "26 / 01234 / ful"}).slot(
        "planning_query"
    )
    assert query == PLANNING["reference"]
    result = bot.run("action_planning_status", bot.tracker(slots={"planning_query": query}))
    assert "26/01234/FUL at Land rear of 12 Foxglove Lane" in result.text
    assert "under consideration" in result.text
    assert "Decision due by" in result.text


def test_planning_by_postcode_lists_applications(bot: BotHarness) -> None:
    result = bot.run("action_planning_status", bot.tracker(slots={"planning_query": "BF3 2QX"}))
    assert "26/01234/FUL" in result.text


def test_planning_by_street_words(bot: BotHarness) -> None:
    query = bot.validate("planning_form", {"planning_query": "planning on foxglove lane"}).slot(
        "planning_query"
    )
    result = bot.run("action_planning_status", bot.tracker(slots={"planning_query": query}))
    assert "26/01234/FUL" in result.text


def test_an_unknown_planning_reference(bot: BotHarness) -> None:
    result = bot.run(
        "action_planning_status", bot.tracker(slots={"planning_query": "26/99999/FUL"})
    )
    assert "can't find" in result.text


def test_slots_cleared_by_an_action_are_not_validated(bot: BotHarness) -> None:
    result = bot.validate(
        "verify_form",
        {"verify_reference": None, "verify_postcode": None, "verify_fact": None},
        slots={"verify_purpose": "balance"},
    )
    assert result.messages == []
