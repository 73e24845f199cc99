"""Rasa's webhook answers only the handoff service (issue 10, finding 2).

A second client posting to ``/webhooks/rest/webhook`` with the sender id of a
verified conversation used to get that resident's balance. The channel
(``bot/secret_channel.py``) runs here in the Rasa 3.10 environment, in a Sanic
app of its own with a recording message handler standing in for Rasa's agent
(every message it sees would have reached a tracker). Without the bot secret:
401 and the handler never runs. The whole bot is covered by
``tests/e2e/stack/test_whole_stack.py``.

The channel's item of what the bot understood also says the conversation's
language after the turn (the bot's language slot), read from a real Rasa tracker.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from actions.language import LANGUAGE_SLOT
from bottools import model as bot_model
from frontdoor.contracts.understanding import UNDERSTOOD_KEY
from frontdoor.exceptions import ConfigurationError
from frontdoor.secrets import BOT_SECRET_HEADER
from handoff.bot import parse_rasa_replies
from tests.e2e.bot.stack import free_port, wait_for
from tests.unit.bot.harness import ROOT

pytestmark = pytest.mark.rasa

CHANNEL_APP = textwrap.dedent(
    """
    import sys
    from pathlib import Path

    from sanic import Sanic, response

    from secret_channel import SharedSecretRestInput

    port, touched = int(sys.argv[1]), Path(sys.argv[2])

    async def on_new_message(message):
        with touched.open("a") as handle:
            handle.write(message.sender_id + "\\n")
        await message.output_channel.send_text_message(
            message.sender_id, "balance for " + message.sender_id
        )

    channel = SharedSecretRestInput.from_credentials({"secret_variable": "FRONTDOOR_BOT_SECRET"})
    app = Sanic("frontdoor_channel_test")
    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/" + channel.url_prefix())

    @app.get("/healthz")
    async def healthz(request):
        return response.json({"status": "ok"})

    app.run(host="127.0.0.1", port=port, access_log=False, motd=False, workers=1)
    """
)


@dataclass
class Channel:
    url: str
    secret: str
    touched: Path

    def senders(self) -> list[str]:
        return self.touched.read_text().split() if self.touched.exists() else []


@pytest.fixture(scope="module")
def channel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Channel]:
    try:
        python = bot_model.rasa_environment(ROOT) / "python"
    except ConfigurationError as exc:
        pytest.skip(exc.message)
    folder = tmp_path_factory.mktemp("channel")
    port, secret = free_port(), secrets.token_urlsafe(48)
    env = {
        **os.environ,
        **bot_model.rasa_env(ROOT),
        "FRONTDOOR_BOT_SECRET": secret,
        "PYTHONPATH": str(ROOT / "bot"),
    }
    with (folder / "channel.log").open("wb") as log:
        process = subprocess.Popen(
            [str(python), "-c", CHANNEL_APP, str(port), str(folder / "touched.txt")],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", 120, process)
        yield Channel(
            f"http://127.0.0.1:{port}/webhooks/rest/webhook", secret, folder / "touched.txt"
        )
    finally:
        process.terminate()
        process.wait(timeout=15)


@pytest.mark.parametrize(
    "headers",
    [{}, {BOT_SECRET_HEADER: ""}, {BOT_SECRET_HEADER: "x" * 64}, {"Authorization": "Bearer x"}],
    ids=["none", "empty", "wrong", "other header"],
)
def test_a_second_client_with_a_known_sender_id_gets_nothing(
    channel: Channel, headers: dict[str, str]
) -> None:
    sender = f"verified-{secrets.token_hex(8)}"
    answer = httpx.post(
        channel.url,
        json={"sender": sender, "message": "what is my council tax balance?"},
        headers=headers,
    )
    assert answer.status_code == 401
    assert "balance" not in answer.text
    assert sender not in channel.senders()  # no tracker would have been touched


def test_the_handoff_service_with_the_secret_is_answered(channel: Channel) -> None:
    sender = f"resident-{secrets.token_hex(8)}"
    answer = httpx.post(
        channel.url,
        json={"sender": sender, "message": "hello"},
        headers={BOT_SECRET_HEADER: channel.secret},
    )
    assert answer.status_code == 200
    assert answer.json() == [{"recipient_id": sender, "text": f"balance for {sender}"}]
    assert sender in channel.senders()


@pytest.mark.parametrize(
    "body",
    [b"[1, 2]", b'"text"', b"{not json", b'{"message": "hi"}', b'{"sender": 7, "message": "hi"}'],
)
def test_a_malformed_body_with_the_secret_is_a_400_not_a_server_error(
    channel: Channel, body: bytes
) -> None:
    answer = httpx.post(
        channel.url,
        content=body,
        headers={BOT_SECRET_HEADER: channel.secret, "content-type": "application/json"},
    )
    assert answer.status_code == 400
    assert answer.json()["error"] == "bad_request"
    assert body.decode() not in answer.text  # the request is never echoed


# --- the language the bot spoke, beside what it understood --------------------------

UNDERSTOOD_APP = textwrap.dedent(
    """
    import json, sys

    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.slots import TextSlot
    from rasa.shared.core.trackers import DialogueStateTracker

    from secret_channel import understood_in

    name = sys.argv[2]
    for slot in json.loads(sys.argv[1]):
        events = [
            ActionExecuted("action_listen"),
            UserUttered("Rwyf eisiau siarad â pherson", intent={"name": "human", "confidence": 0.9},
                        message_id="m1"),
            ActionExecuted("action_human"),
        ]
        if slot is not None:
            events.append(SlotSet(name, slot))
        slots = [TextSlot(name, mappings=[{"type": "custom"}])]
        tracker = DialogueStateTracker.from_events("resident", events, slots=slots)
        print(json.dumps(understood_in(tracker, "m1")))
    """
)
SLOTS = [None, "cy", "en", "fr"]


@pytest.fixture(scope="module")
def understood_by_slot() -> dict[str | None, object]:
    python = bot_model.rasa_environment(ROOT) / "python"
    env = {**os.environ, **bot_model.rasa_env(ROOT), "PYTHONPATH": str(ROOT / "bot")}
    ran = subprocess.run(
        [str(python), "-c", UNDERSTOOD_APP, json.dumps(SLOTS), LANGUAGE_SLOT],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(zip(SLOTS, map(json.loads, ran.stdout.splitlines()), strict=True))


@pytest.mark.parametrize(
    ("slot", "language"),
    [(None, None), ("cy", "cy"), ("en", "en"), ("fr", None)],
    ids=["unset", "welsh", "english", "not a language it speaks"],
)
def test_the_understood_item_says_the_conversations_language_after_the_turn(
    understood_by_slot: dict[str | None, object], slot: str | None, language: str | None
) -> None:
    said: dict[str, object] = {"intent": "human", "confidence": 0.9}
    if language is not None:
        said["language"] = language
    assert understood_by_slot[slot] == {UNDERSTOOD_KEY: said}
    # the relay reads it with the contract's model
    (reply,) = parse_rasa_replies([{"custom": understood_by_slot[slot]}])
    assert reply.understood is not None and reply.understood.language == language
