"""frontdoor.metrics: who may scrape, one registry per app, and the sample dashboard."""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from actions.metrics import ActionMetrics
from frontdoor.metrics import scrape_allowed
from handoff import models as m
from handoff.hub import Hub
from handoff.metrics import HandoffMetrics
from handoff.store import SqlStore
from knowledge.metrics import KnowledgeMetrics

DASHBOARD = Path(__file__).resolve().parents[3] / "docs" / "grafana-dashboard.json"
TOKEN = secrets.token_urlsafe(48)


@pytest.mark.parametrize(
    ("host", "headers", "token", "allowed"),
    [
        ("127.0.0.1", {}, None, True),
        ("::1", {}, None, True),
        ("127.0.0.1", {"x-forwarded-for": "203.0.113.9"}, None, False),
        ("127.0.0.1", {"forwarded": "for=203.0.113.9"}, None, False),
        ("testclient", {}, None, False),
        ("203.0.113.9", {}, None, False),
        ("", {}, None, False),
        ("203.0.113.9", {"authorization": f"Bearer {TOKEN}"}, TOKEN, True),
        ("203.0.113.9", {"authorization": f"bearer {TOKEN}"}, TOKEN, True),
        ("203.0.113.9", {"authorization": "Bearer wrong"}, TOKEN, False),
        ("203.0.113.9", {"authorization": f"Basic {TOKEN}"}, TOKEN, False),
        ("203.0.113.9", {"authorization": "Bearer "}, None, False),
        ("127.0.0.1", {"x-forwarded-for": "a", "authorization": f"Bearer {TOKEN}"}, TOKEN, True),
    ],
    # the token is new every run: ids without it, so every pytest-xdist worker collects
    # the same tests
    ids=lambda value: "token" if value == TOKEN else None,
)
def test_who_may_scrape(
    host: str, headers: dict[str, str], token: str | None, allowed: bool
) -> None:
    assert scrape_allowed(host, headers, token) is allowed


def test_two_apps_in_one_process_keep_their_own_registries() -> None:
    first, second = HandoffMetrics(), HandoffMetrics()  # the global registry would refuse this
    first.resident_in.inc()
    assert (
        first.registry.get_sample_value("frontdoor_handoff_messages_in_total", {"role": "resident"})
        == 1
    )
    assert (  # the second app's series exists from the start, at 0
        second.registry.get_sample_value(
            "frontdoor_handoff_messages_in_total", {"role": "resident"}
        )
        == 0
    )


def every_metric_name() -> set[str]:
    handoff = HandoffMetrics()
    engine = create_engine("sqlite://")
    m.metadata.create_all(engine)
    store = SqlStore(engine)
    handoff.watch(store, Hub(store))
    return handoff.names() | KnowledgeMetrics().names() | ActionMetrics().names()


def test_the_sample_dashboard_uses_only_metrics_that_exist() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    expressions = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    used = {name for expr in expressions for name in re.findall(r"frontdoor_[a-z_]+", expr)}
    assert used, "the dashboard queries no Frontdoor metric"
    assert used <= every_metric_name(), used - every_metric_name()


def test_the_dashboard_shows_every_metric_the_issue_asks_for() -> None:
    text = DASHBOARD.read_text(encoding="utf-8")
    for name in (
        "messages_in",
        "frames_out",
        "store_commit_seconds",
        "queue_waiting",
        "connections",
        "throttled_frames",
        "shed",
        "bot_relay_seconds",
        "search_seconds",
    ):
        assert f"frontdoor_{'knowledge' if name == 'search_seconds' else 'handoff'}_{name}" in text


def test_a_redis_outage_shows_in_the_handoff_metrics() -> None:
    import logging

    from frontdoor.redis import RedisOutage

    metrics = HandoffMetrics()
    outage = RedisOutage(logging.getLogger("test"), "wake-ups")
    metrics.watch_redis("wake", outage)
    value = metrics.registry.get_sample_value
    assert value("frontdoor_handoff_redis_up", {"use": "wake"}) == 1
    outage.failed(ConnectionError("refused"), 4)
    outage.failed(ConnectionError("refused"))
    assert value("frontdoor_handoff_redis_up", {"use": "wake"}) == 0
    assert value("frontdoor_handoff_redis_skipped_total", {"use": "wake"}) == 5
    outage.succeeded()
    assert value("frontdoor_handoff_redis_up", {"use": "wake"}) == 1
