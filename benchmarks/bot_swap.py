"""What residents see while the bot swaps to a retrained model.

    .venv/bin/python benchmarks/bot_swap.py [--single] [--residents 3]

Starts the composed bot (knowledge API stub, action server, Rasa via
bot/serve.py with its HTTP API on, as the launcher runs it) on a seeded SQLite
back office, with the newest model. Residents then talk to it back to back
("hello", each in their own conversation, as handoff relays them: its 15 s
timeout) while ``PUT /model`` loads the same model under a new name, and for a
few seconds after. Prints the swap's duration, every turn's latency during it
(p50, p95, max), the turns that would have got handoff's "unavailable" reply
(no answer within 15 s, or an error) and those without their normal answer,
and Rasa's own lines on loading (serve.py logs the time of each phase).

``--single`` runs one Rasa without the switch (``serve.py --single``): Rasa
3.6 loads the new model inside ``PUT /model`` on its event loop, the "before".
The same residents first talk for a few seconds before the swap, for a
baseline on the machine as it is. Target: every turn during the swap gets its
normal answer within handoff's timeout (none unavailable, none wrong).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
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

HANDOFF_TIMEOUT_SECONDS = 15.0  # handoff's bot timeout (handoff/bot.py RasaRestBot)
GREETING = "Bramblefield District Council assistant"
API_TOKEN = "bench-rasa-api-token-0123456789abcdef"
AFTER_SECONDS = 3.0
BEFORE_SECONDS = 5.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--single", action="store_true", help="one Rasa, no switch (before)")
    parser.add_argument("--residents", type=int, default=3)
    args = parser.parse_args()
    print(describe_machine())
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    model = bot_model.latest_model(ROOT)
    if model is None:
        print("no model for the current training data; run `frontdoor bot train`")
        return 2
    now = datetime.now(UTC)
    world = build_world(rng_seed=11, today=london_today(now))
    with tempfile.TemporaryDirectory() as folder, knowledge_stub() as knowledge:
        logs = Path(folder)
        url = seed_database(logs / "frontdoor.db", world)
        retrained = logs / "frontdoor-retrained.tar.gz"
        shutil.copyfile(model, retrained)
        with running_bot(
            model=model,
            database_url=url,
            knowledge=knowledge,
            world=world,
            logs=logs,
            now=now,
            api_token=API_TOKEN,
            single=args.single,
        ) as stack:
            result = swap_under_load(stack.rasa_url, retrained, args.residents)
        rasa_log = (logs / "rasa.log").read_text(errors="replace").splitlines()
    print("\nRasa on loading (serve.py):")
    for line in rasa_log:
        if "frontdoor rasa: ready" in line or "frontdoor bot switch:" in line:
            print(f"  {line.strip()}")
    return report(result, single=args.single)


def swap_under_load(rasa_url: str, model: Path, residents: int) -> dict[str, object]:
    swap: dict[str, float] = {}

    def put() -> None:
        began = time.perf_counter()
        answer = httpx.put(
            f"{rasa_url}/model",
            params={"token": API_TOKEN},
            json={"model_file": str(model)},
            timeout=600,
        )
        swap["status"], swap["seconds"] = answer.status_code, time.perf_counter() - began
        swap["ended"] = time.perf_counter()

    senders = [f"bench-swap-{uuid.uuid4().hex}" for _ in range(residents)]
    turns: list[tuple[float, float, str]] = []  # (sent, seconds, outcome)
    lock = threading.Lock()

    url = f"{rasa_url}/webhooks/rest/webhook"
    headers = {BOT_SECRET_HEADER: BOT_SECRET}
    with httpx.Client(timeout=60, headers=headers) as client:
        for sender in senders:  # each conversation's session has started before the swap
            client.post(url, json={"sender": sender, "message": "hello"}).raise_for_status()

    def resident(sender: str) -> None:
        with httpx.Client(timeout=HANDOFF_TIMEOUT_SECONDS, headers=headers) as client:
            while "ended" not in swap or time.perf_counter() < swap["ended"] + AFTER_SECONDS:
                sent = time.perf_counter()
                try:
                    answer = client.post(url, json={"sender": sender, "message": "hello"})
                    body = answer.text
                    outcome = "ok" if answer.status_code == 200 and GREETING in body else "wrong"
                except httpx.TimeoutException:
                    outcome = "unavailable"
                except httpx.HTTPError:
                    outcome = "error"
                with lock:
                    turns.append((sent - started, time.perf_counter() - sent, outcome))

    started = time.perf_counter()
    workers = [threading.Thread(target=resident, args=(s,)) for s in senders]
    for worker in workers:
        worker.start()
    time.sleep(BEFORE_SECONDS)  # the baseline: the same turns before any swap
    with lock:
        baseline, turns[:] = list(turns), []
    putter = threading.Thread(target=put)
    putter.start()
    putter.join()
    for worker in workers:
        worker.join()
    return {"swap": swap, "turns": turns, "baseline": baseline}


def report(result: dict[str, object], *, single: bool) -> int:
    swap = result["swap"]
    turns = result["turns"]
    assert isinstance(swap, dict) and isinstance(turns, list)
    mode = "one Rasa (--single)" if single else "the switch (blue/green)"
    print(f"\nswap with {mode}: PUT /model -> {int(swap['status'])} in {swap['seconds']:.1f} s")
    baseline = result["baseline"]
    assert isinstance(baseline, list)
    before = [seconds for _, seconds, _ in baseline]
    print(
        f"before the swap: {len(before)} turns; latency p50 {percentile(before, 0.5) * 1000:.0f}"
        f" ms, p95 {percentile(before, 0.95) * 1000:.0f} ms"
    )
    during = [seconds for _, seconds, _ in turns]
    outcomes = [outcome for _, _, outcome in turns]
    print(
        f"during the swap and {AFTER_SECONDS:.0f} s after: {len(turns)} turns; "
        f"latency p50 {percentile(during, 0.5) * 1000:.0f} ms, "
        f"p95 {percentile(during, 0.95) * 1000:.0f} ms, max {max(during) * 1000:.0f} ms"
    )
    for kind in ("ok", "unavailable", "error", "wrong"):
        print(f"  {kind:12s} {outcomes.count(kind)}")
    longest = sorted(turns, key=lambda t: -t[1])[:3]
    print(
        "longest turns (sent at s, took s): "
        + ", ".join(f"{sent:.1f}/{took:.1f}" for sent, took, _ in longest)
    )
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ok = outcomes.count("ok") == len(outcomes) and swap["status"] == 204
    label = f"every turn during the swap answered normally within {HANDOFF_TIMEOUT_SECONDS:.0f} s"
    return 0 if target(label, ok) else 1


if __name__ == "__main__":
    sys.exit(main())
