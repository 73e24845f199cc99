"""More of the resident's side in a real browser: nobody available (leave a
message), network loss and reconnection, transcript download, navigation,
leaving the queue, reflow at 320 CSS px (400% zoom) and reduced motion."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.handoff.conftest import sign_in
from tests.e2e.handoff.harness import Stack
from tests.e2e.handoff.test_journey import messages, open_widget, say

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_nobody_available_leave_a_message(stack: Stack, resident: Any) -> None:
    open_widget(resident, stack)
    resident.locator("#fd-human").click()
    expect(messages(resident)).to_contain_text("You can leave a message")
    resident.locator("#fd-leave-message").click()
    form = resident.locator(".fd-leave")
    expect(form.get_by_role("heading", name="Leave a message")).to_be_focused()
    form.get_by_role("button", name="Send message").click()
    expect(form).to_contain_text("Enter your message")
    form.get_by_label("Your message").fill("My green bin was not emptied on Tuesday.")
    form.get_by_label("Email address or phone number").fill("alex@example.org")
    form.get_by_role("button", name="Send message").click()
    expect(messages(resident)).to_contain_text("My green bin was not emptied on Tuesday.")
    expect(messages(resident)).to_contain_text("Your reference is")


def test_network_loss_reconnects_and_sends_what_was_typed(stack: Stack, resident: Any) -> None:
    open_widget(resident, stack)
    say(resident, "When is my bin day?")
    expect(messages(resident)).to_contain_text("Your bins are collected on Tuesdays.")
    resident.context.set_offline(True)
    expect(resident.locator("#fd-connection")).to_contain_text("You are offline")
    say(resident, "Is it the same for recycling bins?")
    expect(messages(resident)).to_contain_text("Sending…")
    resident.context.set_offline(False)
    expect(resident.locator("#fd-connection")).to_be_hidden()
    expect(resident.locator("#fd-announcer")).to_contain_text("Connected again.")
    expect(messages(resident)).not_to_contain_text("Sending…")
    expect(messages(resident).locator(".fd-from-bot")).to_have_count(2)
    # stored once, even though it may have been sent twice
    expect(messages(resident).locator(".fd-from-resident")).to_have_count(2)


def test_navigation_keeps_the_chat_and_transcript_downloads(stack: Stack, resident: Any) -> None:
    open_widget(resident, stack)
    say(resident, "When is my bin day?")
    expect(messages(resident)).to_contain_text("Your bins are collected on Tuesdays.")
    messages(resident).get_by_role("link", name="Bin collection days").click()
    resident.wait_for_url(f"{stack.website_url}/en/bins")
    expect(messages(resident)).to_contain_text("Your bins are collected on Tuesdays.")
    with resident.expect_download() as info:
        resident.get_by_role("button", name="Download transcript").click()
    text = info.value.path().read_text(encoding="utf-8")
    assert "Chat with Bramblefield District Council" in text
    assert "You: When is my bin day?" in text
    assert "Your bins are collected on Tuesdays." in text


def test_leave_the_queue(stack: Stack, resident: Any, advisor: Any) -> None:
    sign_in(advisor, stack)
    advisor.get_by_label("Away").check()
    advisor.get_by_label("Available for chats").check()
    open_widget(resident, stack)
    resident.locator("#fd-human").click()
    expect(resident.locator("#fd-queue")).to_be_visible()
    resident.get_by_role("button", name="Leave the queue").click()
    expect(resident.locator("#fd-queue")).to_be_hidden()
    expect(messages(resident)).to_contain_text("You are talking to the online assistant.")
    expect(resident.locator("#fd-human")).to_be_visible()


def test_reflows_at_320_css_pixels_and_respects_reduced_motion(stack: Stack, browser: Any) -> None:
    context = browser.new_context(viewport={"width": 320, "height": 256}, reduced_motion="reduce")
    page = context.new_page()
    try:
        open_widget(page, stack)
        say(page, "When is my bin day?")
        expect(messages(page)).to_contain_text("Your bins are collected on Tuesdays.")
        widths = page.evaluate(
            "[document.documentElement.scrollWidth,"
            " document.getElementById('fd-panel').scrollWidth]"
        )
        assert widths == [320, 320]
        small = page.evaluate(
            """[...document.querySelectorAll('#fd-root button, #fd-root a')]
                .filter(e => e.offsetParent && !e.closest('.fd-links'))
                .map(e => e.getBoundingClientRect())
                .filter(r => r.width < 24 || r.height < 24).length"""
        )
        assert small == 0, "every target is at least 24 by 24 CSS px"
        page.evaluate("document.getElementById('fd-typing').hidden = false")
        animation = page.evaluate(
            "getComputedStyle(document.getElementById('fd-typing'), '::after').animationName"
        )
        assert animation == "none"
    finally:
        context.close()
