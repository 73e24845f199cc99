"""A second, invented council end to end in a real browser: the handoff service
runs on tests/profiles/harrowgate.toml and the council's page embeds the widget
the way the website does (its name and colour from the profile, tested in
tests/integration/knowledge/test_council_profile.py). The widget, the bot's
messages and the console carry Harrowgate Vale's names; Bramblefield's appears
nowhere."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from frontdoor.profile import load_profile
from tests.e2e.handoff.conftest import sign_in
from tests.e2e.handoff.harness import Stack, running_stack

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HARROWGATE = Path(__file__).resolve().parents[2] / "profiles" / "harrowgate.toml"
VALE = load_profile(HARROWGATE)


class _ValeWebsite(BaseHTTPRequestHandler):
    handoff_url = ""

    def do_GET(self) -> None:
        name = VALE.council.name.en
        page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Bins - {name}</title></head>
<body><main><h1>Bin collection days</h1></main>
<script src="{self.handoff_url}/widget/frontdoor-widget.js" data-frontdoor-url="{self.handoff_url}"
 data-council="{name}" data-colour="{VALE.colours.primary}" data-language="en" defer></script>
</body></html>""".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def stack(sqlite_database: Any) -> Iterator[Stack]:
    with running_stack(
        sqlite_database.url,
        sqlite_database.engine,
        extra_settings={"FRONTDOOR_PROFILE": str(HARROWGATE)},
        website=_ValeWebsite,
    ) as running:
        yield running


def test_the_widget_the_bot_and_the_console_are_the_second_councils(
    stack: Stack, resident: Any, advisor: Any
) -> None:
    resident.goto(f"{stack.website_url}/en/bins")
    resident.get_by_role("button", name="Chat with us").click()
    widget = resident.get_by_role("dialog", name="Harrowgate Vale Borough Council")
    expect(widget).to_be_visible()
    resident.get_by_label("Your message").fill("When is my bin day?")
    resident.keyboard.press("Enter")
    messages = resident.locator("#fd-messages")
    expect(messages).to_contain_text("Your bins are collected on Tuesdays.")
    expect(messages).to_contain_text("Vale helper")
    assert "Bramblefield" not in widget.inner_text()

    sign_in(advisor, stack)
    expect(advisor).to_have_title("Chats - Advisor console - Harrowgate Vale Borough Council")
    assert "Bramblefield" not in advisor.content()
