"""Calls and CPU per resident→advisor message, by deterministic profile (issue 12).

Wall-clock figures on this shared 2-core machine move with the load; call counts
do not. The devserver runs under ``cProfile`` (the event loop's thread, and every
job it hands to a worker thread, the group commit's writer included, in a second
profile); 2 advisors and 10 live chats; each resident sends ``--messages``
messages in lock step (a round waits until the advisors have all ten, and rounds
are paced under the socket's frame limit of 20 in 10 s, so nothing is throttled).
Profiling covers only the measured window: the messages, then the same length
of time with nobody writing (the baseline: ticks, presence, heartbeats). So

    calls per message = (calls of the window - calls of the baseline) / messages

on each thread, and the same for the server process's CPU seconds (inflated by
the profiler: ``--no-profile`` measures CPU alone, load-sensitive but real) and
for the worker-thread jobs' own CPU (``time.thread_time``: the load moves it little).
The functions that gained the most calls per message are listed.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/handoff_calls.py \
        [--messages 100] [--database-url postgresql+psycopg://…/empty_db] [--no-profile]

The server is started with ``--serve`` (this script again), which profiles
between SIGUSR1 and SIGUSR2 and writes the figures next to ``--out``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import functools
import json
import os
import pstats
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import handoff_load as load
from machine import describe_machine

from handoff.devserver import free_port, prepare_database

RESIDENTS, ADVISORS = 10, 2

# --- the server side (--serve) -----------------------------------------------------------


class Profiler:
    """A profile of the loop's thread and one of worker-thread jobs, between two signals."""

    def __init__(self, out: str, enabled: bool) -> None:
        self.out, self.enabled = out, enabled
        self.loop = cProfile.Profile()
        self.threads: dict[int, cProfile.Profile] = {}
        self.on = False
        self.windows = 0
        self.cpu = 0.0
        self.jobs_cpu = 0.0
        self.lock = threading.Lock()

    def job(self, function: Any, *args: Any) -> Any:
        if not self.on:
            return function(*args)
        started = time.thread_time()  # this thread's CPU: the load does not move it
        profile = self.threads.setdefault(threading.get_ident(), cProfile.Profile())
        if self.enabled:
            profile.enable()
        try:
            return function(*args)
        finally:
            if self.enabled:
                profile.disable()
            with self.lock:
                self.jobs_cpu += time.thread_time() - started

    def start(self, *_: Any) -> None:
        self.loop, self.threads = cProfile.Profile(), {}
        self.cpu, self.jobs_cpu = time.process_time(), 0.0
        self.on = True
        if self.enabled:
            self.loop.enable()

    def stop(self, *_: Any) -> None:
        if self.enabled:
            self.loop.disable()
        self.on = False
        cpu = time.process_time() - self.cpu
        self.windows += 1
        stem = f"{self.out}.{self.windows}"
        if self.enabled:
            self.loop.dump_stats(f"{stem}.loop")
            merged = pstats.Stats(*self.threads.values()) if self.threads else None
            if merged is not None:
                merged.dump_stats(f"{stem}.threads")
        figures = {"cpu": cpu, "jobs_cpu": self.jobs_cpu}
        Path(f"{stem}.json.tmp").write_text(json.dumps(figures))
        os.replace(f"{stem}.json.tmp", f"{stem}.json")


def serve(port: int, out: str, enabled: bool) -> None:
    import anyio.to_thread

    from handoff import devserver

    profiler = Profiler(out, enabled)
    original = anyio.to_thread.run_sync

    async def run_sync(function: Any, *args: Any, **kwargs: Any) -> Any:
        return await original(functools.partial(profiler.job, function), *args, **kwargs)

    anyio.to_thread.run_sync = run_sync  # type: ignore[assignment]
    signal.signal(signal.SIGUSR1, profiler.start)
    signal.signal(signal.SIGUSR2, profiler.stop)
    devserver.main(["--port", str(port)])


# --- the driver ----------------------------------------------------------------------------


class Server:
    def __init__(self, env: dict[str, str], out: str, profiled: bool, log: Path) -> None:
        self.port, self.out = free_port(), out
        command = [sys.executable, __file__, "--serve", str(self.port), "--out", out]
        if not profiled:
            command.append("--no-profile")
        with open(log, "ab") as sink:
            # our own interpreter running this script: no untrusted input
            self.process = subprocess.Popen(
                command, env={**os.environ, **env}, stdout=sink, stderr=sink
            )
        self.url, self.ws_url = f"http://127.0.0.1:{self.port}", f"ws://127.0.0.1:{self.port}"
        self.windows = 0

    async def healthy(self) -> None:
        for _ in range(600):
            if self.process.poll() is not None:
                raise RuntimeError("the profiled devserver exited")
            try:
                async with httpx.AsyncClient() as client:
                    if (await client.get(f"{self.url}/healthz", timeout=1)).status_code == 200:
                        return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
        raise RuntimeError("the profiled devserver did not become healthy")

    def begin(self) -> None:
        self.process.send_signal(signal.SIGUSR1)

    async def end(self) -> str:
        self.process.send_signal(signal.SIGUSR2)
        self.windows += 1
        stem = f"{self.out}.{self.windows}"
        for _ in range(600):
            if Path(f"{stem}.json").exists():
                return stem
            await asyncio.sleep(0.1)
        raise RuntimeError("the devserver wrote no profile")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()


def window(stem: str) -> dict[str, Any]:
    figures: dict[str, Any] = json.loads(Path(f"{stem}.json").read_text())
    for part in ("loop", "threads"):
        path = Path(f"{stem}.{part}")
        stats: Any = pstats.Stats(str(path)).stats if path.exists() else {}  # type: ignore[attr-defined]
        figures[part] = {name: (row[1], row[2]) for name, row in stats.items()}  # calls, own s
    return figures


async def lock_step(
    residents: list[load.Resident], stats: load.Stats, messages: int, round_seconds: float
) -> None:
    for number in range(messages):
        started = time.perf_counter()
        for index, resident in enumerate(residents):
            client_id = f"r{number}-{index}"
            stats.sent[client_id] = time.perf_counter()
            await resident.send(
                {"type": "message", "client_id": client_id, "text": "My bin was not collected"}
            )
        while stats.sent:  # every message of the round reached its advisor
            await asyncio.sleep(0.002)
        await asyncio.sleep(max(0.0, round_seconds - (time.perf_counter() - started)))


async def measure(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    url = args.database_url or f"sqlite:///{workdir / 'calls.db'}"
    logins = prepare_database(url, advisors=ADVISORS)
    env = {
        **load.saturate_env(url, cap=RESIDENTS // ADVISORS),
        **load.LIMITS,  # 100 messages a chat in a minute: over the resident's own limit
        "FRONTDOOR_HANDOFF_DISPATCH_INTERVAL_SECONDS": "1.0",
    }
    server = Server(env, str(workdir / "profile"), not args.no_profile, workdir / "server.log")
    stats = load.Stats()
    try:
        await server.healthy()
        advisors = [load.Advisor(server.url, server.ws_url, login, stats) for login in logins]
        for advisor in advisors:
            await advisor.open()
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            residents = await load.add_chats(server, client, stats, advisors, RESIDENTS)  # type: ignore[arg-type]
        for _ in range(300):
            if sum(len(a.chats) for a in advisors) >= RESIDENTS:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(2)  # the views and offers of the set-up settle
        server.begin()
        started = time.perf_counter()
        await lock_step(residents, stats, args.messages, args.round_seconds)
        await asyncio.sleep(0.5)  # the last round's fan-out and read positions
        seconds = time.perf_counter() - started
        busy = window(await server.end())
        server.begin()
        await asyncio.sleep(seconds)
        quiet = window(await server.end())
        await load.close_clients(residents, advisors)
        return {"busy": busy, "quiet": quiet, "seconds": seconds, "delivered": stats.delivered}
    finally:
        server.stop()


def report(figures: dict[str, Any], args: argparse.Namespace) -> None:
    messages = RESIDENTS * args.messages
    busy, quiet = figures["busy"], figures["quiet"]
    database = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{database}, {RESIDENTS} chats x {args.messages} messages in lock step, "
          f"window {figures['seconds']:.1f} s, delivered {figures['delivered']}, "
          f"load {load.loadavg()}")  # fmt: skip
    print(f"  server CPU: window {busy['cpu']:.2f} s, baseline {quiet['cpu']:.2f} s, "
          f"per message {(busy['cpu'] - quiet['cpu']) / messages * 1000:.3f} ms"
          + (" (profiled: inflated)" if not args.no_profile else ""))  # fmt: skip
    jobs = (busy["jobs_cpu"] - quiet["jobs_cpu"]) / messages * 1000
    print(f"  of it in worker-thread jobs (the group commit's batches among them), "
          f"their own threads' CPU: {jobs:.3f} ms per message")  # fmt: skip
    if args.no_profile:
        return
    for part, label in (("loop", "event loop"), ("threads", "worker threads")):
        total_busy = sum(calls for calls, _ in busy[part].values())
        total_quiet = sum(calls for calls, _ in quiet[part].values())
        print(f"  {label}: calls per message {(total_busy - total_quiet) / messages:.1f} "
              f"(window {total_busy:,}, baseline {total_quiet:,})")  # fmt: skip
        gained = {
            name: (
                (calls - quiet[part].get(name, (0, 0.0))[0]) / messages,
                (own - quiet[part].get(name, (0, 0.0))[1]) / messages * 1e6,
            )
            for name, (calls, own) in busy[part].items()
        }
        print("    calls/msg  own µs/msg (profiled)")
        top = sorted(gained.items(), key=lambda item: -item[1][0])[: args.top]
        for (filename, line, function), (per, own) in top:
            where = "/".join(Path(filename).parts[-2:]) if filename != "~" else ""
            print(f"    {per:8.2f}  {own:7.1f}  {where}:{line} {function}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100, help="per resident")
    parser.add_argument("--round-seconds", type=float, default=0.55)
    parser.add_argument("--database-url", default="", help="an empty database (default SQLite)")
    parser.add_argument("--no-profile", action="store_true", help="CPU seconds only")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--keep", default="", help="copy the raw profiles to this folder")
    parser.add_argument("--serve", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--out", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.out, not args.no_profile)
        return 0
    print(describe_machine())
    with tempfile.TemporaryDirectory() as workdir:
        figures = asyncio.run(measure(args, Path(workdir)))
        if args.keep:
            Path(args.keep).mkdir(parents=True, exist_ok=True)
            for path in Path(workdir).glob("profile.*"):
                shutil.copy(path, Path(args.keep) / path.name)
    report(figures, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
