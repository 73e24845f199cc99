"""Cases from chats on the SQL back office the product runs (SQLite and PostgreSQL).

The handoff service writes to the council's case system twice: a message a
resident leaves out of hours becomes a case, and an advisor opens one from the
console. ``handoff.app.create_app`` wires ``demo_backoffice(engine)`` by default,
so these tests use that adapter on the service's own database rather than the
in-memory fake the other handoff tests use.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from backoffice import demo_backoffice
from backoffice.models import CaseRow
from tests.integration.handoff.conftest import World, build_world, is_event, message, until
from tests.integration.handoff.test_advisors import escalate


@pytest.fixture
def sql_world(database) -> Iterator[World]:  # type: ignore[no-untyped-def]
    with contextlib.ExitStack() as stack:
        yield build_world(database, stack, backoffice=demo_backoffice(database.engine))


@pytest.fixture
def closed_sql_world(database) -> Iterator[World]:  # type: ignore[no-untyped-def]
    with contextlib.ExitStack() as stack:
        yield build_world(
            database, stack, hours="never", backoffice=demo_backoffice(database.engine)
        )


def stored_cases(world: World) -> int:
    with world.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(CaseRow)).scalar_one()


def test_a_message_left_out_of_hours_becomes_one_case_in_the_database(closed_sql_world):
    world = closed_sql_world
    before = stored_cases(world)
    # the fake bot hands over when it reads "human"
    started, ws, cm = escalate(world, "I need a human about my rent")
    try:
        events = world.client.get(
            f"/api/v1/conversations/{started['conversation_id']}/transcript",
            headers={"authorization": f"Bearer {started['conversation_token']}"},
        ).json()["events"]
        notice = next(e for e in events if e["kind"] == "notice")
        assert notice["data"]["code"] == "out_of_hours"
        assert notice["data"]["can_leave_message"] is True
        left = {
            "type": "leave_message",
            "client_id": "left-1",
            "text": "Please call me tomorrow",
            "contact": "07700 900456",
        }
        ws.send_json(left)
        created, _ = until(ws, is_event("case_created"))
        reference = created["data"]["reference"]
        ws.send_json(left)  # the widget resends after a drop: the same case, not a second
        ack, _ = until(ws, lambda f: f["type"] == "ack" and f.get("client_id") == "left-1")
        assert ack["duplicate"] is True
    finally:
        cm.__exit__(None, None, None)
    assert stored_cases(world) == before + 1
    case = demo_backoffice(world.engine).cases.get_case(reference)  # a fresh adapter: on disk
    assert reference.startswith("BDC-")
    assert case.summary == "Message left in chat: Please call me tomorrow"
    assert case.channel == "bot"
    assert "07700 900456" in case.description
    assert "I need a human about my rent" in case.description  # the transcript


def test_an_advisor_opens_a_case_from_the_console_once(sql_world):
    world = sql_world
    sam = world.advisor("sam")
    sam.available()
    before = stored_cases(world)
    started, ws, cm = escalate(world, "human please, my bin was missed again")
    cid = started["conversation_id"]
    try:
        assert sam.post(f"/conversations/{cid}/accept").status_code == 200
        ws.send_json(message("it is the third week running"))
        until(ws, is_event("message", text="it is the third week running"))
        body = {"client_id": "case-1", "case_type": "missed_bin", "summary": "Bin missed 3 weeks"}
        created = sam.post(f"/conversations/{cid}/cases", body)
        assert created.status_code == 201, created.text
        again = sam.post(f"/conversations/{cid}/cases", body)
        assert again.status_code == 201 and again.json() == created.json()  # idempotent
        reference = created.json()["reference"]
        until(ws, is_event("case_created", reference=reference))
    finally:
        cm.__exit__(None, None, None)
    assert stored_cases(world) == before + 1
    case = demo_backoffice(world.engine).cases.get_case(reference)
    assert case.case_type.value == "missed_bin"
    assert case.summary == "Bin missed 3 weeks"
    assert case.channel == "advisor"
    assert "it is the third week running" in case.description


def test_an_unknown_case_type_is_refused_and_writes_nothing(sql_world):
    world = sql_world
    sam = world.advisor("sam")
    sam.available()
    before = stored_cases(world)
    started, _ws, cm = escalate(world)
    cid = started["conversation_id"]
    try:
        assert sam.post(f"/conversations/{cid}/accept").status_code == 200
        refused = sam.post(
            f"/conversations/{cid}/cases",
            {"client_id": "case-x", "case_type": "anything", "summary": "?"},
        )
        assert refused.status_code == 422, refused.text
        assert "case_type must be one of" in refused.text
    finally:
        cm.__exit__(None, None, None)
    assert stored_cases(world) == before
