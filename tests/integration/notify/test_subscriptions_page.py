"""Residents' subscriptions in the staff pages, through the knowledge service's
real app on SQLite and PostgreSQL: supervisors and admins only, in English and
Welsh, newest first, paged, filtered by status and topic, contacts masked;
unsubscribing on a resident's behalf needs the CSRF token, is audited, and the
DPO finds it in that resident's subject access bundle."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from frontdoor.accounts import service
from frontdoor.accounts.roles import Role
from frontdoor.audit import AuditEntry
from frontdoor.clock import fixed_clock
from notify import models as nt
from privacy.subject import find
from tests.integration.knowledge.conftest import NOW, PASSWORD, login

HTML = {"accept": "text/html"}
PAGE = "/editor/notifications/subscriptions"


@pytest.fixture
def subscribed(database, staff, factory):
    with factory() as session:
        service.create_user(session, email="sue@example.gov.uk", display_name="Sue Supervisor",
                            password=PASSWORD, roles=[Role.SUPERVISOR], teams=[])  # fmt: skip
        session.commit()
    rows = [
        {
            "public_id": uuid.uuid4().hex, "status": "active", "channel": "email",
            "contact": f"resident{n}@example.org", "language": "en", "uprn": "100000001",
            "address": "14 Foxglove Lane, BF3 2QX", "postcode": "BF3 2QX",
            "case_reference": None, "bins": True, "disruptions": n % 2 == 0,
            "case_updates": False, "requested_at": NOW - timedelta(minutes=60 - n),
            "confirmed_at": NOW, "ended_at": None,
        }
        for n in range(52)
    ]  # fmt: skip
    rows.append({**rows[0], "public_id": uuid.uuid4().hex, "channel": "sms",
                 "contact": "07700900123", "language": "cy", "status": "pending", "bins": False,
                 "disruptions": False, "case_updates": True, "case_reference": "BDC-100001",
                 "postcode": None})  # fmt: skip
    with database.engine.begin() as conn:
        conn.execute(insert(nt.subscriptions), rows)
    return database


def _sign_in(client, email: str) -> str:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    client.post("/editor/login", data={"email": email, "password": PASSWORD},
                follow_redirects=False)  # fmt: skip
    page = client.get(PAGE, headers=HTML)
    assert page.status_code == 200, page.text[:300]
    return re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)


def test_supervisors_and_admins_only_see_them_masked_paged_and_filtered(client, subscribed):
    anonymous = client.get(PAGE, headers=HTML, follow_redirects=False)
    assert anonymous.status_code == 303 and "/editor/login" in anonymous.headers["location"]
    link = f'<a href="{PAGE}">Subscriptions</a>'
    login(client, "editor@example.gov.uk")
    assert client.get(PAGE, headers=HTML).status_code == 403
    assert link not in client.get("/editor", headers=HTML).text  # not in an editor's menu
    login(client, "admin@example.gov.uk")
    assert client.get(PAGE, headers=HTML).status_code == 200
    assert link in client.get("/editor", headers=HTML).text
    _sign_in(client, "sue@example.gov.uk")
    first = client.get(PAGE, headers=HTML)
    assert link in first.text  # the supervisor's menu leads to it
    assert "53 subscription(s); page 1 of 2." in first.text
    # masked: never a whole address or number
    assert "resident51@example.org" not in first.text and "re•••@example.org" in first.text
    assert "07700900123" not in first.text and "07••• •••123" in first.text
    second = client.get(f"{PAGE}?page=2", headers=HTML)
    assert "page 2 of 2" in second.text
    pending = client.get(f"{PAGE}?status=pending", headers=HTML)
    assert "1 subscription(s)" in pending.text and "BDC-100001" in pending.text
    disruptions = client.get(f"{PAGE}?topic=disruptions", headers=HTML)
    assert "26 subscription(s)" in disruptions.text
    for query, reason in (("status=lost", "Choose a status"), ("page=0", "whole number")):
        answer = client.get(f"{PAGE}?{query}", headers=HTML)
        assert answer.status_code == 422 and reason in answer.text
    welsh = client.get(f"{PAGE}?lang=cy&status=pending", headers=HTML)
    assert "Tanysgrifiadau" in welsh.text and "Yn aros i'r preswylydd gadarnhau" in (
        welsh.text.replace("&#39;", "'")
    )


def test_unsubscribing_for_a_resident_needs_the_token_and_is_audited(client, subscribed):
    token = _sign_in(client, "sue@example.gov.uk")
    with subscribed.engine.connect() as conn:
        sms = conn.scalar(select(nt.subscriptions.c.id).where(nt.subscriptions.c.channel == "sms"))
    forged = client.post(f"{PAGE}/{sms}/end", data={"csrf_token": "wrong"})
    assert forged.status_code in (400, 403)
    form = {"csrf_token": token, "back": "status=pending&page=1&x=https://evil"}
    done = client.post(f"{PAGE}/{sms}/end", data=form, follow_redirects=False)
    assert done.status_code == 303
    assert done.headers["location"] == (
        f"{PAGE}?status=pending&page=1&ended={sms}#subscription-{sms}"
    )
    page = client.get(done.headers["location"], headers=HTML)
    assert f"Subscription {sms} is ended" in page.text
    with subscribed.engine.connect() as conn:
        row = conn.execute(select(nt.subscriptions).where(nt.subscriptions.c.id == sms)).one()
        entry = conn.execute(
            select(AuditEntry).where(AuditEntry.action == "subscription_ended")
        ).one()
    assert row.status == "ended" and row.ended_at is not None
    assert entry.actor == "sue@example.gov.uk" and entry.subject == f"subscription:{sms}"
    assert client.post(f"{PAGE}/999999/end", data={"csrf_token": token}).status_code == 404
    # the resident's subject access bundle shows who stopped their messages
    bundle = find(subscribed.engine, "07700 900123", actor="dpo", clock=fixed_clock(NOW))
    assert [e["actor"] for e in bundle.data["audit_entries"]] == ["sue@example.gov.uk"]
