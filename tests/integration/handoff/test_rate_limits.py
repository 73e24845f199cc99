"""Limits on what anonymous residents write to the handoff service (issue #10, finding 5).

Each test sets the limits it exercises through the service's settings; beyond
a limit the REST API answers 429 with Retry-After and the socket a
``throttled`` frame, and nothing is stored.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.integration.handoff.conftest import ORIGIN, World, build_world, is_event, message, until


@pytest.fixture
def limited(database, request) -> Iterator[World]:  # type: ignore[no-untyped-def]
    with contextlib.ExitStack() as stack:
        yield build_world(database, stack, **request.param)


def _stored_resident_messages(world: World, started: dict[str, Any]) -> list[str]:
    transcript = world.client.get(
        f"/api/v1/conversations/{started['conversation_id']}/transcript",
        headers={"authorization": f"Bearer {started['conversation_token']}"},
    ).json()
    return [
        e["data"]["text"]
        for e in transcript["events"]
        if e["kind"] == "message" and e["data"]["author"] == "resident"
    ]


@pytest.mark.parametrize(
    "limited", [{"FRONTDOOR_HANDOFF_LIMIT_CONVERSATIONS": "3/minute"}], indirect=True
)
def test_starting_conversations_is_limited_per_client_address(limited):
    for _ in range(3):
        limited.start()
    refused = limited.client.post(
        "/api/v1/conversations", json={"language": "en"}, headers={"origin": ORIGIN}
    )
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    body = refused.json()
    assert body["error"] == "rate_limited"
    assert body["retry_after"] == int(refused.headers["retry-after"])
    assert "Please wait" in body["message"] and "try again" in body["message"]
    # health stays open, and another address is counted on its own
    for _ in range(10):
        assert limited.client.get("/healthz").status_code == 200
    elsewhere = TestClient(limited.app, client=("198.51.100.20", 40000))
    assert elsewhere.post("/api/v1/conversations", json={"language": "en"}).status_code == 201


@pytest.mark.parametrize(
    "limited",
    [{"FRONTDOOR_HANDOFF_LIMIT_MESSAGES_PER_CONVERSATION": "2/minute"}],
    indirect=True,
)
def test_messages_beyond_the_limit_are_throttled_and_not_stored(limited):
    started = limited.start()
    with limited.resident_socket(started) as ws:
        for index in range(2):
            ws.send_json(message(f"question {index}", client_id=f"m{index}"))
            until(ws, lambda f, i=index: f["type"] == "ack" and f["client_id"] == f"m{i}")
        ws.send_json(message("one too many", client_id="m2"))
        throttled, _ = until(ws, lambda f: f["type"] == "throttled")
    assert throttled["client_id"] == "m2"
    assert 1 <= throttled["retry_after"] <= 60
    assert _stored_resident_messages(limited, started) == ["question 0", "question 1"]


@pytest.mark.parametrize(
    "limited", [{"FRONTDOOR_HANDOFF_LIMIT_MESSAGES_PER_ADDRESS": "3/minute"}], indirect=True
)
def test_messages_are_limited_per_address_across_conversations(limited):
    first, second = limited.start(), limited.start()
    with limited.resident_socket(first) as one, limited.resident_socket(second) as two:
        for ws, client_id in ((one, "a"), (two, "b"), (one, "c")):
            ws.send_json(message("hello", client_id=client_id))
            until(ws, lambda f, c=client_id: f["type"] == "ack" and f["client_id"] == c)
        two.send_json(message("and again", client_id="d"))
        throttled, _ = until(two, lambda f: f["type"] == "throttled")
    assert throttled["client_id"] == "d"
    assert _stored_resident_messages(limited, second) == ["hello"]


@pytest.mark.parametrize(
    "limited",
    [{"FRONTDOOR_HANDOFF_LIMIT_RATINGS_PER_CONVERSATION": "1/hour"}],
    indirect=True,
)
def test_ratings_are_limited_per_conversation(limited):
    started = limited.start()
    with limited.resident_socket(started) as ws:
        ws.send_json({"type": "rate", "stars": 4, "comment": "Helpful"})
        until(ws, is_event("rating"))
        ws.send_json({"type": "rate", "stars": 1, "comment": "again and again"})
        throttled, _ = until(ws, lambda f: f["type"] == "throttled")
    assert throttled["retry_after"] >= 1
    transcript = limited.client.get(
        f"/api/v1/conversations/{started['conversation_id']}/transcript",
        headers={"authorization": f"Bearer {started['conversation_token']}"},
    ).json()
    assert [e["data"]["stars"] for e in transcript["events"] if e["kind"] == "rating"] == [4]


@pytest.mark.parametrize(
    "limited",
    [{"FRONTDOOR_HANDOFF_LIMIT_LEFT_MESSAGES_PER_CONVERSATION": "1/hour"}],
    indirect=True,
)
def test_leave_a_message_is_limited_per_conversation(limited):
    started = limited.start()
    left = {"type": "leave_message", "text": "Please call me", "contact": "07700 900123"}
    with limited.resident_socket(started) as ws:
        ws.send_json({**left, "client_id": "left-1"})
        until(ws, is_event("case_created"))
        ws.send_json({**left, "client_id": "left-2"})
        throttled, _ = until(ws, lambda f: f["type"] == "throttled")
    assert throttled["client_id"] == "left-2"
    transcript = limited.client.get(
        f"/api/v1/conversations/{started['conversation_id']}/transcript",
        headers={"authorization": f"Bearer {started['conversation_token']}"},
    ).json()
    assert sum(e["kind"] == "case_created" for e in transcript["events"]) == 1
