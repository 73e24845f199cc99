"""The issues' "done when", proved on the real composed stack.

``frontdoor run`` (conftest.py) starts knowledge, actions, Rasa and handoff
exactly as a user would; a resident uses the council website and its chat
widget in Debian chromium, and an advisor uses the console in a second
browser context. Nothing is faked: the bot is the trained Rasa model, the
answers come from the seeded Bramblefield back office and knowledge base.

The tests run in file order and share the stack; the last one stops it with
Ctrl-C (SIGINT) and checks that nothing is left running. Every test that uses the
stack lives in this one file: ``make test`` runs on pytest-xdist workers, which keep
a file's tests together and in order, but not files in order (the probes of a fresh
stack's secrets and internal services were a file of their own, and once ran after
the stack was stopped).
"""

from __future__ import annotations

import re
import socket
import stat
import time
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from frontdoor import __version__
from frontdoor.secrets import GENERATED_VARIABLES, read_secrets_file, secret_problem
from tests.e2e.browser import axe_violations
from tests.e2e.handoff.test_journey import messages, open_widget, say
from tests.e2e.stack.conftest import (
    ADVISOR_EMAIL,
    ADVISOR_NAME,
    COUNCIL,
    DEMO_PASSWORD,
    SERVICES,
    RunningStack,
)

pytestmark = [pytest.mark.rasa, pytest.mark.browser, pytest.mark.slow]

DEMO_POSTCODE = "BF3 2QX"
DATE = re.compile(
    r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) \d{1,2} "
    r"(January|February|March|April|May|June|July|August|September|October|November|December)"
)
# Long enough for the real bot to have answered if it were going to.
BOT_SILENCE_SECONDS = 6


def sign_in_advisor(page: Any, stack: RunningStack) -> None:
    page.goto(f"{stack.console_url}/console/login?next=/console/")
    page.get_by_label("Email address").fill(ADVISOR_EMAIL)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{stack.console_url}/console/")


def bot_messages(page: Any) -> Any:
    return messages(page).locator(".fd-from-bot")


# --- 1. health -----------------------------------------------------------------------------


def test_every_service_reports_its_version_and_dependencies(frontdoor_stack: RunningStack) -> None:
    health = {}
    for service in SERVICES:
        answer = httpx.get(f"{frontdoor_stack.url(service)}/healthz", timeout=10)
        assert answer.status_code == 200, (service, answer.text)
        health[service] = body = answer.json()
        assert body["service"] == service
        assert body["version"] == __version__
        assert body["status"] == "ok", body

    knowledge = health["knowledge"]["dependencies"]
    assert knowledge["database"]["status"] == "ok"
    assert knowledge["search"]["status"] == "ok"
    actions = health["actions"]["dependencies"]
    assert actions["database"]["status"] == "ok"
    assert actions["knowledge"]["status"] == "ok"
    rasa = health["rasa"]["dependencies"]
    assert rasa["model"]["status"] == "ok"
    assert rasa["action_server"]["status"] == "ok"
    handoff = health["handoff"]["dependencies"]
    assert handoff["database"]["status"] == "ok"
    assert handoff["bot"]["status"] == "ok"


# --- 2. bin day ----------------------------------------------------------------------------


def test_resident_finds_their_bin_day_through_the_widget(
    frontdoor_stack: RunningStack, resident: Any
) -> None:
    open_widget(resident, frontdoor_stack, "/")
    # the website embeds the widget from the handoff service on its chosen port
    script = resident.locator("script[data-frontdoor-url]")
    expect(script).to_have_attribute(
        "src", f"{frontdoor_stack.handoff_url}/widget/frontdoor-widget.js"
    )

    say(resident, "when is my bin day")
    expect(messages(resident)).to_contain_text("What is your postcode?")
    say(resident, DEMO_POSTCODE)
    expect(messages(resident)).to_contain_text("Which address is yours?")

    addresses = resident.locator("#fd-quick").get_by_role("button")
    expect(addresses).to_have_count(12)  # docs/demo-identities.md: 12 on Foxglove Lane
    expect(addresses.filter(has_text="Flat 2, 9 Foxglove Lane")).to_have_count(1)
    addresses.filter(has_text=re.compile(r"^14 Foxglove Lane$")).click()

    answer = bot_messages(resident).last
    expect(answer).to_contain_text("Next collections for 14 Foxglove Lane, BF3 2QX")
    expect(answer).to_contain_text(DATE)
    expect(answer).to_contain_text("put your bins out")


# --- 3. a council question ------------------------------------------------------------------


def test_resident_question_is_answered_from_the_knowledge_base(
    frontdoor_stack: RunningStack, resident: Any
) -> None:
    open_widget(resident, frontdoor_stack, "/")
    say(resident, "how do I get a parking permit?")
    link = messages(resident).get_by_role("link", name=re.compile("parking permit", re.I))
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href is not None
    assert href.startswith(f"{frontdoor_stack.website_url}/articles/"), href

    # the link opens the article on the website, in place, and the chat follows
    link.click()
    resident.wait_for_url(href)
    expect(resident.get_by_role("heading", level=1)).to_contain_text(
        re.compile("parking permit", re.I)
    )
    expect(resident.get_by_role("dialog", name=COUNCIL)).to_be_visible()
    expect(messages(resident)).to_contain_text("how do I get a parking permit?")


# --- 4. live chat with an advisor ------------------------------------------------------------


def test_resident_talks_to_an_advisor_and_rates_the_chat(
    frontdoor_stack: RunningStack, resident: Any, advisor: Any
) -> None:
    first_name = ADVISOR_NAME.split()[0]
    sign_in_advisor(advisor, frontdoor_stack)
    advisor.get_by_label("Available for chats").check()
    expect(advisor.get_by_label("Available for chats")).to_be_checked()

    # The resident asks the bot something, then asks for a person.
    open_widget(resident, frontdoor_stack, "/")
    say(resident, "how do I get a parking permit?")
    expect(messages(resident).get_by_role("link", name=re.compile("parking", re.I))).to_be_visible()
    say(resident, "can I talk to a person please")
    expect(resident.locator("#fd-queue")).to_be_visible()

    # The advisor is offered the chat, accepts it and sees the bot's summary.
    offer = advisor.locator(".offer")
    expect(offer).to_have_count(1)
    offer.get_by_role("button", name="Accept").click()
    chat = advisor.locator("article.chat")
    expect(chat).to_have_count(1)
    panel = advisor.locator("#context-panel .context:visible")  # the workspace's right column
    summary = panel.locator(".chat__summary")
    expect(summary).to_contain_text("Bot summary")
    expect(summary).to_contain_text(re.compile("parking", re.I))  # the article the bot showed
    expect(summary).not_to_contain_text("{")  # words for people, not the raw payload
    transcript = chat.locator(".transcript")
    expect(transcript).to_contain_text("how do I get a parking permit?")
    expect(transcript).to_contain_text("can I talk to a person please")
    expect(messages(resident)).to_contain_text(f"You are now talking to {first_name}")

    # Messages both ways.
    chat.get_by_label("Message to the resident").fill(
        f"Hello, I'm {first_name}. Which zone do you live in?"
    )
    chat.get_by_role("button", name="Send").click()
    expect(messages(resident)).to_contain_text("Which zone do you live in?")
    say(resident, "Zone B, Foxglove Lane")
    expect(transcript).to_contain_text("Zone B, Foxglove Lane")

    # The bot stays silent while the advisor is in charge, even for a
    # question it would answer at once.
    bots_before = bot_messages(resident).count()
    say(resident, "when is my bin day")
    expect(transcript).to_contain_text("when is my bin day")
    time.sleep(BOT_SILENCE_SECONDS)
    expect(bot_messages(resident)).to_have_count(bots_before)
    expect(messages(resident)).not_to_contain_text("What is your postcode?")
    expect(transcript).not_to_contain_text("What is your postcode?")

    # Rasa itself was told: the launcher enables its API with a per-run token and
    # handoff pauses the conversation there (a refused pause is logged as a warning).
    assert "could not pause the bot" not in frontdoor_stack.log_tail(2000)

    chat.get_by_label("Message to the resident").fill("Your permit is on its way.")
    chat.get_by_role("button", name="Send").click()
    expect(messages(resident)).to_contain_text("Your permit is on its way.")

    # The advisor closes; the resident is asked to rate the chat.
    panel.locator("summary", has_text="Close chat").click()
    panel.get_by_label("Outcome").select_option("resolved")
    panel.get_by_role("button", name="Close chat").click()
    expect(advisor.locator("article.chat")).to_have_count(0)
    expect(messages(resident)).to_contain_text("This chat has ended.")
    rating = resident.locator(".fd-rating")
    expect(rating).to_be_visible()
    rating.get_by_label("5 out of 5 stars").check()
    rating.get_by_role("button", name="Send feedback").click()
    expect(messages(resident)).to_contain_text("Thank you for your feedback.")


# --- 5. accessibility --------------------------------------------------------------------------


def test_website_with_the_widget_open_passes_axe(
    frontdoor_stack: RunningStack, resident: Any
) -> None:
    open_widget(resident, frontdoor_stack, "/")
    say(resident, "when is my bin day")
    expect(messages(resident)).to_contain_text("What is your postcode?")
    assert axe_violations(resident) == []


# --- a fresh run's secrets, and a bot nobody else can reach (issue 10, findings 2 to 4) ---------


def test_the_first_run_wrote_private_random_secrets(frontdoor_stack: RunningStack) -> None:
    path = frontdoor_stack.var_dir / "secrets.env"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    values = read_secrets_file(path)
    assert set(values) == set(GENERATED_VARIABLES)
    for name, value in values.items():
        assert secret_problem(value) is None, name


def test_rasa_and_the_action_server_refuse_everyone_but_their_one_client(
    frontdoor_stack: RunningStack,
) -> None:
    webhook = httpx.post(
        f"{frontdoor_stack.url('rasa')}/webhooks/rest/webhook",
        json={"sender": "someone-elses-conversation", "message": "council tax balance"},
        timeout=30,
    )
    assert webhook.status_code == 401
    actions = httpx.post(
        f"{frontdoor_stack.url('actions')}/webhook",
        json={"next_action": "action_verify", "sender_id": "x", "tracker": {"slots": {}}},
        timeout=30,
    )
    assert actions.status_code == 401
    # while the handoff service, which holds the secret, still reaches the bot
    health = httpx.get(f"{frontdoor_stack.url('handoff')}/healthz", timeout=10).json()
    assert health["dependencies"]["bot"]["status"] == "ok"


# --- stopping ----------------------------------------------------------------------------------


def test_ctrl_c_stops_every_service(frontdoor_stack: RunningStack) -> None:
    assert frontdoor_stack.stop() == 0, frontdoor_stack.log_tail()
    assert frontdoor_stack.leftovers == [], "child processes survived the launcher"
    assert "stopping every service" in frontdoor_stack.log_path.read_text(errors="replace")
    for service, port in frontdoor_stack.ports.items():
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"{service} still listens"
