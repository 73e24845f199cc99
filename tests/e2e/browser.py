"""One real browser for every end-to-end suite: Debian chromium through Playwright.

Playwright's sync API allows one running instance per thread, so the session's
browser lives in tests/e2e/conftest.py and every suite shares it. ``axe_violations``
runs axe-core (from npm) in a page.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@contextmanager
def opened(browser: Any, *, timeout_ms: int = 10_000, **options: Any) -> Iterator[Any]:
    """A page in a fresh browser context (``options``: viewport, phone emulation),
    closed afterwards; ``timeout_ms`` is Playwright's wait for each step (a hang guard)."""
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    try:
        yield page
    finally:
        context.close()


def axe_violations(
    page: Any, selector: str | None = None, *, best_practice: bool = False
) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations (WCAG 2.0, 2.1 and 2.2 A/AA rules)."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm ci)")
    # evaluate(), not a <script> tag: our pages' CSP rightly refuses inline scripts.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")
    tags = [*WCAG_TAGS, "best-practice"] if best_practice else WCAG_TAGS
    result = page.evaluate(
        """async ([selector, tags]) => {
            const context = selector ? document.querySelector(selector) : document;
            return await axe.run(context, {runOnly: {type: "tag", values: tags}});
        }""",
        [selector, tags],
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [" ".join(n["target"]) for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
