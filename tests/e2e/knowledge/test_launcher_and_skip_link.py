"""The chat launcher never covers the page, and "Skip to the online assistant"
opens the chat with focus in it: English and Welsh, desktop and phone, axe-core.

Each page is scrolled from top to foot 50 px at a time; once the launcher is at
rest (it is compact while the page scrolls, widget/src/launcher.js), no text of
the main content may lie under it.

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
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SKIP = {"en": "Skip to the online assistant", "cy": "Neidio i'r cynorthwyydd ar-lein"}
NAME = {"en": "Chat with us", "cy": "Sgwrsio â ni"}
# where the launcher covered text before: an article, a Welsh service area, the home page
PAGES = {"en": ["/", "/articles/missed-bin"], "cy": ["/cy/services/council_tax", "/cy/"]}
SHOTS = "/tmp/shots-launcher"
# after a scroll the launcher is compact ("fd-scrolling") until the page is at rest
SETTLE = """
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    const launcher = document.getElementById("fd-launcher");
    while (launcher.classList.contains("fd-scrolling")) {
        await new Promise((done) => setTimeout(done, 20));
    }
"""
SETTLED = "async () => {" + SETTLE + "}"
# scroll to y; at rest, the text of the main content under the launcher, its box, compact or not
SCROLL_TO = (
    "async (y) => { window.scrollTo(0, y);"
    + SETTLE
    + """
    const box = launcher.getBoundingClientRect();
    const under = [];
    const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.data.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const line of range.getClientRects()) {
            if (line.width && line.right > box.left && line.left < box.right
                && line.bottom > box.top && line.top < box.bottom) {
                under.push(node.data.trim().slice(0, 40));
            }
        }
    }
    return {under, compact: launcher.classList.contains("fd-compact"),
            box: {x: box.left, y: box.top, width: box.width, height: box.height}};
}"""
)


def _serve_widget(context: Any) -> None:
    def serve(name: str, kind: str) -> Any:
        return lambda route: route.fulfill(path=str(WIDGET / name), content_type=kind)

    context.route("**/widget/frontdoor-widget.js", serve("frontdoor-widget.js", "text/javascript"))
    context.route("**/widget/frontdoor-widget.css", serve("frontdoor-widget.css", "text/css"))


def _overlaps(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])  # fmt: skip


def _scroll_through(page: Any, viewport: dict[str, int], shot: str) -> int | None:
    """Scroll from top to foot; assert nothing is under the launcher at rest.

    Returns the first scroll position where the launcher was compact, if any."""
    height = page.evaluate("document.documentElement.scrollHeight")
    positions = [*range(0, height - viewport["height"], 50), height]
    compact = None
    for at, y in enumerate(positions):
        rest = page.evaluate(SCROLL_TO, y)
        assert rest["under"] == [], f"{page.url} scrolled to {y}"
        box = rest["box"]
        assert box["width"] >= 24 and box["height"] >= 24, box
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], box
        if compact is None and rest["compact"]:
            compact = y
        if at == len(positions) // 2:
            page.screenshot(path=shot)
    return compact


def _compact_keeps_its_name_and_shows_it_on_focus(page: Any, y: int, language: str) -> None:
    launcher = page.locator("#fd-launcher")
    page.evaluate(f"window.scrollTo(0, {y})")
    page.evaluate(SETTLED)
    assert "fd-compact" in (launcher.get_attribute("class") or "")
    assert launcher.evaluate("element => element.getBoundingClientRect().width") > 0
    compact_width = launcher.bounding_box()["width"]
    page.get_by_role("button", name=NAME[language]).wait_for()
    # the launcher is the page's last stop: Shift+Tab from the top reaches it
    page.locator("body").focus()
    page.keyboard.press("Shift+Tab")
    assert launcher.evaluate("element => element === document.activeElement")
    assert launcher.evaluate("element => element.matches(':focus-visible')")
    assert launcher.evaluate("element => getComputedStyle(element).outlineStyle") == "solid"
    assert launcher.bounding_box()["width"] > compact_width  # its label is shown again
    page.evaluate("document.activeElement.blur()")


def test_launcher_leaves_the_page_readable_and_the_skip_link_opens_the_chat(site, browser):
    widths = {}
    compact_seen = set()
    for size, viewport in SIZES.items():
        for language, paths in PAGES.items():
            context = browser.new_context(viewport=viewport, is_mobile=size == "phone")
            _serve_widget(context)
            page = context.new_page()
            page.set_default_timeout(10_000)
            try:
                for path in paths:
                    page.goto(site.url + path)
                    launcher = page.locator("#fd-launcher")
                    launcher.wait_for(state="visible")
                    page.wait_for_function(
                        "document.documentElement.classList.contains('fd-has-launcher')"
                    )
                    name = path.strip("/").replace("/", "-") or "home"
                    compact_at = _scroll_through(
                        page, viewport, f"{SHOTS}/after-{name}-{size}-mid.png"
                    )
                    if compact_at is not None and size not in compact_seen:
                        compact_seen.add(size)
                        _compact_keeps_its_name_and_shows_it_on_focus(page, compact_at, language)
                # at the foot of the page: back in its corner at full size, no link under it
                page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
                page.evaluate(SETTLED)
                assert "fd-compact" not in (launcher.get_attribute("class") or "")
                box = launcher.bounding_box()
                assert viewport["width"] - box["x"] - box["width"] < 20
                assert viewport["height"] - box["y"] - box["height"] < 20
                widths[size, language] = box["width"]
                for link in page.locator("body a:visible").all():
                    link_box = link.bounding_box()
                    if link_box and link_box["height"] > 1:
                        assert not _overlaps(box, link_box), link.inner_text()
                assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
                page.screenshot(path=f"{SHOTS}/after-{language}-{size}-foot.png")
                assert axe_violations(page, best_practice=True) == []
                # the second Tab reaches the skip link to the chat; Enter opens it with focus inside
                page.evaluate("window.scrollTo(0, 0)")
                page.evaluate(SETTLED)
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
                page.screenshot(path=f"{SHOTS}/after-{language}-{size}-chat-open.png")
            finally:
                context.close()
    # on phones the page's text often reaches the launcher's corner: it was compact there
    assert "phone" in compact_seen
    # a shorter launcher on phones, keeping its full name for screen readers
    assert widths["phone", "en"] < widths["desktop", "en"]
    assert widths["phone", "cy"] < widths["desktop", "cy"]
