"""The advisor console in a real browser: sign-in rules, two chats in the
workspace's list with unread markers (and a message in Welsh once chosen),
knowledge search with one-click send, private notes, create a case, hand back
to the bot, the supervisor view."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.e2e.browser import axe_violations
from tests.e2e.handoff.conftest import sign_in
from tests.e2e.handoff.harness import Stack
from tests.e2e.handoff.test_journey import messages, open_widget, say

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_sign_in_is_required_and_roles_are_checked(stack: Stack, advisor: Any) -> None:
    advisor.goto(f"{stack.handoff_url}/console/")
    expect(advisor).to_have_url(f"{stack.handoff_url}/console/login?next=/console/")
    advisor.get_by_label("Email address").fill("sam@example.gov.uk")
    advisor.get_by_label("Password").fill("wrong password")
    advisor.get_by_role("button", name="Sign in").click()
    expect(advisor.get_by_role("alert")).to_contain_text("There is a problem")
    assert axe_violations(advisor) == []
    sign_in(advisor, stack, "sam")
    response = advisor.goto(f"{stack.handoff_url}/console/supervisor")
    assert response is not None and response.status == 403
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def context(advisor: Any) -> Any:
    """The right-hand panel's part for the selected chat."""
    return advisor.locator("#context-panel .context:visible")


def test_two_chats_in_the_list_with_unread_markers(
    stack: Stack, browser: Any, advisor: Any
) -> None:
    sign_in(advisor, stack)
    advisor.get_by_label("Available for chats").check()
    residents = []
    for _ in range(2):
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(10_000)
        open_widget(page, stack)
        page.locator("#fd-human").click()
        offer = advisor.locator(".offer")
        expect(offer).to_have_count(1)
        offer.get_by_role("button", name="Accept").click()
        expect(page.locator("#fd-subtitle")).to_have_text("Talking to Sam")
        residents.append(page)
    chats = advisor.locator("article.chat")
    expect(chats).to_have_count(2)
    items = advisor.locator("#chat-list .chat-item")
    first, second = chats.nth(0), chats.nth(1)
    items.nth(0).click()
    expect(first.get_by_label("Message to the resident")).to_be_focused()
    expect(second).to_be_hidden()
    say(residents[1], "Are you still there?")
    expect(second.locator(".badge")).to_have_text("1 unread")
    expect(items.nth(1)).to_contain_text("1 unread")
    expect(advisor).to_have_title("(1) Chats - Advisor console - Bramblefield District Council")
    expect(advisor.locator("#announcer")).to_contain_text("New message from")
    items.nth(1).click()
    expect(second.get_by_label("Message to the resident")).to_be_focused()
    expect(second.locator(".transcript")).to_contain_text("Are you still there?")
    expect(second.locator(".badge")).to_be_hidden()
    expect(items.nth(1)).not_to_contain_text("unread")
    expect(advisor).to_have_title("Chats - Advisor console - Bramblefield District Council")
    # an empty reply is refused in the advisor's words; ?lang=cy makes them Welsh
    # (remembered), the message carrying its own lang while the page stays English
    error = second.locator(".field-error")
    second.get_by_role("button", name="Send").click()
    expect(error).to_have_text("Enter a message.")
    advisor.goto(f"{stack.handoff_url}/console/?lang=cy")
    expect(advisor.locator("article.chat")).to_have_count(2)
    advisor.goto(f"{stack.handoff_url}/console/")
    assert advisor.locator("html").get_attribute("lang") == "en"
    advisor.locator("#chat-list .chat-item").nth(0).click()
    chat = advisor.locator("article.chat:visible")
    chat.get_by_role("button", name="Send").click()
    expect(chat.locator(".field-error")).to_have_text("Rhowch neges.")
    expect(chat.locator(".field-error")).to_have_attribute("lang", "cy")
    assert axe_violations(advisor) == []
    for page in residents:
        page.context.close()


def test_knowledge_note_case_and_hand_back(stack: Stack, resident: Any, advisor: Any) -> None:
    sign_in(advisor, stack)
    advisor.get_by_label("Available for chats").check()
    open_widget(resident, stack)
    say(resident, "My bin was missed, I want a person")
    advisor.locator(".offer").get_by_role("button", name="Accept").click()
    chat = advisor.locator("article.chat")
    expect(chat).to_have_count(1)

    tools = context(advisor)
    tools.get_by_label("Search articles").fill("missed bin")
    tools.get_by_role("button", name="Search").click()
    tools.get_by_role("button", name="Send link").click()
    expect(messages(resident).get_by_role("link", name="Report a missed bin")).to_be_visible()
    expect(chat.locator(".transcript")).to_contain_text("Report a missed bin")

    tools.locator("summary", has_text="Create a case").click()
    tools.get_by_label("Case type").select_option("missed_bin")
    tools.get_by_label("Summary for the back office").fill("Green bin missed on Elm Road.")
    tools.get_by_role("button", name="Create case").click()
    expect(tools.locator(".tools")).to_contain_text("created")
    expect(messages(resident)).to_contain_text("Your reference is")

    tools.locator("summary", has_text="Hand back to the bot").click()
    tools.get_by_role("button", name="Hand back").click()
    expect(advisor.locator("article.chat")).to_have_count(0)
    expect(messages(resident)).to_contain_text("passed you back to the online assistant")
    say(resident, "When is my bin day?")
    expect(messages(resident)).to_contain_text("Your bins are collected on Tuesdays.")


def test_supervisor_view(stack: Stack, advisor: Any) -> None:
    sign_in(advisor, stack, "morgan", "/console/supervisor")
    table = advisor.locator("#teams-table")
    expect(table).to_contain_text("Waste and recycling")
    expect(advisor.locator("#advisors-table")).to_contain_text("Morgan Hale")
    assert axe_violations(advisor) == []


def test_verified_resident_and_console_reload(stack: Stack, resident: Any, advisor: Any) -> None:
    sign_in(advisor, stack)
    advisor.get_by_label("Available for chats").check()
    open_widget(resident, stack, "/en/my-account")
    resident.locator("#fd-human").click()
    advisor.locator(".offer").get_by_role("button", name="Accept").click()
    chat = advisor.locator("article.chat")
    expect(chat.locator(".tag--verified")).to_be_visible()
    expect(context(advisor).locator(".resident")).to_contain_text("Alex Smith")
    say(resident, "Can you see my account?")
    expect(chat.locator(".transcript")).to_contain_text("Can you see my account?")

    # The advisor reloads the console: the chat and its history come back.
    advisor.reload()
    chat = advisor.locator("article.chat")
    expect(chat).to_have_count(1)
    expect(chat.locator(".transcript")).to_contain_text("Can you see my account?")
    expect(chat.locator(".badge")).to_be_hidden()
    chat.get_by_label("Message to the resident").fill("Yes, I can see it.")
    chat.get_by_role("button", name="Send").click()
    expect(messages(resident)).to_contain_text("Yes, I can see it.")

    # 400% zoom on a 1280 px screen is a 320 CSS px viewport: no sideways scrolling.
    advisor.set_viewport_size({"width": 320, "height": 256})
    context(advisor).locator("summary", has_text="Transfer").click()
    expect(context(advisor).get_by_label("Team")).to_be_visible()
    assert advisor.evaluate("document.documentElement.scrollWidth") == 320
