"""The composed bot for end-to-end conversations: real ``rasa run`` (via
bot/serve.py, Python 3.10) + the real action server (Python 3.11) + a seeded
SQLite back office + a knowledge API, talked to over Rasa's REST channel.

- The model is trained once per session, or reused from ``models/`` when the
  training fingerprint is unchanged (``bottools.model``).
- The knowledge API is a small in-process stub speaking the documented
  protocol; set ``FRONTDOOR_E2E_KNOWLEDGE_URL`` to use a running knowledge
  service instead.
- The action server's clock is pinned to ``NOW`` (``pinned_actions``) and the
  back office is seeded for the council's date at ``NOW``, so "today" and
  "yesterday" mean the same day to the seed and to the actions, whatever the
  machine's clock or time zone says and however long the run takes.

Everything here is marked ``rasa`` and skips when the Rasa environment is
missing (``FRONTDOOR_RASA_VENV`` or ``.venv-rasa``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from backoffice.world import World, build_world
from bottools import model as bot_model
from frontdoor.clock import london_today
from frontdoor.exceptions import ConfigurationError
from tests.e2e.bot.stack import (
    BotStack,
    Chat,
    KnowledgeStub,
    knowledge_stub,
    running_bot,
    seed_database,
)
from tests.unit.bot.harness import NOW, ROOT

RASA_API_TOKEN = "e2e-rasa-api-token-0123456789"


@pytest.fixture(scope="session")
def rasa_bin() -> Path:
    try:
        return bot_model.rasa_environment(ROOT)
    except ConfigurationError as exc:
        pytest.skip(exc.message)


@pytest.fixture(scope="session")
def trained_model(rasa_bin: Path) -> Path:
    """Train once per session, or reuse models/ when nothing changed."""
    return bot_model.train(ROOT).model


@pytest.fixture(scope="session")
def world() -> World:
    return build_world(rng_seed=11, today=london_today(NOW))


@pytest.fixture(scope="session")
def knowledge() -> Iterator[KnowledgeStub]:
    with knowledge_stub() as stub:
        yield stub


@pytest.fixture(scope="session")
def bot_stack(
    trained_model: Path,
    knowledge: KnowledgeStub,
    world: World,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[BotStack]:
    folder = tmp_path_factory.mktemp("bot-e2e")
    database_url = seed_database(folder / "frontdoor.db", world)
    with running_bot(
        model=trained_model,
        database_url=database_url,
        knowledge=knowledge,
        world=world,
        logs=folder,
        now=NOW,
        api_token=RASA_API_TOKEN,  # as the launcher runs it: the review queue reloads models
    ) as stack:
        yield stack


@pytest.fixture
def chat(bot_stack: BotStack) -> Chat:
    return bot_stack.chat()
