"""Server memory per idle resident socket on one handoff instance.

Creates N conversations, measures the server's RSS (the bare server, same run),
opens N resident sockets that then stay idle, and measures again: the delta per
socket is the figure (target ≤ 40 KiB, so 10,000 idle residents fit on one
instance). A second, smaller pass runs the server under ``tracemalloc`` and
prints the top allocators of the idle sockets (tracing inflates RSS, so that
pass is not the one measured). Loopback only; bounded in count and time.

    .venv/bin/python benchmarks/handoff_idle.py [--residents 2000] [--trace 500]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from handoff_load import LIMITS, Resident, Stats
from machine import describe_machine, target

from handoff.devserver import free_port, prepare_database

TARGET_KIB = 40
SETTLE_SECONDS = 3.0


def serve(port: int, trace_path: str) -> None:
    """The server child: the devserver, optionally under tracemalloc (SIGUSR1 dumps)."""
    if trace_path:
        import tracemalloc

        def dump(_signum: int, _frame: object) -> None:
            # the first signal starts tracing (start-up is not traced: too slow), the second
            # reports what was allocated since then and is still alive
            if not tracemalloc.is_tracing():
                tracemalloc.start(8)
                Path(trace_path).write_text("started\n")
                return
            snapshot = tracemalloc.take_snapshot().filter_traces(
                [tracemalloc.Filter(False, tracemalloc.__file__)]
            )
            lines = [str(stat) for stat in snapshot.statistics("lineno")[:15]]
            Path(trace_path).write_text("\n".join(lines) + "\n")

        signal.signal(signal.SIGUSR1, dump)
    from handoff.devserver import main as devserver_main

    devserver_main(["--port", str(port)])


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def start_server(
    env: dict[str, str], trace_path: str, log_path: Path
) -> tuple[subprocess.Popen, str]:  # type: ignore[type-arg]
    port = free_port()
    command = [sys.executable, __file__, "--serve", str(port), "--trace-path", trace_path]
    with open(log_path, "ab") as log:
        # our own interpreter running our own script: no untrusted input
        process = subprocess.Popen(command, env={**os.environ, **env}, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"handoff server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise RuntimeError("handoff server did not become healthy")


async def measure(count: int, env: dict[str, str], workdir: Path, trace: bool) -> dict:
    trace_path = str(workdir / "trace.txt") if trace else ""
    process, url = start_server(env, trace_path, workdir / "server.log")
    try:
        stats = Stats()
        residents = [Resident(url, url.replace("http", "ws", 1), stats) for _ in range(count)]
        gate = asyncio.Semaphore(50)
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:

            async def create_one(resident: Resident) -> None:
                async with gate:
                    await resident.create(client)

            await asyncio.gather(*(create_one(r) for r in residents))
        bare = rss_bytes(process.pid)
        await asyncio.sleep(SETTLE_SECONDS)
        before = rss_bytes(process.pid)
        if trace:
            await snapshot(process, trace_path)

        async def open_one(resident: Resident) -> None:
            async with gate:
                await resident.open()

        started = time.perf_counter()
        await asyncio.gather(*(open_one(r) for r in residents))
        connect_seconds = time.perf_counter() - started
        await asyncio.sleep(SETTLE_SECONDS)  # welcome frames written, subscriptions settled
        after = rss_bytes(process.pid)
        top = (await snapshot(process, trace_path)) if trace else ""
        for resident in residents:
            if resident.ws is not None:
                await resident.ws.close()
        return {
            "bare": bare,
            "before": before,
            "after": after,
            "per_socket": (after - before) / count,
            "connect_seconds": connect_seconds,
            "top": top,
        }
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


async def snapshot(process: subprocess.Popen, trace_path: str) -> str:  # type: ignore[type-arg]
    path = Path(trace_path)
    path.unlink(missing_ok=True)
    process.send_signal(signal.SIGUSR1)
    for _ in range(600):
        if path.exists() and path.read_text().endswith("\n"):
            return path.read_text()
        await asyncio.sleep(0.1)
    return "(no tracemalloc snapshot)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--trace", type=int, default=500, help="sockets in the tracemalloc pass")
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    parser.add_argument("--serve", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--trace-path", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.trace_path)
        return 0
    print(describe_machine())
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average at start: {load}")
    with tempfile.TemporaryDirectory(prefix="handoff-idle-") as workdir:
        url = args.database_url or f"sqlite:///{Path(workdir) / 'handoff-idle.db'}"
        prepare_database(url, advisors=1)
        env = {
            "FRONTDOOR_DATABASE_URL": url,
            "FRONTDOOR_ENVIRONMENT": "test",
            "FRONTDOOR_SECRET_KEY": secrets.token_urlsafe(48),
            "FRONTDOOR_IDENTITY_SIGNING_KEY": secrets.token_urlsafe(48),
            "FRONTDOOR_BOT_SECRET": secrets.token_urlsafe(48),
            **LIMITS,
        }
        print(
            "rate limits raised for one loopback client: "
            + ", ".join(
                f"{k.removeprefix('FRONTDOOR_HANDOFF_LIMIT_').lower()} {v}"
                for k, v in LIMITS.items()
            )
        )
        result = asyncio.run(measure(args.residents, env, Path(workdir), trace=False))
        traced = (
            asyncio.run(measure(args.trace, env, Path(workdir), trace=True)) if args.trace else None
        )
    kib, mib = 1024, 1024 * 1024
    print(f"idle residents: {args.residents} sockets opened in {result['connect_seconds']:.1f} s")
    print(
        f"  server RSS: {result['bare'] / mib:.1f} MiB bare server with {args.residents} "
        f"conversations, {result['before'] / mib:.1f} MiB settled, "
        f"{result['after'] / mib:.1f} MiB with {args.residents} idle sockets"
    )
    print(f"  memory per idle resident socket: {result['per_socket'] / kib:.1f} KiB")
    if traced is not None:
        print(f"  tracemalloc, top allocators of {args.trace} idle sockets (growth since settled):")
        for line in traced["top"].splitlines():
            print(f"    {line}")
    ok = result["per_socket"] <= TARGET_KIB * kib
    return 0 if target(f"idle resident socket ≤ {TARGET_KIB} KiB", ok) else 1


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.exit(main())
