"""Fixtures for the bot's unit tests: the seeded Bramblefield in memory, a
fixed clock, fakes for the knowledge API and the verification store, and a
``BotHarness`` that runs one action on a hand-built tracker.

Shared with the integration tests through ``tests.unit.bot.harness``.
"""

from __future__ import annotations

from datetime import date

import pytest

from backoffice.world import World, build_world
from tests.unit.bot.harness import TODAY, BotHarness, make_harness


@pytest.fixture(scope="session")
def world() -> World:
    """Bramblefield as seeded on TODAY (pure and deterministic: built once)."""
    return build_world(rng_seed=7, today=TODAY)


@pytest.fixture
def bot(world: World) -> BotHarness:
    """A fresh in-memory back office (cases created by one test stay there)."""
    return make_harness(world)


@pytest.fixture
def today() -> date:
    return TODAY
