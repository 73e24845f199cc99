"""Card payments and reported problems in subject access and erasure, on SQLite
and PostgreSQL: a resident's payments are found by their email, resident id and
a payment's own reference; the export holds them, their refunds, the problems
they reported and the photos as files; erasure deletes the photos and the
payments that took no money, keeps a paid one (its email taken out) with the
legal basis and the day it goes, and leaves one still in progress alone."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from frontdoor.clock import fixed_clock
from payments import models as pay
from privacy.settings import PrivacySettings
from privacy.subject import UnknownSubject, erase, export, find
from reports import models as rp
from reports.photos import clean_photo
from tests.integration.privacy import factories

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
CLOCK = fixed_clock(NOW)
SETTINGS = PrivacySettings.load({})
ALEX = "alex.smith@example.org"
REPORT = "BDC-100001"


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format="PNG")
    return clean_photo(out.getvalue()).data


@pytest.fixture
def alex(database):
    engine = database.engine
    factories.resident(engine)
    fee = {"fee": "pest-control", "name": "Alex Smith", "purpose": "Wasps, invoice 42"}
    factories.payment(engine, reference="FD00000000A1", status="paid",
                      created_at=NOW - timedelta(days=30), settled_at=NOW - timedelta(days=30),
                      order={**fee, "email": ALEX})  # fmt: skip
    factories.payment(engine, reference="FD00000000A2", status="failed",
                      created_at=NOW - timedelta(days=2), settled_at=NOW - timedelta(days=2),
                      order={**fee, "email": "Alex.Smith@Example.org"})  # fmt: skip
    factories.payment(engine, reference="FD00000000A3", status="pending",
                      created_at=NOW - timedelta(minutes=5), settled_at=None,
                      order={**fee, "email": ALEX})  # fmt: skip
    bulky = {"uprn": "100000001", "slot_id": "s1", "items": {"sofa": 1},
             "resident_id": "R0001", "conversation_id": None}  # fmt: skip
    factories.payment(engine, reference="FD00000000B1", status="refund-due", purpose="bulky-waste",
                      created_at=NOW - timedelta(days=10), settled_at=NOW - timedelta(days=10),
                      order=bulky)  # fmt: skip
    factories.refund(engine, reference="FD00000000B1", at=NOW - timedelta(days=9))
    # booked in a chat before the resident proved who they were: only the chat names them
    chat = factories.conversation(engine, closed_at=NOW - timedelta(days=4), resident="R0001")
    factories.payment(engine, reference="FD00000000B2", status="booked", purpose="bulky-waste",
                      created_at=NOW - timedelta(days=5), settled_at=NOW - timedelta(days=5),
                      order={**bulky, "resident_id": None, "conversation_id": chat})  # fmt: skip
    # someone else, whose address merely contains Alex's
    factories.payment(engine, reference="FD00000000C1", status="paid",
                      created_at=NOW - timedelta(days=3), settled_at=NOW - timedelta(days=3),
                      order={**fee, "name": "Carla", "email": "la." + ALEX})  # fmt: skip
    photo = _photo()
    factories.reported_problem(engine, reference=REPORT, at=NOW - timedelta(days=1), photo=photo)
    factories.reported_problem(engine, reference="BDC-100002", at=NOW, photo=_photo())
    return database, photo


@pytest.mark.parametrize("identifier", [ALEX, "R0001", "CT40012345", "fd00000000a1"])
def test_a_residents_payments_are_found_by_every_identifier(alex, identifier):
    database, _photo = alex
    bundle = find(database.engine, identifier, actor="dpo@example.org", clock=CLOCK)
    assert bundle.identity.payment_references == {
        "FD00000000A1", "FD00000000A2", "FD00000000A3", "FD00000000B1", "FD00000000B2",
    }  # fmt: skip


@pytest.mark.parametrize("ascii_json", [True, False], ids=["escaped", "utf8"])
def test_an_email_with_accents_finds_its_payment_however_the_order_was_written(
    database, ascii_json
):
    email = "siân.ffrancon@example.org"
    factories.payment(database.engine, reference="FD00000000D1", status="paid",
                      created_at=NOW - timedelta(days=3), settled_at=NOW - timedelta(days=3),
                      order={"fee": "pest-control", "name": "Siân", "email": email},
                      ascii_json=ascii_json)  # fmt: skip
    bundle = find(database.engine, "Siân.Ffrancon@example.org", actor="dpo", clock=CLOCK)
    assert bundle.identity.payment_references == {"FD00000000D1"}


def test_payments_keep_an_email_with_accents_as_written(database):
    from payments.store import PaymentRecord, create

    record = PaymentRecord(
        reference="FD00000000D2", idempotency_key="k-d2", purpose="fee", provider="demo",
        provider_id=None, amount_pence=4500, description="Pest control", language="cy",
        status="pending", provider_status=None, failure_code=None, next_url=None, hold_id=None,
        booking_reference=None, collection_day=None, order={"email": "siân@example.org"},
        created_at=NOW, expires_at=NOW + timedelta(minutes=90), settled_at=None,
    )  # fmt: skip
    create(database.engine, record)
    with database.engine.connect() as conn:
        stored = conn.scalar(select(pay.payments.c.order))
    assert '"siân@example.org"' in stored


def test_the_export_holds_payments_refunds_reports_and_the_photo_itself(alex, tmp_path):
    database, photo = alex
    out = tmp_path / "out"
    export(database.engine, ALEX, out / "by-email", actor="dpo@example.org", clock=CLOCK)
    data = json.loads((out / "by-email/subject-access.json").read_text())
    payments = {p["reference"]: p for p in data["data"]["payments"]}
    assert payments["FD00000000A1"]["order"]["name"] == "Alex Smith"
    assert payments["FD00000000A1"]["order"]["purpose"] == "Wasps, invoice 42"
    assert "next_url" not in payments["FD00000000A1"]  # a spent link to the card page
    assert [r["reference"] for r in data["data"]["refunds"]] == ["FD00000000B1"]
    page = (out / "by-email/subject-access.html").read_text()
    assert "Card payments you made (5)" in page and "Wasps, invoice 42" in page

    paths = export(database.engine, REPORT, out / "by-report", actor="dpo", clock=CLOCK)
    data = json.loads((out / "by-report/subject-access.json").read_text())
    (problem,) = data["data"]["reported_problems"]
    assert problem["description"] == "A sofa, seen by my house" and problem["latitude"] == 51.5
    (listed,) = data["data"]["report_photos"]
    assert listed["case_reference"] == REPORT and listed["file"].startswith(f"photos/{REPORT}-")
    assert (out / "by-report" / listed["file"]).read_bytes() == photo
    assert out / "by-report" / listed["file"] in paths
    # the other report's photo is not theirs
    assert len(list((out / "by-report/photos").iterdir())) == 1


def test_erasure_keeps_a_paid_payment_with_its_reason_and_deletes_the_rest(alex):
    database, _photo = alex
    engine = database.engine
    report = erase(engine, ALEX, actor="dpo@example.org", clock=CLOCK, settings=SETTINGS)
    assert report["removed"]["payments"] == 1  # the failed one
    kept = {p["reference"]: p for p in report["kept_payments"]}
    assert set(kept) == {"FD00000000A1", "FD00000000A3", "FD00000000B1", "FD00000000B2"}
    paid = kept["FD00000000A1"]
    assert "legal obligation, UK GDPR 6(1)(c)" in paid["basis"]
    settled = (NOW - timedelta(days=30)).date()
    assert paid["delete_after"] == settled + timedelta(days=2192) == date(2032, 11, 6)
    assert "will be deleted after 6 November 2032" in paid["reason"]
    assert kept["FD00000000A3"]["delete_after"] is None
    assert "still in progress" in kept["FD00000000A3"]["reason"]
    assert "FD00000000A1" in report["kept"]["payments"]
    with engine.connect() as conn:
        rows = {r.reference: json.loads(r.order) for r in conn.execute(select(pay.payments))}
        refunds = list(conn.scalars(select(pay.refunds.c.reference)))
    assert set(rows) == {
        "FD00000000A1", "FD00000000A3", "FD00000000B1", "FD00000000B2", "FD00000000C1",
    }  # fmt: skip
    assert "conversation_id" not in rows["FD00000000B2"]  # the chat is erased: so is its id
    assert "email" not in rows["FD00000000A1"] and rows["FD00000000A1"]["name"] == "Alex Smith"
    assert rows["FD00000000A3"]["email"] == ALEX  # in progress: untouched
    assert rows["FD00000000C1"]["email"] == "la." + ALEX  # not theirs
    assert refunds == ["FD00000000B1"]
    # the email is gone from the kept payment: it no longer finds them by it
    again = find(engine, ALEX, actor="dpo", clock=CLOCK)
    assert again.identity.payment_references == {"FD00000000A3", "FD00000000B1"}


def test_erasure_deletes_the_photos_of_their_report_and_says_why_the_case_stays(alex):
    database, _photo = alex
    engine = database.engine
    report = erase(engine, REPORT, actor="dpo@example.org", clock=CLOCK, settings=SETTINGS)
    assert report["removed"]["report_photos"] == 1
    assert "case system" in report["kept"]["reported_problems"]
    with engine.connect() as conn:
        left = list(conn.scalars(select(rp.photos.c.case_reference)))
    assert left == ["BDC-100002"]  # only the other report's photo, bytes and all
    bundle = find(engine, REPORT, actor="dpo", clock=CLOCK)
    assert bundle.data["report_photos"] == []


def test_a_payment_reference_nobody_holds_is_unknown(alex):
    database, _photo = alex
    with pytest.raises(UnknownSubject):
        find(database.engine, "FD0000000FFF", actor="dpo", clock=CLOCK)
