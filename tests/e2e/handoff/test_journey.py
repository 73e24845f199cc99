"""The whole live-chat journey in a real browser: a resident asks the bot,
asks for a person, an advisor accepts in the console, they talk, the
resident reloads mid-chat and loses nothing, the advisor closes, the
resident rates. Then the same page and the console pass axe-core."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import axe_violations
from tests.e2e.handoff.conftest import sign_in
from tests.e2e.handoff.harness import Stack

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def open_widget(page: Any, stack: Stack, path: str = "/en/bins") -> None:
    page.goto(f"{stack.website_url}{path}")
    page.get_by_role("button", name="Chat with us").click()
    expect(page.get_by_role("dialog", name="Bramblefield District Council")).to_be_visible()


def say(page: Any, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.keyboard.press("Enter")


def messages(page: Any) -> Any:
    return page.locator("#fd-messages")


def test_resident_bot_advisor_reload_close_and_rate(
    stack: Stack, resident: Any, advisor: Any
) -> None:
    # The advisor signs in and makes themself available.
    sign_in(advisor, stack)
    advisor.get_by_label("Available for chats").check()
    expect(advisor.locator("#announcer")).to_contain_text("You are available for chats.")

    # The resident asks the bot a question and gets an answer with an article link.
    open_widget(resident, stack)
    expect(resident.get_by_label("Your message")).to_be_focused()
    say(resident, "When is my bin day?")
    expect(messages(resident)).to_contain_text("Your bins are collected on Tuesdays.")
    article = messages(resident).get_by_role("link", name="Bin collection days")
    expect(article).to_have_attribute("href", f"{stack.website_url}/en/bins")
    expect(resident.locator("#fd-announcer")).to_contain_text(
        "Your bins are collected on Tuesdays."
    )

    # ... and asks for a person (the bot's quick reply).
    resident.locator("#fd-quick").get_by_role("button", name="Talk to a person").click()
    expect(resident.locator("#fd-queue")).to_contain_text("You are number 1 in the queue.")

    # The console is offered the chat; the advisor accepts it.
    offer = advisor.locator(".offer")
    expect(offer).to_contain_text("Resident asked about a missed bin.")
    offer.get_by_role("button", name="Accept").click()
    chat = advisor.locator("article.chat")
    expect(chat).to_have_count(1)
    panel = advisor.locator("#context-panel .context:visible")
    expect(panel.locator(".chat__summary")).to_contain_text("Resident asked about a missed bin.")
    expect(chat.locator(".transcript")).to_contain_text("When is my bin day?")
    expect(chat.locator(".transcript")).to_contain_text("Your bins are collected on Tuesdays.")
    expect(resident.locator("#fd-messages")).to_contain_text(
        "You are now talking to Sam from the council."
    )

    # They exchange messages.
    chat.get_by_label("Message to the resident").fill("Hello, I'm Sam. Which street are you on?")
    chat.get_by_role("button", name="Send").click()
    expect(messages(resident)).to_contain_text("Hello, I'm Sam. Which street are you on?")
    say(resident, "Elm Road, number 12")
    expect(chat.locator(".transcript")).to_contain_text("Elm Road, number 12")

    # A private note stays in the console.
    chat.get_by_label("Private note (advisors only)").check()
    chat.get_by_label("Message to the resident").fill("Crew log says presented late")
    chat.get_by_role("button", name="Send").click()
    expect(chat.locator(".entry--note")).to_contain_text("Crew log says presented late")
    chat.get_by_label("Private note (advisors only)").uncheck()

    # The resident reloads mid-chat: same conversation, nothing lost, still open.
    before = messages(resident).inner_text()
    resident.reload()
    expect(resident.get_by_role("dialog")).to_be_visible()
    expect(messages(resident)).to_contain_text("Elm Road, number 12")
    expect(messages(resident)).to_contain_text("Hello, I'm Sam. Which street are you on?")
    assert messages(resident).inner_text() == before
    assert "Crew log" not in messages(resident).inner_text()
    expect(resident.locator("#fd-subtitle")).to_have_text("Talking to Sam")

    # Messages still flow both ways after the reload.
    chat.get_by_label("Message to the resident").fill("Thanks, I've booked a return visit.")
    chat.get_by_role("button", name="Send").click()
    expect(messages(resident)).to_contain_text("Thanks, I've booked a return visit.")
    say(resident, "Thank you!")
    expect(chat.locator(".transcript")).to_contain_text("Thank you!")

    # The advisor closes with an outcome.
    panel.locator("summary", has_text="Close chat").click()
    panel.get_by_label("Outcome").select_option("resolved")
    panel.get_by_role("button", name="Close chat").click()
    expect(advisor.locator("article.chat")).to_have_count(0)

    # The resident sees the end and rates the chat.
    expect(messages(resident)).to_contain_text("This chat has ended.")
    rating = resident.locator(".fd-rating")
    expect(rating).to_be_visible()
    rating.get_by_label("4 out of 5 stars").check()
    rating.get_by_label("Tell us more (optional)").fill("Quick and kind")
    rating.get_by_role("button", name="Send feedback").click()
    expect(messages(resident)).to_contain_text("Thank you for your feedback.")
    expect(resident.get_by_role("button", name="Start a new chat")).to_be_visible()


def test_markup_in_messages_is_rendered_as_text(stack: Stack, resident: Any, advisor: Any) -> None:
    sign_in(advisor, stack)
    advisor.get_by_label("Available for chats").check()
    open_widget(resident, stack)
    hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>'
    resident.get_by_role("button", name="Talk to a person").click()
    advisor.locator(".offer").get_by_role("button", name="Accept").click()
    chat = advisor.locator("article.chat")
    expect(chat).to_have_count(1)
    say(resident, hostile)
    expect(chat.locator(".transcript")).to_contain_text(hostile)
    chat.get_by_label("Message to the resident").fill(hostile)
    chat.get_by_role("button", name="Send").click()
    expect(messages(resident).locator(".fd-from-advisor")).to_contain_text(hostile)
    for page in (resident, advisor):
        assert page.evaluate("window.__pwned === undefined")
        assert (
            page.locator("#fd-messages img, #fd-messages b, .transcript img, .transcript b").count()
            == 0
        )


def test_widget_and_console_pass_axe(stack: Stack, resident: Any, advisor: Any) -> None:
    sign_in(advisor, stack)
    advisor.get_by_label("Available for chats").check()
    open_widget(resident, stack)
    say(resident, "When is my bin day?")
    expect(messages(resident)).to_contain_text("Your bins are collected on Tuesdays.")
    assert axe_violations(resident, "#fd-root") == []

    resident.locator("#fd-human").click()
    expect(resident.locator("#fd-queue")).to_be_visible()
    advisor.locator(".offer").get_by_role("button", name="Accept").click()
    expect(advisor.locator("article.chat")).to_have_count(1)
    expect(messages(resident)).to_contain_text("You are now talking to Sam")
    assert axe_violations(resident, "#fd-root") == []
    for tool in ("Transfer", "Close chat", "Create a case"):  # knowledge search is open
        advisor.locator("summary", has_text=tool).click()
    assert axe_violations(advisor) == []


def test_keyboard_only_and_escape(stack: Stack, resident: Any) -> None:
    resident.goto(f"{stack.website_url}/en/bins")
    launcher = resident.locator("#fd-launcher")
    launcher.focus()
    resident.keyboard.press("Enter")
    expect(resident.get_by_label("Your message")).to_be_focused()
    resident.keyboard.press("Escape")
    expect(resident.get_by_role("dialog")).to_be_hidden()
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")


def test_welsh_toggle(stack: Stack, resident: Any) -> None:
    open_widget(resident, stack)
    resident.get_by_role("button", name="Cymraeg").click()
    expect(resident.locator("#fd-root")).to_have_attribute("lang", "cy")
    expect(resident.get_by_role("button", name="Siarad â pherson")).to_be_visible()
    resident.reload()
    expect(resident.locator("#fd-launcher")).to_have_text(re.compile("Sgwrsio â ni"))
