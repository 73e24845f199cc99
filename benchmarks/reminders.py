"""A round's bin-day reminders, from subscriptions to the local GOV.UK Notify server.

    .venv/bin/python benchmarks/reminders.py [--addresses 2000] [--postgres URL]

A round of 2,000 addresses (one back-office round, collected on Tuesdays), each
with a confirmed subscription (requested, then confirmed through its signed
link: the set-up, not timed). Timed: the scheduler's evening-before run
(Monday 18:05, Europe/London) queues one reminder per address into the outbox
under ``bin:{subscription}:{day}``; a sender process sends them with the real
``notifications-python-client`` to the local Notify server (which checks every
request's JWT) and is killed with SIGKILL part-way through; then the stack
"restarts": the scheduler runs again (it must queue nothing new) and a second
sender takes over once the dead one's lease has run out. Baseline, in the same
run: queueing the same number of plain messages straight into the outbox (what
the scheduler's look-ups cost on top). Target (issue #16): the round in <= 60 s,
zero duplicates, zero skipped. Exits 1 on a miss.
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
from datetime import date, datetime, timedelta
from pathlib import Path

# the repository first: this script's own folder would otherwise come first
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import describe_machine, target
from sqlalchemy import text
from sqlalchemy.engine import make_url

from backoffice.ports import BinService, BinType, Frequency, Property, Round
from backoffice.sql import SqlLoader, demo_backoffice
from frontdoor.clock import LONDON, fixed_clock, system_clock
from frontdoor.db import make_engine, make_session_factory
from frontdoor.migrate import upgrade
from frontdoor.subscriptions import SubscriptionRequest
from notify import outbox
from notify.adapters import GovukNotify, OutboxOnly
from notify.localnotify import LocalNotify, RunningServer, make_api_key
from notify.outbox import OutboxNotifications
from notify.ports import Message
from notify.sender import Policy, send_due
from notify.subscriptions import MessageSettings, Subscriptions

LEASE = timedelta(minutes=5)
POLICY = Policy(batch=100, lease=LEASE, workers=8)
COLLECTION_DAY = date(2026, 3, 10)  # a Tuesday with no bank holiday near it
EVENING = datetime(2026, 3, 9, 18, 5, tzinfo=LONDON)
SETTINGS = MessageSettings(
    site_url="https://council.example", council_name="The Council",
    secret="benchmark-secret-" + uuid.uuid4().hex,
)  # fmt: skip


def worker(database_url: str, base_url: str) -> None:
    """The first sender (run in a child process): sends until it is killed."""
    notifier = GovukNotify(os.environ["BENCH_NOTIFY_KEY"], base_url=base_url, timeout=10)
    send_due(make_engine(database_url), notifier, system_clock, POLICY)


def load_round(engine, addresses: int) -> list[str]:  # type: ignore[no-untyped-def]
    uprns = [f"9{n:011d}" for n in range(addresses)]
    homes = [
        Property(uprn=u, address_lines=(f"{n + 1} Bench Street",), town="Benchtown",
                 postcode=f"BF9 {n % 10}{'ABDEFGHJ'[n // 10 % 8]}{'ABDEFGHJLN'[n // 80 % 10]}",
                 ward="Bench")
        for n, u in enumerate(uprns)
    ]  # fmt: skip
    with make_session_factory(engine).begin() as session:
        loader = SqlLoader(session)
        loader.add_properties(homes)
        loader.add_rounds([Round("TUE-B", "Tuesday round B", 1, (BinType.REFUSE,))])
        loader.add_bin_services(
            [BinService(u, BinType.REFUSE, "TUE-B", 1, Frequency.WEEKLY) for u in uprns]
        )
    return uprns


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addresses", type=int, default=2000)
    parser.add_argument("--kill-after", type=float, default=0.4, help="fraction sent before")
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database is made)")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(*args.worker)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        made: list[str] = []
        admin = None
        if args.postgres:
            name = f"bench_reminders_{uuid.uuid4().hex[:8]}"
            admin = make_engine(args.postgres, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            made.append(name)
            url = make_url(args.postgres).set(database=name).render_as_string(False)
        else:
            url = f"sqlite:///{Path(folder) / 'reminders.db'}"
        engine = make_engine(url)
        try:
            return run(engine, url, args)
        finally:
            engine.dispose()
            if admin is not None:
                with admin.connect() as conn:
                    for name in made:
                        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))


def run(engine, url: str, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    upgrade(engine)
    uprns = load_round(engine, args.addresses)
    backoffice = demo_backoffice(engine)

    def service() -> Subscriptions:  # a fresh one per "process", as after a restart
        return Subscriptions(engine, backoffice, OutboxNotifications(engine), SETTINGS)

    subscriptions = service()
    requested_at = EVENING - timedelta(days=3)
    for n, uprn in enumerate(uprns):
        wanted = SubscriptionRequest(channel="email", contact=f"resident{n}@example.org",
                                     topics=frozenset({"bins"}), uprn=uprn)  # fmt: skip
        subscriptions.request(wanted, now=requested_at)
    confirmations = outbox.page(engine, size=args.addresses).rows
    for row in confirmations:
        token = row.personalisation["confirm_url"].split("/subscriptions/")[1].split("/")[0]
        assert subscriptions.confirm(token, now=requested_at + timedelta(minutes=5))
    # the confirmations went out days ago (the outbox-only notifier marks them sent)
    send_due(engine, OutboxOnly(), fixed_clock(requested_at + timedelta(minutes=10)))

    # baseline: the same number of plain messages queued straight into the outbox
    started = time.perf_counter()
    for n in range(args.addresses):
        plain = Message("email", "baseline", f"resident{n}@example.org", f"baseline:{n}")
        outbox.enqueue(engine, plain, now=EVENING)
    baseline = time.perf_counter() - started
    with engine.begin() as conn:  # not part of the round
        conn.execute(text("DELETE FROM nt_outbox WHERE idempotency_key LIKE 'baseline:%'"))

    notify = LocalNotify(make_api_key())
    with RunningServer(notify) as server:
        started = time.perf_counter()
        first_run = service().run_due(now=EVENING)
        queued_at = time.perf_counter() - started
        env = {**os.environ, "BENCH_NOTIFY_KEY": notify.api_key}
        child = subprocess.Popen([sys.executable, __file__, "--worker", url, server.url], env=env)
        kill_at = int(args.addresses * args.kill_after)

        def crash(distinct: int) -> None:
            # killed after the server took a message and before it answered
            if distinct == kill_at:
                child.send_signal(signal.SIGKILL)

        notify.on_record = crash
        child.wait()
        notify.on_record = None
        at_kill = len(notify.received)
        # the restart: the scheduler's next turn, then a sender after the lease ran out
        second_run = service().run_due(now=EVENING + timedelta(minutes=5))
        after_lease = lambda: system_clock() + LEASE  # noqa: E731
        notifier = GovukNotify(notify.api_key, base_url=server.url, timeout=10)
        outcome = send_due(engine, notifier, after_lease, POLICY)
        elapsed = time.perf_counter() - started
    expected = {f"bin:{row.id}:{COLLECTION_DAY.isoformat()}" for row in subscriptions.active()}
    received = set(notify.received)
    duplicates = notify.duplicates()
    skipped = expected - received
    print(describe_machine())
    print(f"database: {engine.dialect.name}; addresses in the round: {args.addresses}")
    print(f"baseline: {args.addresses} plain messages queued in {baseline:.1f} s")
    print(f"scheduler's evening run: {first_run.line()} in {queued_at:.1f} s")
    print(f"killed the first sender after {at_kill} reminders reached the server")
    print(f"scheduler after the restart: {second_run.line()}")
    print(
        f"second sender: sent {outcome.sent}, found already delivered {outcome.recovered}, "
        f"retrying {outcome.retrying}, failed {outcome.failed}"
    )
    print(f"round: {elapsed:.1f} s, {args.addresses / elapsed:.0f} reminders/s")
    extra = received - expected
    print(f"duplicates: {len(duplicates)}; skipped: {len(skipped)}; extra: {len(extra)}")
    ok = target(f"round of {args.addresses} in <= 60 s", elapsed <= 60)
    ok &= target("zero duplicates across the restart", not duplicates)
    ok &= target("zero skipped", not skipped and received == expected)
    ok &= target("the restarted scheduler queued nothing new", second_run.queued == 0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
