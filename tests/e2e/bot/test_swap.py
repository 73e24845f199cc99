"""Swapping the running bot to a retrained model, against real Rasa (blue/green).

``bot/serve.py`` runs the bot's switch (``bot/switch.py``): ``PUT /model``
starts a second Rasa with the new model, warms it, then moves the relay to it
and stops the first. Residents talking to the bot meanwhile get their normal
answers from the first (never "unavailable", never a half-loaded bot), and the
dialogue state both processes keep in one SQL tracker store survives the swap:
a form in progress carries on. The model is the session's, copied under a new
name (a real ``rasa train`` is too slow for the suite).
"""

from __future__ import annotations

import io
import shutil
import tarfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.bot.stack import BotStack, Chat, Replies

pytestmark = pytest.mark.rasa

GREETING = "Bramblefield District Council assistant"


def _loaded(stack: BotStack) -> str:
    status = httpx.get(f"{stack.rasa_url}/status", params={"token": stack.api_token}, timeout=10)
    status.raise_for_status()
    return Path(status.json()["model_file"]).name


def _loading(stack: BotStack) -> str | None:
    """The model a second Rasa is loading behind the switch, if a swap is under way."""
    health = httpx.get(f"{stack.rasa_url}/healthz", timeout=10)
    assert health.status_code == 200, health.text  # the bot stays healthy throughout
    return health.json()["switch"]["loading"]


def _put_model(stack: BotStack, model: Path) -> int:
    answer = httpx.put(
        f"{stack.rasa_url}/model",
        params={"token": stack.api_token},
        json={"model_file": str(model)},
        timeout=None,  # the test waits as long as the swap takes
    )
    return answer.status_code


@pytest.fixture(scope="module")
def session_model_back(bot_stack: BotStack, trained_model: Path) -> Iterator[None]:
    """After these tests, the rest of the session talks to the model it started with."""
    yield
    if _loaded(bot_stack) != trained_model.name:
        assert _put_model(bot_stack, trained_model) == 204


@pytest.fixture
def retrained(session_model_back: None, trained_model: Path, tmp_path: Path) -> Path:
    """The session's model under a name of its own, as a retraining hands it over."""
    copy = tmp_path / f"frontdoor-{uuid.uuid4().hex[:16]}.tar.gz"
    shutil.copyfile(trained_model, copy)
    return copy


def test_turns_during_a_swap_get_their_normal_answers(bot_stack: BotStack, retrained: Path) -> None:
    residents = [bot_stack.chat() for _ in range(3)]
    for resident in residents:  # their sessions have started before the swap
        assert GREETING in resident.say("hello").text

    outcome: dict[str, int] = {}
    swap = threading.Thread(target=lambda: outcome.update(status=_put_model(bot_stack, retrained)))
    turns: list[tuple[Replies, bool]] = []  # (the answer, sent and answered while loading)
    swap.start()
    try:
        while swap.is_alive():
            for resident in residents:
                before = _loading(bot_stack)
                replies = resident.say("hello")  # asserts HTTP 200
                loading = before == retrained.name == _loading(bot_stack)
                turns.append((replies, loading))
    finally:
        swap.join()

    assert outcome["status"] == 204
    assert _loaded(bot_stack) == retrained.name
    # Turns went on while the new Rasa loaded, each with its normal answer:
    assert any(loading for _, loading in turns)
    for replies, _ in turns:
        assert GREETING in replies.text, replies.body
        assert [found["intent"] for found in replies.understood] == ["greet"]
    # and after the swap the new Rasa answers the same conversations.
    for resident in residents:
        assert GREETING in resident.say("hello").text


def test_a_form_in_progress_continues_after_the_swap(bot_stack: BotStack, retrained: Path) -> None:
    resident: Chat = bot_stack.chat()
    assert "postcode" in resident.say("bin day please").text

    assert _put_model(bot_stack, retrained) == 204
    assert _loaded(bot_stack) == retrained.name

    # The new Rasa reads the form's state from the shared tracker store.
    assert "Which address" in resident.say("bf3 2qx").text
    answer = resident.say("14 foxglove lane")
    assert "Next collections for 14 Foxglove Lane" in answer.text


def test_a_model_that_cannot_load_leaves_the_bot_answering(
    bot_stack: BotStack, tmp_path: Path
) -> None:
    broken = tmp_path / "frontdoor-broken.tar.gz"
    with tarfile.open(broken, "w:gz") as archive:  # an archive, but no model: Rasa refuses it
        archive.addfile(tarfile.TarInfo("metadata.json"), io.BytesIO(b""))
    before = _loaded(bot_stack)
    resident = bot_stack.chat()
    assert "postcode" in resident.say("bin day please").text

    answer = httpx.put(
        f"{bot_stack.rasa_url}/model",
        params={"token": bot_stack.api_token},
        json={"model_file": str(broken)},
        timeout=None,
    )
    assert answer.status_code == 400 and "could not be loaded" in answer.json()["message"]
    assert _loaded(bot_stack) == before
    assert "Which address" in resident.say("bf3 2qx").text


def test_only_the_api_token_swaps_the_model(bot_stack: BotStack, retrained: Path) -> None:
    before = _loaded(bot_stack)
    for params in ({}, {"token": "not-the-token"}):
        answer = httpx.put(
            f"{bot_stack.rasa_url}/model",
            params=params,
            json={"model_file": str(retrained)},
            timeout=30,
        )
        assert answer.status_code == 401  # Rasa's own refusal, relayed
    assert _loaded(bot_stack) == before
