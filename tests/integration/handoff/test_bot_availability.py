"""Honest handover on a real database (issue #18, deliverable 6): the bot asks who
is available (bot secret only), the bot's own announcement is not repeated, a
resident at risk is queued first whatever the hour, and the language the bot
heard reaches the console."""

from __future__ import annotations

from handoff.bot import BotMetadata, BotReply, HandoffRequest
from tests.integration.handoff.conftest import (
    TEST_SECRETS,
    World,
    is_event,
    message,
    receive,
    until,
)

SECRET = {"X-Frontdoor-Bot-Secret": TEST_SECRETS["FRONTDOOR_BOT_SECRET"]}
PATH = "/api/v1/bot/availability"


def test_only_the_bot_may_ask_who_is_available(world: World) -> None:
    assert world.client.get(PATH).status_code == 403
    assert world.client.get(PATH, headers={"X-Frontdoor-Bot-Secret": "guess"}).status_code == 403
    bad = world.client.get(PATH, params={"service_area": "<script>"}, headers=SECRET)
    assert bad.status_code == 422


def test_the_answer_follows_who_is_taking_chats(world: World) -> None:
    nobody = world.client.get(PATH, params={"service_area": "rent"}, headers=SECRET)
    assert nobody.status_code == 200
    assert nobody.json()["verdict"] == "no_advisors" and nobody.json()["team"] == "housing"
    world.advisor("priya").available()
    found = world.client.get(
        PATH, params={"service_area": "rent", "language": "cy"}, headers=SECRET
    )
    assert found.json() == {
        "verdict": "open",
        "team": "housing",
        "team_name": "Housing",
        "opening_hours": found.json()["opening_hours"],
        "welsh_speaker": False,
    }


def test_out_of_hours_names_the_hours(closed_world: World) -> None:
    answer = closed_world.client.get(PATH, headers=SECRET).json()
    assert answer["verdict"] == "out_of_hours" and answer["opening_hours"]


def _bot_hands_over(world: World, *, priority: str, language: str = "en") -> None:
    def script(text: str, metadata: BotMetadata) -> list[BotReply]:
        return [
            BotReply(
                text="(the bot's own words, in the resident's language)",
                handoff=HandoffRequest(
                    reason="at_risk" if priority == "urgent" else "requested",
                    service_area="housing",
                    priority=priority,
                    summary="",
                    language=language,
                    announced=True,
                ),
            )
        ]

    world.bot.script = script


def test_an_announced_unavailability_is_not_said_again(closed_world: World) -> None:
    _bot_hands_over(closed_world, priority="normal")
    started = closed_world.start()
    with closed_world.resident_socket(started) as ws:
        receive(ws)
        ws.send_json(message("talk to a person"))
        notice, _ = until(ws, is_event("notice", code="out_of_hours"))
    assert notice["data"]["text"] == "" and notice["data"]["opening_hours"] is None
    assert notice["data"]["can_leave_message"] is True
    supervisor = closed_world.advisor("morgan")
    assert supervisor.get("/queue").json()["items"] == []  # told, not queued


def test_a_resident_at_risk_is_queued_first_out_of_hours_and_marked_welsh(
    closed_world: World,
) -> None:
    _bot_hands_over(closed_world, priority="urgent", language="cy")
    started = closed_world.start()
    with closed_world.resident_socket(started) as ws:
        receive(ws)
        ws.send_json(message("dw i ddim eisiau byw"))
        until(ws, is_event("state", state="waiting"))
    supervisor = closed_world.advisor("morgan")
    queue = supervisor.get("/queue").json()["items"]
    (waiting,) = [c for c in queue if c["conversation_id"] == started["conversation_id"]]
    assert waiting["priority"] == "urgent" and waiting["language"] == "cy"
