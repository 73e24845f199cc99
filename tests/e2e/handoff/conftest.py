"""Browser fixtures for the handoff journey (Playwright + Debian chromium)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.browser import opened
from tests.e2e.handoff.harness import PASSWORD, STAFF, Stack, running_stack

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def handoff_bot() -> Any:
    """The bot the service talks to; None means the scripted fake (override for real Rasa)."""
    return None


@pytest.fixture
def stack(sqlite_database: Any, handoff_bot: Any) -> Iterator[Stack]:
    with running_stack(sqlite_database.url, sqlite_database.engine, bot=handoff_bot) as running:
        yield running


@pytest.fixture
def resident(browser: Any, stack: Stack) -> Iterator[Any]:
    with opened(browser, viewport={"width": 1280, "height": 800}) as page:
        yield page


@pytest.fixture
def advisor(browser: Any, stack: Stack) -> Iterator[Any]:
    with opened(browser, viewport={"width": 1400, "height": 900}) as page:
        yield page


def sign_in(page: Any, stack: Stack, who: str = "sam", path: str = "/console/") -> None:
    page.goto(f"{stack.handoff_url}/console/login?next={path}")
    page.get_by_label("Email address").fill(STAFF[who][0])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{stack.handoff_url}{path}")
