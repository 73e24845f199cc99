"""Two-factor set-up and sign-in in a real browser, by keyboard only, with axe on both pages.

The service checks codes by a clock this test holds (the gate's two-factor
clock), so the code typed is the one pyotp computes for that moment.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pyotp
import pytest

from frontdoor.accounts import service
from frontdoor.accounts.roles import Role
from frontdoor.clock import LONDON
from tests.e2e.browser import axe_violations
from tests.e2e.knowledge.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser
EMAIL = "totp.e2e@bramblefield.gov.uk"


class HeldClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 19, 45, tzinfo=LONDON)

    def __call__(self) -> datetime:
        return self.now


def tab_to(page: Any, selector: str, limit: int = 25) -> None:
    """Press Tab until ``selector`` has the focus (as a keyboard user moves)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def sign_in_by_keyboard(page: Any, url: str) -> None:
    page.goto(f"{url}/editor/login")
    tab_to(page, "#email")
    page.keyboard.type(EMAIL)
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")


def test_set_up_and_sign_in_with_a_code_by_keyboard(site, page) -> None:  # type: ignore[no-untyped-def]
    with site.factory() as db:
        service.create_user(db, email=EMAIL, display_name="Tomos Evans", password=DEMO_PASSWORD,
                            roles=(Role.EDITOR,))  # fmt: skip
        db.commit()
    gate = site.app.state.accounts
    before, clock = gate.two_factor, HeldClock()
    gate.two_factor = replace(before, clock=clock)
    try:
        sign_in_by_keyboard(page, site.url)
        page.wait_for_url(f"{site.url}/editor")
        tab_to(page, "a[href='/editor/account/two-factor']")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{site.url}/editor/account/two-factor")
        assert page.get_by_role("img", name="QR code to add your account to an authenticator app")
        assert axe_violations(page) == []
        secret = page.locator("#setup-key").inner_text().replace(" ", "")
        tab_to(page, "#code")
        page.keyboard.type(pyotp.TOTP(secret).at(clock()))
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Save your recovery codes").wait_for()
        codes = page.locator(".recovery-codes code").all_inner_texts()
        assert len(codes) == 10 and all(
            re.fullmatch(r"[0-9a-z]{4}(-[0-9a-z]{4}){3}", c) for c in codes
        )
        tab_to(page, "button.link-button")  # Sign out
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/editor/login.*"))

        clock.now += timedelta(seconds=30)
        sign_in_by_keyboard(page, site.url)
        page.wait_for_url(f"{site.url}/editor/login/two-factor")
        assert axe_violations(page) == []
        tab_to(page, "#code")
        page.keyboard.type("12345")
        page.keyboard.press("Enter")
        page.get_by_role("alert").wait_for()
        assert (
            "Enter the 6-digit code from your authenticator app"
            in page.get_by_role("alert").inner_text()
        )
        assert axe_violations(page) == []  # the page with its error
        tab_to(page, "#code")
        page.keyboard.type(pyotp.TOTP(secret).at(clock()))
        page.keyboard.press("Enter")
        page.wait_for_url(f"{site.url}/editor")
        assert page.get_by_text("Tomos Evans").is_visible()
    finally:
        gate.two_factor = before
