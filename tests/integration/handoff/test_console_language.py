"""The console's messages follow the advisor's language the way the editor's do:
?lang=cy remembered in a cookie, else the browser's Accept-Language. The page
says which on <html data-message-lang> for static/console/messages.js (whose
words are tested in widget/test/console-messages.test.js); the page's own labels
are English, so its lang stays "en" and each message carries its own."""

from __future__ import annotations

import re

from handoff.console import LANGUAGE_COOKIE


def _language(page_text: str) -> str:
    match = re.search(r'<html lang="en" data-message-lang="(\w+)">', page_text)
    assert match, page_text[:200]
    return match.group(1)


def test_the_message_language_is_chosen_remembered_and_switched_back(world):
    client = world.client
    client.cookies.clear()
    assert _language(client.get("/console/login").text) == "en"
    welsh_browser = {"accept-language": "cy-GB,cy;q=0.9,en;q=0.5"}
    assert _language(client.get("/console/login", headers=welsh_browser).text) == "cy"
    english_first = {"accept-language": "en-GB,en;q=0.9,cy;q=0.8"}
    assert _language(client.get("/console/login", headers=english_first).text) == "en"
    # ?lang=cy is remembered for the console's pages, over the browser's languages
    chosen = client.get("/console/login?lang=cy")
    assert _language(chosen.text) == "cy"
    cookie = chosen.headers["set-cookie"]
    assert f"{LANGUAGE_COOKIE}=cy" in cookie and "Path=/console" in cookie and "HttpOnly" in cookie
    assert _language(client.get("/console/login", headers=english_first).text) == "cy"
    assert _language(client.get("/console/login?lang=en").text) == "en"
    assert _language(client.get("/console/login", headers=welsh_browser).text) == "en"
    # anything else is not a choice: nothing remembered, the browser decides
    odd = client.get("/console/login?lang=fr", headers=welsh_browser)
    assert "set-cookie" not in odd.headers or LANGUAGE_COOKIE not in odd.headers["set-cookie"]


def test_the_sign_in_page_and_its_refusal_are_in_welsh_when_chosen(world):
    client = world.client
    client.cookies.clear()
    english = client.get("/console/login")
    assert "Sign in to the advisor console" in english.text and 'lang="en"' in english.text
    welsh = client.get("/console/login?lang=cy")
    assert '<div class="narrow" lang="cy">' in welsh.text
    assert "Mewngofnodi i gonsol y cynghorwyr" in welsh.text and "Cyfeiriad e-bost" in welsh.text
    assert "Sign in to the advisor console" not in welsh.text
    refused = client.post(
        "/console/login", data={"email": "nobody@example.gov.uk", "password": "x"}
    )
    assert refused.status_code == 401
    assert "Nid yw'r cyfeiriad e-bost na'r cyfrinair yn gywir" in refused.text.replace("&#39;", "'")
    assert "not right" not in refused.text
