"""The summary read from the daily rollup equals the raw computation over the outcomes.

Forty days of deterministic demo conversations (``insight.demo``, fixed seed) are
stored and recorded one by one through ``insight.store.record`` (the path the
handoff transactions take), then re-recorded after their team, language and day
change, then half are deleted the way the retention purge deletes them
(conversation and events gone, outcome kept). At each step, for ranges of whole
UTC days, London days (partial UTC days at both edges), a team, a topic, a range
inside one day, an inverted and an empty range: every figure of the rollup's
summary equals the raw one, except the wait percentiles, which may sit below the
exact value by less than one wait bucket (``insight.report.wait_bucket``); top
intents and the advisors' peak and mean chats at once are compared too (one advisor
takes every handed-over chat, so they overlap). The incrementally kept rollup also
equals one rebuilt from scratch.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, text, update

from frontdoor.clock import LONDON
from handoff import models as ho
from insight import models as im
from insight import store
from insight.demo import generate
from insight.report import Costs, wait_bucket, wait_bucket_width
from insight.service import Insight
from insight.store import Filters

TODAY = date(2026, 7, 20)  # summer: a London day is 23:00 to 23:00 UTC
WAITS = ("wait_p50_s", "wait_p90_s")


def _london(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


RANGES = (
    Filters(),
    Filters(_utc(date(2026, 6, 15)), _utc(date(2026, 7, 1))),
    Filters(_london(date(2026, 6, 15)), _london(date(2026, 7, 1))),
    Filters(_london(date(2026, 6, 20)), None),
    Filters(None, _london(date(2026, 7, 1))),
    Filters(_london(date(2026, 6, 10)), _london(date(2026, 7, 20)), team="waste"),
    Filters(_london(date(2026, 6, 10)), _london(date(2026, 7, 20)), topic="bins"),
    Filters(
        _utc(date(2026, 7, 2)) + timedelta(hours=9), _utc(date(2026, 7, 2)) + timedelta(hours=15)
    ),
    Filters(_london(date(2026, 7, 10)), _london(date(2026, 7, 1))),  # inverted
    Filters(_london(date(2025, 1, 1)), _london(date(2025, 2, 1))),  # no data
)


def _store(conn: Connection) -> list[str]:
    conversations: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    assignments: list[dict[str, Any]] = []
    for conv in generate(TODAY, rng_seed=11, advisors=[7], days=40):
        if conv.assignment is not None:
            assignments.append({
                "conversation_id": conv.id, "user_id": 7, "team": conv.team,
                "started_at": conv.assignment[0], "ended_at": conv.assignment[1],
                "end_reason": "closed", "read_seq": 0,
            })  # fmt: skip
        conversations.append({
            "id": conv.id, "created_at": conv.created_at, "updated_at": conv.created_at,
            "state": "closed", "last_seq": len(conv.events), "language": conv.language,
            "page_url": "", "verified_refs": "", "team": conv.team, "priority": "normal",
            "requeued": False, "declined_by": "", "closed_at": conv.closed_at,
            "rating": conv.rating,
        })  # fmt: skip
        events.extend(conv.events)
    conn.execute(insert(ho.conversations), conversations)
    conn.execute(insert(ho.events), events)
    conn.execute(insert(ho.assignments), assignments)
    ids = [c["id"] for c in conversations]
    for conversation_id in ids:
        store.record(conn, conversation_id)
    return ids


ROLLUPS = (im.insight_daily, im.insight_daily_waits, im.insight_daily_intents,
           im.insight_daily_peaks)  # fmt: skip


def _rollup_rows(conn: Connection) -> list[list[Any]]:
    return [[tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key))] for t in ROLLUPS]


def _close_enough(rolled: int | None, raw: int | None) -> bool:
    if raw is None or rolled is None:
        return rolled == raw
    return wait_bucket(raw) <= rolled <= raw and raw - rolled < wait_bucket_width(raw)


def _same(rolled: dict[str, Any], raw: dict[str, Any]) -> None:
    assert rolled.keys() == raw.keys()
    for key in WAITS:
        assert _close_enough(rolled[key], raw[key]), (key, rolled[key], raw[key])
    for language, figures in raw["by_language"].items():
        for key in WAITS:
            assert _close_enough(rolled["by_language"][language][key], figures[key])

    def exact(s: dict[str, Any]) -> dict[str, Any]:
        by_language = {
            lang: {k: v for k, v in f.items() if k not in WAITS}
            for lang, f in s["by_language"].items()
        }
        return {
            **{k: v for k, v in s.items() if k not in WAITS},
            "by_language": by_language,
        }

    assert exact(rolled) == exact(raw)


def _check(insight: Insight) -> list[int]:
    totals = []
    for filters in RANGES:
        for granularity in ("day", "week", "month"):
            raw = insight.summary(filters, granularity, source="raw")
            _same(insight.summary(filters, granularity), raw)
        with insight.engine.connect() as conn:
            raw_peak = store.peak_chats(conn, filters)
        assert insight.concurrency(filters, raw)["peak_concurrent"] == raw_peak
        totals.append(raw["conversations"])
    with insight.engine.begin() as conn:
        kept = _rollup_rows(conn)
        store.rebuild_rollup(conn)
        assert _rollup_rows(conn) == kept  # kept in step == rebuilt from scratch
    return totals


def test_the_rollup_equals_the_raw_computation_through_rerecording_and_purge(database) -> None:  # type: ignore[no-untyped-def]
    engine = database.engine
    insight = Insight(engine, Costs())
    with engine.begin() as conn:
        ids = _store(conn)
    totals = _check(insight)
    assert totals[0] == len(ids) > 500
    assert totals[-1] == 0 and totals[-2] == 0  # inverted, no data: empty, not an error
    assert insight.summary(RANGES[1])["wait_p90_s"] is not None  # waits were compared
    assert len(insight.summary(RANGES[1])["top_intents"]) > 5  # and intents
    assert insight.concurrency(RANGES[1])["peak_concurrent"] > 1  # and overlapping chats
    assert insight.summary(RANGES[1])["advisor_concurrency_mean"] > 1

    # re-recording: the same outcome twice counts once; a changed one moves
    with engine.begin() as conn:
        for conversation_id in ids[:50]:
            store.record(conn, conversation_id)
        moved = ids[50:200:3]
        conn.execute(
            update(ho.conversations)
            .where(ho.conversations.c.id.in_(moved))
            .values(team="revenues", language="cy")
        )
        for conversation_id in moved:
            later = conn.execute(
                select(ho.conversations.c.created_at).where(
                    ho.conversations.c.id == conversation_id
                )
            ).scalar_one() + timedelta(days=3, hours=5)
            conn.execute(
                update(ho.conversations)
                .where(ho.conversations.c.id == conversation_id)
                .values(created_at=later)
            )
            store.record(conn, conversation_id)
    assert _check(insight)[0] == len(ids)

    # the retention purge: conversations and events gone, outcomes (and rollup) kept
    with engine.begin() as conn:
        conn.execute(delete(ho.events).where(ho.events.c.conversation_id.in_(ids[::2])))
        conn.execute(delete(ho.assignments).where(ho.assignments.c.conversation_id.in_(ids[::2])))
        conn.execute(delete(ho.conversations).where(ho.conversations.c.id.in_(ids[::2])))
        for conversation_id in ids[:20]:
            store.record(conn, conversation_id)  # a purged one: nothing to recompute, kept
    assert _check(insight)[0] == len(ids)


def test_wait_buckets_have_the_stated_edges() -> None:
    assert [wait_bucket(s) for s in (0, 1, 59, 60, 64, 65, 299, 300, 314, 899, 900, 3599)] == [
        0, 1, 59, 60, 60, 65, 295, 300, 300, 885, 900, 3540,
    ]  # fmt: skip
    assert wait_bucket(3600) == 3600 and wait_bucket(7499) == 7200
    assert [wait_bucket_width(s) for s in (59, 60, 300, 900, 3600)] == [1, 5, 15, 60, 300]


def _planner_rows(conn: Connection, table: str) -> int | None:
    """How many rows the database's planner believes ``table`` holds (its statistics)."""
    if conn.dialect.name == "postgresql":
        found = conn.execute(
            text("SELECT reltuples FROM pg_class WHERE relname = :t"), {"t": table}
        ).scalar_one()
        return int(found)
    stats = conn.execute(text("SELECT stat FROM sqlite_stat1 WHERE tbl = :t"), {"t": table})
    first = stats.scalars().first()
    return int(first.split()[0]) if first else None


def test_a_rebuilt_rollup_gives_the_planner_its_real_size(database) -> None:  # type: ignore[no-untyped-def]
    # Without it PostgreSQL kept the statistics of the empty tables the migration made
    # and read a year of intents by a bitmap scan and an on-disk sort (543 ms, 15 after).
    t0 = _utc(date(2026, 6, 1))
    outcomes = [
        {
            "conversation_id": f"s{n:031d}", "started_at": t0 + timedelta(hours=n),
            "closed_at": t0 + timedelta(hours=n, minutes=5), "language": "cy" if n % 4 else "en",
            "team": ("waste", "revenues", None)[n % 3], "topic": f"topic-{n % 7}",
            "outcome": "handed_over" if n % 2 else "contained",
            "reason": "asked" if n % 2 else None, "wait_seconds": n % 2 * (n % 900) or None,
            "advisor_peak_chats": n % 2 * (1 + n % 3) or None,
        }
        for n in range(400)
    ]  # fmt: skip
    intents = [
        {"conversation_id": f"s{n:031d}", "intent": f"intent_{(n + k) % 9}", "messages": 1,
         "confidence_milli": 800}
        for n in range(400) for k in range(2)
    ]  # fmt: skip
    with database.engine.begin() as conn:
        conn.execute(insert(im.conversation_outcomes), outcomes)
        conn.execute(insert(im.conversation_intents), intents)
        store.rebuild_rollup(conn)
    tables = (im.insight_daily, im.insight_daily_waits, im.insight_daily_intents,
              im.insight_daily_peaks)  # fmt: skip
    with database.engine.connect() as conn:
        for table in tables:
            stored = conn.execute(select(func.count()).select_from(table)).scalar_one()
            assert stored > 10, table.name
            assert _planner_rows(conn, table.name) == stored, table.name
