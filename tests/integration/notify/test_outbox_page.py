"""The outbox in the staff pages, through the knowledge service's real app on
SQLite and PostgreSQL: admins only, newest first, paged, filtered by status;
a bad filter or page is a clear 422."""

from __future__ import annotations

import pytest

from notify import outbox
from notify.adapters import OutboxOnly
from notify.ports import Message
from notify.sender import send_due
from tests.integration.knowledge.conftest import NOW, login

HTML = {"accept": "text/html"}


@pytest.fixture
def messages(database):
    for n in range(55):
        message = Message("email", "bin-reminder", f"r{n}@example.org", f"bin:{n}", {"day": "Tue"})
        outbox.enqueue(database.engine, message, now=NOW)
    send_due(database.engine, OutboxOnly(), lambda: NOW, None)
    outbox.enqueue(database.engine, Message("sms", "disruption", "07700900123", "sms:1"), now=NOW)


def test_admins_only_read_the_outbox_paged_and_filtered(client, staff, messages):
    anonymous = client.get("/editor/notifications", headers=HTML, follow_redirects=False)
    assert anonymous.status_code == 303 and "/editor/login" in anonymous.headers["location"]
    login(client, "editor@example.gov.uk")
    assert client.get("/editor/notifications", headers=HTML).status_code == 403
    login(client, "admin@example.gov.uk")
    first = client.get("/editor/notifications", headers=HTML)
    assert first.status_code == 200
    assert "56 messages; page 1 of 2" in first.text and "07700900123" in first.text
    assert "r54@example.org" in first.text and "r5@example.org" not in first.text
    assert 'href="/editor/notifications?status=&amp;page=2"' in first.text
    second = client.get("/editor/notifications?page=2", headers=HTML)
    assert "r5@example.org" in second.text and "r54@example.org" not in second.text
    queued = client.get("/editor/notifications?status=queued", headers=HTML)
    assert "1 message;" in queued.text and "r1@example.org" not in queued.text
    assert "sent (55)" in queued.text
    empty = client.get("/editor/notifications?status=failed", headers=HTML)
    assert "No messages with status failed." in empty.text
    # bad input: a clear 422, never a 500
    for query, reason in (
        ("status=lost", "Status must be one of"),
        ("page=0", "whole number"),
        ("page=x", "whole number"),
    ):
        answer = client.get(f"/editor/notifications?{query}", headers=HTML)
        assert answer.status_code == 422 and reason in answer.text
