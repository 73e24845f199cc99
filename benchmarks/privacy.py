"""The retention purge and a subject access export, on PostgreSQL.

    .venv/bin/python benchmarks/privacy.py [--postgres URL] [--events 1000000]

1. Fills a throwaway database with ``--events`` expired chat messages (100 per
   conversation, closed 400 days ago) and purges them with the product's purge
   (``privacy.purge.purge``, default batch size), reporting rows per second.
   Beside the purge, a live-traffic loop runs what a chat message costs the
   database (insert an event into an open conversation, read its last 50
   events) and its p95 is compared with the same loop without the purge.
   This loop stands in for the handoff load benchmark (websockets, bot relay),
   which does not fit beside a million-row purge on this two-core machine in
   the time this benchmark may take; the database is what the two share.
2. Exports everything held about a resident with 50 conversations (20 messages
   each) with ``privacy.subject.export``.

Targets (issue 14): purge >= 20,000 rows/s; live p95 not raised by more than
20 %; export <= 2 s. Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

# the repository first: this script's own name would otherwise hide the privacy package
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import describe_machine, percentile, target
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.engine import make_url

from frontdoor.clock import fixed_clock
from frontdoor.db import make_engine
from frontdoor.migrate import upgrade
from handoff import models as ho
from privacy.purge import purge
from privacy.settings import PrivacySettings
from privacy.subject import export

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
PER_CONVERSATION = 100


def fill_expired(engine: Engine, events: int) -> None:
    conversations = max(1, events // PER_CONVERSATION)
    closed = NOW - timedelta(days=400)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ho_conversations (id, created_at, updated_at, state, last_seq, "
                "language, page_url, verified_refs, requeued, priority, declined_by, closed_at) "
                "SELECT md5('old' || i), :closed, :closed, 'closed', :per, 'en', '', '', false, "
                "'normal', '', :closed FROM generate_series(1, :n) AS i"
            ),
            {"closed": closed, "per": PER_CONVERSATION, "n": conversations},
        )
        conn.execute(
            text(
                "INSERT INTO ho_events (conversation_id, seq, kind, audience, author, data, at, "
                "bot_pending) SELECT md5('old' || i), s, 'message', 'all', 'resident', "
                '\'{"text": "where is my bin"}\', :closed, false '
                "FROM generate_series(1, :n) AS i, generate_series(1, :per) AS s"
            ),
            {"closed": closed, "per": PER_CONVERSATION, "n": conversations},
        )
        conn.execute(text("ANALYZE"))


def live_conversation(engine: Engine) -> str:
    cid = uuid.uuid4().hex
    with engine.begin() as conn:
        conn.execute(
            insert(ho.conversations).values(
                id=cid,
                created_at=NOW,
                updated_at=NOW,
                state="with_advisor",
                last_seq=0,
                language="en",
                page_url="",
                verified_refs="",
                requeued=False,
                priority="normal",
                declined_by="",
            )
        )
    return cid


def live_loop(engine: Engine, cid: str, stop: threading.Event, seconds: float) -> list[float]:
    """One chat message's database work, again and again: append, read the tail."""
    latencies: list[float] = []
    seq = 0
    deadline = time.perf_counter() + seconds
    while not stop.is_set() and time.perf_counter() < deadline:
        seq += 1
        started = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(
                insert(ho.events).values(
                    conversation_id=cid,
                    seq=seq,
                    kind="message",
                    audience="all",
                    author="resident",
                    data={"text": f"message {seq}"},
                    at=NOW,
                    bot_pending=False,
                )
            )
            conn.execute(
                select(ho.events.c.seq)
                .where(ho.events.c.conversation_id == cid)
                .order_by(ho.events.c.seq.desc())
                .limit(50)
            ).all()
        latencies.append(time.perf_counter() - started)
        time.sleep(0.01)  # a busy chat, not a tight loop
    return latencies


def resident_with_conversations(engine: Engine, count: int) -> None:
    from tests.integration.privacy import factories

    factories.resident(engine)
    for n in range(count):
        factories.conversation(
            engine,
            closed_at=NOW - timedelta(days=n + 1),
            events=20,
            refs="CT40012345",
            resident="R0001",
            text="my council tax balance please",
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("FRONTDOOR_TEST_POSTGRES_URL", ""))
    parser.add_argument("--events", type=int, default=1_000_000)
    args = parser.parse_args()
    if not args.postgres:
        print("give --postgres URL (or FRONTDOOR_TEST_POSTGRES_URL)", file=sys.stderr)
        return 2
    print(describe_machine())
    name = f"fdbench_privacy_{uuid.uuid4().hex[:8]}"
    admin = make_engine(args.postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url, pool_size=4)
    try:
        upgrade(engine)
        settings = PrivacySettings.load({})
        cid = live_conversation(engine)
        baseline = live_loop(engine, cid, threading.Event(), 15.0)

        started = time.perf_counter()
        fill_expired(engine, args.events)
        print(f"filled {args.events:,} expired events in {time.perf_counter() - started:.1f} s")

        busy = live_conversation(engine)
        during: list[float] = []
        stop = threading.Event()
        worker = threading.Thread(
            target=lambda: during.extend(live_loop(engine, busy, stop, 3600.0)), daemon=True
        )
        worker.start()
        started = time.perf_counter()
        results = purge(engine, settings, clock=fixed_clock(NOW))
        elapsed = time.perf_counter() - started
        stop.set()
        worker.join()
        rows = sum(r.rows for r in results)
        with engine.connect() as conn:
            left = conn.scalar(select(func.count()).select_from(ho.events)) or 0
        rate = rows / elapsed
        p95_base = percentile([v * 1000 for v in baseline], 0.95)
        p95_during = percentile([v * 1000 for v in during], 0.95)
        print(f"purge: {rows:,} rows in {elapsed:.1f} s = {rate:,.0f} rows/s ({left} live left)")
        print(
            f"live p95: {p95_base:.1f} ms without the purge (n={len(baseline)}), "
            f"{p95_during:.1f} ms during it (n={len(during)})"
        )

        resident_with_conversations(engine, 50)
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            export(engine, "CT40012345", Path(folder) / "bundle", actor="benchmark")
            export_seconds = time.perf_counter() - started
        print(f"subject access export, 50 conversations x 20 messages: {export_seconds:.2f} s")

        ok = [
            target("purge >= 20,000 rows/s", rate >= 20_000),
            target("live p95 raised by <= 20%", p95_during <= p95_base * 1.2),
            target("export <= 2 s", export_seconds <= 2.0),
            target(
                "purge left only the live conversation's events",
                left == len(during) + len(baseline),
            ),
        ]
        return 0 if all(ok) else 1
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
