"""A resident finds a top task on the home page and starts it in the chat with one
click (issue #17): English and Welsh, desktop and phone, axe-core; without
JavaScript the same button leads to the contact page.

The website is the real knowledge service with the demo content (its
``start:`` tags); the chat is the real handoff service and widget bundle. The bot
is the scripted fake, which records what it was sent: the task's payload, never the
words the resident sees (the real bot's answer to each payload is Rasa's ``/intent``
syntax; ``tests/unit/knowledge/test_site_tasks.py`` checks every intent exists)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from handoff.bot import BotReply, FakeBot
from tests.e2e.browser import axe_violations
from tests.e2e.handoff.harness import running_stack

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/shots-site")
SIZES = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
JOURNEYS = {
    # home page, the top task's link, the button, what the resident sees, the bot's question
    "en": ("/", "Find your bin collection day", "Start now", "Find my bin collection day",
           "What is your postcode?"),
    "cy": ("/cy/", "Dod o hyd i'ch diwrnod casglu biniau", "Dechrau nawr",
           "Dod o hyd i fy niwrnod casglu biniau", "Beth yw eich cod post?"),
}  # fmt: skip


def task_bot(text: str, metadata: Any) -> list[BotReply]:
    if text == "/ask_bin_day":
        return [BotReply(text=JOURNEYS["cy" if metadata.language == "cy" else "en"][4])]
    return [BotReply(text="I did not expect that.")]


def test_a_top_task_starts_in_the_chat_with_one_click(site, browser, sqlite_database):
    handoff_url = site.app.state.handoff_url
    bot = FakeBot(script=task_bot)
    SHOTS.mkdir(exist_ok=True)
    with running_stack(
        sqlite_database.url, sqlite_database.engine, bot=bot,
        handoff_port=urlsplit(handoff_url).port,
        extra_settings={"FRONTDOOR_HANDOFF_ALLOWED_ORIGINS": f"{site.url},{handoff_url}"},
    ):  # fmt: skip
        for size, options in SIZES.items():
            for language, (home, task, start, echo, question) in JOURNEYS.items():
                context = browser.new_context(**options)
                page = context.new_page()
                page.set_default_timeout(10_000)
                try:
                    page.goto(site.url + home)
                    page.locator("#fd-launcher").wait_for(state="visible")
                    page.locator(".top-tasks").get_by_role("link", name=task).click()
                    button = page.get_by_role("link", name=start)
                    expect(button).to_be_visible()
                    page.screenshot(path=str(SHOTS / f"test-{language}-{size}-task.png"))
                    article = page.url
                    sent = len(bot.received)
                    button.click()
                    panel = page.locator("#fd-panel")
                    expect(panel).to_be_visible()
                    expect(panel.locator(".fd-from-resident")).to_contain_text(echo)
                    expect(panel.locator(".fd-from-bot").last).to_contain_text(question)
                    assert page.url == article  # the chat opened on the page, no navigation
                    _, text, metadata = bot.received[sent]
                    assert (text, metadata.language) == ("/ask_bin_day", language)
                    assert "/ask_bin_day" not in panel.inner_text()
                    page.wait_for_function(
                        "document.getElementById('fd-root').contains(document.activeElement)"
                    )
                    page.screenshot(path=str(SHOTS / f"test-{language}-{size}-chat.png"))
                    assert axe_violations(page) == []
                finally:
                    context.close()


def test_without_javascript_start_now_leads_to_the_contact_page(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        for path, start, contact in (
            ("/articles/missed-bin", "Start now", "/articles/contact-us"),
            (
                "/articles/rhoi-gwybod-am-fin-heb-ei-gasglu",
                "Dechrau nawr",
                "/articles/cysylltu-a-ni",
            ),
        ):
            page.goto(site.url + path)
            page.get_by_role("link", name=start).click()
            page.wait_for_url(site.url + contact)
            assert page.locator("h1").inner_text()
    finally:
        context.close()
