"""Browser fixtures for the handoff journey (Playwright + Debian chromium)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.handoff.harness import PASSWORD, STAFF, Stack, running_stack

ROOT = Path(__file__).resolve().parents[3]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


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
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def advisor(browser: Any, stack: Stack) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


def sign_in(page: Any, stack: Stack, who: str = "sam", path: str = "/console/") -> None:
    page.goto(f"{stack.handoff_url}/console/login?next={path}")
    page.get_by_label("Email address").fill(STAFF[who][0])
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{stack.handoff_url}{path}")


def axe_violations(page: Any, selector: str | None = None) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations (WCAG 2.x A/AA and 2.2 rules)."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci)")
    # evaluate(), not a <script> tag: the console's CSP rightly refuses inline scripts.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    result = page.evaluate(
        """async (selector) => {
            const context = selector ? document.querySelector(selector) : document;
            return await axe.run(context, {runOnly: {type: "tag",
                values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}});
        }""",
        selector,
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]  # fmt: skip
