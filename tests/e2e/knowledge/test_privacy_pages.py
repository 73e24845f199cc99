"""The DPO's pages in a real browser: sign in, find the demo resident by their
council tax reference, read the audit log; axe-core finds nothing serious."""

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
    page.get_by_label("Reference").fill("CT40012345")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="Held about CT40012345").wait_for()
    assert axe_violations(page, best_practice=True) == []
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "subject-access.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download bundle").click()
    assert download.value.suggested_filename == "subject-access-CT40012345.zip"
    page.get_by_role("link", name="Audit log").click()
    page.get_by_role("button", name="Verify the chain").click()
    assert page.get_by_text("The chain is intact").is_visible()
    assert page.locator("main table tbody tr").first.inner_text().count("subject export") == 1
    assert axe_violations(page, best_practice=True) == []
    page.screenshot(path=str(SHOTS / "audit-log.png"), full_page=True)
