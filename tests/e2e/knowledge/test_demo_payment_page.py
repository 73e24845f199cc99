"""The demo payment page in a real browser (chromium), in English and Welsh:
it says it is a demo, has no serious or critical axe-core violations, and can
be used with the keyboard alone, from the page to the return page's outcome."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from backoffice.sql import SqlLoader, demo_backoffice
from payments.demo import DemoPay
from payments.journey import BulkyOrder, Payments
from tests.contract import backoffice_scenario as s
from tests.e2e.browser import axe_violations
from tests.e2e.knowledge.conftest import Site
from tests.integration.payments.conftest import ORDER, MovingClock

pytestmark = pytest.mark.browser


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
