"""Residents' subscriptions under the retention schedule and the DPO's requests, on
SQLite and PostgreSQL: a subscription in use is never purged, an ended one (or a
request never confirmed) goes after its period; subject access finds a
resident's subscriptions by email or phone, and erasure deletes them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from frontdoor.clock import fixed_clock
from notify import models as nt
from privacy.purge import purge
from privacy.settings import PrivacySettings
from privacy.subject import erase, find
from tests.integration.privacy import factories

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
SETTINGS = PrivacySettings.load({"FRONTDOOR_PURGE_REST_RATIO": "0"})


def _statuses(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return sorted(conn.scalars(select(nt.subscriptions.c.status)))


def test_only_ended_subscriptions_past_their_period_are_purged(database) -> None:  # type: ignore[no-untyped-def]
    engine = database.engine
    factories.subscription(engine, status="active", ended_at=None)
    factories.subscription(engine, status="ended", ended_at=NOW - timedelta(days=31))
    factories.subscription(engine, status="ended", ended_at=NOW - timedelta(days=29))
    factories.subscription(engine, status="pending", ended_at=NOW - timedelta(days=40))
    factories.subscription(engine, status="pending", ended_at=NOW + timedelta(days=6))
    dry = {r.name: r.rows for r in purge(engine, SETTINGS, dry_run=True, clock=fixed_clock(NOW))}
    assert dry["subscriptions"] == 2
    done = {r.name: r.rows for r in purge(engine, SETTINGS, clock=fixed_clock(NOW))}
    assert done["subscriptions"] == 2
    assert _statuses(engine) == ["active", "ended", "pending"]


def test_subject_access_finds_and_erasure_removes_a_residents_subscriptions(database) -> None:  # type: ignore[no-untyped-def]
    engine = database.engine
    factories.subscription(engine, status="active", ended_at=None, contact="Alex@example.org")
    factories.subscription(engine, status="active", ended_at=None, channel="sms",
                           contact="07700900123")  # fmt: skip
    factories.subscription(engine, status="active", ended_at=None, contact="other@example.org")
    clock = fixed_clock(NOW)
    bundle = find(engine, "alex@example.org", actor="dpo@example.org", clock=clock)
    assert [s["contact"] for s in bundle.data["subscriptions"]] == ["Alex@example.org"]
    by_phone = find(engine, "+44 7700 900123", actor="dpo@example.org", clock=clock)
    assert [s["channel"] for s in by_phone.data["subscriptions"]] == ["sms"]
    report = erase(engine, "alex@example.org", actor="dpo@example.org", clock=clock)
    assert report["removed"]["subscriptions"] == 1
    with engine.connect() as conn:
        left = sorted(conn.scalars(select(nt.subscriptions.c.contact)))
    assert left == ["07700900123", "other@example.org"]
