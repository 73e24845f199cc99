"""Questions, handover, small talk and control, and bad input."""

from __future__ import annotations

import pytest

from actions.handover import bare_request
from backoffice.seed import DEMO_IDENTITIES
from tests.unit.bot.harness import BotHarness

CT = DEMO_IDENTITIES["council_tax"]


# --- questions ------------------------------------------------


def test_a_question_is_answered_in_one_message_with_a_card_and_did_that_help(
    bot: BotHarness,
) -> None:
    result = bot.run(
        "action_answer_question",
        bot.tracker(text="how do I pay council tax by direct debit", intent="ask_question"),
    )
    assert len(result.messages) == 1
    assert result.custom == [
        {
            "text": "You can pay council tax by Direct Debit, online by card, or by bank "
            "transfer. Direct Debit dates are the 1st, 15th or 28th of the month.",
            "links": [
                {
                    "title": "Pay your council tax",
                    "url": "http://localhost:8000/articles/pay-council-tax#direct-debit",
                    "section": "Direct Debit",
                    "language": "en",
                }
            ],
            "answer": {"slug": "pay-council-tax"},
            "prompt": "Did that help?",
            "buttons": [
                {"title": "Yes", "payload": "/affirm"},
                {"title": "No", "payload": "/deny"},
            ],
        }
    ]
    assert result.slot("awaiting") == "answer_feedback"
    assert result.slot("articles_shown") == ["pay-council-tax"]
    assert result.slot("service_area") == "revenues"
    assert [row.shown.slug for row in bot.services.answers.rows] == ["pay-council-tax"]


def test_the_answer_log_keeps_the_question_without_phone_or_email(bot: BotHarness) -> None:
    asked = "how do I pay council tax by direct debit? call me on 07700 900123 or jo@example.com"
    result = bot.run("action_answer_question", bot.tracker(text=asked, intent="ask_question"))
    assert result.custom[0]["answer"] == {"slug": "pay-council-tax"}  # answered as usual
    [row] = bot.services.answers.rows
    assert row.shown.question == (
        "how do I pay council tax by direct debit? call me on [phone number] or [email address]"
    )


def test_yes_it_helped_resets_the_failures(bot: BotHarness) -> None:
    result = bot.run(
        "action_yes",
        bot.tracker(intent="affirm", slots={"awaiting": "answer_feedback", "failed_answers": 1.0}),
    )
    assert "glad" in result.text and result.slot("failed_answers") == 0.0


def test_no_offers_to_rephrase_or_a_person_and_reports_a_content_gap(bot: BotHarness) -> None:
    result = bot.run(
        "action_no",
        bot.tracker(
            intent="deny",
            sender_id="conv-9",
            slots={
                "awaiting": "answer_feedback",
                "last_question": "can I pay in cash",
                "articles_shown": ["recycling", "pay-council-tax"],
            },
        ),
    )
    assert "another way" in result.text and "person" in result.text
    assert [b["payload"] for b in result.buttons] == ["/human"]
    assert result.slot("awaiting") is None
    assert result.slot("failed_answers") == 0.0  # the next question is not coloured by it
    assert bot.knowledge.gaps == [
        {
            "question": "can I pay in cash",
            "source": "not_helpful",
            "language": "en",
            "conversation_id": "conv-9",
            # the answer that did not help: the article the search thought closest
            "closest_slug": "pay-council-tax",
        }
    ]


def test_a_low_confidence_search_asks_to_rephrase(bot: BotHarness) -> None:
    result = bot.run(
        "action_answer_question",
        bot.tracker(text="can I keep chickens on an allotment", intent="nlu_fallback"),
    )
    assert "another way" in result.text
    assert result.slot("failed_answers") == 1.0
    assert result.slot("failed_questions") == ["can I keep chickens on an allotment"]
    assert len(bot.knowledge.gaps) == 1
    assert bot.knowledge.gaps[0]["closest_slug"] is None  # the search found nothing at all


def test_a_poor_answer_is_reported_with_the_result_it_did_not_show(bot: BotHarness) -> None:
    text = "a problem with a card payment"  # "card": a weak hit, below the threshold
    weak = bot.knowledge.search(text)
    assert weak.best is not None and weak.no_good_answer
    assert weak.best.slug == "pay-council-tax"
    for sender, slots in (("c-1", {}), ("c-2", {"failed_answers": 1.0})):
        result = bot.run(
            "action_answer_question",
            bot.tracker(text=text, intent="nlu_fallback", sender_id=sender, slots=slots),
        )
        assert "Pay your council tax" not in result.text  # still not shown to the resident
    inside_a_form = bot.tracker(text=text, intent="nlu_fallback", sender_id="c-3",
                                active_loop="missed_bin_form")  # fmt: skip
    bot.run("action_answer_question", inside_a_form)
    assert [(g["conversation_id"], g["closest_slug"]) for g in bot.knowledge.gaps] == [
        ("c-1", weak.best.slug), ("c-2", weak.best.slug), ("c-3", weak.best.slug),
    ]  # fmt: skip
    assert len(bot.knowledge.searches) == 4  # one per message: none made for the report


def test_no_with_no_article_shown_reports_no_closest_article(bot: BotHarness) -> None:
    bot.run(
        "action_no",
        bot.tracker(intent="deny", slots={"awaiting": "answer_feedback", "last_question": "bins"}),
    )
    assert [g["closest_slug"] for g in bot.knowledge.gaps] == [None]
    assert bot.knowledge.searches == []


def test_a_second_failure_offers_a_person(bot: BotHarness) -> None:
    result = bot.run(
        "action_answer_question",
        bot.tracker(
            text="allotment chickens rules",
            intent="nlu_fallback",
            slots={"failed_answers": 1.0, "failed_questions": ["chickens?"]},
        ),
    )
    assert "talk to a person" in result.text
    assert result.slot("awaiting") == "offer_human"
    assert result.slot("handoff_reason") == "repeated_failure"


def test_the_knowledge_service_being_down_is_said_plainly(bot: BotHarness) -> None:
    bot.knowledge.available = False
    result = bot.run(
        "action_answer_question", bot.tracker(text="register to vote", intent="ask_question")
    )
    assert "can't search our help pages" in result.text
    assert result.slot("failed_answers", None) is None  # not the resident's failure


def test_out_of_scope_is_declined_politely_without_a_gap(bot: BotHarness) -> None:
    result = bot.run(
        "action_answer_question", bot.tracker(text="who won the football", intent="out_of_scope")
    )
    assert "only help with Bramblefield" in result.text
    assert bot.knowledge.gaps == []


def test_an_aside_in_a_form_is_answered_then_the_form_resumes(bot: BotHarness) -> None:
    result = bot.run(
        "action_answer_question",
        bot.tracker(
            text="what goes in the blue recycling bin",
            intent="ask_question",
            active_loop="missed_bin_form",
        ),
    )
    assert "plastic bottles" in result.text
    assert "Did that help?" not in result.text
    assert result.followup == "missed_bin_form"


# --- handover ------------------------------------------------


def _handoff(result) -> dict:
    (custom,) = result.custom
    return custom["frontdoor_handoff"]


def test_asking_for_a_person_emits_one_structured_event(bot: BotHarness) -> None:
    result = bot.run(
        "action_handoff",
        bot.tracker(
            text="talk to a person",
            intent="human",
            slots={
                "task": "missed_bin",
                "references_seen": ["BDC-104233"],
                "articles_shown": ["recycling"],
            },
        ),
    )
    handoff = _handoff(result)
    assert handoff == {
        "reason": "requested",
        "service_area": "waste",
        "priority": "normal",
        "summary": {
            "topic": "missed_bin",
            "references": ["BDC-104233"],
            "verified_identity": None,
            "verified_cases": [],
            "articles_shown": ["recycling"],
            "failed_questions": [],
            "risk": None,
            "subject": None,
            "subject_title": None,
            "language": "en",
        },
        "announced": False,
    }
    # No availability client: the bot does not know, so it promises nobody.
    assert "asking for a member of our customer services team" in result.text
    assert result.slot("handoff_requested") is True
    assert len(result.messages) == 1


def test_two_failed_answers_then_yes_hands_over_as_repeated_failure(bot: BotHarness) -> None:
    slots = {
        "awaiting": "offer_human",
        "handoff_reason": "repeated_failure",
        "failed_answers": 2.0,
        "failed_questions": ["chickens?", "allotment chickens rules"],
    }
    yes = bot.run("action_yes", bot.tracker(intent="affirm", slots=slots))
    assert yes.followup == "action_handoff"
    result = bot.run("action_handoff", bot.tracker(text="yes", intent="affirm", slots=slots))
    handoff = _handoff(result)
    assert handoff["reason"] == "repeated_failure" and handoff["priority"] == "normal"
    assert handoff["summary"]["failed_questions"] == ["chickens?", "allotment chickens rules"]
    assert handoff["summary"]["topic"] == "question"


@pytest.mark.parametrize(
    ("text", "risk", "area"),
    [
        ("my landlord is evicting me next week", "homelessness", "housing"),
        ("I don't want to be alive any more", "suicide", "general"),
        ("my partner hits me", "domestic_abuse", "housing"),
        ("my dad passed away, what about his council tax", "bereavement", "revenues"),
    ],
)
def test_a_resident_at_risk_goes_first_in_the_queue(
    bot: BotHarness, text: str, risk: str, area: str
) -> None:
    result = bot.run("action_handoff", bot.tracker(text=text, intent="at_risk"))
    handoff = _handoff(result)
    assert handoff["reason"] == "at_risk" and handoff["priority"] == "urgent"
    assert handoff["service_area"] == area and handoff["summary"]["risk"] == risk
    assert "ahead of the queue" in result.text


def test_the_handoff_says_what_was_verified_but_no_data(bot: BotHarness) -> None:
    token = bot.token(council_tax=[CT["reference"]])
    result = bot.run(
        "action_handoff",
        bot.tracker(
            text="person please",
            intent="human",
            metadata={"frontdoor_identity_token": token},
            slots={"account_kind": "council_tax", "task": "verify"},
        ),
    )
    handoff = _handoff(result)
    verified = handoff["summary"]["verified_identity"]
    assert verified["method"] == "token" and verified["references"] == ["CT40012345"]
    assert [(g["reference"], g["purpose"]) for g in verified["grants"]] == [
        ("CT40012345", "balance")
    ]
    assert handoff["service_area"] == "revenues"
    assert token not in str(result.messages)
    assert "£" not in str(result.messages)


def test_a_risk_inside_a_question_is_handed_over(bot: BotHarness) -> None:
    result = bot.run(
        "action_answer_question",
        bot.tracker(text="I'm homeless tonight, can you help", intent="ask_question"),
    )
    assert result.followup == "action_handoff"


def test_a_handoff_in_a_form_ends_the_form(bot: BotHarness) -> None:
    result = bot.run(
        "action_handoff", bot.tracker(text="agent", intent="human", active_loop="bulky_waste_form")
    )
    assert result.active_loop_ended


# --- small talk and control ------------------------------------------------


@pytest.mark.parametrize(
    ("intent", "expected"),
    [
        ("greet", "Bramblefield District Council assistant"),
        ("goodbye", "Goodbye"),
        ("thank", "You're welcome"),
        ("bot_challenge", "computer program"),
        ("what_can_you_do", "find your bin collection day"),
    ],
)
def test_small_talk(bot: BotHarness, intent: str, expected: str) -> None:
    assert expected in bot.run("action_smalltalk", bot.tracker(intent=intent)).text


def test_small_talk_in_a_form_goes_back_to_the_form(bot: BotHarness) -> None:
    result = bot.run(
        "action_smalltalk", bot.tracker(intent="bot_challenge", active_loop="missed_bin_form")
    )
    assert "computer program" in result.text and result.followup == "missed_bin_form"


def test_stop_leaves_the_form_and_forgets_its_answers(bot: BotHarness) -> None:
    result = bot.run(
        "action_stop",
        bot.tracker(
            intent="stop",
            active_loop="missed_bin_form",
            slots={"bin_type": "refuse", "paused_task": "bulky"},
        ),
    )
    assert result.active_loop_ended
    assert result.slot("bin_type") is None and result.slot("paused_task") is None
    assert "nothing has been sent" in result.text


def test_starting_another_task_mid_form_pauses_and_later_resumes(bot: BotHarness) -> None:
    result = bot.run(
        "action_start_task",
        bot.tracker(
            text="when is my bin day",
            intent="ask_bin_day",
            active_loop="missed_bin_form",
            slots={"task": "missed_bin"},
        ),
    )
    assert result.slot("paused_task") == "missed_bin"
    assert result.followup == "bin_day_form"
    assert "come back to your missed bin report" in result.text


def test_a_new_task_keeps_what_the_message_said(bot: BotHarness) -> None:
    result = bot.run(
        "action_start_task",
        bot.tracker(
            text="my green bin was missed yesterday",
            intent="report_missed_bin",
            entities=[("bin_type", "garden")],
            slots={"bin_type": "refuse", "missed_day": "2026-11-01"},
        ),
    )
    assert result.slot("bin_type") == "garden"
    assert result.slot("missed_day") == "my green bin was missed yesterday"
    assert result.followup == "missed_bin_form"


def test_start_over_forgets_everything_including_verification(bot: BotHarness) -> None:
    from actions.verification import Purpose

    check = bot.services.verifier.knowledge_check(
        conversation_id="conversation-1",
        reference=CT["reference"],
        postcode="BF3 2QX",
        fact="Whitlock",
        purpose=Purpose.BALANCE,
    )
    result = bot.run(
        "action_start_over",
        bot.tracker(intent="start_over", slots={"verified_session": check.secret}),
    )
    assert any(e["event"] == "reset_slots" for e in result.events)
    assert bot.services.verifier.grants("conversation-1", check.secret) == []


def test_a_reference_on_its_own_is_routed(bot: BotHarness) -> None:
    case = bot.run(
        "action_route_inform",
        bot.tracker(
            text="BDC-104233", intent="inform", entities=[("case_reference", "BDC-104233")]
        ),
    )
    assert case.slot("task") == "case" and case.followup == "action_start_task"
    balance = bot.run(
        "action_route_inform",
        bot.tracker(
            text="CT40012345", intent="inform", entities=[("council_tax_reference", "CT40012345")]
        ),
    )
    assert balance.followup == "action_start_balance"
    postcode = bot.run(
        "action_route_inform",
        bot.tracker(
            text="BF3 2QX",
            intent="inform",
            entities=[("postcode", "BF3 2QX")],
            slots={"postcode": "BF3 2QX"},
        ),
    )
    assert "/ask_bin_day" in [b["payload"] for b in postcode.buttons]


# --- bad input ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x" * 10_000,
        "🙂🙂🙂",
        "<script>alert('x')</script><b>bold</b>",
        "'; DROP TABLE bo_cases; --",
        "Pryd mae fy miniau yn cael eu casglu?",
        "\x00\x1b[31m",
    ],
)
def test_bad_input_gets_a_polite_reply_and_is_never_echoed(bot: BotHarness, text: str) -> None:
    for intent in ("nlu_fallback", "inform", None):
        tracker = bot.tracker(text=text, intent=intent)
        result = bot.run(
            "action_answer_question" if intent != "inform" else "action_route_inform", tracker
        )
        assert result.messages, text
        for message in result.messages:
            body = message.get("text") or ""
            assert "<script>" not in body and "<b>" not in body and "DROP TABLE" not in body
            assert ("x" * 100) not in body
    assert not any(
        c.channel == "bot"
        for c in bot.backoffice.cases.list_cases(uprn=CT["uprn"])
        if c.created_at.date().isoformat() == "2026-11-18"
    )


def test_welsh_in_an_english_chat_is_answered_in_welsh(bot: BotHarness) -> None:
    result = bot.run(
        "action_answer_question",
        bot.tracker(text="Pryd mae fy miniau yn cael eu casglu?", intent="nlu_fallback"),
    )
    assert "Sorry" not in result.text and "Mae'n ddrwg gen i" in result.text
    assert result.slot("conversation_language") == "cy"
    assert bot.knowledge.gaps[0]["language"] == "cy"


def test_any_entry_action_hands_over_a_message_showing_risk(bot: BotHarness) -> None:
    result = bot.run("action_stop", bot.tracker(text="my mother has just died", intent="stop"))
    assert result.followup == "action_handoff" and result.messages == []


def test_a_form_answer_showing_risk_rejects_the_form_and_hands_over(bot: BotHarness) -> None:
    result = bot.validate(
        "missed_bin_form",
        {"postcode": "i've got nowhere to sleep tonight"},
        text="i've got nowhere to sleep tonight",
    )
    assert [e["event"] for e in result.events] == ["action_execution_rejected", "followup"]
    assert result.followup == "action_handoff"


def test_a_valid_reference_in_the_first_message_is_answered_without_the_form(
    bot: BotHarness,
) -> None:
    result = bot.run(
        "action_start_task",
        bot.tracker(
            text="what's the status of bdc 104233",
            intent="ask_case_status",
            entities=[("case_reference", "bdc 104233")],
        ),
    )
    assert result.slot("case_reference") == "BDC-104233"
    assert result.followup == "action_listen"
    assert "Request BDC-104233 (fly tipping): in progress." in result.text
    unknown = bot.run(
        "action_start_task",
        bot.tracker(
            text="status of BDC-999999",
            intent="ask_case_status",
            entities=[("case_reference", "BDC-999999")],
        ),
    )
    assert unknown.followup == "case_form"


def test_a_request_for_a_person_is_reported_to_the_review_queue_but_never_a_risk(
    bot: BotHarness,
) -> None:
    bot.run(
        "action_handoff",
        bot.tracker(text="can someone ring me about my damp bedroom", intent="human",
                    sender_id="conv-h"),
    )  # fmt: skip
    bot.run("action_handoff", bot.tracker(text="/human", intent="human", sender_id="conv-b"))
    for n, bare in enumerate(
        ("Talk to a person", "can I speak to a real person please", "Rwyf eisiau siarad â pherson",
         "I\u2019d like to talk to someone now")
    ):  # fmt: skip
        bot.run("action_handoff", bot.tracker(text=bare, intent="human", sender_id=f"bare-{n}"))
    bot.run(
        "action_handoff",
        bot.tracker(text="I don't want to be alive any more", intent="at_risk", sender_id="c-r"),
    )
    bot.run(
        "action_handoff",
        bot.tracker(text="yes", intent="affirm", sender_id="conv-y",
                    slots={"awaiting": "offer_human", "handoff_reason": "repeated_failure"}),
    )  # fmt: skip
    assert bot.knowledge.gaps == [
        {
            "question": "can someone ring me about my damp bedroom",
            "source": "handover",
            "language": "en",
            "conversation_id": "conv-h",
            "closest_slug": None,  # no article names it
        }
    ]


def test_a_request_for_a_person_is_reported_with_the_article_it_named(bot: BotHarness) -> None:
    bot.run(
        "action_handoff",
        bot.tracker(text="talk to a person about my council tax bill", intent="human",
                    sender_id="conv-ct"),
    )  # fmt: skip
    assert [(g["source"], g["closest_slug"]) for g in bot.knowledge.gaps] == [
        ("handover", "pay-council-tax")
    ]
    assert bot.knowledge.searches == ["about my council tax bill"]  # the subject's only


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("Talk to a person", True),
        ("can i speak to an advisor please", True),
        ("Hoffwn i siarad â rhywun os gwelwch yn dda", True),
        ("can I talk to someone about my council tax bill", False),
        ("siarad â rhywun am fy miniau", False),
        ("a person left a sofra on the pavement", False),
        ("", False),
    ],
)
def test_a_bare_request_for_a_person_is_told_from_one_that_says_what_about(
    text: str, bare: bool
) -> None:
    assert bare_request(text) is bare
