"""The durable write path alone: one transaction per message, then group commit.

``--senders`` clients each store ``--messages`` resident messages one after another
(each waits for its acknowledgement, as a socket does), first with one transaction
per message (the path before issue #12), then through ``handoff.groupcommit``
(messages arriving together share a transaction), on the same fresh database, in
the same run; with ``--rate`` the senders are paced (each sends its next message
when its turn comes, as chats do at a steady rate, so batches stay as small as the
traffic makes them) instead of sending again at once after each acknowledgement.
No sockets, no fan-out: what the store can take. Reported: messages
stored per second, per-message latency (p50/p95), this process's CPU time per
message (the figure that holds on a machine shared with other work: wall-clock
rates there depend on how many runnable threads each process has), batch sizes,
and on PostgreSQL with ``--round-trips`` the round trips to the server per batch
and per message (libpq's protocol trace of every pooled connection: a round trip
is a run of messages to the server answered by a run from it; the trace costs CPU,
so CPU figures from such a run are not comparable). The engine is made as the
service makes it (``pool_pre_ping=False``, pinged only after sitting idle).
Target: group commit ≥ 1,000 messages/s on SQLite, ≥ 600 on PostgreSQL.

    .venv/bin/python benchmarks/handoff_commit.py [--database-url postgresql://…] [--rate R] \
        [--writers N] [--round-trips]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import anyio
import psycopg
from sqlalchemy import Engine, event

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import describe_machine, percentile, target

from frontdoor.db import make_engine
from frontdoor.migrate import upgrade
from handoff import lifecycle
from handoff.groupcommit import GroupWriter
from handoff.store import SqlStore, Store
from handoff.store.pinging import ping_when_idle


class RoundTrips:
    """Counts round trips on every connection of a PostgreSQL engine (libpq trace)."""

    def __init__(self, engine: Engine, folder: Path) -> None:
        self.folder, self.files = folder, []

        def connected(dbapi_connection: Any, _record: Any) -> None:
            trace = open(self.folder / f"trace-{len(self.files)}.txt", "w")  # noqa: SIM115
            self.files.append(trace)
            dbapi_connection.pgconn.trace(trace.fileno())
            dbapi_connection.pgconn.set_trace_flags(
                psycopg.pq.Trace.SUPPRESS_TIMESTAMPS | psycopg.pq.Trace.REGRESS_MODE
            )

        event.listen(engine, "connect", connected)

    def count(self) -> int:
        trips = 0
        for trace in self.files:
            trace.flush()
            side = "B"
            for line in Path(trace.name).read_text().splitlines():
                if line[:1] == "F" and side == "B":
                    trips += 1
                side = line[:1] or side
        return trips


async def load(
    store: Store,
    senders: int,
    messages: int,
    grouped: bool,
    writers: int | None,
    trips: RoundTrips | None,
    rate: float,
) -> tuple[float, float, list, int]:
    chats = [
        store.create_conversation(language="en", page_url="", identity_token=None).id
        for _ in range(senders)
    ]
    writer = GroupWriter(store, writers=writers, on_batch=batches.append) if grouped else None
    latencies: list[float] = []

    period = senders / rate if rate else 0.0  # seconds between one sender's messages
    loop = asyncio.get_running_loop()

    async def sender(chat: str, phase: float) -> None:
        first = loop.time() + phase * period
        for number in range(messages):
            if period:  # paced: the next message when its turn comes (at once if late)
                await asyncio.sleep(max(0.0, first + number * period - loop.time()))
            args = (chat,)
            kwargs = {"client_id": uuid.uuid4().hex, "text": f"message {number}", "payload": None}
            asked = time.perf_counter()
            if writer is not None:
                await writer.run(chat, lifecycle.resident_message, *args, **kwargs)
            else:
                await anyio.to_thread.run_sync(
                    functools.partial(lifecycle.resident_message, store, *args, **kwargs)
                )
            latencies.append(time.perf_counter() - asked)

    trips_before = trips.count() if trips else 0
    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(sender(chat, n / senders) for n, chat in enumerate(chats)))
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return seconds, cpu, latencies, (trips.count() - trips_before if trips else 0)


batches: list[int] = []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--senders", type=int, default=200)
    parser.add_argument("--messages", type=int, default=20, help="per sender")
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    parser.add_argument("--writers", type=int, default=None, help="group commit's writers")
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="messages/s offered in all, spread evenly over the senders "
        "(default 0: each sends its next message as soon as the last is acknowledged)",
    )
    parser.add_argument(
        "--round-trips", action="store_true", help="PostgreSQL: count round trips (costs CPU)"
    )
    args = parser.parse_args()
    print(describe_machine())
    print("load average at start: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    with tempfile.TemporaryDirectory(prefix="handoff-commit-") as workdir:
        url = args.database_url or f"sqlite:///{Path(workdir) / 'commit.db'}"
        backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        upgrade(make_engine(url))
        engine = make_engine(url, pool_pre_ping=False)  # as handoff.app makes it
        if backend == "PostgreSQL":
            ping_when_idle(engine)
        counting = args.round_trips and backend == "PostgreSQL"
        trips = RoundTrips(engine, Path(workdir)) if counting else None
        store = SqlStore(engine)
        total = args.senders * args.messages
        print(
            f"handoff commit: {args.senders} senders x {args.messages} messages = {total}, "
            f"each waiting for its ack, {backend}, "
            + (f"offered at {args.rate:,.0f} messages/s" if args.rate else "as fast as acked")
        )
        rates = {}
        for label, grouped in (("one transaction per message", False), ("group commit", True)):
            batches.clear()
            seconds, cpu, latencies, made = asyncio.run(
                load(store, args.senders, args.messages, grouped, args.writers, trips, args.rate)
            )
            if trips is not None:
                per = f"{made / len(batches):.2f} per batch, " if grouped else ""
                print(f"  {label}: round trips {per}{made / total:.2f} per message")
            rates[grouped] = total / seconds
            print(
                f"  {label}: {total / seconds:,.0f} messages/s; latency p50 "
                f"{percentile(latencies, 0.5) * 1000:.1f} ms, "
                f"p95 {percentile(latencies, 0.95) * 1000:.1f} ms; "
                f"{cpu / total * 1000:.2f} ms of this process's CPU per message"
            )
        sizes = Counter(batches)
        print(
            f"  group commit batches: {len(batches)}, mean {sum(batches) / len(batches):.1f} "
            f"messages, largest {max(batches)}; most common {sizes.most_common(3)}"
        )
        engine.dispose()
    floor = 1000 if backend == "SQLite" else 600
    ok = target(f"group commit ≥ {floor} messages/s ({backend})", rates[True] >= floor)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
