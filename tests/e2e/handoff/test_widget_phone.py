"""The widget on a phone, in a real browser (issue 18, deliverable 5): a
full-screen panel whose header and composer stay on screen while only the
transcript scrolls, opening at the latest message, with the page behind
locked; quick replies come into view on a phone and on a desktop alike."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import axe_violations, opened
from tests.e2e.handoff.conftest import sign_in
from tests.e2e.handoff.harness import Stack
from tests.e2e.handoff.test_journey import messages, open_widget, say

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LANDSCAPE = {"viewport": {"width": 844, "height": 390}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}

IN_PANEL = "document.getElementById('fd-panel').contains(document.activeElement)"

# Boxes of the parts that matter, in CSS px relative to the viewport.
LAYOUT = """() => {
    const box = (node) => {
        if (!node || node.closest('[hidden]')) return null;
        const r = node.getBoundingClientRect();
        return {top: r.top, bottom: r.bottom, left: r.left, right: r.right};
    };
    const body = document.getElementById('fd-body');
    const all = document.querySelectorAll('#fd-messages > li');
    return {
        width: innerWidth, height: innerHeight,
        header: box(document.querySelector('#fd-panel .fd-header')),
        footer: box(document.querySelector('#fd-panel .fd-footer')),
        input: box(document.getElementById('fd-input')),
        send: box(document.getElementById('fd-send')),
        body: box(body),
        last: box(all[all.length - 1]),
        quick: box(document.getElementById('fd-quick')),
        overflowing: body.scrollHeight > body.clientHeight + 50,
        pageOverflow: getComputedStyle(document.documentElement).overflowY,
    };
}"""


def layout(page: Any) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(LAYOUT)
    return result


def on_screen(box: dict[str, float] | None, width: float, height: float) -> bool:
    return (
        box is not None
        and box["top"] >= -0.5
        and box["left"] >= -0.5
        and box["bottom"] <= height + 0.5
        and box["right"] <= width + 0.5
    )


def within(inner: dict[str, float] | None, outer: dict[str, float] | None) -> bool:
    return (
        inner is not None
        and outer is not None
        and inner["top"] >= outer["top"] - 0.5
        and inner["bottom"] <= outer["bottom"] + 0.5
    )


def fill_the_transcript(page: Any, count: int = 8) -> None:
    """Enough turns that the transcript overflows, ending with quick replies."""
    for n in range(count):
        say(page, f"Message number {n} about my street")
        expect(messages(page)).to_contain_text(f"You said: Message number {n} about my street")
    say(page, "When is my bin day?")
    expect(messages(page)).to_contain_text("Your bins are collected on Tuesdays.")
    expect(page.locator("#fd-quick")).to_be_visible()


def make_page_tall(page: Any) -> None:
    """The council page gets long enough to scroll (CSSOM: the CSP allows it)."""
    page.evaluate("document.body.style.minHeight = '4000px'")


def assert_fixed_layout(page: Any) -> dict[str, Any]:
    box = layout(page)
    width, height = box["width"], box["height"]
    assert box["overflowing"], "the test needs a transcript longer than its box"
    for part in ("header", "footer", "input", "send"):
        assert on_screen(box[part], width, height), f"{part} is off screen: {box[part]}"
    assert box["body"]["top"] >= box["header"]["bottom"] - 0.5
    assert box["body"]["bottom"] <= box["footer"]["top"] + 0.5
    assert within(box["last"], box["body"]), f"latest message not visible: {box}"
    assert within(box["quick"], box["body"]), f"quick replies not visible: {box}"
    return box


def test_phone_panel_is_full_screen_with_fixed_header_and_composer(
    stack: Stack, browser: Any
) -> None:
    with opened(browser, **PHONE) as page:
        open_widget(page, stack)
        make_page_tall(page)
        fill_the_transcript(page)
        box = assert_fixed_layout(page)
        # full screen: the panel covers the viewport
        panel = page.locator("#fd-panel").bounding_box()
        assert panel == {"x": 0, "y": 0, "width": 390, "height": 844}
        # the page behind does not scroll while the panel is open...
        assert box["pageOverflow"] == "hidden"
        page.mouse.move(195, 30)
        page.mouse.wheel(0, 600)
        page.mouse.move(195, 400)
        page.mouse.wheel(0, 1200)
        page.wait_for_timeout(300)
        assert page.evaluate("scrollY") == 0
        # ...and the transcript itself does (the wheel above moved it to the end)
        page.mouse.wheel(0, -3000)
        page.wait_for_timeout(300)
        assert page.evaluate("document.getElementById('fd-body').scrollTop") == 0
        # closing restores the page's scrolling
        page.get_by_role("button", name="Close chat").click()
        assert page.evaluate("getComputedStyle(document.documentElement).overflowY") == "visible"
        page.mouse.wheel(0, 600)
        page.wait_for_function("() => scrollY > 0")
        page.evaluate("scrollTo(0, 0)")
        # reopening (after scrolling up) shows the latest message again
        page.get_by_role("button", name="Chat with us").click()
        assert_fixed_layout(page)
        # a new message stays in view too, and the composer with it
        say(page, "One more message")
        expect(messages(page)).to_contain_text("You said: One more message")
        box = layout(page)
        assert within(box["last"], box["body"])
        assert on_screen(box["footer"], box["width"], box["height"])


def test_phone_opens_at_the_latest_message_after_a_reload(stack: Stack, browser: Any) -> None:
    with opened(browser, **PHONE) as page:
        open_widget(page, stack)
        fill_the_transcript(page)
        page.reload()
        expect(page.locator("#fd-panel")).to_be_visible()
        expect(messages(page)).to_contain_text("Your bins are collected on Tuesdays.")
        page.wait_for_timeout(300)
        assert_fixed_layout(page)


def test_short_landscape_phone_keeps_header_and_composer_on_screen(
    stack: Stack, browser: Any
) -> None:
    with opened(browser, **LANDSCAPE) as page:
        open_widget(page, stack)
        fill_the_transcript(page, count=4)
        assert_fixed_layout(page)


def test_desktop_quick_replies_scroll_into_view(stack: Stack, browser: Any) -> None:
    with opened(browser, **DESKTOP) as page:
        open_widget(page, stack)
        fill_the_transcript(page)
        box = assert_fixed_layout(page)
        # the desktop panel is still the corner window, and the page is not locked
        assert box["header"]["left"] > 800
        assert page.evaluate("getComputedStyle(document.documentElement).overflowY") == "visible"


def test_phone_panel_passes_axe_and_keeps_tab_inside(stack: Stack, browser: Any) -> None:
    with opened(browser, **PHONE) as page:
        open_widget(page, stack)
        fill_the_transcript(page, count=4)
        assert axe_violations(page, "#fd-root") == []
        page.get_by_label("Your message").focus()
        page.keyboard.press("Tab")
        expect(page.get_by_role("button", name="Send")).to_be_focused()
        reached = False
        for _ in range(12):
            page.keyboard.press("Tab")
            assert page.evaluate(IN_PANEL), "Tab left the full-screen panel"
            if page.evaluate("document.activeElement.classList.contains('fd-quick-reply')"):
                reached = True
                break
        assert reached, "Tab from the message box never reached the quick replies"
        page.keyboard.press("Shift+Tab")
        assert page.evaluate(IN_PANEL)


def test_tiny_viewport_scrolls_as_one_column_and_shows_quick_replies(
    stack: Stack, browser: Any
) -> None:
    """400% zoom on a laptop (320 by 256 CSS px): no room for a fixed header
    and footer, so the panel scrolls as one column; quick replies still come
    into view and nothing is wider than the screen."""
    with opened(browser, viewport={"width": 320, "height": 256}) as page:
        open_widget(page, stack)
        fill_the_transcript(page, count=2)
        box = layout(page)
        assert on_screen(box["quick"], 320, 256), f"quick replies not visible: {box}"
        assert page.evaluate("document.getElementById('fd-panel').scrollWidth") == 320
        assert box["pageOverflow"] == "hidden"


def test_phone_keyboard_does_not_push_the_composer_off_screen(stack: Stack, browser: Any) -> None:
    """Headless chromium has no on-screen keyboard, so the test shrinks the
    visual viewport as one would (height 420, as with a keyboard up) and
    fires its resize event: the composer and the latest message stay in
    the visible part."""
    with opened(browser, **PHONE) as page:
        open_widget(page, stack)
        fill_the_transcript(page, count=6)
        page.evaluate(
            """() => {
                Object.defineProperty(visualViewport, 'height', {get: () => 420});
                visualViewport.dispatchEvent(new Event('resize'));
            }"""
        )
        box = layout(page)
        for part in ("header", "footer", "input", "send"):
            assert on_screen(box[part], 390, 420), f"{part} is not in the visible part: {box}"
        assert box["body"]["bottom"] - box["body"]["top"] > 100, "no room left to read"
        assert within(box["quick"], box["body"]), f"the end of the transcript is not shown: {box}"


def test_phone_keeps_the_latest_message_in_view_when_the_footer_grows(
    stack: Stack, browser: Any
) -> None:
    """Asking for a person with nobody free: the bot says so (as the real bot does,
    before handing over), then the service's notice adds "Leave a message" to the
    footer, which takes room from the transcript. The bot's message stays whole on
    screen (it was cut in half on a phone before)."""
    with opened(browser, **PHONE) as page:
        open_widget(page, stack)
        fill_the_transcript(page, count=6)
        before = layout(page)["footer"]
        say(page, "Is anyone free to talk?")
        expect(messages(page)).to_contain_text("Nobody is free to chat right now.")
        expect(page.locator("#fd-leave-message")).to_be_visible()
        page.wait_for_function(
            """() => {
                const body = document.getElementById('fd-body');
                return body.scrollHeight - body.scrollTop - body.clientHeight < 1;
            }"""
        )
        box = layout(page)
        assert box["footer"]["top"] < before["top"] - 10, "the footer did not grow"
        assert box["overflowing"]
        assert within(box["last"], box["body"]), f"the notice is cut off: {box}"


def test_desktop_keeps_the_latest_message_in_view_when_the_queue_box_opens(
    stack: Stack, resident: Any, advisor: Any
) -> None:
    """Joining the queue opens the queue box above the transcript (position, wait,
    leave buttons), which takes room from it: the bot's message saying so stays whole
    on screen (it was cut off on the desktop panel before)."""
    sign_in(advisor, stack)
    advisor.get_by_label("Available for chats").check()
    open_widget(resident, stack)
    fill_the_transcript(resident, count=6)
    say(resident, "I want a person please")
    expect(messages(resident)).to_contain_text("I'll find someone from the council to help you.")
    expect(resident.locator("#fd-queue")).to_contain_text("You are number 1 in the queue.")
    resident.wait_for_function(
        """() => {
            const body = document.getElementById('fd-body');
            return body.scrollHeight - body.scrollTop - body.clientHeight < 1;
        }"""
    )
    box = layout(resident)
    assert box["overflowing"]
    assert within(box["last"], box["body"]), f"the latest message is cut off: {box}"
