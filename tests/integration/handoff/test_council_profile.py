"""The handoff service under a second, invented council profile: the console
carries its name and the bot's messages its bot's name (in the resident's
language, or the one the bot said it answered in), never Bramblefield's."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontdoor.contracts.understanding import Understood
from handoff.bot import BotMetadata, BotReply
from tests.integration.handoff.conftest import (
    World,
    build_world,
    is_event,
    message,
    receive,
    until,
)

HARROWGATE = Path(__file__).resolve().parents[2] / "profiles" / "harrowgate.toml"


@pytest.fixture
def vale(database) -> Iterator[World]:  # type: ignore[no-untyped-def]
    with contextlib.ExitStack() as stack:
        yield build_world(database, stack, FRONTDOOR_PROFILE=str(HARROWGATE))


def test_the_console_and_the_bot_are_the_profiles_councils(vale: World) -> None:
    login = vale.client.get("/console/login")
    assert "Advisor console - Harrowgate Vale Borough Council</title>" in login.text
    assert "Bramblefield" not in login.text
    for language, name in (("en", "Vale helper"), ("cy", "Cynorthwyydd y Dyffryn")):
        reply = first_bot_reply(vale, language, "When is my bin day?")
        assert reply["data"]["author_name"] == name


def first_bot_reply(world: World, language: str, text: str) -> dict:
    """The bot's first message after the resident of a new chat says ``text``."""
    started = world.start(language=language)
    with world.resident_socket(started) as ws:
        receive(ws)
        ws.send_json(message(text))
        reply, _ = until(ws, is_event("message", author="bot"))
    return reply


@pytest.mark.parametrize(
    ("started_in", "spoken", "name"),
    [
        ("en", "cy", "Cynorthwyydd y Dyffryn"),
        ("cy", "en", "Vale helper"),
        ("en", None, "Vale helper"),
    ],
    ids=["welsh written on an english page", "english written on a welsh page", "not said"],
)
def test_the_bots_name_is_in_the_language_it_answered_in(
    vale: World, started_in: str, spoken: str | None, name: str
) -> None:
    def answers(text: str, metadata: BotMetadata) -> list[BotReply]:
        understood = Understood(intent="human", confidence=0.9, language=spoken)
        return [BotReply(text="Gallaf eich helpu."), BotReply(understood=understood)]

    vale.bot.script = answers
    reply = first_bot_reply(vale, started_in, "Rwyf eisiau siarad â pherson am fy nhreth gyngor")
    assert reply["data"]["author_name"] == name
    assert reply["data"].get("language") == spoken
