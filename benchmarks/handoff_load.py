"""Load on one handoff instance, beside a bare websocket relay on the same loopback.

1,000 resident connections and 20 advisors (cap 3, so 60 live chats). Each live
chat's resident sends a message every few seconds and its advisor answers every
few seconds; the other residents stay connected and idle. Reported:
resident→advisor and advisor→resident latency (p50/p95), messages per second,
server memory per idle connection. The same clients then run against a bare
relay (``websockets``, no storage, no routing) for a floor to compare with.
Target: resident→advisor p95 ≤ 50 ms. Loopback only; bounded in count and time.

    .venv/bin/python benchmarks/handoff_load.py [--residents 1000] [--duration 60]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from websockets.asyncio.client import ClientConnection, connect

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import describe_machine, percentile, target

from handoff.devserver import ServerProcess, free_port, prepare_database

ORIGIN = "http://localhost:8000"
# Every client here shares one loopback address and a live chat bursts at ~1.4 messages/s,
# far beyond the limits meant for one resident: the benchmark raises them explicitly
# (and prints them), it does not switch them off.
LIMITS = {
    "FRONTDOOR_HANDOFF_LIMIT_CONVERSATIONS": "1000000/minute",
    "FRONTDOOR_HANDOFF_LIMIT_MESSAGES_PER_CONVERSATION": "1000/minute",
    "FRONTDOOR_HANDOFF_LIMIT_MESSAGES_PER_ADDRESS": "1000000/minute",
}
BACKGROUND: set[asyncio.Task] = set()  # readers live as long as the run


@dataclass
class Stats:
    to_advisor: list[float] = field(default_factory=list)
    to_resident: list[float] = field(default_factory=list)
    sent: dict[str, float] = field(default_factory=dict)
    delivered: int = 0

    def record(self, client_id: str | None, bucket: list[float]) -> None:
        started = self.sent.pop(client_id or "", None)
        if started is not None:
            bucket.append(time.perf_counter() - started)
            self.delivered += 1


def ms(values: list[float], fraction: float) -> str:
    return f"{percentile(values, fraction) * 1000:.1f} ms" if values else "n/a"


# --- the handoff service -----------------------------------------------------------------


class Resident:
    def __init__(self, base: str, ws_base: str, stats: Stats) -> None:
        self.base, self.ws_base, self.stats = base, ws_base, stats
        self.ws: ClientConnection | None = None
        self.joined = asyncio.Event()
        self.conversation_id = ""

    async def create(self, client: httpx.AsyncClient) -> None:
        for attempt in range(5):  # a keep-alive connection the server just closed
            try:
                response = await client.post("/api/v1/conversations", json={"language": "en"})
                break
            except httpx.TransportError:
                if attempt == 4:
                    raise
                await asyncio.sleep(0.2)
        self.body = response.json()
        self.conversation_id = self.body["conversation_id"]

    async def open(self) -> None:
        self.ws = await connect(
            f"{self.ws_base}/ws/resident?conversation_id={self.conversation_id}"
            f"&token={self.body['conversation_token']}",
            origin=ORIGIN,  # type: ignore[arg-type]
            max_queue=None,
        )
        BACKGROUND.add(asyncio.create_task(self.read()))

    async def read(self) -> None:
        assert self.ws is not None
        try:
            async for raw in self.ws:
                frame = json.loads(raw)
                if frame.get("type") != "event":
                    continue
                if frame["kind"] == "advisor_joined":
                    self.joined.set()
                elif frame["kind"] == "message" and frame["data"].get("author") == "advisor":
                    self.stats.record(frame["data"].get("client_id"), self.stats.to_resident)
        except Exception:
            return

    async def send(self, frame: dict) -> None:
        assert self.ws is not None
        await self.ws.send(json.dumps(frame))


class Advisor:
    def __init__(self, base: str, ws_base: str, login, stats: Stats) -> None:  # type: ignore[no-untyped-def]
        self.base, self.ws_base, self.login, self.stats = base, ws_base, login, stats
        self.ws: ClientConnection | None = None
        self.chats: set[str] = set()
        self.http = httpx.AsyncClient(
            base_url=base,
            headers={"cookie": f"fd_session={login.cookie}", "x-csrf-token": login.csrf},
            timeout=30,
        )

    async def open(self) -> None:
        response = await self.http.put("/api/v1/advisor/availability", json={"status": "available"})
        response.raise_for_status()
        self.ws = await connect(
            f"{self.ws_base}/ws/advisor",
            origin=ORIGIN,  # type: ignore[arg-type]
            additional_headers={"cookie": f"fd_session={self.login.cookie}"},
            max_queue=None,
        )
        BACKGROUND.add(asyncio.create_task(self.read()))

    async def read(self) -> None:
        assert self.ws is not None
        try:
            async for raw in self.ws:
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "offer":
                    BACKGROUND.add(asyncio.create_task(self.accept(frame["conversation_id"])))
                elif kind == "chat_added":
                    self.chats.add(frame["chat"]["conversation_id"])
                elif (
                    kind == "event"
                    and frame["kind"] == "message"
                    and frame["data"].get("author") == "resident"
                ):
                    self.stats.record(frame["data"].get("client_id"), self.stats.to_advisor)
        except Exception:
            return

    async def accept(self, conversation_id: str) -> None:
        await self.http.post(f"/api/v1/advisor/conversations/{conversation_id}/accept")

    async def say(self, conversation_id: str, client_id: str) -> None:
        assert self.ws is not None
        await self.ws.send(
            json.dumps(
                {
                    "type": "message",
                    "conversation_id": conversation_id,
                    "client_id": client_id,
                    "text": "Thanks, let me check that for you.",
                }
            )
        )


async def chat_loop(send, interval: float, stop: float, stats: Stats, prefix: str) -> None:  # type: ignore[no-untyped-def]
    await asyncio.sleep(random.uniform(0, interval))
    while time.perf_counter() < stop:
        client_id = f"{prefix}-{uuid.uuid4().hex[:12]}"
        stats.sent[client_id] = time.perf_counter()
        await send(client_id)
        await asyncio.sleep(random.uniform(0.5 * interval, 1.5 * interval))


async def keepalive(ws: ClientConnection | None) -> None:
    """The widget's ping every ~20 s; each socket on its own clock, as in real life
    (from the moment it opens: a long setup must not look like dead sockets)."""
    await asyncio.sleep(random.uniform(0, 20))
    while ws is not None:
        try:
            await ws.send('{"type":"ping"}')
        except Exception:  # a dead socket just stops pinging
            return
        await asyncio.sleep(20)


def start_profiler(
    path: str, server: ServerProcess, seconds: float
) -> subprocess.Popen[bytes] | None:
    """Sample the server with py-spy (a dev tool, not a dependency) through the steady phase."""
    if not path:
        return None
    assert server.process is not None
    command = ["py-spy", "record", "--pid", str(server.process.pid), "--rate", "100"]
    command += ["--duration", str(int(seconds)), "--format", "raw", "--nonblocking", "-o", path]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def run_handoff(args: argparse.Namespace, workdir: Path) -> dict:
    url = args.database_url or f"sqlite:///{workdir / 'handoff-bench.db'}"
    logins = prepare_database(url, advisors=args.advisors)
    env = {
        "FRONTDOOR_DATABASE_URL": url,
        "FRONTDOOR_ENVIRONMENT": "test",
        "FRONTDOOR_SECRET_KEY": secrets.token_urlsafe(48),
        "FRONTDOOR_IDENTITY_SIGNING_KEY": secrets.token_urlsafe(48),
        "FRONTDOOR_BOT_SECRET": secrets.token_urlsafe(48),
        "FRONTDOOR_HANDOFF_DISPATCH_INTERVAL_SECONDS": "0.2",
        "FRONTDOOR_HANDOFF_ADVISOR_CAP": str(args.cap),
        **LIMITS,
    }
    server = ServerProcess(env, log_path=str(workdir / "server.log"), ws=args.ws).start()
    stats = Stats()
    try:
        residents = [Resident(server.url, server.ws_url, stats) for _ in range(args.residents)]
        gate = asyncio.Semaphore(50)
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:

            async def create_one(resident: Resident) -> None:
                async with gate:
                    await resident.create(client)

            await asyncio.gather(*(create_one(r) for r in residents))
        await asyncio.sleep(3)
        rss_before = server.rss_bytes()  # conversations exist; no socket yet

        async def open_one(resident: Resident) -> None:
            async with gate:
                await resident.open()

        started = time.perf_counter()
        await asyncio.gather(*(open_one(r) for r in residents))
        connect_seconds = time.perf_counter() - started
        await asyncio.sleep(3)
        rss_idle = server.rss_bytes()
        pings = [asyncio.create_task(keepalive(r.ws)) for r in residents]
        advisors = [Advisor(server.url, server.ws_url, login, stats) for login in logins]
        await asyncio.gather(*(a.open() for a in advisors))
        live = residents[: args.advisors * args.cap]
        # In waves of at most one chat per advisor: 600 at once make a 600-long queue whose
        # views (an estimate per entry, over every advisor) cost seconds per refresh, and
        # the setup, not the chats, would be measured.
        wave = max(args.advisors, 1)
        for start in range(0, len(live), wave):
            for resident in live[start : start + wave]:
                await resident.send({"type": "request_human"})
            await asyncio.wait_for(
                asyncio.gather(*(r.joined.wait() for r in live[start : start + wave])),
                timeout=300,
            )
        for _ in range(100):  # and every console has been told (chat_added)
            if sum(len(a.chats) for a in advisors) >= len(live):
                break
            await asyncio.sleep(0.1)
        by_conversation = {r.conversation_id: r for r in live}

        async def phase(
            interval: float, seconds: float, advisor_interval: float
        ) -> tuple[list, list, float, int]:
            """Every live chat: the resident writes every ~interval, the advisor every
            ~advisor_interval (one console socket carries all its chats)."""
            stats.to_advisor, stats.to_resident, stats.delivered = [], [], 0
            stats.sent.clear()
            until = time.perf_counter() + seconds
            tasks = [
                chat_loop(
                    lambda cid, r=r: r.send(
                        {
                            "type": "message",
                            "client_id": cid,
                            "text": "My bin was not collected today",
                        }
                    ),
                    interval,
                    until,
                    stats,
                    "r",
                )
                for r in live
            ] + [
                chat_loop(lambda cid, a=a, c=c: a.say(c, cid), advisor_interval, until, stats, "a")
                for a in advisors
                for c in a.chats
                if c in by_conversation
            ]
            started = time.perf_counter()
            await asyncio.gather(*tasks)
            elapsed = time.perf_counter() - started
            await asyncio.sleep(1)  # let the last messages land
            return stats.to_advisor, stats.to_resident, stats.delivered / elapsed, len(stats.sent)

        profiler = start_profiler(args.profile, server, args.duration)
        steady = await phase(args.interval, args.duration, args.interval)
        if profiler is not None:
            profiler.wait(timeout=60)
        burst = await phase(0.7, args.burst, args.interval) if args.burst else ([], [], 0.0, 0)
        for ping in pings:
            ping.cancel()
        rss_loaded = server.rss_bytes()
        for resident in residents:
            if resident.ws is not None:
                await resident.ws.close()
        for advisor in advisors:
            if advisor.ws is not None:
                await advisor.ws.close()
            await advisor.http.aclose()
        return {
            "to_advisor": steady[0],
            "to_resident": steady[1],
            "rate": steady[2],
            "burst": burst,
            "lost": steady[3],
            "per_idle": (rss_idle - rss_before) / args.residents,
            "rss_before": rss_before,
            "rss_idle": rss_idle,
            "rss_loaded": rss_loaded,
            "connect_seconds": connect_seconds,
            "live": len(live),
        }
    finally:
        server.stop()


# --- the bare relay ------------------------------------------------------------------------

RELAY = """
import asyncio, sys
from websockets.asyncio.server import serve
pairs = {}
async def handler(ws):
    path = ws.request.path
    if path.startswith("/idle"):
        async for _ in ws:
            pass
        return
    _, side, pair = path.split("/")
    pairs[(side, pair)] = ws
    other = "b" if side == "a" else "a"
    async for message in ws:
        peer = pairs.get((other, pair))
        if peer is not None:
            await peer.send(message)
async def main():
    async with serve(handler, "127.0.0.1", int(sys.argv[1]), max_queue=None):
        await asyncio.Future()
asyncio.run(main())
"""


async def run_relay(args: argparse.Namespace) -> dict:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", RELAY, str(port)])
    stats = Stats()
    try:
        for _ in range(100):
            try:
                probe = await connect(f"ws://127.0.0.1:{port}/idle")
                await probe.close()
                break
            except OSError:
                await asyncio.sleep(0.1)
        idle = []
        for _ in range(args.residents - args.advisors * args.cap):
            idle.append(await connect(f"ws://127.0.0.1:{port}/idle"))
        pairs = []
        for number in range(args.advisors * args.cap):
            a = await connect(f"ws://127.0.0.1:{port}/a/{number}", max_queue=None)
            b = await connect(f"ws://127.0.0.1:{port}/b/{number}", max_queue=None)
            pairs.append((a, b))

        async def read(ws: ClientConnection, bucket: list[float]) -> None:
            try:
                async for raw in ws:
                    stats.record(json.loads(raw)["client_id"], bucket)
            except Exception:
                return

        async def phase(
            interval: float, seconds: float, advisor_interval: float
        ) -> tuple[list, list, float, int]:
            """The same phase as run_handoff's: same intervals, same length, same settling."""
            stats.to_advisor, stats.to_resident, stats.delivered = [], [], 0
            stats.sent.clear()
            readers = [asyncio.create_task(read(b, stats.to_advisor)) for _, b in pairs]
            readers += [asyncio.create_task(read(a, stats.to_resident)) for a, _ in pairs]
            until = time.perf_counter() + seconds
            tasks = []
            for a, b in pairs:
                tasks.append(
                    chat_loop(
                        lambda cid, ws=a: ws.send(json.dumps({"client_id": cid, "text": "bin"})),
                        interval,
                        until,
                        stats,
                        "r",
                    )
                )
                tasks.append(
                    chat_loop(
                        lambda cid, ws=b: ws.send(json.dumps({"client_id": cid, "text": "ok"})),
                        advisor_interval,
                        until,
                        stats,
                        "a",
                    )
                )
            started = time.perf_counter()
            await asyncio.gather(*tasks)
            elapsed = time.perf_counter() - started
            await asyncio.sleep(1)  # let the last messages land
            for reader in readers:
                reader.cancel()
            return stats.to_advisor, stats.to_resident, stats.delivered / elapsed, len(stats.sent)

        steady = await phase(args.interval, args.duration, args.interval)
        burst = await phase(0.7, args.burst, args.interval) if args.burst else ([], [], 0.0, 0)
        for ws in idle + [s for pair in pairs for s in pair]:
            await ws.close()
        return {
            "to_advisor": steady[0],
            "to_resident": steady[1],
            "rate": steady[2],
            "burst": burst,
        }
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--residents", type=int, default=1000)
    parser.add_argument("--advisors", type=int, default=20)
    parser.add_argument("--cap", type=int, default=3)
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between messages")
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument(
        "--burst", type=float, default=15.0, help="then this long at ~2 messages/s per side"
    )
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    parser.add_argument(
        "--profile", default="", help="write py-spy samples of the steady phase (raw) here"
    )
    parser.add_argument("--ws", default="websockets-sansio", help="uvicorn websocket protocol")
    args = parser.parse_args()
    args.residents = max(args.residents, args.advisors * args.cap)
    print(describe_machine())
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average at start: {load} (other work on this machine skews the figures)")
    backend = "PostgreSQL" if args.database_url.startswith("postgresql") else "SQLite"
    print(
        f"handoff load: {args.residents} residents, {args.advisors} advisors (cap {args.cap}), "
        f"{args.advisors * args.cap} live chats, a message every ~{args.interval:.0f} s each way, "
        f"{args.duration:.0f} s, {backend}, one instance, loopback"
    )
    print("rate limits raised for one loopback client: " + ", ".join(
        f"{name.removeprefix('FRONTDOOR_HANDOFF_LIMIT_').lower()} {value}"
        for name, value in LIMITS.items()
    ))  # fmt: skip
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    with tempfile.TemporaryDirectory(prefix="handoff-load-") as workdir:
        result = asyncio.run(run_handoff(args, Path(workdir)))
    relay = asyncio.run(run_relay(args))
    mib = 1024 * 1024
    print(f"  open {args.residents} resident sockets: {result['connect_seconds']:.1f} s")
    print(
        f"  server RSS: {result['rss_before'] / mib:.0f} MiB with {args.residents} conversations, "
        f"{result['rss_idle'] / mib:.0f} MiB with {args.residents} idle residents, "
        f"{result['rss_loaded'] / mib:.0f} MiB after the load"
    )
    print(f"  memory per idle resident connection: {result['per_idle'] / 1024:.1f} KiB")
    for label, key in (("resident→advisor", "to_advisor"), ("advisor→resident", "to_resident")):
        values = result[key]
        print(
            f"  {label}: p50 {ms(values, 0.5)}, p95 {ms(values, 0.95)}, "
            f"p99 {ms(values, 0.99)}, n={len(values)}   (bare relay: p50 "
            f"{ms(relay[key], 0.5)}, p95 {ms(relay[key], 0.95)})"
        )
    print(
        f"  messages delivered per second: {result['rate']:.1f} "
        f"(bare relay {relay['rate']:.1f} at the same offered load)"
    )
    print(f"  messages sent but not delivered when the run ended: {result['lost']}")
    if args.burst:
        to_advisor, _to_resident, rate, lost = result["burst"]
        relay_to_advisor, _, relay_rate, _ = relay["burst"]
        print(
            f"  burst ({args.burst:.0f} s, each resident ~1.4 messages/s, near the per-socket "
            f"limit): {rate:.0f} messages/s delivered, {lost} not delivered; resident→advisor "
            f"p50 {ms(to_advisor, 0.5)}, p95 {ms(to_advisor, 0.95)}, p99 {ms(to_advisor, 0.99)}"
            f"   (bare relay: {relay_rate:.0f} messages/s, p50 {ms(relay_to_advisor, 0.5)}, "
            f"p95 {ms(relay_to_advisor, 0.95)})"
        )
    p95 = percentile(result["to_advisor"], 0.95) * 1000 if result["to_advisor"] else float("inf")
    return 0 if target("resident→advisor p95 ≤ 50 ms", p95 <= 50) else 1


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.exit(main())
