"""Message -> reply latency through Rasa's REST channel, per kind of answer.

    .venv/bin/python benchmarks/bot_latency.py [--requests 100] [--train]

Starts the composed bot (knowledge API stub, action server, Rasa via
bot/serve.py) on a seeded SQLite back office, then times, one request at a
time:

- ``bare``: ``/restart`` (a built-in action: Rasa's own time, no NLU, no
  action server) - the floor every other figure sits on;
- ``plain``: "hello" (NLU + one custom action, no data);
- ``knowledge``: a question answered from the knowledge API;
- ``lookup``: a case status by reference (NLU + two actions + back-office queries).

Each is timed in a conversation whose session has started (an untimed
``/session_start`` first), as for every message but the first; the lookup is
also timed as a conversation's first message.

Target: p95 <= 150 ms for a lookup. Prints the machine and the load, since
these figures move with whatever else the machine is doing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from backoffice.world import build_world  # noqa: E402
from benchmarks.machine import describe_machine, percentile, target  # noqa: E402
from bottools import model as bot_model  # noqa: E402
from frontdoor.clock import london_today  # noqa: E402
from frontdoor.secrets import BOT_SECRET_HEADER  # noqa: E402
from tests.e2e.bot.stack import knowledge_stub, running_bot, seed_database  # noqa: E402
from tests.unit.bot.harness import BOT_SECRET  # noqa: E402 - running_bot gives Rasa this one

SCENARIOS = {
    "bare": "/restart",
    "plain": "hello",
    "knowledge": "how do I register to vote?",
    "lookup": "what's the status of BDC-104233",
}


def measure(
    rasa_url: str, message: str, count: int, *, first: bool = False, warmup: int = 5
) -> list[float]:
    """Time ``message`` in a fresh conversation each time; unless ``first``, the
    conversation's session is started beforehand (untimed), as it is for every
    message but a resident's first."""
    timings = []
    url = f"{rasa_url}/webhooks/rest/webhook"
    # Posts as the handoff service does: Rasa refuses anyone without the bot secret.
    with httpx.Client(timeout=30, headers={BOT_SECRET_HEADER: BOT_SECRET}) as client:
        for index in range(count + warmup):
            sender = f"bench-{uuid.uuid4().hex}"
            if not first:
                client.post(url, json={"sender": sender, "message": "/session_start"})
            body = {"sender": sender, "message": message}
            started = time.perf_counter()
            answer = client.post(url, json=body)
            elapsed = (time.perf_counter() - started) * 1000
            answer.raise_for_status()
            if index >= warmup:
                timings.append(elapsed)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--train", action="store_true")
    args = parser.parse_args()
    print(describe_machine())
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    model = bot_model.latest_model(ROOT)
    if model is None:
        if not args.train:
            print("no model for the current training data; run with --train")
            return 2
        model = bot_model.train(ROOT).model
    now = datetime.now(UTC)  # one moment for the seed and the action server's clock
    world = build_world(rng_seed=11, today=london_today(now))
    results: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as folder, knowledge_stub() as knowledge:
        url = seed_database(Path(folder) / "frontdoor.db", world)
        with running_bot(
            model=model,
            database_url=url,
            knowledge=knowledge,
            world=world,
            logs=Path(folder),
            now=now,
        ) as stack:
            for name, message in SCENARIOS.items():
                results[name] = measure(stack.rasa_url, message, args.requests)
            results["lookup, first message"] = measure(
                stack.rasa_url, SCENARIOS["lookup"], args.requests, first=True
            )
    print(f"\n{args.requests} sequential requests each (after 5 warm-up), milliseconds:")
    print(f"  {'kind':22s} {'p50':>7s} {'p95':>7s} {'max':>7s}")
    for name, timings in results.items():
        print(
            f"  {name:22s} {percentile(timings, 0.5):7.1f} {percentile(timings, 0.95):7.1f} "
            f"{max(timings):7.1f}"
        )
    lookup_p95 = percentile(results["lookup"], 0.95)
    print(f"\nlookup p95 {lookup_p95:.1f} ms")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if target("lookup p95 <= 150 ms", lookup_p95 <= 150) else 1


if __name__ == "__main__":
    sys.exit(main())
