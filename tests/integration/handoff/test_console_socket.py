"""The advisor socket: messages, typing, read marks, resume with cursors."""

from __future__ import annotations

from tests.integration.handoff.conftest import is_event, message, receive, until
from tests.integration.handoff.test_advisors import escalate, offered_to


def test_console_writes_types_and_resumes_over_its_socket(world):
    sam = world.advisor("sam")
    sam.available()
    started, ws, cm = escalate(world)
    cid = started["conversation_id"]
    try:
        assert offered_to(sam, cid)
        assert sam.post(f"/conversations/{cid}/accept").status_code == 200
        with sam.socket() as console:
            welcome = receive(console)
            assert welcome["type"] == "welcome" and welcome["advisor"]["first_name"] == "Sam"
            added, _ = until(console, lambda f: f["type"] == "chat_added")
            assert added["chat"]["conversation_id"] == cid
            history, _ = until(console, is_event("advisor_joined"))
            console.send_json({"type": "typing", "conversation_id": cid, "on": True})
            typing, _ = until(ws, lambda f: f["type"] == "typing")
            assert typing["author"] == "advisor" and typing["on"] is True
            console.send_json(
                {
                    "type": "message",
                    "conversation_id": cid,
                    "client_id": "s1",
                    "text": "Hello from the console",
                    "links": [{"title": "Bins", "url": "https://x.gov.uk/bins"}],
                }
            )
            ack, _ = until(console, lambda f: f["type"] == "ack")
            assert ack["client_id"] == "s1" and ack["duplicate"] is False
            said, _ = until(ws, is_event("message", client_id="s1"))
            assert said["data"]["links"] == [{"title": "Bins", "url": "https://x.gov.uk/bins"}]
            ws.send_json({"type": "typing", "on": True})
            resident_typing, _ = until(console, lambda f: f["type"] == "typing")
            assert resident_typing["author"] == "resident"
            console.send_json(
                {
                    "type": "message",
                    "conversation_id": "f" * 32,
                    "client_id": "s2",
                    "text": "wrong chat",
                }
            )
            error, _ = until(console, lambda f: f["type"] == "error")
            assert error["code"] in ("not_found", "not_assigned")
            last_seen = history["seq"]
        ws.send_json(message("while the console was away", client_id="away-1"))
        until(ws, is_event("message", client_id="away-1"))
        with sam.socket(f"?cursors={cid}:{last_seen}") as console:
            receive(console)
            replayed, skipped = until(console, is_event("message", client_id="away-1"))
            events = [f for f in skipped if f.get("type") == "event"] + [replayed]
            assert all(f["seq"] > last_seen for f in events)  # nothing before the cursor again
            console.send_json({"type": "resume", "cursors": {cid: 0}})
            first, _ = until(console, lambda f: f.get("type") == "event")
            assert first["seq"] == 1
    finally:
        cm.__exit__(None, None, None)


def test_supervisor_console_sees_every_queue(world):
    morgan = world.advisor("morgan")
    world.advisor("priya").available()
    started, _ws, cm = escalate(world, text="human about housing")
    try:
        with morgan.socket() as console:
            receive(console)
            queue, _ = until(console, lambda f: f["type"] == "queue" and f["items"])
            assert queue["items"][0]["conversation_id"] == started["conversation_id"]
            assert queue["items"][0]["team"] == "housing"
    finally:
        cm.__exit__(None, None, None)


def test_availability_changed_elsewhere_reaches_every_console(world):
    sam = world.advisor("sam")
    with sam.socket() as console:
        assert receive(console)["type"] == "welcome"
        sam.available()
        presence, _ = until(console, lambda f: f["type"] == "presence")
        assert presence == {"type": "presence", "availability": "available"}


def test_an_advisor_console_is_throttled_per_chat_not_as_a_whole(world):
    sam = world.advisor("sam")
    busy, quiet = "e" * 32, "f" * 32  # unknown chats: each frame is answered with an error
    with sam.socket() as console:
        receive(console)
        for _ in range(20):  # the per-chat limit
            console.send_json({"type": "typing", "conversation_id": busy, "on": True})
            until(console, lambda f: f["type"] == "error")
        console.send_json({"type": "typing", "conversation_id": busy, "on": True})
        throttled, _ = until(console, lambda f: f["type"] in ("throttled", "error"))
        console.send_json({"type": "typing", "conversation_id": quiet, "on": True})
        answer, _ = until(console, lambda f: f["type"] in ("throttled", "error"))
    assert throttled["type"] == "throttled" and throttled["reason"] == "throttled"
    assert answer["type"] == "error" and answer["code"] in ("not_found", "not_assigned")
