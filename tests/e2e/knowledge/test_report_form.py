"""The report-a-problem form in a real browser (chromium): no serious or critical
axe-core violations on the form, its error summary, the confirmation and the
tracking page; a resident reports fly-tipping with a photo and their location
using the keyboard alone, and tracks it by its reference."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from backoffice.exceptions import NotFound
from backoffice.sql import SqlLoader, demo_backoffice
from tests.contract import backoffice_scenario as s
from tests.e2e.browser import axe_violations
from tests.e2e.knowledge.conftest import Site, new_page
from tests.unit.reports.test_photos import photo

pytestmark = pytest.mark.browser


def _scenario(site: Site) -> None:
    try:
        demo_backoffice(site.app.state.engine).properties.get_property(s.HOME)
    except NotFound:  # another module may have loaded it into the shared site
        with site.factory.begin() as session:
            s.load_scenario(SqlLoader(session))


def _tab_to(page: Any, element_id: str) -> None:
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"no keyboard focus reaches #{element_id}")


def test_report_fly_tipping_by_keyboard_and_track_it(
    site: Site, browser: Any, tmp_path: Path
) -> None:
    _scenario(site)
    page = new_page(
        browser,
        permissions=["geolocation"],
        geolocation={"latitude": 52.5, "longitude": -1.25},
    )
    try:
        page.goto(f"{site.url}/report?q=juniper+close")
        assert page.get_attribute("html", "lang") == "en"
        assert axe_violations(page, best_practice=True) == []
        _tab_to(page, "report-submit")  # nothing chosen: the error summary
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.get_by_role("heading", name="There is a problem").is_visible()
        assert axe_violations(page, best_practice=True) == []

        _tab_to(page, "kind-fly_tipping")
        page.keyboard.press("Space")
        _tab_to(page, f"uprn-{s.HOME}")
        page.keyboard.press("Space")
        _tab_to(page, "use-location-button")
        page.keyboard.press("Enter")
        page.get_by_text("Your location has been added.").wait_for()
        _tab_to(page, "description")
        page.keyboard.type("Six black bags and a mattress")
        picture = tmp_path / "IMG_0001.jpg"
        picture.write_bytes(photo())
        page.set_input_files("#photo", str(picture))  # the file chooser is the browser's own
        _tab_to(page, "report-submit")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        reference = page.locator("#reference").inner_text()
        assert reference.startswith("BDC-")
        assert "We kept your photo without its hidden details." in page.content()
        assert axe_violations(page, best_practice=True) == []
        page.screenshot(path=str(tmp_path / "report-done.png"), full_page=True)

        case = demo_backoffice(site.app.state.engine).cases.get_case(reference)
        assert case.uprn == s.HOME and (case.latitude, case.longitude) == (52.5, -1.25)

        page.get_by_role("link", name="Track this report").focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator("#tracked-status").inner_text() == "Received"
        assert axe_violations(page, best_practice=True) == []
    finally:
        page.context.close()
