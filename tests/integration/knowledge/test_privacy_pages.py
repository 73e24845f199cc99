"""Subject access, erasure and the audit log in the staff pages, through the real
app on SQLite and PostgreSQL: only a DPO or an admin gets in; a search finds the
resident; the bundle downloads; the DPO's own search is in the audit log; a
tampered entry shows as broken."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile

import pytest
from sqlalchemy import text

from frontdoor.accounts import service
from frontdoor.accounts.roles import Role
from privacy.holds import lift_hold, place_hold
from privacy.store import PrivacyStore
from tests.integration.audit.test_audit_log import drop_trigger
from tests.integration.knowledge.conftest import NOW, PASSWORD
from tests.integration.privacy import factories

HTML = {"accept": "text/html"}


@pytest.fixture
def people(factory, database):
    factories.resident(database.engine)
    cid = factories.conversation(
        database.engine, closed_at=NOW, refs="CT40012345", resident="R0001", text="my balance"
    )
    with factory() as session:
        for email, role in (("dpo@example.gov.uk", Role.DPO), ("sam@example.gov.uk", Role.ADVISOR)):
            service.create_user(
                session, email=email, display_name=email.split("@")[0].title(),
                password=PASSWORD, roles=[role], teams=[],
            )  # fmt: skip
        session.commit()
    return cid


def sign_in(client, email: str) -> str:
    client.cookies.clear()
    response = client.post("/editor/login", data={"email": email, "password": PASSWORD},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303
    assert response.headers["location"] == "/editor/privacy"  # a DPO lands on their page
    page = client.get("/editor/privacy", headers=HTML)
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


def test_only_a_dpo_or_admin_gets_in(client, people):
    anonymous = client.get("/editor/privacy", headers=HTML, follow_redirects=False)
    assert anonymous.status_code == 303 and "/editor/login" in anonymous.headers["location"]
    assert client.get("/editor/audit").status_code == 401
    client.post("/editor/login", data={"email": "sam@example.gov.uk", "password": PASSWORD})
    assert client.get("/editor/privacy", headers=HTML).status_code == 403
    assert client.get("/editor/audit/export.csv").status_code == 403


def test_search_download_and_the_audit_of_it(client, people):
    sign_in(client, "dpo@example.gov.uk")
    page = client.get("/editor/privacy", headers=HTML)
    assert 'href="/editor/audit"' in page.text and 'href="/editor/privacy"' in page.text
    missing = client.get("/editor/privacy?reference=+", headers=HTML)
    assert missing.status_code == 422 and "Enter a reference" in missing.text
    unknown = client.get("/editor/privacy?reference=CT49999999", headers=HTML)
    assert unknown.status_code == 404 and "Nothing is held about" in unknown.text
    found = client.get("/editor/privacy?reference=ct40012345", headers=HTML)
    assert found.status_code == 200 and "R0001" in found.text and "Chat conversations" in found.text
    bundle = client.get("/editor/privacy/bundle?reference=CT40012345")
    assert bundle.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(bundle.content))
    assert sorted(archive.namelist()) == ["subject-access.html", "subject-access.json"]
    data = json.loads(archive.read("subject-access.json"))
    assert data["matched"]["resident_ids"] == ["R0001"]
    assert client.get("/editor/privacy/bundle?reference=nobody").status_code == 404

    log = client.get("/editor/audit?actor=dpo@example.gov.uk", headers=HTML).text
    rows = re.findall(r"<tr><td>(\d+)</td>.*?<td>([a-z ]+)</td><td>([^<]*)</td>", log)
    assert [(action, subject) for _, action, subject in rows[:4]] == [
        ("subject search", "subject:nobody"),
        ("subject export", "subject:CT40012345"),
        ("subject search", "subject:CT40012345"),
        ("subject search", "subject:ct40012345"),
    ]  # newest first; the download recorded its search and its export, once each
    exported = client.get("/editor/audit/export.csv?action=subject_search")
    table = list(csv.DictReader(io.StringIO(exported.text)))
    assert [r["subject"] for r in table] == [
        "subject:nobody",
        "subject:CT40012345",
        "subject:ct40012345",
        "subject:CT49999999",
    ]
    assert "audit export" in client.get("/editor/audit", headers=HTML).text


def test_erasure_confirms_and_a_hold_refuses_with_its_reason(client, people, database):
    token = sign_in(client, "dpo@example.gov.uk")
    confirm = client.get("/editor/privacy/erase?reference=CT40012345", headers=HTML)
    assert confirm.status_code == 200 and "What is kept, and why" in confirm.text
    form = {"csrf_token": token, "reference": "CT40012345"}
    unconfirmed = client.post("/editor/privacy/erase", data=form)
    assert unconfirmed.status_code == 422 and "Select yes to confirm" in unconfirmed.text
    hold = place_hold(database.engine, kind="resident", reference="CT40012345",
               reason="tribunal claim 2026/14", by="legal@example.gov.uk", now=NOW)  # fmt: skip
    held = client.post("/editor/privacy/erase", data={**form, "confirm": "yes"})
    assert held.status_code == 409 and "tribunal claim 2026/14" in held.text
    assert lift_hold(database.engine, hold.id, by="legal@example.gov.uk", now=NOW)
    done = client.post("/editor/privacy/erase", data={**form, "confirm": "yes"})
    assert done.status_code == 200 and "Kept, and why" in done.text
    assert "six years" in done.text


def test_a_tampered_entry_shows_as_broken(client, people, database):
    sign_in(client, "dpo@example.gov.uk")
    client.get("/editor/privacy?reference=CT40012345")
    intact = client.get("/editor/audit?verify=1", headers=HTML)
    assert "The chain is intact" in intact.text
    drop_trigger(database)
    with database.engine.begin() as connection:
        first = connection.execute(text("SELECT min(id) FROM audit_log")).scalar_one()
        connection.execute(
            text("UPDATE audit_log SET actor = 'someone.else@example.gov.uk' WHERE id = :id"),
            {"id": first},
        )
    broken = client.get("/editor/audit?verify=1", headers=HTML)
    assert "The chain is broken" in broken.text and f"Entry {first}:" in broken.text


@pytest.mark.parametrize(
    ("method", "path", "reference", "status", "message"),
    [
        ("get", "/editor/privacy/bundle", "", 422, "Enter a reference"),
        ("get", "/editor/privacy/erase", "", 422, "Enter a reference"),
        ("get", "/editor/privacy/erase", "CT49999999", 404, "Nothing is held about"),
        ("post", "/editor/privacy/erase", "", 422, "Enter a reference"),
        ("post", "/editor/privacy/erase", "CT49999999", 404, "Nothing is held about"),
        ("post", "/editor/privacy/erase?confirm", "CT49999999", 404, "Nothing is held about"),
    ],
)
def test_bad_references_get_a_clear_message(client, people, method, path, reference, status,
                                            message):  # fmt: skip
    token = sign_in(client, "dpo@example.gov.uk")
    if method == "get":
        response = client.get(path, params={"reference": reference}, headers=HTML)
    else:
        form = {"csrf_token": token, "reference": reference}
        if path.endswith("?confirm"):
            path, form["confirm"] = path.removesuffix("?confirm"), "yes"
        response = client.post(path, data=form)
    assert response.status_code == status and message in response.text


def test_holds_are_placed_listed_and_lifted_in_the_pages(client, people, database):
    token = sign_in(client, "dpo@example.gov.uk")
    assert "No legal hold is in force." in client.get("/editor/privacy", headers=HTML).text
    found = client.get("/editor/privacy?reference=R0001", headers=HTML).text
    assert 'name="reference" type="text" value="CT40012345"' in found  # the hold form's guess

    def place(**fields):
        form = {"csrf_token": token, "kind": "resident", "reference": "CT40012345",
                "reason": "tribunal claim 2026/14", **fields}  # fmt: skip
        return client.post("/editor/privacy/holds", data=form, follow_redirects=False)

    for fields, message in [
        ({"reason": "  "}, "Enter the reason for the hold"),
        ({"kind": "everything"}, "Select whether the hold is on a conversation or a resident"),
        ({"reference": ""}, "Enter the conversation id or the resident's reference"),
        ({"reference": "CT49999999"}, "Nothing is held about \u2018CT49999999\u2019"),
        ({"reference": "someone@example.org"}, "not an email or a postcode"),
        ({"kind": "conversation", "reference": "0" * 32}, "No conversation has the id"),
    ]:
        refused = place(**fields)
        assert refused.status_code == 422 and message in html.unescape(refused.text), fields
    assert place(csrf_token="forged").status_code == 403
    assert PrivacyStore(database.engine).recent_holds() == []  # nothing half-written

    placed = place(reference=" ct40012345 ")
    assert (
        placed.status_code == 303
        and placed.headers["location"] == "/editor/privacy?hold=placed#holds"
    )
    assert (
        place(kind="conversation", reference=people.upper(), reason="complaint C-77").status_code
        == 303
    )
    page = client.get(placed.headers["location"], headers=HTML).text
    assert "The legal hold is placed" in page
    rows = re.findall(
        r"<tr><td>(\d+)</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td><td>([^<]+)</td>", page
    )
    assert [row[1:] for row in rows] == [
        ("resident CT40012345", "tribunal claim 2026/14", "dpo@example.gov.uk", "2026-11-18 10:30"),
        (f"conversation {people}", "complaint C-77", "dpo@example.gov.uk", "2026-11-18 10:30"),
    ]
    erase = {"csrf_token": token, "reference": "CT40012345", "confirm": "yes"}
    refused = client.post("/editor/privacy/erase", data=erase)
    assert refused.status_code == 409
    assert "tribunal claim 2026/14" in refused.text and "complaint C-77" in refused.text

    resident_hold = rows[0][0]
    lift = f"/editor/privacy/holds/{resident_hold}/lift"
    assert client.post(lift, data={"csrf_token": "forged"}).status_code == 403
    lifted = client.post(lift, data={"csrf_token": token}, follow_redirects=False)
    assert (
        lifted.status_code == 303
        and lifted.headers["location"] == "/editor/privacy?hold=lifted#holds"
    )
    again = client.post(lift, data={"csrf_token": token})
    assert again.status_code == 409 and f"Hold {resident_hold} is not in force" in again.text
    page = client.get("/editor/privacy", headers=HTML).text
    assert "Recently lifted (1)" in page
    assert (
        "dpo@example.gov.uk, 2026-11-18 10:30</td><td>dpo@example.gov.uk, 2026-11-18 10:30" in page
    )
    still = client.post("/editor/privacy/erase", data=erase)  # the conversation is still held
    assert still.status_code == 409 and "complaint C-77" in still.text
    assert "tribunal claim" not in still.text

    log = client.get("/editor/audit?action=", headers=HTML).text
    entries = re.findall(r"<td>(legal hold(?: lifted)?)</td><td>([^<]*)</td>", log)
    assert entries == [
        ("legal hold lifted", "resident:CT40012345"),
        ("legal hold", f"conversation:{people}"),
        ("legal hold", "resident:CT40012345"),
    ]


def test_only_a_dpo_or_admin_places_a_hold(client, people, factory):
    with factory() as session:
        service.create_user(session, email="ed@example.gov.uk", display_name="Ed",
                            password=PASSWORD, roles=[Role.EDITOR], teams=[])  # fmt: skip
        session.commit()
    client.post("/editor/login", data={"email": "ed@example.gov.uk", "password": PASSWORD})
    page = client.get("/editor", headers=HTML)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    form = {"csrf_token": token, "kind": "resident", "reference": "CT40012345", "reason": "x"}
    assert client.post("/editor/privacy/holds", data=form).status_code == 403
    assert (
        client.post("/editor/privacy/holds/1/lift", data={"csrf_token": token}).status_code == 403
    )
