"""The handoff service's GET /metrics: scraped after real traffic, refused to outsiders."""

from __future__ import annotations

import contextlib
import secrets

from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from tests.integration.handoff.conftest import build_world, is_event, message, receive, until


def scrape(app, **headers: str) -> dict[tuple[str, frozenset], float]:  # type: ignore[no-untyped-def]
    """Every sample of a loopback scrape, keyed by name and labels."""
    local = TestClient(app, client=("127.0.0.1", 50000))  # no `with`: no second lifespan
    response = local.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_a_residents_message_moves_the_counters(world):
    before = scrape(world.app)
    assert before[("frontdoor_handoff_shed_total", frozenset())] == 0
    assert before[("frontdoor_handoff_queue_waiting", frozenset({("team", "general")}))] == 0
    for role in ("resident", "advisor"):  # every role's series, from the start
        assert before[("frontdoor_handoff_messages_in_total", frozenset({("role", role)}))] == 0
        assert before[("frontdoor_handoff_frames_out_total", frozenset({("role", role)}))] == 0
    started = world.start()
    with world.resident_socket(started) as ws:
        receive(ws)
        ws.send_json(message("When is my bin day?"))
        until(ws, is_event("message", author="bot"))
        during = scrape(world.app)
    resident = frozenset({("role", "resident")})
    assert during[("frontdoor_handoff_messages_in_total", resident)] == 1
    assert during[("frontdoor_handoff_connections", resident)] == 1
    # the resident's own message and the bot's reply, at least
    assert during[("frontdoor_handoff_frames_out_total", resident)] >= 2
    assert during[("frontdoor_handoff_store_commit_seconds_count", frozenset())] > before.get(
        ("frontdoor_handoff_store_commit_seconds_count", frozenset()), 0
    )
    ok = frozenset({("outcome", "ok")})
    assert during[("frontdoor_handoff_bot_relay_seconds_count", ok)] == 1
    after = scrape(world.app)
    assert after[("frontdoor_handoff_connections", resident)] == 0
    started_here = frozenset(
        {("method", "POST"), ("route", "/api/v1/conversations"), ("status", "201")}
    )
    assert after[("frontdoor_handoff_requests_total", started_here)] == 1


def test_a_waiting_resident_is_in_the_queue_depth(world):
    world.advisor("sam").available()
    started = world.start()
    with world.resident_socket(started) as ws:
        receive(ws)
        ws.send_json(message("I need a human please"))
        until(ws, is_event("state", state="waiting"))  # offered within 30 s, still waiting
        samples = scrape(world.app)
    depth = sum(
        value
        for (name, _labels), value in samples.items()
        if name == "frontdoor_handoff_queue_waiting"
    )
    assert depth == 1


def test_metrics_are_refused_to_other_hosts_without_the_token(world):
    response = world.client.get("/metrics")  # TestClient's address is "testclient"
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert world.client.get("/healthz").status_code == 200  # health stays open


def test_a_local_proxy_does_not_make_visitors_local(world):
    local = TestClient(world.app, client=("127.0.0.1", 50000))
    response = local.get("/metrics", headers={"x-forwarded-for": "203.0.113.9"})
    assert response.status_code == 403


def test_the_metrics_token_opens_metrics_to_other_hosts(database):
    token = secrets.token_urlsafe(48)
    with contextlib.ExitStack() as stack:
        world = build_world(database, stack, FRONTDOOR_METRICS_TOKEN=token)
        wrong = world.client.get("/metrics", headers={"authorization": "Bearer nope"})
        assert wrong.status_code == 403
        right = world.client.get("/metrics", headers={"authorization": f"Bearer {token}"})
        assert right.status_code == 200
        assert "frontdoor_handoff_messages_in_total" in right.text
