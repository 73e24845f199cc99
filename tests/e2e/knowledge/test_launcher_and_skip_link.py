"""The chat launcher never covers the page, and "Skip to the online assistant"
opens the chat with focus in it: English and Welsh, desktop and phone, axe-core.

The widget's script and stylesheet are the built bundle (handoff/static/widget),
served to the page by the browser context; nothing listens at the handoff URL,
so the chat shows its connection notice, which is all this test needs.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.browser import axe_violations
from tests.e2e.knowledge.conftest import ROOT

pytestmark = pytest.mark.browser

WIDGET = ROOT / "handoff" / "static" / "widget"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}
SKIP = {"en": "Skip to the online assistant", "cy": "Neidio i'r cynorthwyydd ar-lein"}
PAGES = {"en": "/articles/missed-bin", "cy": "/cy/"}


def _serve_widget(context: Any) -> None:
    def serve(name: str, kind: str) -> Any:
        return lambda route: route.fulfill(path=str(WIDGET / name), content_type=kind)

    context.route("**/widget/frontdoor-widget.js", serve("frontdoor-widget.js", "text/javascript"))
    context.route("**/widget/frontdoor-widget.css", serve("frontdoor-widget.css", "text/css"))


def _overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])  # fmt: skip


def test_launcher_leaves_the_page_readable_and_the_skip_link_opens_the_chat(site, browser):
    widths = {}
    for size, viewport in SIZES.items():
        for language, path in PAGES.items():
            context = browser.new_context(viewport=viewport, is_mobile=size == "phone")
            _serve_widget(context)
            page = context.new_page()
            page.set_default_timeout(10_000)
            try:
                page.goto(site.url + path)
                launcher = page.locator("#fd-launcher")
                launcher.wait_for(state="visible")
                page.wait_for_function(
                    "document.documentElement.classList.contains('fd-has-launcher')"
                )
                widths[size, language] = launcher.bounding_box()["width"]
                # at the foot of the page, no link is under the launcher
                page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
                box = launcher.bounding_box()
                for link in page.locator("body a:visible").all():
                    link_box = link.bounding_box()
                    if link_box and link_box["height"] > 1:
                        assert not _overlaps(box, link_box), link.inner_text()
                assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
                page.screenshot(path=f"/tmp/shots-small/after-{language}-{size}-foot.png")
                assert axe_violations(page, best_practice=True) == []
                # the second Tab reaches the skip link to the chat; Enter opens it with focus inside
                page.evaluate("window.scrollTo(0, 0)")
                page.locator("body").focus()
                page.keyboard.press("Tab")
                page.keyboard.press("Tab")
                skip = page.get_by_role("link", name=SKIP[language])
                assert skip.evaluate("element => element === document.activeElement")
                page.keyboard.press("Enter")
                page.locator("#fd-panel").wait_for(state="visible")
                page.wait_for_function(
                    "document.getElementById('fd-root').contains(document.activeElement)"
                )
                assert page.locator("#fd-launcher").get_attribute("aria-expanded") == "true"
                page.screenshot(path=f"/tmp/shots-small/after-{language}-{size}-chat-open.png")
            finally:
                context.close()
    # a compact launcher on phones, keeping its full name for screen readers
    assert widths["phone", "en"] < widths["desktop", "en"]
    assert widths["phone", "cy"] < widths["desktop", "cy"]
