"""Insight's summary and dashboard queries at council scale, on SQLite and PostgreSQL.

    .venv/bin/python benchmarks/insight.py [--conversations 1000000]
        [--events-per-conversation 20] [--postgres URL] [--no-sqlite] [--target 1.0]

Fills fresh, migrated databases (SQL set-based inserts: ``generate_series`` on
PostgreSQL, a recursive CTE on SQLite) with one year of conversations (one in
20,000 still open), their events (a resident message, what the bot understood
of it, the bot's reply, in turn), their recorded outcomes with two intents each
and the messages left (7 in 100: a transcript naming a case in the back office,
moved on 1 to 48 hours later), then times, for the last month and the whole year: the summary (what
``GET /api/v1/insight/summary`` computes, top intents included), the
dashboard's data (summary plus knowledge, concurrency, pick-up figures, teams
and topics), both read from the daily rollup (rebuilt after the load, its time
printed), and a bare ``count(*)`` of the same outcome rows. "Cold" is the first
run on a fresh engine and connection after the load (the operating system's
page cache is not dropped: this sandbox cannot); "warm" is the median of five
more. It prints the plan of the query that finds open conversations, which must
use the partial index ``ix_ho_conversations_open``.
Exits 1 if a year's summary or dashboard on PostgreSQL (warm) takes longer than
--target, or if either database plans that query without the index.
"""

# ruff: noqa: E402 - imports follow the sys.path fix below
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

# This folder goes last on sys.path: its scripts (insight.py, backoffice.py) must not
# hide the packages of the same names that they measure.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE] + [str(_HERE)]

from machine import describe_machine
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from frontdoor.db import make_engine
from frontdoor.migrate import upgrade
from insight import models as im
from insight.report import Costs
from insight.service import Insight
from insight.store import Filters, open_conversations_query, rebuild_rollup

END = datetime(2026, 12, 1, tzinfo=UTC)
START = END - timedelta(days=365)
SPAN = int((END - START).total_seconds())

# outcome by (i * 19) % 100: 55 contained, 15 handed over, 5 abandoned, 7 left a
# message, the rest unresolved; Welsh every twelfth; five teams; twelve topics
OUTCOME_SQL = """
CASE WHEN ((i % 100) * 19) % 100 < 55 THEN 'contained'
     WHEN ((i % 100) * 19) % 100 < 70 THEN 'handed_over'
     WHEN ((i % 100) * 19) % 100 < 75 THEN 'abandoned_in_queue'
     WHEN ((i % 100) * 19) % 100 < 82 THEN 'left_message'
     ELSE 'unresolved' END"""


def _outcomes_select(n: int, moment: str, ident: str) -> str:
    return f"""
SELECT {ident}, {moment}, {moment}, CASE WHEN i % 12 = 0 THEN 'cy' ELSE 'en' END,
  CASE i % 5 WHEN 0 THEN 'waste' WHEN 1 THEN 'revenues' WHEN 2 THEN 'housing'
             WHEN 3 THEN 'planning' ELSE 'general' END,
  'topic-' || (i % 12), {OUTCOME_SQL},
  CASE WHEN ((i % 100) * 19) % 100 BETWEEN 55 AND 69 THEN
    CASE i % 4 WHEN 0 THEN 'asked' WHEN 1 THEN 'failed_twice' WHEN 2 THEN 'at_risk'
               ELSE 'out_of_scope' END END,
  2, 1, CASE WHEN i % 3 = 0 THEN 1 ELSE 0 END, CASE WHEN i % 7 = 0 THEN 1 ELSE 0 END,
  {{ooh}},
  CASE WHEN ((i % 100) * 19) % 100 BETWEEN 55 AND 69 THEN 5 + (i * 31) % 400 END,
  CASE WHEN ((i % 100) * 19) % 100 BETWEEN 70 AND 74 THEN 30 + (i * 17) % 600 END,
  CASE WHEN ((i % 100) * 19) % 100 BETWEEN 55 AND 69 THEN 120 + (i * 13) % 900 END,
  CASE WHEN ((i % 100) * 19) % 100 BETWEEN 55 AND 69 THEN 3 ELSE 0 END,
  CASE WHEN ((i % 100) * 19) % 100 BETWEEN 55 AND 69 AND i % 2 = 0 THEN 1 + i % 5 END,
  {{case}}, {{false}},
  CASE WHEN ((i % 100) * 19) % 100 BETWEEN 55 AND 69 THEN 1 + i % 4 END,
  CASE WHEN ((i % 100) * 19) % 100 BETWEEN 55 AND 69 THEN (120 + (i * 13) % 900) * 1000 END,
  CASE WHEN ((i % 100) * 19) % 100 BETWEEN 55 AND 69 THEN (120 + (i * 13) % 900) * 1000
       / (1 + i % 3) END
"""


INTENTS = ("ask_bin_day", "report_missed_bin", "ask_council_tax_balance", "ask_question",
           "ask_rent_balance", "book_bulky_waste", "ask_planning_status", "human", "affirm",
           "deny", "at_risk", "out_of_scope")  # fmt: skip
INTENT_SQL = (
    "CASE ((i * 7 + k * 5) % 12) "
    + " ".join(f"WHEN {n} THEN '{name}'" for n, name in enumerate(INTENTS))
    + " END"
)
OPEN_SQL = "i % 20000 = 0"  # still open: with the bot
# a message left (7 in 100): its transcript names a case, moved on 1 to 48 hours later
LEFT_SQL = f"((i % 100) * 19) % 100 BETWEEN 75 AND 81 AND NOT ({OPEN_SQL})"
CASE_COLUMNS = (
    "id, reference, case_type, status, summary, description, owning_team, created_at, "
    "target_date, channel"
)


def _left_inserts(
    ident: str, moment: str, later: str, day: str, series: str, source: str, ref: str
) -> list[str]:
    """Transcripts, cases and case events of the messages left (either database)."""
    return [
        f"{series} INSERT INTO ho_transcripts (conversation_id, created_at, text, "
        f"case_reference) SELECT {ident}, {moment}, 'benchmark', {ref} {source} WHERE {LEFT_SQL}",
        f"{series} INSERT INTO bo_cases ({CASE_COLUMNS}) SELECT i, {ref}, 'general_enquiry', "
        f"'in_progress', 'Message left in chat', '', 'Customer Services', {moment}, {day}, "
        f"'bot' {source} WHERE {LEFT_SQL}",
        f"{series} INSERT INTO bo_case_events (case_id, status, at, note, by) "
        f"SELECT i, 'received', {moment}, '', 'bot' {source} WHERE {LEFT_SQL}",
        f"{series} INSERT INTO bo_case_events (case_id, status, at, note, by) "
        f"SELECT i, 'in_progress', {later}, '', 'benchmark' {source} WHERE {LEFT_SQL}",
    ]


COLUMNS = (
    "conversation_id, started_at, closed_at, language, team, topic, outcome, reason, "
    "resident_messages, bot_answers, helpful_yes, helpful_no, out_of_hours, wait_seconds, "
    "abandon_seconds, handle_seconds, advisor_messages, rating, case_created, demo, "
    "advisor_peak_chats, advisor_chat_ms, advisor_busy_ms"
)


def fill_postgres(engine: Engine, n: int, per: int) -> None:
    moment = (
        f"timestamptz '{START.isoformat()}' + ((i::bigint * {SPAN}) / {n}) * interval '1 second'"
    )
    ident = "'b' || lpad(i::text, 31, '0')"
    body = _outcomes_select(n, moment, ident).format(
        ooh="(i % 9 = 0)", case=f"(({OUTCOME_SQL}) = 'left_message')", false="false"
    )
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL synchronous_commit = off"))
        # a bulk load of rows made consistent by construction: skip the per-row foreign
        # key checks (20 million look-ups otherwise dominate the load)
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(
            text(
                f"INSERT INTO ho_conversations (id, created_at, updated_at, state, last_seq, "
                f"language, page_url, verified_refs, priority, requeued, declined_by, closed_at) "
                f"SELECT {ident}, {moment}, {moment}, "
                f"CASE WHEN {OPEN_SQL} THEN 'bot' ELSE 'closed' END, {per}, 'en', '', '', "
                f"'normal', false, '', CASE WHEN {OPEN_SQL} THEN NULL ELSE {moment} END "
                f"FROM generate_series(1, {n}) i"
            )
        )
        conn.execute(
            text(
                f"INSERT INTO ho_events (conversation_id, seq, kind, audience, author, data, at, "
                f"bot_pending) SELECT {ident}, s, "
                f"CASE WHEN s % 3 = 2 THEN 'understood' ELSE 'message' END, "
                f"CASE WHEN s % 3 = 2 THEN 'advisors' ELSE 'all' END, "
                f"CASE s % 3 WHEN 1 THEN 'resident' WHEN 0 THEN 'bot' END, "
                f'CASE WHEN s % 3 = 2 THEN \'{{"intent": "ask_question", '
                f'"confidence": 0.9}}\'::json ELSE \'{{"text": "benchmark"}}\'::json END, '
                f"{moment} + s * interval '20 seconds', false "
                f"FROM generate_series(1, {n}) i, generate_series(1, {per}) s"
            )
        )
        conn.execute(
            text(
                f"INSERT INTO conversation_outcomes ({COLUMNS}) {body} "
                f"FROM generate_series(1, {n}) i WHERE NOT ({OPEN_SQL})"
            )
        )
        conn.execute(
            text(
                f"INSERT INTO conversation_intents (conversation_id, intent, messages, "
                f"confidence_milli) SELECT {ident}, {INTENT_SQL}, 1 + (i + k) % 2, "
                f"500 + (i * 37 + k) % 500 FROM generate_series(1, {n}) i, "
                f"generate_series(0, 1) k WHERE NOT ({OPEN_SQL})"
            )
        )
        later = f"{moment} + (1 + i % 48) * interval '1 hour'"
        day = f"({moment})::date"
        source = f"FROM generate_series(1, {n}) i"
        ref = "'BM' || lpad(i::text, 10, '0')"
        for statement in _left_inserts(ident, moment, later, day, "", source, ref):
            conn.execute(text(statement))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def fill_sqlite(engine: Engine, n: int, per: int) -> None:
    moment = (
        f"strftime('%Y-%m-%d %H:%M:%S', '{START:%Y-%m-%d %H:%M:%S}', "
        f"'+' || ((i * {SPAN}) / {n}) || ' seconds') || '.000000'"
    )
    ident = "'b' || substr('0000000000000000000000000000000' || i, -31, 31)"
    series = f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n})"
    body = _outcomes_select(n, moment, ident).format(
        ooh="(i % 9 = 0)", case=f"(({OUTCOME_SQL}) = 'left_message')", false="0"
    )
    with engine.begin() as conn:
        conn.execute(text("PRAGMA journal_mode = OFF"))
        conn.execute(text("PRAGMA synchronous = OFF"))
        conn.execute(
            text(
                f"{series} INSERT INTO ho_conversations (id, created_at, updated_at, state, "
                f"last_seq, language, page_url, verified_refs, priority, requeued, declined_by, "
                f"closed_at) SELECT {ident}, {moment}, {moment}, "
                f"CASE WHEN {OPEN_SQL} THEN 'bot' ELSE 'closed' END, {per}, 'en', '', '', "
                f"'normal', 0, '', CASE WHEN {OPEN_SQL} THEN NULL ELSE {moment} END FROM s"
            )
        )
        conn.execute(
            text(
                f"{series}, q(s) AS (SELECT 1 UNION ALL SELECT s + 1 FROM q WHERE s < {per}) "
                f"INSERT INTO ho_events (conversation_id, seq, kind, audience, author, data, at, "
                f"bot_pending) SELECT {ident}, q.s, "
                f"CASE WHEN q.s % 3 = 2 THEN 'understood' ELSE 'message' END, "
                f"CASE WHEN q.s % 3 = 2 THEN 'advisors' ELSE 'all' END, "
                f"CASE q.s % 3 WHEN 1 THEN 'resident' WHEN 0 THEN 'bot' END, "
                f'CASE WHEN q.s % 3 = 2 THEN \'{{"intent": "ask_question", '
                f'"confidence": 0.9}}\' ELSE \'{{"text": "benchmark"}}\' END, '
                f"{moment}, 0 FROM s, q"
            )
        )
        conn.execute(
            text(
                f"{series} INSERT INTO conversation_outcomes ({COLUMNS}) {body} FROM s "
                f"WHERE NOT ({OPEN_SQL})"
            )
        )
        conn.execute(
            text(
                f"{series}, kk(k) AS (SELECT 0 UNION ALL SELECT 1) "
                f"INSERT INTO conversation_intents (conversation_id, intent, messages, "
                f"confidence_milli) SELECT {ident}, {INTENT_SQL}, 1 + (i + k) % 2, "
                f"500 + (i * 37 + k) % 500 FROM s, kk WHERE NOT ({OPEN_SQL})"
            )
        )
        later = (
            f"strftime('%Y-%m-%d %H:%M:%S', '{START:%Y-%m-%d %H:%M:%S}', "
            f"'+' || ((i * {SPAN}) / {n} + 3600 * (1 + i % 48)) || ' seconds') || '.000000'"
        )
        day = f"substr({moment}, 1, 10)"
        for statement in _left_inserts(
            ident,
            moment,
            later,
            day,
            series,
            "FROM s",
            "'BM' || substr('0000000000' || i, -10, 10)",
        ):
            conn.execute(text(statement))
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))


def build_rollup(engine: Engine) -> int:
    with engine.begin() as conn:
        rows = rebuild_rollup(conn)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(
                text(
                    "VACUUM ANALYZE insight_daily, insight_daily_waits, insight_daily_intents, "
                    "insight_daily_peaks"
                )
            )
    else:
        with engine.connect() as conn:
            conn.execute(text("ANALYZE"))
    return rows


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def measure(url: str, label: str) -> dict[str, dict[str, float]]:
    month = Filters(END - timedelta(days=30), END)
    year = Filters(START, END)
    results: dict[str, dict[str, float]] = {}
    for span, filters in (("month", month), ("year", year)):
        for name in ("count(*)", "summary", "dashboard"):
            engine = make_engine(url)
            insight = Insight(engine, Costs())

            def run(
                name: str = name, filters: Filters = filters, insight: Insight = insight
            ) -> None:
                if name == "count(*)":
                    with insight.engine.connect() as conn:
                        where = [im.conversation_outcomes.c.started_at >= filters.start,
                                 im.conversation_outcomes.c.started_at < filters.end]  # fmt: skip
                        conn.execute(
                            select(func.count()).select_from(im.conversation_outcomes).where(*where)
                        ).scalar_one()
                    return
                summary = insight.summary(filters, "day")
                if name == "dashboard":
                    insight.knowledge(filters)
                    insight.concurrency(filters, summary)
                    insight.out_of_hours_pickup(filters)
                    insight.teams()
                    insight.topics()

            cold = _timed(run)
            warm = statistics.median(_timed(run) for _ in range(5))
            results[f"{span} {name}"] = {"cold": cold, "warm": warm}
            engine.dispose()
            print(f"  {label:10} {span:5} {name:9}  cold {cold * 1000:8.1f} ms   "
                  f"warm {warm * 1000:8.1f} ms", flush=True)  # fmt: skip
    return results


def _rollup(engine: Engine, label: str) -> None:
    rows = 0

    def run() -> None:
        nonlocal rows
        rows = build_rollup(engine)

    took = _timed(run)
    with engine.connect() as conn:
        waits = conn.execute(text("SELECT count(*) FROM insight_daily_waits")).scalar_one()
        intents = conn.execute(text("SELECT count(*) FROM insight_daily_intents")).scalar_one()
        peaks = conn.execute(text("SELECT count(*) FROM insight_daily_peaks")).scalar_one()
    print(f"  {label}: rebuilt the daily rollup ({rows:,} day rows, {waits:,} wait rows, "
          f"{intents:,} intent rows, {peaks:,} peak rows) in {took:.1f} s")  # fmt: skip


def open_plan(engine: Engine, label: str) -> bool:
    """Print how the database finds open conversations; True if it uses the partial index."""
    query = open_conversations_query(Filters())
    compiled = query.compile(engine)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            rows = conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params).scalars().all()
        else:
            rows = [
                r[-1]
                for r in conn.exec_driver_sql(
                    f"EXPLAIN QUERY PLAN {compiled}", tuple(compiled.params.values())
                )
            ]
        started = time.perf_counter()
        found = len(conn.execute(query).all())
        took = time.perf_counter() - started
    uses = any("ix_ho_conversations_open" in str(line) for line in rows)
    print(f"  {label}: open conversations not yet recorded: {found} in {took * 1000:.1f} ms; plan:")
    for line in rows:
        print(f"      {line}")
    print(f"  {label}: the plan {'uses' if uses else 'does NOT use'} ix_ho_conversations_open")
    return uses


def _counts(engine: Engine) -> str:
    with engine.connect() as conn:
        conversations = conn.execute(text("SELECT count(*) FROM ho_conversations")).scalar_one()
        events = conn.execute(text("SELECT count(*) FROM ho_events")).scalar_one()
        outcomes = conn.execute(text("SELECT count(*) FROM conversation_outcomes")).scalar_one()
        intents = conn.execute(text("SELECT count(*) FROM conversation_intents")).scalar_one()
        left = conn.execute(text("SELECT count(*) FROM ho_transcripts")).scalar_one()
        cases = conn.execute(text("SELECT count(*) FROM bo_cases")).scalar_one()
    pickup = Insight(engine, Costs()).out_of_hours_pickup(Filters(START, END))
    return (
        f"{conversations:,} conversations, {events:,} events, {outcomes:,} outcomes, "
        f"{intents:,} intent rows, {left:,} messages left with {cases:,} cases (a year: "
        f"{pickup['picked_up']:,} picked up, p50 {pickup['pickup_p50_h']} h, "
        f"p90 {pickup['pickup_p90_h']} h)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=1_000_000)
    parser.add_argument("--events-per-conversation", type=int, default=20)
    parser.add_argument("--postgres", default=os.environ.get("FRONTDOOR_TEST_POSTGRES_URL", ""))
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--target", type=float, default=1.0, help="seconds, a year on PostgreSQL")
    args = parser.parse_args()
    n, per = args.conversations, args.events_per_conversation
    print(describe_machine())
    print(f"insight: {n:,} conversations, {per} events each ({n * per:,} events), one year")
    verdict = 0
    if not args.no_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'insight.db'}"
            engine = make_engine(url)
            upgrade(engine)
            took = _timed(lambda: fill_sqlite(engine, n, per))
            print(f"  sqlite: loaded {_counts(engine)} in {took:.0f} s")
            _rollup(engine, "sqlite")
            verdict = verdict or (0 if open_plan(engine, "sqlite") else 1)
            engine.dispose()
            measure(url, "sqlite")
    if args.postgres and not args.no_postgres:
        name = f"insight_bench_{uuid.uuid4().hex[:8]}"
        admin = make_engine(args.postgres, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
        try:
            engine = make_engine(url)
            upgrade(engine)
            took = _timed(lambda: fill_postgres(engine, n, per))
            print(f"  postgresql: loaded {_counts(engine)} in {took:.0f} s")
            _rollup(engine, "postgresql")
            verdict = verdict or (0 if open_plan(engine, "postgresql") else 1)
            engine.dispose()
            results = measure(url, "postgresql")
            for name in ("year summary", "year dashboard"):
                took = results[name]["warm"]
                ok = took <= args.target
                print(f"  target: a {name} on PostgreSQL ≤ {args.target:.2f} s: "
                      f"{took:.3f} s warm, {'met' if ok else 'MISSED'}")  # fmt: skip
                verdict = verdict or (0 if ok else 1)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
    return verdict


if __name__ == "__main__":
    sys.exit(main())
