"""The retention purge beside live chat, and a subject access export, on PostgreSQL.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/privacy.py --postgres URL [--events 1000000]

1. Fills a throwaway database with ``--events`` expired chat messages (100 per
   conversation, closed 400 days ago).
2. Starts the handoff load benchmark with its defaults (``handoff_load.py``:
   one handoff instance, 1,000 residents, 20 advisors with cap 3, so 60 live
   chats, a message every ~3 s each way) on the same database, and measures
   resident→advisor latency for ``--baseline`` seconds without the purge, then
   while the product's purge runs (``privacy.purge.purge`` with the default
   settings, in its own process as the stack's scheduler runs it), then
   ``--after`` seconds once it has finished.
3. Exports everything held about a resident with 50 conversations (20 messages
   each) with ``privacy.subject.export``.

Targets (issue 14): purge >= 20,000 rows/s and live p95 raised by no more
than 20 % during it, in the same run; export <= 2 s. Exits 1 when one is missed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

# the repository first: this script's own name would otherwise hide the privacy package
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(1, str(Path(__file__).resolve().parent))

import httpx
from handoff_load import (
    LIMITS,
    Advisor,
    Resident,
    Stats,
    chat_loop,
    close_clients,
    keepalive,
    ms,
)
from machine import describe_machine, percentile, target
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from frontdoor.db import make_engine
from handoff import models as ho
from handoff.devserver import ServerProcess, prepare_database
from privacy.subject import export

HERE = Path(__file__).resolve().parent
PER_CONVERSATION = 100
PURGE = """
import json, sys, time
from frontdoor.db import make_engine
from privacy.purge import Pacer, purge
from privacy.settings import PrivacySettings
settings = PrivacySettings.load()
engine = make_engine(settings.database_url)
pacer = Pacer.from_settings(settings)
started = time.perf_counter()
results = purge(engine, settings, pacer=pacer)
elapsed = time.perf_counter() - started
print(json.dumps({"rows": sum(r.rows for r in results), "seconds": elapsed,
                  "rested": pacer.rested, "by_class": {r.name: r.rows for r in results}}))
"""


def fill_expired(engine: Engine, events: int, closed: datetime) -> None:
    conversations = max(1, events // PER_CONVERSATION)
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
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def expired_events(engine: Engine, closed: datetime) -> int:
    with engine.connect() as conn:
        query = select(func.count()).select_from(ho.events).where(ho.events.c.at <= closed)
        return conn.scalar(query) or 0


async def live_chat(args: argparse.Namespace, url: str, env: dict[str, str]) -> dict:
    """handoff_load's setup and traffic, in three phases: before, during and after
    the purge (which runs in its own process, started between the first two)."""
    logins = prepare_database(url, advisors=args.advisors)
    server_env = {
        "FRONTDOOR_DATABASE_URL": url,
        "FRONTDOOR_ENVIRONMENT": "test",
        "FRONTDOOR_SECRET_KEY": secrets.token_urlsafe(48),
        "FRONTDOOR_IDENTITY_SIGNING_KEY": secrets.token_urlsafe(48),
        "FRONTDOOR_BOT_SECRET": secrets.token_urlsafe(48),
        "FRONTDOOR_HANDOFF_DISPATCH_INTERVAL_SECONDS": "0.2",
        "FRONTDOOR_HANDOFF_ADVISOR_CAP": str(args.cap),
        **LIMITS,
    }
    workdir = tempfile.TemporaryDirectory(prefix="privacy-bench-")
    server = ServerProcess(server_env, log_path=f"{workdir.name}/server.log").start()
    stats = Stats()
    try:
        residents = [Resident(server.url, server.ws_url, stats) for _ in range(args.residents)]
        gate = asyncio.Semaphore(50)
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:

            async def create_one(resident: Resident) -> None:
                async with gate:
                    await resident.create(client)

            await asyncio.gather(*(create_one(r) for r in residents))

        async def open_one(resident: Resident) -> None:
            async with gate:
                await resident.open()

        await asyncio.gather(*(open_one(r) for r in residents))
        pings = [asyncio.create_task(keepalive(r.ws)) for r in residents]
        advisors = [Advisor(server.url, server.ws_url, login, stats) for login in logins]
        for advisor in advisors:  # one at a time: see the note on presence in main()'s output
            await advisor.open()
        live = residents[: args.advisors * args.cap]
        for start in range(0, len(live), args.advisors):
            for resident in live[start : start + args.advisors]:
                await resident.send({"type": "request_human"})
            await asyncio.wait_for(
                asyncio.gather(*(r.joined.wait() for r in live[start : start + args.advisors])),
                timeout=300,
            )
        for _ in range(100):
            if sum(len(a.chats) for a in advisors) >= len(live):
                break
            await asyncio.sleep(0.1)
        by_conversation = {r.conversation_id: r for r in live}

        def loops(until: float) -> list:
            resident_loops = [
                chat_loop(
                    lambda cid, r=r: r.send(
                        {"type": "message", "client_id": cid, "text": "My bin was not collected"}
                    ),
                    args.interval, until, stats, "r",
                )
                for r in live
            ]  # fmt: skip
            advisor_loops = [
                chat_loop(lambda cid, a=a, c=c: a.say(c, cid), args.interval, until, stats, "a")
                for a in advisors
                for c in a.chats
                if c in by_conversation
            ]
            return resident_loops + advisor_loops

        async def phase(seconds: float | None) -> tuple[list[float], float, dict]:
            """Traffic for ``seconds``, or for as long as the purge process runs."""
            stats.to_advisor, stats.to_resident, stats.delivered = [], [], 0
            stats.sent.clear()
            purge: dict = {}
            started = time.perf_counter()
            if seconds is not None:
                await asyncio.gather(*loops(started + seconds))
            else:
                tasks = [asyncio.ensure_future(c) for c in loops(started + 24 * 3600)]
                process = await asyncio.create_subprocess_exec(
                    sys.executable, "-c", PURGE, env=env, stdout=asyncio.subprocess.PIPE
                )
                out, _ = await process.communicate()
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                if process.returncode != 0:
                    raise SystemExit(f"the purge failed (exit {process.returncode})")
                purge = json.loads(out.decode().strip().splitlines()[-1])
            elapsed = time.perf_counter() - started
            await asyncio.sleep(1)  # let the last messages land
            return list(stats.to_advisor), elapsed, purge

        before = await phase(args.baseline)
        during = await phase(None)
        after = await phase(args.after) if args.after else ([], 0.0, {})
        for ping in pings:
            ping.cancel()
        await close_clients(residents, advisors)
        return {"before": before, "during": during, "after": after}
    finally:
        server.stop()
        workdir.cleanup()


def resident_with_conversations(engine: Engine, count: int) -> None:
    from tests.integration.privacy import factories

    factories.resident(engine)
    for n in range(count):
        factories.conversation(
            engine,
            closed_at=datetime.now(UTC) - timedelta(days=n + 1),
            events=20,
            refs="CT40012345",
            resident="R0001",
            text="my council tax balance please",
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("FRONTDOOR_TEST_POSTGRES_URL", ""))
    parser.add_argument("--events", type=int, default=1_000_000)
    # handoff_load.py's defaults: the live traffic is that benchmark's
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--advisors", type=int, default=20)
    parser.add_argument("--cap", type=int, default=3)
    parser.add_argument("--interval", type=float, default=3.0)
    parser.add_argument("--baseline", type=float, default=60.0, help="seconds without the purge")
    parser.add_argument("--after", type=float, default=30.0, help="seconds after it")
    args = parser.parse_args()
    if not args.postgres:
        print("give --postgres URL (or FRONTDOOR_TEST_POSTGRES_URL)", file=sys.stderr)
        return 2
    print(describe_machine())
    print("load average at start: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    name = f"fdbench_privacy_{uuid.uuid4().hex[:8]}"
    admin = make_engine(args.postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url, pool_size=2)
    try:
        from frontdoor.migrate import upgrade

        upgrade(engine)
        closed = datetime.now(UTC) - timedelta(days=400)
        started = time.perf_counter()
        fill_expired(engine, args.events, closed)
        print(f"filled {args.events:,} expired events in {time.perf_counter() - started:.1f} s")
        env = {**os.environ, "FRONTDOOR_DATABASE_URL": url, "PYTHONPATH": str(HERE.parent)}
        print(
            f"live traffic: handoff_load.py defaults ({args.residents} residents, "
            f"{args.advisors} advisors, cap {args.cap}, a message every ~{args.interval:.0f} s "
            f"each way), PostgreSQL, one instance, loopback"
        )
        result = asyncio.run(live_chat(args, url, env))
        before, _, _ = result["before"]
        during, _, purged = result["during"]
        after, _, _ = result["after"]
        left = expired_events(engine, closed)
        rate = purged["rows"] / purged["seconds"]
        print(
            f"purge: {purged['rows']:,} rows in {purged['seconds']:.1f} s = {rate:,.0f} rows/s "
            f"(rested {purged['rested']:.1f} s of it; {left} expired events left) "
            f"{purged['by_class']}"
        )
        p95_before = percentile(before, 0.95) * 1000
        p95_during = percentile(during, 0.95) * 1000
        for label, values in (("before", before), ("during", during), ("after", after)):
            print(
                f"resident→advisor {label} the purge: p50 {ms(values, 0.5)}, "
                f"p95 {ms(values, 0.95)}, p99 {ms(values, 0.99)}, n={len(values)}"
            )

        resident_with_conversations(engine, 50)
        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            export(engine, "CT40012345", Path(folder) / "bundle", actor="benchmark")
            export_seconds = time.perf_counter() - started
        print(f"subject access export, 50 conversations x 20 messages: {export_seconds:.2f} s")

        ok = [
            target("purge >= 20,000 rows/s", rate >= 20_000),
            target(
                f"live p95 raised by <= 20% ({p95_during / p95_before - 1:+.0%})",
                p95_during <= p95_before * 1.2,
            ),
            target("export <= 2 s", export_seconds <= 2.0),
            target("the purge left no expired event", left == 0),
        ]
        return 0 if all(ok) else 1
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.exit(main())
