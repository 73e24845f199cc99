"""The DPO's pages with card payments and reported problems, in English and
Welsh, through the real app on SQLite and PostgreSQL: the search shows the
payments, the bundle carries the report's photo as a file (and the export is
audited with it), and the erasure says which payment is kept, why and until
when, in the staff member's language."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, timedelta

import pytest
from sqlalchemy import func, select

from frontdoor.audit import AuditEntry
from reports import models as rp
from tests.integration.knowledge.conftest import NOW
from tests.integration.knowledge.test_privacy_pages import HTML, people, sign_in  # noqa: F401
from tests.integration.privacy import factories

ALEX = "alex.smith@example.org"
SETTLED = NOW - timedelta(days=30)
MONTHS_CY = {10: "Hydref", 11: "Tachwedd"}


@pytest.fixture
def paid(people, database):  # noqa: F811 - the fixture imported above
    engine = database.engine
    fee = {"fee": "pest-control", "name": "Alex Smith", "purpose": "Wasps", "email": ALEX}
    factories.payment(engine, reference="FD00000000A1", status="paid", created_at=SETTLED,
                      settled_at=SETTLED, order=fee)  # fmt: skip
    factories.payment(engine, reference="FD00000000A2", status="cancelled", created_at=SETTLED,
                      settled_at=SETTLED, order=fee)  # fmt: skip
    factories.reported_problem(engine, reference="BDC-100001", at=NOW, photo=b"\x89PNG-bytes")
    until = SETTLED.astimezone(UTC).date() + timedelta(days=2192)
    return until


@pytest.mark.parametrize("language", ["en", "cy"])
def test_search_bundle_and_erasure_with_a_payment_and_a_photo(client, paid, database, language):
    until = paid
    token = sign_in(client, "dpo@example.gov.uk")
    welsh = language == "cy"
    found = client.get(f"/editor/privacy?reference={ALEX}&lang={language}", headers=HTML)
    assert found.status_code == 200 and "FD00000000A1" in found.text
    assert ("Taliadau cerdyn" if welsh else "Card payments") in found.text
    assert ("Mynediad gwrthrych at ddata" if welsh else "Subject access") in found.text

    bundle = client.get("/editor/privacy/bundle?reference=BDC-100001")
    archive = zipfile.ZipFile(io.BytesIO(bundle.content))
    data = json.loads(archive.read("subject-access.json"))
    (photo,) = data["data"]["report_photos"]
    assert archive.read(photo["file"]) == b"\x89PNG-bytes"
    with database.engine.connect() as conn:
        detail = conn.scalar(
            select(AuditEntry.detail)
            .where(AuditEntry.action == "subject_export")
            .order_by(AuditEntry.id.desc())
        )
    counts = json.loads(detail) if isinstance(detail, str) else detail
    assert counts["report_photos"] == 1 and counts["reported_problems"] == 1

    confirm = client.get(f"/editor/privacy/erase?reference={ALEX}", headers=HTML)
    assert ("Beth sy'n cael ei gadw, a pham" if welsh else "What is kept, and why") in (
        confirm.text.replace("&#39;", "'")
    )
    form = {"csrf_token": token, "reference": ALEX, "confirm": "yes"}
    done = client.post("/editor/privacy/erase", data=form)
    page = done.text.replace("&#39;", "'")
    assert done.status_code == 200 and 'id="kept-payments"' in page
    month = MONTHS_CY[until.month] if welsh else until.strftime("%B")
    assert f"{until.day} {month} {until.year}" in page
    assert ("rhwymedigaeth gyfreithiol" if welsh else "legal obligation") in page
    erase = client.post("/editor/privacy/erase", data={**form, "reference": "BDC-100001"})
    assert erase.status_code == 200
    with database.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(rp.photos)) == 0
