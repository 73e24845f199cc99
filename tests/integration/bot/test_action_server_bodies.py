"""Finding 7 (issue #10): bodies that are not action calls get a 400 that says what is
wrong, never a 500 that echoes the request."""

from __future__ import annotations

import zlib

import httpx
import pytest

from actions.server import action_call_problem
from frontdoor.secrets import BOT_SECRET_HEADER
from tests.integration.bot.test_action_server import action_server, wait_for
from tests.unit.bot.harness import BOT_SECRET

__all__ = ["action_server"]  # the fixture, shared with test_action_server

CANARY = "canary-4be1c"


@pytest.mark.parametrize(
    "body",
    [
        f'["{CANARY}"]',
        f'"{CANARY}"',
        "12345",
        "null",
        "NaN",
        "{not json",
        f'{{"next_action": 1, "x": "{CANARY}"}}',
        f'{{"next_action": "action_smalltalk", "tracker": ["{CANARY}"]}}',
    ],
)
def test_non_object_bodies_are_refused_without_echo(action_server: str, body: str) -> None:
    wait_for(f"{action_server}/healthz")
    answer = httpx.post(
        f"{action_server}/webhook",
        content=body,
        # with the bot secret: the body check is what is under test, not the guard
        headers={"content-type": "application/json", BOT_SECRET_HEADER: BOT_SECRET},
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_body"
    assert CANARY not in answer.text


def test_a_deflated_bomb_is_refused() -> None:
    bomb = zlib.compress(b"[" + b"0," * 2_000_000 + b"0]")
    assert action_call_problem(bomb, deflated=True) == "The action call is too large."
    assert action_call_problem(b"garbage", deflated=True) == "The body is not valid JSON."


def test_a_well_formed_call_passes_the_check() -> None:
    call = b'{"next_action": "action_smalltalk", "tracker": {}, "domain": {}, "version": "3.6"}'
    assert action_call_problem(call, deflated=False) is None
    assert action_call_problem(zlib.compress(call), deflated=True) is None
