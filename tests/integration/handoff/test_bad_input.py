"""Hostile or broken clients: the service holds, says why, and closes only when it must."""

from __future__ import annotations

import json

import pytest
from starlette.websockets import WebSocketDisconnect

from tests.integration.handoff.conftest import ORIGIN, message, receive, until


def test_frames_over_16k_close_with_1009(world):
    started = world.start()
    with world.resident_socket(started) as ws:
        receive(ws)
        ws.send_text(json.dumps(message("x" * 3000)) + " " * 16 * 1024)
        closed, _ = until(ws, lambda f: f["type"] == "__closed__")
        assert closed["code"] == 1009


def test_more_than_20_frames_in_10_seconds_are_throttled(world):
    started = world.start()
    with world.resident_socket(started) as ws:
        receive(ws)
        for i in range(25):
            ws.send_json(message(f"spam {i}", client_id=f"spam-{i}"))
        throttled, _ = until(ws, lambda f: f["type"] == "throttled")
        assert 0 < throttled["retry_after"] <= 10
        assert throttled["client_id"].startswith("spam-")
        ws.send_json({"type": "ping"})
        # still open: the ping is throttled too, but answered with a notice, not a close
        frame, _ = until(
            ws, lambda f: f["type"] in ("pong", "throttled") and f.get("client_id") is None
        )
        assert frame["type"] in ("pong", "throttled")
    transcript = world.client.get(
        f"/api/v1/conversations/{started['conversation_id']}/transcript",
        headers={"authorization": f"Bearer {started['conversation_token']}"},
    ).json()
    resident_messages = [e for e in transcript["events"] if e["data"].get("author") == "resident"]
    assert len(resident_messages) == 20  # the throttled ones were not stored


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "invalid_json"),
        ('{"type": "dance"}', "unknown_type"),
        ('{"type": "message", "text": "no id"}', "invalid_frame"),
    ],
)
def test_bad_frames_get_an_error_and_the_socket_stays_up(world, raw, code):
    started = world.start()
    with world.resident_socket(started) as ws:
        receive(ws)
        ws.send_text(raw)
        error, _ = until(ws, lambda f: f["type"] == "error")
        assert error["code"] == code
        ws.send_json({"type": "ping"})
        until(ws, lambda f: f["type"] == "pong")


def test_a_foreign_origin_is_refused_at_the_handshake(world):
    started = world.start()
    with (
        pytest.raises(WebSocketDisconnect) as refused,
        world.client.websocket_connect(
            f"/ws/resident?conversation_id={started['conversation_id']}"
            f"&token={started['conversation_token']}",
            headers={"origin": "https://evil.example"},
        ),
    ):
        pass
    assert refused.value.code == 1008


def test_a_token_for_another_conversation_is_refused(world):
    mine, theirs = world.start(), world.start()
    with world.client.websocket_connect(
        f"/ws/resident?conversation_id={theirs['conversation_id']}&token={mine['conversation_token']}",
        headers={"origin": ORIGIN},
    ) as ws:
        assert receive(ws) == {"type": "__closed__", "code": 4403}
    response = world.client.get(
        f"/api/v1/conversations/{theirs['conversation_id']}/transcript",
        headers={"authorization": f"Bearer {mine['conversation_token']}"},
    )
    assert response.status_code == 403 and response.json()["error"] == "invalid_token"


def test_unknown_conversation_and_bad_params(world):
    with world.client.websocket_connect(
        f"/ws/resident?conversation_id={'0' * 32}&token=x", headers={"origin": ORIGIN}
    ) as ws:
        assert receive(ws)["code"] == 4404
    started = world.start()
    with world.client.websocket_connect(
        f"/ws/resident?conversation_id={started['conversation_id']}"
        f"&token={started['conversation_token']}&cursor=-3",
        headers={"origin": ORIGIN},
    ) as ws:
        assert receive(ws)["code"] == 4400


def test_the_transcript_needs_a_token(world):
    started = world.start()
    response = world.client.get(f"/api/v1/conversations/{started['conversation_id']}/transcript")
    assert response.status_code == 403


def test_closed_conversation_refuses_messages_with_an_error(world):
    started = world.start()
    with world.resident_socket(started) as ws:
        receive(ws)
        ws.send_json({"type": "close"})
        until(ws, lambda f: f.get("kind") == "rating_request")
        ws.send_json(message("hello?"))
        error, _ = until(ws, lambda f: f["type"] == "error")
        assert error["code"] == "conversation_closed"


def test_start_validates_its_body(world):
    response = world.client.post("/api/v1/conversations", json={"language": "fr"})
    assert response.status_code == 422
