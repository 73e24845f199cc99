"""Lossless delivery: stored once, replayed in order after a cursor, never skipped."""

from __future__ import annotations

from tests.integration.handoff.conftest import is_event, message, receive, until


def test_a_resend_is_stored_once(world):
    started = world.start()
    with world.resident_socket(started) as ws:
        receive(ws)
        ws.send_json(message("hello", client_id="same-id"))
        first, _ = until(ws, lambda f: f["type"] == "ack")
        until(ws, is_event("message", author="bot"))
        ws.send_json(message("hello", client_id="same-id"))
        again, _ = until(ws, lambda f: f["type"] == "ack")
    assert first["duplicate"] is False and again == {**first, "duplicate": True}
    assert len(world.bot.received) == 1


def test_reconnect_with_a_cursor_gets_everything_after_it_in_order(world):
    started = world.start()
    with world.resident_socket(started) as ws:
        receive(ws)
        for i in range(3):
            ws.send_json(message(f"message {i}", client_id=f"m{i}"))
            until(ws, is_event("message", author="bot", text=f"You said: message {i}"))
    # six events stored (3 resident + 3 bot); the client saw up to 2
    with world.resident_socket(started, cursor=2) as ws:
        welcome = receive(ws)
        assert welcome["last_seq"] == 6
        replayed = [receive(ws) for _ in range(4)]
    assert [f["seq"] for f in replayed] == [3, 4, 5, 6]
    assert replayed[0]["data"]["client_id"] == "m1"


def test_an_unknown_cursor_makes_the_client_reload(world):
    started = world.start()
    with world.resident_socket(started, cursor=99) as ws:
        receive(ws)
        assert receive(ws) == {"type": "reload_required", "reason": "unknown_cursor"}
        # live events still flow after the reload notice
        ws.send_json(message("after reload", client_id="r1"))
        until(ws, is_event("message", author="resident", client_id="r1"))


def test_resume_frame_on_an_open_socket_replays(world):
    started = world.start()
    with world.resident_socket(started) as ws:
        receive(ws)
        ws.send_json(message("one", client_id="a1"))
        until(ws, is_event("message", author="bot"))
        ws.send_json({"type": "resume", "cursor": 0})
        replay, _ = until(ws, lambda f: f.get("seq") == 1)
        assert replay["data"]["client_id"] == "a1"


def test_advisor_only_events_never_reach_the_resident(world):
    sam = world.advisor("sam")
    sam.available()
    started = world.start()
    cid = started["conversation_id"]
    with world.resident_socket(started) as ws:
        receive(ws)
        ws.send_json(message("human please"))
        until(ws, is_event("state", state="waiting"))
    from tests.integration.handoff.test_flow import _wait_for_offer

    _wait_for_offer(sam, cid)
    assert sam.post(f"/conversations/{cid}/accept").status_code == 200
    note = sam.post(f"/conversations/{cid}/notes", {"client_id": "n1", "text": "private"})
    assert note.status_code == 200, note.text
    transcript = world.client.get(
        f"/api/v1/conversations/{cid}/transcript",
        headers={"authorization": f"Bearer {started['conversation_token']}"},
    ).json()
    kinds = [e["kind"] for e in transcript["events"]]
    assert "note" not in kinds and "handoff" not in kinds
    seqs = [e["seq"] for e in transcript["events"]]
    assert seqs == sorted(seqs) and transcript["last_seq"] > seqs[-1]  # gaps, never disorder
    full = sam.get(f"/conversations/{cid}/transcript").json()
    assert [e["seq"] for e in full["events"]] == list(range(1, full["last_seq"] + 1))
    with world.resident_socket(started, cursor=0) as ws:
        receive(ws)
        frames = [receive(ws) for _ in range(len(seqs))]
    assert [f["seq"] for f in frames] == seqs


def test_a_restart_loses_nothing(database):
    """Stop the app, build a new one on the same database: the client resumes."""
    from starlette.testclient import TestClient

    from handoff.app import create_app
    from handoff.bot import FakeBot
    from tests.integration.handoff.conftest import ORIGIN, seed_world, settings_for

    seed_world(database.engine)

    def app():
        return create_app(
            settings_for(database.url), bot=FakeBot(), engine=database.engine, backoffice=None
        )

    with TestClient(app()) as client:
        started = client.post("/api/v1/conversations", json={}).json()
        url = (
            f"/ws/resident?conversation_id={started['conversation_id']}"
            f"&token={started['conversation_token']}"
        )
        with client.websocket_connect(url, headers={"origin": ORIGIN}) as ws:
            receive(ws)
            ws.send_json(message("before restart", client_id="b1"))
            until(ws, is_event("message", author="bot"))
    with (
        TestClient(app()) as client,
        client.websocket_connect(url + "&cursor=1", headers={"origin": ORIGIN}) as ws,
    ):
        welcome = receive(ws)
        assert welcome["last_seq"] == 2
        assert receive(ws)["data"]["text"] == "You said: before restart"
        ws.send_json(message("before restart", client_id="b1"))  # a resend after restart
        ack, _ = until(ws, lambda f: f["type"] == "ack")
        assert ack["duplicate"] is True and ack["seq"] == 1
