"""The DPO's pages in a real browser: sign in, find the demo resident by their
council tax reference, download the bundle, place and lift a legal hold, read
the audit log; axe-core finds nothing serious."""

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.e2e.browser import axe_violations
from tests.e2e.knowledge.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser
DPO = "dpo@bramblefield.gov.uk"
SHOTS = Path("/tmp/shots-dpoweb")


def test_subject_access_and_audit_pages(site, page):
    from backoffice import models as bo
    from tests.integration.privacy import factories

    engine = site.factory.kw["bind"]
    with site.factory() as session:
        if (
            session.scalar(select(bo.ResidentRow).where(bo.ResidentRow.resident_id == "R0001"))
            is None
        ):
            factories.resident(engine)
    page.goto(f"{site.url}/editor/login")
    page.get_by_label("Email address").fill(DPO)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site.url}/editor/privacy")
    page.get_by_role("button", name="Search").click()
    assert page.get_by_text("Enter a reference").first.is_visible()
    page.get_by_label("Reference", exact=True).fill("CT40012345")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="Held about CT40012345").wait_for()
    assert axe_violations(page, best_practice=True) == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "subject-access.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download bundle").click()
    assert download.value.suggested_filename == "subject-access-CT40012345.zip"

    # a legal hold: the reason is required; placed, listed with who and why, lifted
    place = page.get_by_role("button", name="Place legal hold")
    place.click()
    page.get_by_role("heading", name="There is a problem with the legal hold").wait_for()
    assert page.get_by_label("Reason").get_attribute("aria-describedby") == (
        "hold-reason-hint hold-reason-error"
    )
    assert axe_violations(page, best_practice=True) == []
    page.get_by_label("Reason").fill("Tribunal claim 2026/14")
    place.click()
    page.get_by_text("The legal hold is placed").wait_for()
    row = page.locator("#hold-list tbody tr", has_text="Tribunal claim 2026/14")
    assert "resident CT40012345" in row.inner_text() and DPO in row.inner_text()
    page.screenshot(path=str(SHOTS / "legal-holds.png"), full_page=True)
    row.get_by_role("button", name="Lift hold").click()
    page.get_by_text("The legal hold is lifted").wait_for()
    page.get_by_role("link", name="Audit log").click()
    page.get_by_role("button", name="Verify the chain").click()
    assert page.get_by_text("The chain is intact").is_visible()
    newest = page.locator("main table tbody tr")
    assert "legal hold lifted" in newest.nth(0).inner_text()
    assert "legal hold" in newest.nth(1).inner_text()
    assert newest.nth(2).inner_text().count("subject export") == 1
    assert axe_violations(page, best_practice=True) == []
    page.screenshot(path=str(SHOTS / "audit-log.png"), full_page=True)
