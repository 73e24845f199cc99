"""The subscription form in a real browser (chromium), by keyboard alone: find the
address by postcode, a refusal shows GOV.UK's error summary, then subscribe and
see "check your inbox"; no serious or critical axe-core violations on the way."""

from __future__ import annotations

from typing import Any

import pytest

from backoffice.sql import SqlLoader, demo_backoffice
from notify import outbox
from tests.contract import backoffice_scenario as s
from tests.e2e.browser import axe_violations
from tests.e2e.knowledge.conftest import Site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def scenario(site: Site) -> Site:
    if not demo_backoffice(site.app.state.engine).properties.find_by_postcode(s.JUNIPER_POSTCODE):
        with site.factory.begin() as session:
            s.load_scenario(SqlLoader(session))
    return site


def _tab_to(page: Any, element_id: str) -> None:
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"no keyboard focus reaches #{element_id}")


def test_subscribe_by_keyboard_with_no_axe_violations(scenario: Site, page: Any) -> None:
    page.goto(f"{scenario.url}/subscribe")
    assert axe_violations(page, best_practice=True) == []
    _tab_to(page, "postcode")
    page.keyboard.type("bf2 4aa")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    _tab_to(page, "email")
    page.keyboard.type("keyboard@example.org")
    with page.expect_navigation():
        page.keyboard.press("Enter")  # no address, no channel chosen: refused
    summary = page.locator(".error-summary")
    assert "Choose your address" in summary.inner_text()
    assert "Choose email or text message" in summary.inner_text()
    assert axe_violations(page, best_practice=True) == []
    _tab_to(page, "uprn-0")  # a radio group: one tab stop, arrows choose
    for _ in range(6):
        label = page.evaluate("document.activeElement.labels[0].textContent")
        if label.startswith("1 Juniper Close"):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")  # arrows check as they move; the first needs a press
    assert page.evaluate("document.activeElement.checked") is True
    _tab_to(page, "channel-email")
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Check your inbox"
    assert axe_violations(page, best_practice=True) == []
    rows = outbox.page(scenario.app.state.engine, size=10).rows
    assert any(r.recipient == "keyboard@example.org" for r in rows)
