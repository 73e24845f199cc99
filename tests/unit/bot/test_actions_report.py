"""Report a problem from the chat: what, where, a description; one case per
report however often it is sent; the reference to track it; a link to the
website's form for a photo; English and Welsh; a back office that is down."""

from __future__ import annotations

import pytest

from actions import messages_cy
from actions.reports import asks_a_question, parse_problem_kind
from backoffice.exceptions import BackOfficeUnavailable
from backoffice.ports import CaseStatus, CaseType
from tests.unit.bot.harness import BotHarness

REPORT = {
    "problem_kind": "fly_tipping",
    "problem_location": "Mill Lane, behind the shops",
    "problem_description": "Six black bags and a mattress",
}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("someone has dumped a sofa in the lane", CaseType.FLY_TIPPING),
        ("graffiti on the bus shelter", CaseType.GRAFFITI),
        ("dog mess everywhere", CaseType.DOG_FOULING),
        ("a car has been left on our road for weeks", CaseType.ABANDONED_VEHICLE),
        ("the street light is out", CaseType.STREET_LIGHTING),
        ("tipio anghyfreithlon", CaseType.FLY_TIPPING),
        ("baw cŵn ar y palmant", CaseType.DOG_FOULING),
        ("golau stryd wedi torri", CaseType.STREET_LIGHTING),
        ("street_lighting", CaseType.STREET_LIGHTING),
        ("my bin was missed", None),
        ("missed_bin", None),
    ],
)
def test_the_kind_is_read_from_words_in_english_and_welsh(text: str, kind: CaseType | None) -> None:
    assert parse_problem_kind(text) is kind


def test_the_form_checks_each_answer(bot: BotHarness) -> None:
    unknown = bot.validate("report_form", {"problem_kind": "a pothole"})
    assert unknown.slot("problem_kind") is None and len(unknown.buttons) == 5
    assert unknown.buttons[0]["payload"] == '/inform{"problem_kind":"fly_tipping"}'
    assert bot.validate("report_form", {"problem_kind": "graffiti"}).slot("problem_kind") == (
        "graffiti"
    )
    short = bot.validate("report_form", {"problem_location": "x"})
    assert short.slot("problem_location") is None and "street name" in short.text
    where = bot.validate("report_form", {"problem_location": "  Mill   Lane  "})
    assert where.slot("problem_location") == "Mill Lane"
    question = bot.validate("report_form", {"problem_location": "when is my bin day"})
    assert question.slot("problem_location") is None
    assert "sounds like a question" in question.text and "Where is it?" in question.text
    asked = bot.validate("report_form", {"problem_description": "how much is a bulky collection?"})
    assert asked.slot("problem_description") is None
    assert "type 'stop'" in asked.text and "Please describe what is there" in asked.text
    welsh = bot.validate(
        "report_form",
        {"problem_location": "Pryd mae fy miniau'n cael eu casglu?"},
        slots={"conversation_language": "cy"},
    )
    assert welsh.slot("problem_location") is None
    assert welsh.text == messages_cy.QUESTION_NOT_PROBLEM_DETAIL.format(
        prompt=messages_cy.ASK_PROBLEM_LOCATION
    )
    assert (
        bot.validate("report_form", {"problem_description": "ok"}).slot("problem_description")
        is None
    )


def test_the_first_message_fills_in_the_kind(bot: BotHarness) -> None:
    started = bot.run(
        "action_start_task",
        bot.tracker(text="I want to report graffiti on the underpass", intent="report_problem"),
    )
    assert started.slot("problem_kind") == "graffiti" and started.followup == "report_form"
    asked = bot.run("action_ask_problem_kind", bot.tracker())
    assert "can't take photos in the chat" in asked.text


def test_a_report_becomes_one_case_with_a_reference_and_a_photo_link(bot: BotHarness) -> None:
    done = bot.run("action_submit_report", bot.tracker(slots=REPORT))
    reference = done.text.split("Your reference is ")[1][:10]
    case = bot.backoffice.cases.get_case(reference)
    assert case.case_type is CaseType.FLY_TIPPING and case.channel == "bot"
    assert case.location == "Mill Lane, behind the shops" and case.status is CaseStatus.RECEIVED
    assert case.owning_team == "Environmental Enforcement"
    assert "To add a photo, use our online form instead: http" in done.text
    assert done.text.rstrip().endswith("/report")
    again = bot.run("action_submit_report", bot.tracker(slots=REPORT))
    assert f"Your reference is {reference}" in again.text  # sent twice: one case
    tracked = bot.run("action_case_status", bot.tracker(slots={"case_reference": reference}))
    assert f"Request {reference} (fly tipping): received." in tracked.text
    assert "check it's you" not in tracked.text  # no property, so no postcode check offered


def test_in_welsh_the_link_is_to_the_welsh_form(bot: BotHarness) -> None:
    done = bot.run(
        "action_submit_report",
        bot.tracker(slots={**REPORT, "conversation_language": "cy"}, text="diolch"),
    )
    assert "Eich cyfeirnod yw BDC-" in done.text and "Tipio anghyfreithlon" in done.text
    assert done.text.rstrip().endswith("/cy/report")
    assert messages_cy.PROBLEM_PHOTO.split(":")[0] in done.text


def test_a_back_office_that_is_down_is_said_plainly(bot: BotHarness) -> None:
    class Down:
        def find_by_idempotency_key(self, key: str) -> None:
            return None

        def create_case(self, new, *, now):  # type: ignore[no-untyped-def]
            raise BackOfficeUnavailable("the council's Open311 system answered 503")

    working = bot.services.backoffice
    from dataclasses import replace

    bot.services.backoffice = replace(working, cases=Down())  # type: ignore[arg-type]
    done = bot.run("action_submit_report", bot.tracker(slots=REPORT, active_loop="report_form"))
    assert "can't reach the council's system" in done.text
    assert done.active_loop_ended


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("when is my bin day", True),
        ("How much does it cost?", True),
        ("Pryd mae fy miniau'n cael eu casglu", True),
        ("the lane behind the school", False),
        ("Mill Lane, by the bus stop", False),
        ("where the old garage was, Mill Lane", False),
        ("a lay-by on the A38", False),
        ("six black bags and a mattress", False),
        ("Island Road, outside number 4", False),
    ],
)
def test_a_question_is_told_from_a_place_or_a_description(text: str, question: bool) -> None:
    assert asks_a_question(text) is question
