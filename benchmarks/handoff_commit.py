"""The durable write path alone: one transaction per message, then group commit.

``--senders`` clients each store ``--messages`` resident messages one after another
(each waits for its acknowledgement, as a socket does), first with one transaction
per message (the path before issue #12), then through ``handoff.groupcommit``
(messages arriving together share a transaction), on the same fresh database, in
the same run. No sockets, no fan-out: what the store can take. Reported: messages
stored per second, per-message latency (p50/p95), this process's CPU time per
message (the figure that holds on a machine shared with other work: wall-clock
rates there depend on how many runnable threads each process has), batch sizes.
Target: group commit ≥ 1,000 messages/s on SQLite, ≥ 600 on PostgreSQL.

    .venv/bin/python benchmarks/handoff_commit.py [--database-url postgresql://…]
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

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import describe_machine, percentile, target

from frontdoor.db import make_engine
from frontdoor.migrate import upgrade
from handoff import lifecycle
from handoff.groupcommit import GroupWriter
from handoff.store import SqlStore, Store


async def load(
    store: Store, senders: int, messages: int, grouped: bool
) -> tuple[float, float, list]:
    chats = [
        store.create_conversation(language="en", page_url="", identity_token=None).id
        for _ in range(senders)
    ]
    writer = GroupWriter(store, on_batch=batches.append) if grouped else None
    latencies: list[float] = []

    async def sender(chat: str) -> None:
        for number in range(messages):
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

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(sender(chat) for chat in chats))
    return time.perf_counter() - started, time.process_time() - cpu, latencies


batches: list[int] = []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--senders", type=int, default=200)
    parser.add_argument("--messages", type=int, default=20, help="per sender")
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    args = parser.parse_args()
    print(describe_machine())
    print("load average at start: " + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    with tempfile.TemporaryDirectory(prefix="handoff-commit-") as workdir:
        url = args.database_url or f"sqlite:///{Path(workdir) / 'commit.db'}"
        backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
        engine = make_engine(url)
        upgrade(engine)
        store = SqlStore(engine)
        total = args.senders * args.messages
        print(
            f"handoff commit: {args.senders} senders x {args.messages} messages = {total}, "
            f"each waiting for its ack, {backend}"
        )
        rates = {}
        for label, grouped in (("one transaction per message", False), ("group commit", True)):
            batches.clear()
            seconds, cpu, latencies = asyncio.run(load(store, args.senders, args.messages, grouped))
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
