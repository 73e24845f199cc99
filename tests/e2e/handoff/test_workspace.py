"""The advisor workspace in a real browser: chats on the left, the selected
conversation in the middle opening at its latest message with the reply box
in view, the resident's context on the right (their verified name in the
header and the panel), keyboard shortcuts for accept, reply and close, and
axe-core on the whole workspace at the sizes advisors use."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from backoffice.seed import seeded_fake
from backoffice.world.accounts import DEMO_COUNCIL_TAX
from handoff import models as m
from tests.e2e.browser import axe_violations
from tests.e2e.handoff.conftest import sign_in
from tests.e2e.handoff.harness import Stack
from tests.e2e.handoff.test_journey import messages, open_widget, say

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LONG_CHAT = (
    8  # messages before the handover: with the bot's replies, several screens (and under the
)
# resident rate limit, with the two said after it)


def available(advisor: Any, stack: Stack) -> None:
    sign_in(advisor, stack)
    advisor.get_by_label("Available for chats").check()
    expect(advisor.locator("#announcer")).to_contain_text("You are available for chats.")


def escalate(browser: Any, stack: Stack, path: str = "/en/bins", lines: int = 0) -> Any:
    """A resident (own browser context) who says ``lines`` things, then asks for a person."""
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.set_default_timeout(10_000)
    open_widget(page, stack, path)
    for n in range(1, lines + 1):
        say(page, f"Line {n} of my story")
        expect(messages(page)).to_contain_text(f"You said: Line {n} of my story")
    page.locator("#fd-human").click()
    expect(page.locator("#fd-queue")).to_be_visible()
    return page


def accept_offer(advisor: Any) -> Any:
    advisor.locator(".offer").get_by_role("button", name="Accept").click()
    return advisor.locator("article.chat:visible")


def test_a_long_chat_opens_at_the_latest_message_with_the_reply_box_in_view(
    stack: Stack, browser: Any, advisor: Any
) -> None:
    advisor.set_viewport_size({"width": 1280, "height": 800})
    available(advisor, stack)
    resident = escalate(browser, stack, lines=LONG_CHAT)
    chat = accept_offer(advisor)
    transcript = chat.locator(".transcript")
    expect(transcript).to_contain_text(f"Line {LONG_CHAT} of my story")
    latest = transcript.locator(".entry--event").last  # the resident asked for a person
    expect(latest).to_be_in_viewport()
    expect(transcript.locator(".entry").first).not_to_be_in_viewport()
    reply = chat.get_by_label("Message to the resident")
    expect(reply).to_be_in_viewport(ratio=1)
    expect(reply).to_be_focused()
    # The page itself does not scroll: only the columns do.
    assert advisor.evaluate("document.documentElement.scrollHeight") <= 800

    # A new message while the advisor reads the latest one stays in view...
    say(resident, "Here is one more thing")
    newest = transcript.locator(".entry--resident").last
    expect(newest).to_contain_text("Here is one more thing")
    expect(newest).to_be_in_viewport()
    # ... and after reading back, a new one is offered with a button, not forced.
    transcript.hover()
    advisor.mouse.wheel(0, -10_000)
    expect(transcript.locator(".entry").first).to_be_in_viewport()
    say(resident, "And another")
    expect(transcript).to_contain_text("And another")
    expect(transcript.locator(".entry--resident").last).not_to_be_in_viewport()
    jump = chat.get_by_role("button", name=re.compile(r"new messages?: go to the latest"))
    expect(jump).to_be_visible()
    jump.click()
    expect(transcript.locator(".entry--resident").last).to_be_in_viewport()
    expect(advisor.locator("#chat-list")).to_contain_text("And another")  # the latest, in the list
    expect(reply).to_be_focused()

    # Reloading the console opens the chat at its latest message again.
    advisor.reload()
    chat = advisor.locator("article.chat:visible")
    expect(chat.locator(".transcript")).to_contain_text("And another")
    expect(chat.locator(".entry--resident").last).to_be_in_viewport()
    expect(chat.get_by_label("Message to the resident")).to_be_in_viewport(ratio=1)
    resident.context.close()


def test_the_verified_residents_name_is_in_the_header_the_list_and_the_context_panel(
    stack: Stack, browser: Any, advisor: Any
) -> None:
    available(advisor, stack)
    resident = escalate(browser, stack, "/en/my-account")
    chat = accept_offer(advisor)
    expect(chat.get_by_role("heading", level=2)).to_have_text("Alex Smith")
    expect(chat.locator(".tags")).to_contain_text("Verified")
    panel = advisor.locator("#context-panel .context:visible")
    expect(panel.locator(".resident__name")).to_have_text("Alex Smith")
    expect(panel.locator(".resident")).to_contain_text(
        "Verified by signing in to their council account on the website"
    )
    expect(advisor.locator("#chat-list")).to_contain_text("Alex Smith")
    expect(advisor.locator("#chat-list")).to_contain_text("Verified")
    say(resident, "Can you see my account?")
    expect(chat.locator(".entry--resident").last.locator(".entry__who")).to_contain_text(
        "Alex Smith"
    )
    # The co-browse section offers to ask the resident (tests/e2e/handoff/test_cobrowse.py).
    expect(
        advisor.locator("#cobrowse-panel").get_by_role("button", name="Ask to co-browse")
    ).to_be_visible()
    resident.context.close()


def test_an_unverified_resident_is_marked_and_no_account_is_shown(
    stack: Stack, browser: Any, advisor: Any
) -> None:
    available(advisor, stack)
    resident = escalate(browser, stack)
    chat = accept_offer(advisor)
    expect(chat.locator(".tags")).to_contain_text("Not verified")
    panel = advisor.locator("#context-panel .context:visible")
    expect(panel.locator(".resident")).to_contain_text("Do not discuss their account.")
    expect(panel.locator(".chat__summary")).to_contain_text("Resident request")
    expect(advisor.locator("#chat-list")).to_contain_text("English")
    expect(advisor.locator("#chat-list")).to_contain_text("Waiting")
    resident.context.close()


def test_keyboard_only_accept_reply_and_close_with_shortcuts(
    stack: Stack, browser: Any, advisor: Any
) -> None:
    available(advisor, stack)
    resident = escalate(browser, stack)
    expect(advisor.locator(".offer")).to_have_count(1)
    advisor.locator("#chats-heading").focus()

    advisor.keyboard.press("Alt+A")  # accept
    chat = advisor.locator("article.chat:visible")
    reply = chat.get_by_label("Message to the resident")
    expect(reply).to_be_focused()
    expect(resident.locator("#fd-subtitle")).to_have_text("Talking to Sam")

    advisor.keyboard.type("Hello, I am Sam. Are you ready?")  # "r", "/", "?" are text here
    advisor.keyboard.press("Enter")  # send
    expect(messages(resident)).to_contain_text("Hello, I am Sam. Are you ready?")
    expect(reply).to_have_value("")

    advisor.keyboard.press("Alt+Shift+C")  # close
    outcome = advisor.locator("#context-panel").get_by_label("Outcome")
    expect(outcome).to_be_focused()
    advisor.keyboard.press("Tab")  # the optional note
    advisor.keyboard.press("Tab")
    expect(advisor.get_by_role("button", name="Close chat")).to_be_focused()
    advisor.keyboard.press("Enter")
    expect(advisor.locator("article.chat")).to_have_count(0)
    expect(messages(resident)).to_contain_text("This chat has ended.")
    expect(advisor.locator("#chats-heading")).to_be_focused()
    resident.context.close()


def test_shortcuts_move_between_chats_and_the_help_dialog_lists_them(
    stack: Stack, browser: Any, advisor: Any
) -> None:
    available(advisor, stack)
    residents = []
    for _ in range(2):
        residents.append(escalate(browser, stack))
        accept_offer(advisor)
        expect(advisor.locator(".offer")).to_have_count(0)
    items = advisor.locator("#chat-list .chat-item")
    expect(items).to_have_count(2)
    expect(items.nth(1)).to_have_attribute("aria-current", "true")  # the one just accepted
    first_id = advisor.locator("article.chat").nth(0).get_attribute("data-conversation")

    advisor.keyboard.press("Alt+J")  # next wraps round to the first
    expect(items.nth(0)).to_have_attribute("aria-current", "true")
    visible = advisor.locator("article.chat:visible")
    expect(visible).to_have_attribute("data-conversation", first_id or "")
    expect(visible.get_by_role("heading", level=2)).to_be_focused()
    advisor.keyboard.press("k")  # a single key, focus is not in a text field
    expect(items.nth(1)).to_have_attribute("aria-current", "true")
    advisor.keyboard.press("r")
    reply = advisor.locator("article.chat:visible").get_by_label("Message to the resident")
    expect(reply).to_be_focused()
    advisor.keyboard.type("k?")  # while typing, single keys are text
    expect(reply).to_have_value("k?")
    expect(items.nth(1)).to_have_attribute("aria-current", "true")
    advisor.keyboard.press("Alt+/")
    search = advisor.locator("#context-panel .context:visible").get_by_label("Search articles")
    expect(search).to_be_focused()

    advisor.locator("#chats-heading").focus()
    advisor.keyboard.press("?")
    dialog = advisor.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Alt+Shift+C")
    assert axe_violations(advisor, "#shortcuts-dialog") == []
    dialog.get_by_label("Single-key shortcuts (j, k, r, / and ?) when you are not typing").uncheck()
    advisor.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(advisor.locator("#chats-heading")).to_be_focused()
    advisor.keyboard.press("?")  # turned off (WCAG 2.1.4): nothing happens
    advisor.keyboard.press("j")
    expect(dialog).to_be_hidden()
    expect(items.nth(1)).to_have_attribute("aria-current", "true")
    advisor.keyboard.press("Alt+Shift+Slash")  # the Alt shortcuts still work
    expect(dialog).to_be_visible()
    advisor.keyboard.press("Escape")

    # A reload comes back to the chat the advisor was in.
    chosen = advisor.locator("article.chat:visible").get_attribute("data-conversation")
    advisor.reload()
    expect(advisor.locator("#chat-list .chat-item")).to_have_count(2)
    expect(advisor.locator("article.chat:visible")).to_have_attribute(
        "data-conversation", chosen or ""
    )
    current = advisor.locator("#chat-list .chat-item[aria-current=true]")
    expect(current).to_have_attribute("aria-controls", f"chat-{chosen}")
    for page in residents:
        page.context.close()


@pytest.mark.parametrize("size", [(1280, 800), (1920, 1080), (1024, 768)])
def test_the_workspace_passes_axe(
    stack: Stack, browser: Any, advisor: Any, size: tuple[int, int]
) -> None:
    advisor.set_viewport_size({"width": size[0], "height": size[1]})
    available(advisor, stack)
    residents = [escalate(browser, stack, "/en/my-account")]
    accept_offer(advisor)
    residents.append(escalate(browser, stack, lines=3))  # one offered, waiting for an answer
    expect(advisor.locator(".offer")).to_have_count(1)
    say(residents[0], "Hello?")
    panel = advisor.locator("#context-panel .context:visible")
    for tool in ("Transfer", "Create a case", "Hand back to the bot", "Close chat"):
        panel.locator("summary", has_text=tool).click()
    expect(panel.get_by_label("Outcome")).to_be_visible()
    assert axe_violations(advisor) == []
    # Three columns side by side, and nothing wider than the window.
    boxes = [
        advisor.locator(selector).bounding_box()
        for selector in ("#chats-column", "#chats", "#context-panel")
    ]
    assert all(box is not None for box in boxes)
    assert boxes[0]["x"] < boxes[1]["x"] < boxes[2]["x"]  # type: ignore[index]
    assert advisor.evaluate("document.documentElement.scrollWidth") == size[0]
    for page in residents:
        page.context.close()


def test_a_resident_the_bot_verified_is_named_from_their_account(
    stack: Stack, browser: Any, advisor: Any
) -> None:
    """The bot's knowledge check verifies without a sign-in name: the console
    names the resident from the account they proved, not "Resident 1A2B"."""
    backoffice, _ = seeded_fake(rng_seed=3, properties=300, today=date(2026, 12, 7))
    stack.app.state.handoff.backoffice = backoffice
    holder = backoffice.council_tax.get_account(DEMO_COUNCIL_TAX).holders[0]
    name = f"{holder.forename} {holder.surname}"
    available(advisor, stack)
    resident = escalate(browser, stack)
    # What the handover records after the bot's check (handoff.lifecycle).
    with stack.app.state.engine.begin() as conn:
        conn.execute(
            update(m.conversations).values(
                verified_refs=DEMO_COUNCIL_TAX, verified_method="bot:knowledge_check"
            )
        )
    chat = accept_offer(advisor)
    expect(chat.get_by_role("heading", level=2)).to_have_text(name)
    panel = advisor.locator("#context-panel .context:visible")
    expect(panel.locator(".resident__name")).to_have_text(name)
    expect(panel.locator(".resident")).to_contain_text("Verified by answering security questions")
    expect(panel.locator(".resident")).to_contain_text(f"Council tax {DEMO_COUNCIL_TAX}")
    expect(advisor.locator("#chat-list")).to_contain_text(name)
    expect(chat.locator(".transcript")).to_have_attribute("aria-label", f"Transcript with {name}")
    say(resident, "Hello, it is about my council tax")
    expect(chat.locator(".entry--resident").last.locator(".entry__who")).to_contain_text(name)
    resident.context.close()


def test_a_welsh_chat_is_marked_and_its_messages_are_spoken_in_welsh(
    stack: Stack, browser: Any, advisor: Any
) -> None:
    available(advisor, stack)
    resident = browser.new_context().new_page()
    resident.set_default_timeout(10_000)
    open_widget(resident, stack)
    resident.get_by_role("button", name="Cymraeg").click()
    resident.get_by_role("button", name="Siarad â pherson").click()
    chat = accept_offer(advisor)
    expect(advisor.locator("#chat-list")).to_contain_text("Welsh")
    expect(chat.locator(".tags")).to_contain_text("Welsh")
    resident.locator("#fd-input").fill("Mae fy min heb ei gasglu")
    resident.keyboard.press("Enter")
    said = chat.locator(".entry--resident .entry__text").last
    expect(said).to_have_text("Mae fy min heb ei gasglu")
    expect(said).to_have_attribute("lang", "cy")
    chat.get_by_label("Message to the resident").fill("Diolch, I will check.")
    chat.get_by_role("button", name="Send").click()
    mine = chat.locator(".entry--advisor .entry__text").last
    expect(mine).to_have_text("Diolch, I will check.")
    assert mine.get_attribute("lang") is None  # the advisor's words: not marked as Welsh
    resident.context.close()
