"""The demo payment page in a real browser (chromium), in English and Welsh:
it says it is a demo, has no serious or critical axe-core violations, and can
be used with the keyboard alone, from the page to the return page's outcome.
The form paying another fee: its error summary, then paying, with no violations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from backoffice.sql import SqlLoader, demo_backoffice
from frontdoor.profile import load_profile
from payments.demo import DemoPay
from payments.journey import BulkyOrder, Payments
from tests.contract import backoffice_scenario as s
from tests.e2e.browser import axe_violations
from tests.e2e.knowledge.conftest import Site
from tests.integration.payments.conftest import ORDER, MovingClock

pytestmark = pytest.mark.browser
HARROWGATE = load_profile(Path(__file__).parents[2] / "profiles" / "harrowgate.toml")


@pytest.fixture(scope="module")
def payments(site: Site) -> Iterator[Payments]:
    engine = site.app.state.engine
    with site.factory.begin() as session:
        s.load_scenario(SqlLoader(session))
    clock = MovingClock()
    demo = DemoPay(engine, page_url=f"{site.url}/pay/demo", clock=clock)
    service = Payments(
        engine,
        demo,
        demo_backoffice(engine).bulky,
        clock=clock,
        return_url=f"{site.url}/pay/return",
        fees=HARROWGATE.fees.other,
    )
    site.app.state.payments = service
    try:
        yield service
    finally:
        del site.app.state.payments


def _tab_to(page: Any, name: str) -> None:
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == name:
            return
    raise AssertionError(f"no keyboard focus reaches {name!r}")


@pytest.mark.parametrize(
    ("language", "banner", "button", "outcome"),
    [
        ("en", "This is a demo: no money is taken.", "Pay (demo)", "Your collection is booked"),
        (
            "cy",
            "Demo yw hwn: ni chymerir unrhyw arian.",
            "Canslo'r taliad",
            "Gwnaethoch ganslo'r taliad",
        ),
    ],
)
def test_the_demo_page_by_keyboard_with_no_axe_violations(
    payments: Payments, page: Any, language: str, banner: str, button: str, outcome: str
) -> None:
    order = BulkyOrder(**{**ORDER.__dict__, "slot_id": s.SLOT_OPEN, "language": language})
    started = payments.start_bulky(order, idempotency_key=f"browser-{language}")
    page.goto(started.next_url)
    assert page.get_attribute("html", "lang") == language
    assert page.get_by_role("note").inner_text().startswith(banner)
    assert axe_violations(page, best_practice=True) == []
    _tab_to(page, button)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith(f"/pay/return/{started.reference}")
    assert page.get_by_role("heading", level=1).inner_text() == outcome
    assert axe_violations(page, best_practice=True) == []


def test_a_fee_form_in_welsh_with_its_errors_and_receipt_with_no_axe_violations(
    payments: Payments, page: Any, site: Site
) -> None:
    page.goto(f"{site.url}/pay/fees?lang=cy")
    assert page.get_attribute("html", "lang") == "cy"
    with page.expect_navigation():
        page.get_by_role("link", name="Bin olwynion newydd").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Ymlaen i dalu").click()
    summary = page.locator(".error-summary")
    assert "Rhowch eich enw llawn" in summary.inner_text()
    assert axe_violations(page, best_practice=True) == []
    page.get_by_label("Eich enw llawn").fill("Ann Jones")
    page.get_by_label("Cyfeiriad e-bost").fill("ann@example.com")
    page.get_by_label("Am beth mae'r taliad hwn?").fill("1 Stryd Fawr")
    with page.expect_navigation():
        page.get_by_role("button", name="Ymlaen i dalu").click()
    assert "/pay/demo/" in page.url and "£27.50" in page.inner_text("main")
    with page.expect_navigation():
        page.get_by_role("button", name="Talu (demo)").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Taliad wedi'i dderbyn"
    assert "Eich cyfeirnod talu yw FD" in page.inner_text("main")
    assert axe_violations(page, best_practice=True) == []
