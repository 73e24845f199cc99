"""The advisor API: who may call it, and what each action does."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from handoff import models as m
from tests.integration.handoff.conftest import is_event, message, receive, until

CID = "0" * 32
ADVISOR_ROUTES = [
    ("GET", "/api/v1/advisor/me"),
    ("PUT", "/api/v1/advisor/availability"),
    ("GET", "/api/v1/advisor/queue"),
    ("GET", "/api/v1/advisor/conversations"),
    ("GET", f"/api/v1/advisor/conversations/{CID}"),
    ("GET", f"/api/v1/advisor/conversations/{CID}/transcript"),
    ("POST", f"/api/v1/advisor/conversations/{CID}/accept"),
    ("POST", f"/api/v1/advisor/conversations/{CID}/decline"),
    ("POST", f"/api/v1/advisor/conversations/{CID}/messages"),
    ("POST", f"/api/v1/advisor/conversations/{CID}/notes"),
    ("POST", f"/api/v1/advisor/conversations/{CID}/typing"),
    ("POST", f"/api/v1/advisor/conversations/{CID}/read"),
    ("POST", f"/api/v1/advisor/conversations/{CID}/transfer"),
    ("POST", f"/api/v1/advisor/conversations/{CID}/hand-back"),
    ("POST", f"/api/v1/advisor/conversations/{CID}/close"),
    ("POST", f"/api/v1/advisor/conversations/{CID}/cases"),
    ("GET", f"/api/v1/advisor/conversations/{CID}/resident"),
    ("GET", "/api/v1/advisor/knowledge/search?q=bins"),
    ("GET", "/api/v1/advisor/teams"),
    ("GET", "/api/v1/supervisor/overview"),
]


@pytest.mark.parametrize(("method", "path"), ADVISOR_ROUTES)
def test_every_advisor_endpoint_needs_a_session_and_the_role(world, method, path):
    anonymous = world.client.request(method, path, json={})
    assert anonymous.status_code == 401, anonymous.text
    assert anonymous.json()["error"] == "not_authenticated"
    editor = world.advisor("eddie")
    wrong_role = world.client.request(method, path, json={}, headers=editor.headers)
    assert wrong_role.status_code == 403, wrong_role.text


def test_supervisor_view_needs_the_supervisor_role(world):
    assert world.advisor("sam").get("/../supervisor/overview").status_code == 403
    overview = world.client.get(
        "/api/v1/supervisor/overview", headers=world.advisor("morgan").headers
    )
    assert overview.status_code == 200
    teams = {t["slug"]: t for t in overview.json()["teams"]}
    assert set(teams) == {"waste", "housing", "general"}
    assert {a["user_id"] for a in teams["waste"]["advisors"]} == {world.ids["sam"]}


def test_advisor_socket_needs_a_session_and_the_role(world):
    from tests.integration.handoff.conftest import ORIGIN

    with world.client.websocket_connect("/ws/advisor", headers={"origin": ORIGIN}) as ws:
        assert receive(ws)["code"] == 4401
    eddie = world.advisor("eddie")
    with eddie.socket() as ws:
        assert receive(ws)["code"] == 4403


def test_state_changing_requests_need_the_csrf_token(world):
    sam = world.advisor("sam")
    response = world.client.put(
        "/api/v1/advisor/availability",
        json={"status": "available"},
        headers={"cookie": f"fd_session={sam.cookie}"},
    )
    assert response.status_code == 403 and response.json()["error"] == "csrf_failed"


def test_me_and_availability(world):
    sam = world.advisor("sam")
    me = sam.get("/me").json()
    assert me["availability"] == "away" and me["cap"] == 3 and me["csrf_token"] == sam.csrf
    assert {t["slug"] for t in me["teams"]} == {"general", "waste"}
    sam.available()
    assert sam.get("/me").json()["availability"] == "available"


def escalate(world, text="human please", **start):
    started = world.start(**start)
    ws_cm = world.resident_socket(started)
    ws = ws_cm.__enter__()
    receive(ws)
    ws.send_json(message(text))
    until(ws, lambda f: f.get("kind") in ("state", "notice"))
    return started, ws, ws_cm


def offered_to(advisor, cid, tries=100):
    for _ in range(tries):
        if any(i["conversation_id"] == cid for i in advisor.get("/conversations").json()["items"]):
            return True
        time.sleep(0.05)
    return False


def test_cap_per_advisor_is_never_exceeded(world):
    sam = world.advisor("sam")
    with world.engine.begin() as conn:
        sam.available()
        conn.execute(update(m.advisors).where(m.advisors.c.user_id == sam.user_id).values(cap=1))
    first, _ws1, cm1 = escalate(world)
    second, _ws2, cm2 = escalate(world)
    try:
        assert offered_to(sam, first["conversation_id"])
        assert sam.post(f"/conversations/{first['conversation_id']}/accept").status_code == 200
        refused = sam.post(f"/conversations/{second['conversation_id']}/accept")
        assert refused.status_code == 409 and refused.json()["error"] == "at_capacity"
        queue = sam.get("/queue").json()["items"]
        assert [i["conversation_id"] for i in queue] == [second["conversation_id"]]
        assert queue[0]["offered_to_me"] is False
    finally:
        cm1.__exit__(None, None, None)
        cm2.__exit__(None, None, None)


def test_two_advisors_cannot_both_take_a_chat(world):
    sam, priya = world.advisor("sam"), world.advisor("priya")
    sam.available()
    started, _ws, cm = escalate(world)
    try:
        cid = started["conversation_id"]
        assert sam.post(f"/conversations/{cid}/accept").status_code == 200
        taken = priya.post(f"/conversations/{cid}/accept")
        assert taken.status_code == 409 and taken.json()["error"] == "already_taken"
        not_mine = priya.say(cid, "hello")
        assert not_mine.status_code == 409 and not_mine.json()["error"] == "not_assigned"
        assert priya.get(f"/conversations/{cid}/resident").status_code == 409
    finally:
        cm.__exit__(None, None, None)


def test_offer_that_is_not_accepted_goes_to_the_next_advisor(quick_world):
    world = quick_world
    sam, priya = world.advisor("sam"), world.advisor("priya")
    sam.available()
    started, _ws, cm = escalate(world)
    cid = started["conversation_id"]
    try:
        with sam.socket() as console_sam, priya.socket() as console_priya:
            # either may be offered it first; after the lapse the other one gets it
            first = None
            for console, name in ((console_sam, "sam"),):
                offer, _ = until(console, lambda f: f["type"] == "offer", timeout=5)
                assert offer["conversation_id"] == cid
                first = name
            priya.available()
            withdrawn, _ = until(console_sam, lambda f: f["type"] == "offer_withdrawn", timeout=5)
            assert withdrawn["reason"] == "timeout" and first == "sam"
            offer, _ = until(console_priya, lambda f: f["type"] == "offer", timeout=5)
            assert offer["conversation_id"] == cid
            assert priya.post(f"/conversations/{cid}/accept").status_code == 200
    finally:
        cm.__exit__(None, None, None)


def test_advisor_who_vanishes_loses_their_chats_to_the_front_of_the_queue(quick_world):
    world = quick_world
    sam = world.advisor("sam")
    sam.available()
    started, ws, cm = escalate(world)
    cid = started["conversation_id"]
    try:
        with sam.socket() as console:
            until(console, lambda f: f["type"] == "offer")
            assert sam.post(f"/conversations/{cid}/accept").status_code == 200
            until(ws, is_event("advisor_joined"))
        # the console is gone; after the grace period the chat is requeued
        _left, _ = until(ws, is_event("advisor_left", reason="disconnected"), timeout=8)
        until(ws, is_event("state", state="waiting", reason="advisor_lost"))
        until(ws, is_event("notice", code="advisor_lost"))
        queue = world.advisor("morgan").get("/queue").json()["items"]
        assert [i["conversation_id"] for i in queue] == [cid]
    finally:
        cm.__exit__(None, None, None)


def test_leave_the_queue_and_positions_update_live(world):
    world.advisor("sam").available()
    sam = world.advisor("sam")
    with world.engine.begin() as conn:
        conn.execute(update(m.advisors).where(m.advisors.c.user_id == sam.user_id).values(cap=1))
    _a, _ws_a, cm_a = escalate(world)
    _b, ws_b, cm_b = escalate(world)
    _c, ws_c, cm_c = escalate(world)
    try:
        # sam is offered a; b is first behind it, c second
        _position, _ = until(ws_c, lambda f: f["type"] == "queue" and f["position"] == 3)
        ws_b.send_json({"type": "leave_queue"})
        until(ws_b, is_event("state", state="bot", reason="left_queue"))
        moved, _ = until(ws_c, lambda f: f["type"] == "queue" and f["position"] == 2)
        assert moved["estimated_wait_seconds"] > 0
    finally:
        for cm in (cm_a, cm_b, cm_c):
            cm.__exit__(None, None, None)


def test_out_of_hours_is_said_honestly_and_a_message_becomes_a_case(closed_world):
    world = closed_world
    world.advisor("sam").available()
    started, ws, cm = escalate(world)
    try:
        notices = world.client.get(
            f"/api/v1/conversations/{started['conversation_id']}/transcript",
            headers={"authorization": f"Bearer {started['conversation_token']}"},
        ).json()["events"]
        notice = next(e for e in notices if e["kind"] == "notice")
        assert notice["data"]["code"] == "out_of_hours"
        assert notice["data"]["can_leave_message"] is True
        assert world.advisor("sam").get("/queue").json()["items"] == []  # never a dead queue
        ws.send_json(
            {"type": "leave_message", "client_id": "lm", "text": "Call me", "contact": "x@y.z"}
        )
        case, _ = until(ws, is_event("case_created"))
        assert world.backoffice.cases.get_case(case["data"]["reference"]).summary.startswith(
            "Message left in chat"
        )
    finally:
        cm.__exit__(None, None, None)


def test_bot_failure_is_a_notice_not_silence(world):
    world.bot.healthy = False
    started = world.start()
    with world.resident_socket(started) as ws:
        receive(ws)
        ws.send_json(message("hello"))
        notice, _ = until(ws, is_event("notice", code="bot_unavailable"))
        assert notice["data"]["can_request_human"] is True
    health = world.client.get("/healthz").json()
    assert health["status"] == "degraded" and health["dependencies"]["bot"]["status"] == "error"
    assert health["dependencies"]["database"]["status"] == "ok"


def test_transfer_to_a_team_and_to_an_advisor(world):
    sam, priya = world.advisor("sam"), world.advisor("priya")
    sam.available()
    priya.available()
    started, ws, cm = escalate(world)
    cid = started["conversation_id"]
    try:
        assert sam.post(f"/conversations/{cid}/accept").status_code == 200
        moved = sam.post(
            f"/conversations/{cid}/transfer",
            {"advisor_id": priya.user_id, "note": "housing question"},
        )
        assert moved.status_code == 200, moved.text
        assert moved.json()["assigned_advisor"]["user_id"] == priya.user_id
        until(ws, is_event("advisor_joined", first_name="Priya"))
        to_team = priya.post(f"/conversations/{cid}/transfer", {"team": "housing", "note": "rent"})
        assert to_team.json()["state"] == "waiting" and to_team.json()["team"] == "housing"
        until(ws, is_event("state", state="waiting", reason="transferred"))
        transcript = priya.get(f"/conversations/{cid}/transcript").json()
        notes = [e["data"]["note"] for e in transcript["events"] if e["kind"] == "transfer"]
        assert notes == ["housing question", "rent"]
    finally:
        cm.__exit__(None, None, None)


def load_alex(loader) -> None:  # type: ignore[no-untyped-def]
    from backoffice.loading import CouncilTaxRecord
    from backoffice.values import (
        AccountHolder,
        CouncilTaxAccount,
        CouncilTaxBand,
        PaymentMethod,
        Property,
        RecoveryStage,
        Resident,
    )

    loader.add_properties(
        [Property("100001", ("14 Foxglove Lane",), "Bramblefield", "BF3 2QX", "Foxglove")]
    )
    loader.add_residents([Resident("R-1", "100001", "Alex", "Smith")])

    def account(reference: str, balance: int) -> CouncilTaxRecord:
        return CouncilTaxRecord(
            CouncilTaxAccount(
                reference=reference,
                uprn="100001",
                holders=(AccountHolder("R-1", "Alex", "Smith"),),
                band=CouncilTaxBand.C,
                financial_year="2026/27",
                annual_charge_pence=180000,
                balance_pence=balance,
                payment_method=PaymentMethod.DIRECT_DEBIT,
                recovery_stage=RecoveryStage.NONE,
                next_instalment=None,
                instalments_remaining=0,
                receives_support=False,
            )
        )

    # the second account is Alex's too, but the token does not cover it
    loader.add_council_tax_accounts([account("CT40012345", 15000), account("CT40099999", 999)])


def test_resident_details_only_when_verified(world):
    load_alex(world.loader)
    sam = world.advisor("sam")
    sam.available()
    plain, _ws1, cm1 = escalate(world)
    verified, _ws2, cm2 = escalate(world, identity_token="verified-token")
    try:
        for started in (plain, verified):
            assert (
                sam.post(f"/conversations/{started['conversation_id']}/accept").status_code == 200
            )
        assert sam.get(f"/conversations/{plain['conversation_id']}/resident").json() == {
            "verified": False
        }
        details = sam.get(f"/conversations/{verified['conversation_id']}/resident").json()
        assert details["verified"] is True and details["name"] == "Alex Smith"
        assert details["address"] == "14 Foxglove Lane, Bramblefield, BF3 2QX"
        assert [b["account"] for b in details["balances"]] == ["CT40012345"]  # only in scope
        assert details["balances"][0]["amount_pence"] == 15000
        chats = {c["conversation_id"]: c for c in sam.get("/conversations").json()["items"]}
        assert chats[verified["conversation_id"]]["resident_label"] == "Alex Smith"
        assert chats[plain["conversation_id"]]["verified"] is False
    finally:
        cm1.__exit__(None, None, None)
        cm2.__exit__(None, None, None)


def test_knowledge_search_case_creation_and_read_counts(world):
    sam = world.advisor("sam")
    found = sam.get("/knowledge/search?q=bin").json()["results"]
    assert found == [
        {
            "title": "Bin collection days",
            "url": "http://localhost:8000/en/bins",
            "snippet": "Find your bin day.",
        }
    ]
    world.search.healthy = False
    down = sam.get("/knowledge/search?q=bin")
    assert down.status_code == 503 and down.json()["error"] == "knowledge_unavailable"
    sam.available()
    started, ws, cm = escalate(world)
    cid = started["conversation_id"]
    try:
        assert sam.post(f"/conversations/{cid}/accept").status_code == 200
        ws.send_json(message("one"))
        ws.send_json(message("two"))
        until(ws, lambda f: f.get("kind") == "message" and f["data"]["text"] == "two")
        chat = sam.get("/conversations").json()["items"][0]
        assert chat["unread"] == 2 and chat["last_message_preview"] == "two"
        assert sam.post(f"/conversations/{cid}/read", {"seq": chat["last_seq"]}).status_code == 204
        assert sam.get("/conversations").json()["items"][0]["unread"] == 0
        body = {"client_id": "case-1", "case_type": "missed_bin", "summary": "Bin missed"}
        case = sam.post(f"/conversations/{cid}/cases", body)
        assert case.status_code == 201, case.text
        again = sam.post(f"/conversations/{cid}/cases", body)
        assert again.json() == case.json()  # idempotent
        until(ws, is_event("case_created", reference=case.json()["reference"]))
        bad = sam.post(f"/conversations/{cid}/close", {"outcome": "shrug"})
        assert bad.status_code == 422
    finally:
        cm.__exit__(None, None, None)


def _bot_grant(reference: str, purpose: str):
    """What the bot's action server stores after a check (actions.verification)."""
    from datetime import UTC, datetime

    from actions.verification import Grant, Purpose, ReferenceKind

    kind = {"CT": ReferenceKind.COUNCIL_TAX, "TE": ReferenceKind.TENANCY}.get(
        reference[:2], ReferenceKind.CASE
    )
    return Grant(
        kind=kind,
        reference=reference,
        purpose=Purpose(purpose),
        method="knowledge_check",
        facts=("postcode", "surname") if purpose == "balance" else ("postcode",),
        verified_at=datetime(2000, 1, 1, tzinfo=UTC),
        expires_at=datetime(2100, 1, 1, tzinfo=UTC),
    )


def _escalate_with_bot_summary(world, details, grants=()):
    """The bot hands over with ``details``; its server-side record holds ``grants``."""
    from actions.verification import SqlVerificationStore
    from handoff.bot import BotReply, HandoffRequest

    def script(text, metadata):
        conversation_id = world.bot.received[-1][0]  # the Rasa sender id
        store = SqlVerificationStore(world.engine)
        for grant in grants:
            store.save_grant(conversation_id=conversation_id, secret_hash="h" * 64, grant=grant)
        return [
            BotReply(text="Passing you to a colleague."),
            BotReply(
                handoff=HandoffRequest.from_custom(
                    {
                        "reason": "requested",
                        "service_area": "general",
                        "priority": "normal",
                        "summary": details,
                    }
                )
            ),
        ]

    world.bot.script = script
    return escalate(world, text="my council tax please")


def test_the_bots_own_identity_check_lets_the_advisor_see_those_accounts(world):
    load_alex(world.loader)
    details = {
        "topic": "council_tax",
        "references": ["CT40012345"],
        "verified_identity": {"method": "knowledge_check", "references": ["CT40012345"]},
        "articles_shown": [],
        "failed_questions": [],
        "risk": None,
    }
    sam = world.advisor("sam")
    sam.available()
    started, _ws, cm = _escalate_with_bot_summary(
        world, details, [_bot_grant("CT40012345", "balance")]
    )
    cid = started["conversation_id"]
    try:
        queue = sam.get("/queue").json()["items"]
        assert "Verified (knowledge check) for CT40012345." in queue[0]["summary"]
        assert sam.post(f"/conversations/{cid}/accept").status_code == 200
        summary = sam.get(f"/conversations/{cid}/resident").json()
        assert summary["verified"] is True and summary["method"] == "bot:knowledge_check"
        assert [b["account"] for b in summary["balances"]] == ["CT40012345"]
        handoff = next(
            e
            for e in sam.get(f"/conversations/{cid}/transcript").json()["events"]
            if e["kind"] == "handoff"
        )
        assert handoff["data"]["details"] == details
    finally:
        cm.__exit__(None, None, None)


@pytest.mark.parametrize(
    "grants",
    [
        (),  # the payload claims it; the bot's record has nothing
        (("BDC-104233", "case_details"),),  # a case check is not an account check
    ],
)
def test_the_console_is_verified_only_by_the_bots_server_side_record(world, grants):
    """Issue #10 finding 1: "verified" in the console came from the handover payload."""
    load_alex(world.loader)
    details = {
        "topic": "council_tax",
        "references": ["CT40012345"],
        "verified_identity": {"method": "knowledge_check", "references": ["CT40012345"]},
    }
    sam = world.advisor("sam")
    sam.available()
    started, _ws, cm = _escalate_with_bot_summary(
        world, details, [_bot_grant(ref, purpose) for ref, purpose in grants]
    )
    cid = started["conversation_id"]
    try:
        assert sam.post(f"/conversations/{cid}/accept").status_code == 200
        summary = sam.get(f"/conversations/{cid}/resident").json()
        assert summary == {"verified": False}
    finally:
        cm.__exit__(None, None, None)


def test_views_of_a_residents_details_balances_and_transcript_are_audited(world):
    from frontdoor import audit

    load_alex(world.loader)
    sam = world.advisor("sam")
    sam.available()
    verified, _ws, cm = escalate(world, identity_token="verified-token")
    cid = verified["conversation_id"]
    try:
        assert sam.post(f"/conversations/{cid}/accept").status_code == 200
        assert sam.get(f"/conversations/{cid}/resident").json()["verified"] is True
        assert sam.get(f"/conversations/{cid}/transcript").status_code == 200
        assert sam.get(f"/conversations/{cid}/transcript?after=3").status_code == 200
    finally:
        cm.__exit__(None, None, None)
    with Session(world.engine) as db:
        entries = audit.list_entries(db, subject=f"conversation:{cid}", limit=20)
        assert audit.verify(db).ok
    actions = sorted(e.action for e in entries)
    assert actions == ["view_balance", "view_resident", "view_transcript"]
    balance = next(e for e in entries if e.action == "view_balance")
    assert balance.detail == {"references": ["CT40012345"]}
    assert balance.actor.startswith("sam")


def test_the_console_links_a_supervisor_to_insight_and_an_advisor_to_chats_only(world):
    """The console is where a supervisor starts the day: insight, chat history and left
    messages are one click away (they were reachable only by typing the address)."""
    links = ("/console/supervisor", "/console/insight", "/console/insight/history",
             "/console/insight/messages")  # fmt: skip
    morgan = world.client.get("/console/", headers=world.advisor("morgan").headers)
    assert morgan.status_code == 200
    for link in links:
        assert f'href="{link}"' in morgan.text
    sam = world.client.get("/console/", headers=world.advisor("sam").headers)
    assert sam.status_code == 200 and 'href="/console/"' in sam.text
    assert not any(f'href="{link}"' in sam.text for link in links)
