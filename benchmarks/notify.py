"""A round of reminders through the outbox to the local GOV.UK Notify server.

    .venv/bin/python benchmarks/notify.py [--messages 2000] [--postgres URL]

Enqueues one reminder per address (2,000 by default) into a fresh SQLite file
(or a throwaway PostgreSQL database with --postgres), then sends them with the
real ``notifications-python-client`` to the local Notify server (which checks
every request's JWT). The first sender is a separate process, killed with
SIGKILL part-way through the round (a crash, mid-batch); a second sender
takes over once the dead one's lease has expired. Reports messages/s, the
round's time, and the duplicates the server received across the restart.
Target (issue #16): the round in <= 60 s with zero duplicates. Exits 1 on a miss.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

# the repository first: this script's own name would otherwise hide the notify package
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import describe_machine, target
from sqlalchemy import text
from sqlalchemy.engine import make_url

from frontdoor.clock import system_clock
from frontdoor.db import make_engine
from frontdoor.migrate import upgrade
from notify import outbox
from notify.adapters import GovukNotify
from notify.localnotify import LocalNotify, RunningServer, make_api_key
from notify.ports import Message
from notify.sender import Policy, send_due

LEASE = timedelta(minutes=5)
POLICY = Policy(batch=100, lease=LEASE, workers=8)


def worker(database_url: str, base_url: str) -> None:
    """The first sender (run in a child process): sends until it is killed."""
    notifier = GovukNotify(os.environ["BENCH_NOTIFY_KEY"], base_url=base_url, timeout=10)
    send_due(make_engine(database_url), notifier, system_clock, POLICY)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--kill-after", type=float, default=0.4, help="fraction sent before")
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database is made)")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return 0

    with tempfile.TemporaryDirectory() as folder:
        schema = ""
        if args.postgres:
            schema = f"bench_notify_{uuid.uuid4().hex[:8]}"
            admin = make_engine(args.postgres, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{schema}"'))
            url = make_url(args.postgres).set(database=schema).render_as_string(False)
        else:
            url = f"sqlite:///{Path(folder) / 'notify.db'}"
        engine = make_engine(url)
        try:
            return run(engine, url, args)
        finally:
            engine.dispose()
            if schema:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE "{schema}" WITH (FORCE)'))


def run(engine, url: str, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    upgrade(engine)
    now = system_clock()
    for n in range(args.messages):
        message = Message(
            "email",
            "bin-reminder",
            f"resident{n}@example.org",
            f"bin-reminder:{n}:{now.date().isoformat()}",
            {"day": "Tuesday", "bins": "recycling"},
        )
        outbox.enqueue(engine, message, now=now)
    notify = LocalNotify(make_api_key())
    with RunningServer(notify) as server:
        started = time.perf_counter()
        env = {**os.environ, "BENCH_NOTIFY_KEY": notify.api_key}
        child = subprocess.Popen([sys.executable, __file__, "--worker", url, server.url], env=env)
        kill_at = int(args.messages * args.kill_after)

        def crash(distinct: int) -> None:
            # killed after the server took a message and before it answered:
            # the message is delivered but its row still says "sending"
            if distinct == kill_at:
                child.send_signal(signal.SIGKILL)

        notify.on_record = crash
        child.wait()
        notify.on_record = None
        at_kill = len(notify.received)
        # the dead sender's lease runs out; a new sender takes over
        after_lease = lambda: system_clock() + LEASE  # noqa: E731
        notifier = GovukNotify(notify.api_key, base_url=server.url, timeout=10)
        outcome = send_due(engine, notifier, after_lease, POLICY)
        elapsed = time.perf_counter() - started
    listed = outbox.page(engine, size=1)
    duplicates = notify.duplicates()
    print(describe_machine())
    print(f"database: {engine.dialect.name}; messages: {args.messages}")
    print(f"killed the first sender after {at_kill} messages reached the server")
    print(
        f"second sender: sent {outcome.sent}, found already delivered {outcome.recovered}, "
        f"retrying {outcome.retrying}, failed {outcome.failed}"
    )
    print(f"round: {elapsed:.1f} s, {args.messages / elapsed:.0f} messages/s")
    print(f"outbox: {dict(listed.counts)}; server received {len(notify.received)} distinct")
    ok = target(f"round of {args.messages} in <= 60 s", elapsed <= 60)
    ok &= target("zero duplicates across the restart", not duplicates)
    ok &= target(
        "every message sent once",
        listed.counts["sent"] == args.messages and len(notify.received) == args.messages,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
