"""Before promising a person the bot asks who is available, and says what is true once
(issue #18, deliverable 6). The handoff service is a MockTransport speaking the contract."""

from __future__ import annotations

import httpx
import pytest

from actions import messages, messages_cy
from frontdoor.contracts.availability import AvailabilityClient
from frontdoor.contracts.handover import HANDOVER_KEY
from tests.unit.bot.harness import BOT_SECRET, BotHarness

HOURS = "Mon-Fri 09:00-17:00"
# as the handoff service describes them (handoff.hours.OpeningHours.describe)
SERVICE_HOURS = "Mon–Fri 08:30–17:30, Sat 09:00–12:30"  # noqa: RUF001


def _answering(bot: BotHarness, verdict: str | None, *, hours: str = HOURS) -> list[httpx.Request]:
    asked: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        if verdict is None:
            return httpx.Response(503)
        return httpx.Response(
            200,
            json={
                "verdict": verdict,
                "team": "general",
                "team_name": "General enquiries",
                "opening_hours": hours,
            },
        )

    bot.services.availability = AvailabilityClient(
        "http://handoff.test", bot_secret=BOT_SECRET, transport=httpx.MockTransport(handler)
    )
    return asked


def _reply(bot: BotHarness, **tracker: object) -> dict:
    result = bot.run("action_handoff", bot.tracker(**tracker))  # type: ignore[arg-type]
    (custom,) = result.custom
    assert len(result.messages) == 1
    return custom


def test_someone_available_is_promised(bot: BotHarness) -> None:
    asked = _answering(bot, "open")
    reply = _reply(bot, text="talk to a person", intent="human")
    assert reply["text"] == messages.HANDOFF
    assert reply[HANDOVER_KEY]["announced"] is False
    assert asked[0].url.params["service_area"] == "general"


def test_out_of_hours_says_so_once_with_the_hours_once_and_offers_a_message(
    bot: BotHarness,
) -> None:
    _answering(bot, "out_of_hours")
    reply = _reply(bot, text="talk to a person", intent="human")
    assert "passing you" not in reply["text"]
    assert reply["text"].count(HOURS) == 1
    assert "leave a message" in reply["text"]
    assert reply[HANDOVER_KEY]["announced"] is True


def test_nobody_free_says_so_without_hours(bot: BotHarness) -> None:
    _answering(bot, "no_advisors")
    reply = _reply(bot, text="talk to a person", intent="human")
    assert reply["text"] == messages.HANDOFF_NOBODY_FREE


def test_not_knowing_promises_nobody(bot: BotHarness) -> None:
    _answering(bot, None)
    reply = _reply(bot, text="talk to a person", intent="human")
    assert reply["text"] == messages.HANDOFF_UNKNOWN
    assert reply[HANDOVER_KEY]["announced"] is False


@pytest.mark.parametrize("verdict", ["open", "out_of_hours", "no_advisors", None])
def test_a_resident_at_risk_gets_the_numbers_first_and_an_urgent_request(
    bot: BotHarness, verdict: str | None
) -> None:
    _answering(bot, verdict)
    reply = _reply(bot, text="I don't want to be alive any more", intent="at_risk")
    assert reply["text"].startswith(messages.RISK_ADVICE["suicide"])
    assert "116 123" in reply["text"].split("\n")[0]
    assert reply[HANDOVER_KEY]["priority"] == "urgent"
    if verdict == "out_of_hours":
        assert "see it first" in reply["text"] and reply["text"].count(HOURS) == 1


def test_a_welsh_request_for_a_person_is_answered_in_welsh_and_marked_welsh(
    bot: BotHarness,
) -> None:
    asked = _answering(bot, "out_of_hours", hours=SERVICE_HOURS)
    reply = _reply(bot, text="Rwyf eisiau siarad â pherson", intent="human")
    # the hours in Welsh too, once: days named and joined as Welsh says them
    welsh_hours = "dydd Llun i ddydd Gwener 08:30–17:30, dydd Sadwrn 09:00–12:30"  # noqa: RUF001
    assert reply["text"] == messages_cy.HANDOFF_CLOSED.format(hours=welsh_hours)
    assert "Mon" not in reply["text"] and "Sat" not in reply["text"]
    assert reply[HANDOVER_KEY]["summary"]["language"] == "cy"
    assert asked[0].url.params["language"] == "cy"
