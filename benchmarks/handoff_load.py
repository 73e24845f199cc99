"""Load on one handoff instance, beside a bare websocket relay on the same loopback.

1,000 resident connections and 20 advisors (cap 3, so 60 live chats). Each live
chat's resident sends a message every few seconds and its advisor answers every
few seconds; the other residents stay connected and idle. Reported:
resident→advisor and advisor→resident latency (p50/p95), messages per second,
server memory per idle connection. The same clients then run against a bare
relay (``websockets``, no storage, no routing) for a floor to compare with.
Target: resident→advisor p95 ≤ 50 ms. Loopback only; bounded in count and time.
Advisors write over REST with the session cookie and the CSRF header, as the
console does (``--advisor-writes rest``, the default); ``--advisor-writes socket``
sends their messages as frames on the advisor socket instead, for comparison
(what this benchmark measured before: a path the console does not use).

    .venv/bin/python benchmarks/handoff_load.py [--residents 1000] [--duration 60]

``--saturate`` raises the offered rate step by step instead (``--ladder``: more live
chats, each socket under the resident's own default limit of 30 messages a minute
and the console's per-chat limit) until resident→advisor p95 crosses 50 ms or a
message is left undelivered, on SQLite and, with ``--database-url``, on PostgreSQL
with the same steps and durations, then the bare relay on the same ladder. It
reports each step (offered and delivered rate, p50/p95/p99, the server's CPU per
message, the load average) and the highest sustained rate of each, and exits
non-zero when a target is missed: 600 chats at one message every 3 s each way with
p95 ≤ 50 ms, ≥ 1,000 messages/s sustained on SQLite and ≥ 600 on PostgreSQL.

    .venv/bin/python benchmarks/handoff_load.py --saturate \
        [--database-url postgresql://…/empty_db] [--step-seconds 20] [--clients 3]

One client process cannot offer much more than ~800 messages/s here, so each step
says what the clients actually sent ("offered") beside the ladder's rate ("asked")
and marks a client-limited step; ``--clients N`` spreads the advisors, chats and
relay pairs over N client processes (latencies merged; the server measured alone).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Coroutine, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from client_processes import ClientProcesses, serve_commands
from machine import describe_machine, percentile, target

from handoff.devserver import ServerProcess, StaffLogin, free_port, prepare_database

ORIGIN = "http://localhost:8000"
# Every client here shares one loopback address and a live chat bursts at ~1.4 messages/s,
# far beyond the limits meant for one resident: the benchmark raises them explicitly
# (and prints them), it does not switch them off.
LIMITS = {
    "FRONTDOOR_HANDOFF_LIMIT_CONVERSATIONS": "1000000/minute",
    "FRONTDOOR_HANDOFF_LIMIT_MESSAGES_PER_CONVERSATION": "1000/minute",
    "FRONTDOOR_HANDOFF_LIMIT_MESSAGES_PER_ADDRESS": "1000000/minute",
}
# --saturate keeps the resident's own per-conversation limit (the default): the offered
# rate grows with the number of chats, never beyond what one resident may send.
SATURATE_LIMITS = {
    **LIMITS,
    "FRONTDOOR_HANDOFF_LIMIT_MESSAGES_PER_CONVERSATION": "30/minute;300/hour",
}
DEFAULT_LADDER = "150x3,300x3,600x3,900x2.5,1200x2.5,1500x2.5,1800x2.5,2400x2.5"
P95_LIMIT = 0.050
WRITE_PATHS = {
    "rest": "over REST, POST /api/v1/advisor/conversations/{id}/messages with the session "
    "cookie and CSRF header, as the console (chat.js) sends them",
    "socket": "as message frames on the advisor socket (the console does not send them so; "
    "for comparison)",
}
BACKGROUND: set[asyncio.Task] = set()  # readers live as long as the run


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux ``/proc``)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def loadavg() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


@dataclass
class Stats:
    to_advisor: list[float] = field(default_factory=list)
    to_resident: list[float] = field(default_factory=list)
    sent: dict[str, float] = field(default_factory=dict)
    delivered: int = 0
    throttled: int = 0  # refused (too fast, or shed) and resent, as the widget does
    offered: int = 0  # messages sent (by the chat loops)
    timeline: list[tuple[float, float]] | None = None  # (sent at, latency) with --timeline

    def record(self, client_id: str | None, bucket: list[float]) -> None:
        started = self.sent.pop(client_id or "", None)
        if started is not None:
            latency = time.perf_counter() - started
            bucket.append(latency)
            self.delivered += 1
            if self.timeline is not None:
                self.timeline.append((started, latency))


@dataclass
class StampedStats(Stats):
    """A client process's share of the stats under ``--clients N``: a message's client id
    carries its step and its send time on CLOCK_MONOTONIC (``time.perf_counter`` on
    Linux, one clock for every process on the machine), so the process that receives it,
    whichever holds the other end of the chat, measures its latency."""

    step: int = 0

    def stamped_id(self, prefix: str) -> str:
        return f"{prefix}{self.step}-{time.perf_counter_ns() // 1000}-{uuid.uuid4().hex[:8]}"

    def record(self, client_id: str | None, bucket: list[float]) -> None:
        prefix, _, rest = (client_id or "").partition("-")
        stamp, _, _ = rest.partition("-")
        if prefix[1:] != str(self.step) or not stamp.isdigit():
            return  # a late one from an earlier step: that step counted it as undelivered
        bucket.append(time.perf_counter() - int(stamp) / 1e6)
        self.delivered += 1


def ms(values: list[float], fraction: float) -> str:
    return f"{percentile(values, fraction) * 1000:.1f} ms" if values else "n/a"


# --- the handoff service -----------------------------------------------------------------


class Resender:
    """Resends what the server refused (``throttled``: too fast, or shedding load)."""

    stats: Stats
    ws: ClientConnection | None
    frames: dict[str, dict]

    def later(self, refused: dict) -> None:
        """Send it again after ``retry_after``, as the widget and the console do; its
        latency keeps counting from the first send."""
        frame = self.frames.get(refused.get("client_id") or "")
        if frame is None or self.ws is None:
            return
        self.stats.throttled += 1
        ws = self.ws

        async def again() -> None:
            await asyncio.sleep(float(refused.get("retry_after") or 1))
            with contextlib.suppress(Exception):
                await ws.send(json.dumps(frame))

        BACKGROUND.add(asyncio.create_task(again()))


class Resident(Resender):
    def __init__(self, base: str, ws_base: str, stats: Stats) -> None:
        self.base, self.ws_base, self.stats = base, ws_base, stats
        self.ws: ClientConnection | None = None
        self.joined = asyncio.Event()
        self.conversation_id = ""
        self.frames: dict[str, dict] = {}  # sent, not yet acknowledged

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
            ping_interval=None,  # the service's own heartbeat checks the socket
        )
        BACKGROUND.add(asyncio.create_task(self.read()))

    async def read(self) -> None:
        assert self.ws is not None
        try:
            async for raw in self.ws:
                frame = json.loads(raw)
                if frame.get("type") == "throttled":
                    self.later(frame)
                    continue
                if frame.get("type") == "ack":
                    self.frames.pop(frame.get("client_id"), None)
                if frame.get("type") != "event":
                    continue
                if frame["kind"] == "advisor_joined":
                    self.joined.set()
                elif frame["kind"] == "notice" and not self.joined.is_set():
                    # "nobody free": on a machine this loaded an advisor's presence can
                    # lapse for a moment; ask again, as a resident would
                    BACKGROUND.add(asyncio.create_task(self.ask_again()))
                elif frame["kind"] == "message" and frame["data"].get("author") == "advisor":
                    self.stats.record(frame["data"].get("client_id"), self.stats.to_resident)
        except Exception:
            return

    async def ask_again(self) -> None:
        await asyncio.sleep(1)
        with contextlib.suppress(Exception):
            await self.send({"type": "request_human"})

    async def send(self, frame: dict) -> None:
        assert self.ws is not None
        if "client_id" in frame:
            self.frames[frame["client_id"]] = frame
        await self.ws.send(json.dumps(frame))


class Advisor(Resender):
    """One advisor's console: a socket that reads its chats, and messages written over
    REST as ``chat.js`` does (``writes="rest"``: POST …/messages with the session cookie
    and the CSRF header, sent again after 429/503 ``Retry-After``), or, for comparison,
    as ``message`` frames on the socket (``writes="socket"``; the console does not)."""

    def __init__(self, base: str, ws_base: str, login, stats: Stats, writes: str = "rest") -> None:  # type: ignore[no-untyped-def]
        self.base, self.ws_base, self.login, self.stats = base, ws_base, login, stats
        self.writes = writes
        self.ws: ClientConnection | None = None
        self.chats: set[str] = set()
        self.frames: dict[str, dict] = {}  # sent, not yet acknowledged
        self.failed = 0  # REST writes refused for good (anything but busy/unavailable)
        self.posting: set[asyncio.Task] = set()  # REST writes not answered yet
        # its own pool, as a browser has (six connections a host)
        self.http = httpx.AsyncClient(
            base_url=base,
            headers={"cookie": f"fd_session={login.cookie}", "x-csrf-token": login.csrf},
            timeout=30,
            limits=httpx.Limits(max_connections=6, max_keepalive_connections=6),
        )

    async def open(self) -> None:
        response = await self.http.put("/api/v1/advisor/availability", json={"status": "available"})
        response.raise_for_status()
        self.ws = await connect(
            f"{self.ws_base}/ws/advisor",
            origin=ORIGIN,  # type: ignore[arg-type]
            additional_headers={"cookie": f"fd_session={self.login.cookie}"},
            max_queue=None,
            ping_interval=None,  # the service's own heartbeat checks the socket
        )
        BACKGROUND.add(asyncio.create_task(self.read()))
        # the console pings too: a long setup must not look like a dead console
        BACKGROUND.add(asyncio.create_task(keepalive(self.ws)))

    async def read(self) -> None:
        assert self.ws is not None
        try:
            async for raw in self.ws:
                frame = json.loads(raw)
                kind = frame.get("type")
                if kind == "throttled":
                    self.later(frame)
                elif kind == "ack":
                    self.frames.pop(frame.get("client_id"), None)
                elif kind == "offer":
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
        text = "Thanks, let me check that for you."
        if self.writes == "rest":  # the POST runs on its own: the advisor types on meanwhile
            task = asyncio.create_task(self.post(conversation_id, client_id, text))
            self.posting.add(task)
            task.add_done_callback(self.posting.discard)
            return
        assert self.ws is not None
        frame = {
            "type": "message",
            "conversation_id": conversation_id,
            "client_id": client_id,
            "text": text,
        }
        self.frames[client_id] = frame
        await self.ws.send(json.dumps(frame))

    async def post(self, conversation_id: str, client_id: str, text: str) -> None:
        """chat.js send(): the same ``client_id`` again after a refusal to wait
        (429/503 with ``Retry-After``: busy, unavailable) or a network error."""
        body = {"client_id": client_id, "text": text, "links": []}
        path = f"/api/v1/advisor/conversations/{conversation_id}/messages"
        for _attempt in range(20):
            try:
                response = await self.http.post(path, json=body)
            except httpx.TransportError:
                await asyncio.sleep(1)
                continue
            if response.status_code < 400:
                return
            if response.status_code not in (429, 503):
                self.failed += 1
                return
            self.stats.throttled += 1
            await asyncio.sleep(float(response.headers.get("retry-after") or 1))
        self.failed += 1


async def close_clients(residents: Iterable[Resident], advisors: Iterable[Advisor]) -> None:
    """Close every resident socket, and every advisor's socket and HTTP client."""
    for resident in residents:
        if resident.ws is not None:
            await resident.ws.close()
    for advisor in advisors:
        for task in list(advisor.posting):  # still waiting to be sent again: the run is over
            task.cancel()
        if advisor.ws is not None:
            await advisor.ws.close()
        await advisor.http.aclose()


async def chat_loop(send, interval: float, stop: float, stats: Stats, prefix: str) -> None:  # type: ignore[no-untyped-def]
    await asyncio.sleep(random.uniform(0, interval))
    while time.perf_counter() < stop:
        if isinstance(stats, StampedStats):  # whichever process receives it measures it
            client_id = stats.stamped_id(prefix)
        else:
            client_id = f"{prefix}-{uuid.uuid4().hex[:12]}"
            stats.sent[client_id] = time.perf_counter()
        stats.offered += 1
        try:
            await send(client_id)
        except ConnectionClosed:  # counted as not delivered; the others go on
            return
        # never past the end: the phase's length (the rates' divisor) is the sending time,
        # not that plus the last pause of the slowest loop (up to 1.5 intervals)
        pause = random.uniform(0.5 * interval, 1.5 * interval)
        await asyncio.sleep(min(pause, max(0.0, stop - time.perf_counter())))


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


async def handoff_phase(
    stats: Stats,
    by_conversation: dict[str, Resident],
    advisors: list[Advisor],
    interval: float,
    seconds: float,
    advisor_interval: float,
    settle: float = 1.0,
) -> tuple[list[float], list[float], float, int, float]:
    """Every live chat: the resident writes every ~interval, the advisor every
    ~advisor_interval (one console socket carries all its chats). Returns the two
    latency lists, messages delivered per second, messages not delivered after
    ``settle`` seconds, and the phase's length."""
    stats.to_advisor, stats.to_resident, stats.delivered, stats.offered = [], [], 0, 0
    stats.sent.clear()
    until = time.perf_counter() + seconds
    tasks = [
        chat_loop(
            lambda cid, r=r: r.send(
                {"type": "message", "client_id": cid, "text": "My bin was not collected today"}
            ),
            interval,
            until,
            stats,
            "r",
        )
        for r in by_conversation.values()
    ] + [
        chat_loop(lambda cid, a=a, c=c: a.say(c, cid), advisor_interval, until, stats, "a")
        for a in advisors
        for c in a.chats
        if c in by_conversation
    ]
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    for _ in range(int(settle * 10)):  # let the last messages land
        if not stats.sent:
            break
        await asyncio.sleep(0.1)
    return stats.to_advisor, stats.to_resident, stats.delivered / elapsed, len(stats.sent), elapsed


def write_timeline(path: str, timeline: list[tuple[float, float]]) -> None:
    """Each delivered message's send time (seconds into the phase) and latency (ms), and
    the slowest 100 ms windows: slow messages that cluster in time point at a stall."""
    if not timeline:
        return
    first = min(sent for sent, _ in timeline)
    windows: dict[int, list[float]] = {}
    with open(path, "w") as out:
        for sent, latency in sorted(timeline):
            out.write(f"{sent - first:.4f} {latency * 1000:.2f}\n")
            windows.setdefault(int((sent - first) * 10), []).append(latency)
    slow = sorted(windows.items(), key=lambda item: -percentile(item[1], 0.5))[:10]
    print("  slowest 100 ms windows of the steady phase (start s: p50, n): " + ", ".join(
        f"{window / 10:.1f}: {percentile(values, 0.5) * 1000:.0f} ms ({len(values)})"
        for window, values in slow
    ))  # fmt: skip


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
    server = ServerProcess(
        env, log_path=str(workdir / "server.log"), ws=args.ws, stall_trace=args.stall_trace
    ).start()
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
        advisors = [
            Advisor(server.url, server.ws_url, login, stats, args.advisor_writes)
            for login in logins
        ]
        await asyncio.gather(*(a.open() for a in advisors))
        live = residents[: args.advisors * args.cap]
        # In waves of at most one chat per advisor: 600 at once make a 600-long queue whose
        # views (an estimate per entry, over every advisor) cost seconds per refresh, and
        # the setup, not the chats, would be measured.
        wave = max(args.advisors, 1)
        asked = time.perf_counter()
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
        print(
            f"  {len(live)} chats asked for a person in waves of {wave} and joined in "
            f"{time.perf_counter() - asked:.1f} s (load {loadavg()})",
            flush=True,
        )
        by_conversation = {r.conversation_id: r for r in live}

        async def phase(
            interval: float, seconds: float, advisor_interval: float
        ) -> tuple[list, list, float, int]:
            result = await handoff_phase(
                stats, by_conversation, advisors, interval, seconds, advisor_interval
            )
            return result[:4]

        # the fixed periodic work (ticks, presence, views, heartbeats) with every chat open
        # and nobody writing: what a quiet second costs, to set beside CPU per message
        cpu, quiet = cpu_seconds(server.process.pid), time.perf_counter()
        await asyncio.sleep(args.quiet)
        quiet_cpu = (cpu_seconds(server.process.pid) - cpu) / (time.perf_counter() - quiet)
        profiler = start_profiler(args.profile, server, args.duration)
        cpu, steady_load = cpu_seconds(server.process.pid), loadavg()
        client_cpu, steady_started = time.process_time(), time.perf_counter()
        stats.timeline = [] if args.timeline else None
        steady = await phase(args.interval, args.duration, args.interval)
        steady_cpu = cpu_seconds(server.process.pid) - cpu
        client_cpu = time.process_time() - client_cpu
        steady_seconds = time.perf_counter() - steady_started
        resent, failed = stats.throttled, sum(a.failed for a in advisors)
        if args.timeline:
            write_timeline(args.timeline, stats.timeline or [])
            stats.timeline = None
        if profiler is not None:
            await asyncio.to_thread(profiler.wait, 60)  # never block the clients' loop
        cpu, burst_load = cpu_seconds(server.process.pid), loadavg()
        burst = await phase(0.7, args.burst, args.interval) if args.burst else ([], [], 0.0, 0)
        burst_cpu = cpu_seconds(server.process.pid) - cpu
        for ping in pings:
            ping.cancel()
        rss_loaded = server.rss_bytes()
        await close_clients(residents, advisors)
        return {
            "to_advisor": steady[0],
            "to_resident": steady[1],
            "rate": steady[2],
            "burst": burst,
            "lost": steady[3],
            # server CPU per delivered message (both ways), and the load when the phase began
            "steady_cpu": steady_cpu / max(1, len(steady[0]) + len(steady[1])),
            # less what the same seconds cost with nobody writing (ticks, presence, pings)
            "steady_cpu_net": (steady_cpu - quiet_cpu * steady_seconds)
            / max(1, len(steady[0]) + len(steady[1])),
            # the load client's own CPU (this process: sockets, and httpx for REST writes)
            "client_cpu": client_cpu / max(1, len(steady[0]) + len(steady[1])),
            "failed": failed,
            "resent": resent,
            "burst_cpu": burst_cpu / max(1, len(burst[0]) + len(burst[1])),
            "steady_load": steady_load,
            "quiet_cpu": quiet_cpu,
            "burst_load": burst_load,
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
        await wait_for_relay(port)
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


# --- saturation -----------------------------------------------------------------------------


def parse_ladder(text: str) -> list[tuple[int, float]]:
    """``"600x3,900x2.5"``: (live chats, seconds between messages each way) per step."""
    steps = []
    for part in text.split(","):
        chats, _, interval = part.strip().partition("x")
        steps.append((int(chats), float(interval)))
    return steps


def step_figures(
    chats: int,
    interval: float,
    phase: tuple[list[float], list[float], float, int, float],
    cpu: float,
    load: str,
    sent: int,
) -> dict:
    to_advisor, to_resident, rate, undelivered, elapsed = phase
    delivered = len(to_advisor) + len(to_resident)
    p95 = percentile(to_advisor, 0.95) if to_advisor else float("inf")
    return {
        "chats": chats,
        "interval": interval,
        "offered": 2 * chats / interval,
        "sent": sent / elapsed,
        "rate": rate,
        "p50": ms(to_advisor, 0.5),
        "p95": ms(to_advisor, 0.95),
        "p99": ms(to_advisor, 0.99),
        "max": ms(to_advisor, 1.0),
        "undelivered": undelivered,
        "cpu_per_message": cpu / delivered * 1000 if delivered else float("nan"),
        "load": load,
        "sustained": p95 <= P95_LIMIT and undelivered == 0 and delivered > 0,
    }


# a step whose clients sent less than this share of the ladder's rate measured the clients
CLIENT_LIMITED = 0.95


def print_step(label: str, step: dict) -> None:
    limited = step["sent"] < CLIENT_LIMITED * step["offered"]
    print(
        f"  {label} {step['chats']:>5} chats x {step['interval']:g} s: asked "
        f"{step['offered']:5.0f}/s, offered {step['sent']:5.0f}/s"
        f"{' (client-limited)' if limited else ''}, delivered {step['rate']:5.0f}/s, "
        f"resident→advisor p50 "
        f"{step['p50']}, p95 {step['p95']}, p99 {step['p99']}, max {step['max']}; "
        f"undelivered {step['undelivered']}; server CPU {step['cpu_per_message']:.2f} ms/message; "
        f"load {step['load']}{'' if step['sustained'] else '  <- not sustained'}",
        flush=True,
    )


async def add_chats(
    server: ServerProcess | ServerAddress,
    client: httpx.AsyncClient,
    stats: Stats,
    advisors: list[Advisor],
    count: int,
) -> list[Resident]:
    """``count`` more live chats: residents ask for a person, in waves of one chat per
    advisor, and the advisors accept their offers."""
    residents = [Resident(server.url, server.ws_url, stats) for _ in range(count)]
    gate = asyncio.Semaphore(50)

    async def start(resident: Resident) -> None:
        async with gate:
            await resident.create(client)
            await resident.open()
        BACKGROUND.add(asyncio.create_task(keepalive(resident.ws)))

    await asyncio.gather(*(start(r) for r in residents))
    wave = max(len(advisors), 1)
    for first in range(0, count, wave):
        for resident in residents[first : first + wave]:
            await resident.send({"type": "request_human"})
        await asyncio.wait_for(
            asyncio.gather(*(r.joined.wait() for r in residents[first : first + wave])),
            timeout=600,
        )
    return residents


def saturate_env(url: str, cap: int) -> dict[str, str]:
    return {
        "FRONTDOOR_DATABASE_URL": url,
        "FRONTDOOR_ENVIRONMENT": "test",
        "FRONTDOOR_SECRET_KEY": secrets.token_urlsafe(48),
        "FRONTDOOR_IDENTITY_SIGNING_KEY": secrets.token_urlsafe(48),
        "FRONTDOOR_BOT_SECRET": secrets.token_urlsafe(48),
        "FRONTDOOR_HANDOFF_DISPATCH_INTERVAL_SECONDS": "0.2",
        "FRONTDOOR_HANDOFF_ADVISOR_CAP": str(cap),
        **SATURATE_LIMITS,
    }


async def saturate_handoff(
    args: argparse.Namespace, url: str, ladder: list[tuple[int, float]], label: str
) -> list[dict]:
    most = max(chats for chats, _ in ladder)
    logins = prepare_database(url, advisors=math.ceil(most / args.cap))
    env = saturate_env(url, args.cap)
    log_path = str(Path(tempfile.gettempdir()) / f"handoff-saturate-{os.getpid()}.log")
    server = ServerProcess(env, log_path=log_path, ws=args.ws, stall_trace=args.stall_trace).start()
    assert server.process is not None
    stats = Stats()
    steps: list[dict] = []
    try:
        advisors = [
            Advisor(server.url, server.ws_url, login, stats, args.advisor_writes)
            for login in logins
        ]
        gate = asyncio.Semaphore(20)

        async def open_one(advisor: Advisor) -> None:
            async with gate:
                await advisor.open()

        await asyncio.gather(*(open_one(a) for a in advisors))
        live: dict[str, Resident] = {}
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
            for chats, interval in ladder:
                if chats > len(live):
                    added = await add_chats(server, client, stats, advisors, chats - len(live))
                    live.update({r.conversation_id: r for r in added})
                    for _ in range(300):  # every console has been told (chat_added)
                        if sum(len(a.chats) for a in advisors) >= len(live):
                            break
                        await asyncio.sleep(0.1)
                load, cpu = loadavg(), cpu_seconds(server.process.pid)
                phase = await handoff_phase(
                    stats, live, advisors, interval, args.step_seconds, interval, settle=3.0
                )
                cpu = cpu_seconds(server.process.pid) - cpu
                steps.append(step_figures(chats, interval, phase, cpu, load, stats.offered))
                print_step(label, steps[-1])
                if not steps[-1]["sustained"]:
                    break
        await close_clients(live.values(), advisors)
    finally:
        server.stop()
    return steps


async def wait_for_relay(port: int) -> None:
    for _ in range(100):
        try:
            probe = await connect(f"ws://127.0.0.1:{port}/idle")
            await probe.close()
            return
        except OSError:
            await asyncio.sleep(0.1)


async def open_pairs(
    port: int,
    pairs: list[tuple[ClientConnection, ClientConnection]],
    first: int,
    count: int,
    stats: Stats,
) -> None:
    """``count`` more relay pairs, numbered from ``first``, each end reading into ``stats``."""

    async def read(ws: ClientConnection, bucket: str) -> None:
        try:
            async for raw in ws:
                stats.record(json.loads(raw)["client_id"], getattr(stats, bucket))
        except Exception:
            return

    for number in range(first, first + count):
        a = await connect(f"ws://127.0.0.1:{port}/a/{number}", max_queue=None)
        b = await connect(f"ws://127.0.0.1:{port}/b/{number}", max_queue=None)
        BACKGROUND.add(asyncio.create_task(read(b, "to_advisor")))
        BACKGROUND.add(asyncio.create_task(read(a, "to_resident")))
        pairs.append((a, b))


def relay_loops(
    pairs: list[tuple[ClientConnection, ClientConnection]],
    interval: float,
    until: float,
    stats: Stats,
) -> list[Coroutine[Any, Any, None]]:
    return [
        chat_loop(
            lambda cid, ws=ws, text=text: ws.send(json.dumps({"client_id": cid, "text": text})),
            interval,
            until,
            stats,
            prefix,
        )
        for a, b in pairs
        for ws, prefix, text in ((a, "r", "bin"), (b, "a", "ok"))
    ]


async def saturate_relay(args: argparse.Namespace, ladder: list[tuple[int, float]]) -> list[dict]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", RELAY, str(port)])
    stats = Stats()
    steps: list[dict] = []
    try:
        await wait_for_relay(port)
        pairs: list[tuple[ClientConnection, ClientConnection]] = []
        for chats, interval in ladder:
            await open_pairs(port, pairs, len(pairs), chats - len(pairs), stats)
            stats.to_advisor, stats.to_resident, stats.delivered, stats.offered = [], [], 0, 0
            stats.sent.clear()
            until = time.perf_counter() + args.step_seconds
            tasks = relay_loops(pairs, interval, until, stats)
            load, cpu = loadavg(), cpu_seconds(process.pid)
            started = time.perf_counter()
            await asyncio.gather(*tasks)
            elapsed = time.perf_counter() - started
            for _ in range(30):
                if not stats.sent:
                    break
                await asyncio.sleep(0.1)
            cpu = cpu_seconds(process.pid) - cpu
            phase = (
                stats.to_advisor,
                stats.to_resident,
                stats.delivered / elapsed,
                len(stats.sent),
                elapsed,
            )
            steps.append(step_figures(chats, interval, phase, cpu, load, stats.offered))
            print_step("bare relay", steps[-1])
            if not steps[-1]["sustained"]:
                break
        for a, b in pairs:
            await a.close()
            await b.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    return steps


# --- several client processes (--clients N) -------------------------------------------------
# One client process tops out near 800 messages/s on this machine (it sent ~80 % of the
# offered rate at the top steps), below both ceilings to be shown. With --clients N the
# parent runs the server and N client processes (this script with --worker), each holding
# its share of the advisors, chats and relay pairs, and drives the ladder over their stdin
# and stdout (one JSON line each way); their samples are merged, the server measured alone.


@dataclass
class ClientShare:
    """What one client process holds: its advisors, its residents, its relay pairs."""

    stats: StampedStats = field(default_factory=StampedStats)
    advisors: list[Advisor] = field(default_factory=list)
    residents: list[Resident] = field(default_factory=list)
    pairs: list[tuple[ClientConnection, ClientConnection]] = field(default_factory=list)
    url: str = ""
    ws_url: str = ""

    async def handle(self, command: dict) -> dict:
        stats, what = self.stats, command["do"]
        if what == "advisors":
            self.url, self.ws_url = command["url"], command["ws_url"]
            logins = [StaffLogin(*login) for login in command["logins"]]
            writes = command.get("writes", "rest")
            self.advisors = [
                Advisor(self.url, self.ws_url, login, stats, writes) for login in logins
            ]
            gate = asyncio.Semaphore(20)

            async def open_one(advisor: Advisor) -> None:
                async with gate:
                    await advisor.open()

            await asyncio.gather(*(open_one(a) for a in self.advisors))
        elif what == "add":
            server = ServerAddress(self.url, self.ws_url)
            async with httpx.AsyncClient(base_url=self.url, timeout=60) as client:
                added = await add_chats(server, client, stats, self.advisors, command["count"])
            self.residents += added
        elif what == "relay_add":
            await open_pairs(command["port"], self.pairs, command["first"], command["count"], stats)
        elif what == "phase":
            stats.to_advisor, stats.to_resident, stats.delivered, stats.offered = [], [], 0, 0
            stats.step = command["step"]
            await asyncio.sleep(max(0.0, command["start"] - time.perf_counter()))
            await asyncio.gather(*self.loops(command["interval"], command["until"]))
        elif what == "collect":
            return {"to_advisor": stats.to_advisor, "to_resident": stats.to_resident}
        elif what == "close":
            await self.close()
        return {
            "chats": sum(len(a.chats) for a in self.advisors),
            "offered": stats.offered,
            "delivered": stats.delivered,
        }

    def loops(self, interval: float, until: float) -> list[Coroutine[Any, Any, None]]:
        stats = self.stats
        resident_text = "My bin was not collected today"
        return (
            [
                chat_loop(
                    lambda cid, r=r: r.send(
                        {"type": "message", "client_id": cid, "text": resident_text}
                    ),
                    interval,
                    until,
                    stats,
                    "r",
                )
                for r in self.residents
            ]
            + [
                chat_loop(lambda cid, a=a, c=c: a.say(c, cid), interval, until, stats, "a")
                for a in self.advisors
                for c in a.chats
            ]
            + relay_loops(self.pairs, interval, until, stats)
        )

    async def close(self) -> None:
        for a, b in self.pairs:
            await a.close()
            await b.close()
        await close_clients(self.residents, self.advisors)


@dataclass(frozen=True)
class ServerAddress:
    url: str
    ws_url: str


async def shared_step(
    clients: ClientProcesses,
    number: int,
    chats: int,
    interval: float,
    seconds: float,
    pid: int,
) -> dict:
    """One ladder step run by every client process at once; the figures merged."""
    load, cpu = loadavg(), cpu_seconds(pid)
    start = time.perf_counter() + 0.5  # every process begins together
    phase = {"do": "phase", "step": number, "interval": interval, "start": start}
    answers = await clients.all({**phase, "until": start + seconds})
    elapsed = time.perf_counter() - start
    offered = sum(a["offered"] for a in answers)
    for _ in range(30):  # let the last messages land (3 s, as in one process)
        if sum(a["delivered"] for a in answers) >= offered:
            break
        await asyncio.sleep(0.1)
        answers = await clients.all({"do": "count"})
    cpu = cpu_seconds(pid) - cpu
    samples = await clients.all({"do": "collect"})
    to_advisor = [v for s in samples for v in s["to_advisor"]]
    to_resident = [v for s in samples for v in s["to_resident"]]
    delivered = len(to_advisor) + len(to_resident)
    figures = (to_advisor, to_resident, delivered / elapsed, max(0, offered - delivered), elapsed)
    return step_figures(chats, interval, figures, cpu, load, offered)


async def saturate_handoff_shared(
    args: argparse.Namespace, url: str, ladder: list[tuple[int, float]], label: str
) -> list[dict]:
    most = max(chats for chats, _ in ladder)
    logins = prepare_database(url, advisors=math.ceil(most / args.cap))
    server = ServerProcess(
        saturate_env(url, args.cap),
        log_path=str(Path(tempfile.gettempdir()) / f"handoff-saturate-{os.getpid()}.log"),
        ws=args.ws,
        stall_trace=args.stall_trace,
    ).start()
    assert server.process is not None
    clients = await ClientProcesses(args.clients, __file__).start()
    steps: list[dict] = []
    try:
        await clients.each(
            [
                {
                    "do": "advisors",
                    "url": server.url,
                    "ws_url": server.ws_url,
                    "writes": args.advisor_writes,
                    "logins": [list(vars(login).values()) for login in logins[n :: clients.count]],
                }
                for n in range(clients.count)
            ]
        )
        live = 0
        for number, (chats, interval) in enumerate(ladder):
            if chats > live:
                await clients.each(
                    [{"do": "add", "count": share} for share in clients.shares(chats - live)]
                )
                live = chats
                for _ in range(300):  # every console has been told (chat_added)
                    if sum(a["chats"] for a in await clients.all({"do": "count"})) >= live:
                        break
                    await asyncio.sleep(0.1)
            steps.append(
                await shared_step(
                    clients, number, chats, interval, args.step_seconds, server.process.pid
                )
            )
            print_step(f"{label} ({clients.count} clients)", steps[-1])
            if not steps[-1]["sustained"]:
                break
    finally:
        await clients.close()
        server.stop()
    return steps


async def saturate_relay_shared(
    args: argparse.Namespace, ladder: list[tuple[int, float]]
) -> list[dict]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", RELAY, str(port)])
    clients = await ClientProcesses(args.clients, __file__).start()
    steps: list[dict] = []
    try:
        await wait_for_relay(port)
        live = 0
        for number, (chats, interval) in enumerate(ladder):
            if chats > live:
                firsts = [
                    live + sum(clients.shares(chats - live)[:n]) for n in range(clients.count)
                ]
                await clients.each(
                    [
                        {"do": "relay_add", "port": port, "first": first, "count": share}
                        for first, share in zip(firsts, clients.shares(chats - live), strict=True)
                    ]
                )
                live = chats
            steps.append(
                await shared_step(clients, number, chats, interval, args.step_seconds, process.pid)
            )
            print_step(f"bare relay ({clients.count} clients)", steps[-1])
            if not steps[-1]["sustained"]:
                break
    finally:
        await clients.close()
        process.terminate()
        process.wait(timeout=10)
    return steps


def best(steps: list[dict]) -> float:
    return max((step["rate"] for step in steps if step["sustained"]), default=0.0)


def run_handoff_ladder(
    args: argparse.Namespace, url: str, ladder: list[tuple[int, float]], label: str
) -> Coroutine[Any, Any, list[dict]]:
    if args.clients > 1:
        return saturate_handoff_shared(args, url, ladder, label)
    return saturate_handoff(args, url, ladder, label)


def saturate(args: argparse.Namespace) -> int:
    ladder = parse_ladder(args.ladder)
    print(
        f"handoff saturation: steps of {args.step_seconds:.0f} s, (live chats x seconds between "
        f"messages each way) {args.ladder}; advisors carry {args.cap} chats each; one instance, "
        f"loopback; a step is sustained when resident→advisor p95 ≤ {P95_LIMIT * 1000:.0f} ms "
        f"and every message is delivered within 3 s of the step's end; {args.clients} client "
        f"process{'es' if args.clients > 1 else ''} (--clients); 'asked' is the ladder's rate, "
        f"'offered' what the clients sent (client-limited below {CLIENT_LIMITED:.0%} of it)"
    )
    print(f"advisor messages: {WRITE_PATHS[args.advisor_writes]} (--advisor-writes)")
    print("rate limits of the instance under test: " + ", ".join(
        f"{name.removeprefix('FRONTDOOR_HANDOFF_LIMIT_').lower()} {value}"
        for name, value in SATURATE_LIMITS.items()
    ) + " (each resident under its own default limit; the address limit raised because "
        "every client shares one loopback address)")  # fmt: skip
    results: dict[str, list[dict]] = {}
    with tempfile.TemporaryDirectory(prefix="handoff-saturate-") as workdir:
        sqlite = f"sqlite:///{Path(workdir) / 'handoff-saturate.db'}"
        results["SQLite"] = asyncio.run(run_handoff_ladder(args, sqlite, ladder, "SQLite"))
    if args.database_url:
        results["PostgreSQL"] = asyncio.run(
            run_handoff_ladder(args, args.database_url, ladder, "PostgreSQL")
        )
    relay_ladder = saturate_relay_shared if args.clients > 1 else saturate_relay
    relay = asyncio.run(relay_ladder(args, ladder))
    top = f"{2 * ladder[-1][0] / ladder[-1][1]:.0f}"
    for name, steps in results.items():
        reached = "" if steps and not steps[-1]["sustained"] else f" (the ladder's top, {top}/s)"
        print(f"  highest sustained rate, handoff on {name}: {best(steps):.0f} messages/s{reached}")
    reached = "" if relay and not relay[-1]["sustained"] else f" (the ladder's top, {top}/s)"
    print(f"  highest sustained rate, bare relay: {best(relay):.0f} messages/s{reached}")
    ok = True
    for name, steps, floor in (
        ("SQLite", results.get("SQLite", []), 1000),
        ("PostgreSQL", results.get("PostgreSQL", []), 600),
    ):
        if name not in results:
            print(f"  target {name}: not measured (pass --database-url postgresql://…)")
            ok = False
            continue
        if (600, 3.0) in ladder:
            at_600 = [s for s in steps if (s["chats"], s["interval"]) == (600, 3.0)]
            ok &= target(
                f"600 chats at one message every 3 s each way, p95 ≤ 50 ms ({name})",
                bool(at_600) and at_600[0]["sustained"],
            )
        ok &= target(f"≥ {floor:,} messages/s sustained ({name})", best(steps) >= floor)
    return 0 if ok else 1


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
    parser.add_argument(
        "--stall-trace",
        default="",
        help="the server records its event-loop stalls here (handoff.stalls, JSON)",
    )
    parser.add_argument(
        "--quiet", type=float, default=5.0, help="seconds of no messages before the steady phase"
    )
    parser.add_argument(
        "--timeline", default="", help="write each steady-phase message's send time and latency"
    )
    parser.add_argument("--ws", default="websockets-sansio", help="uvicorn websocket protocol")
    parser.add_argument(
        "--saturate", action="store_true", help="raise the offered rate until p95 > 50 ms"
    )
    parser.add_argument("--ladder", default=DEFAULT_LADDER, help="--saturate's steps")
    parser.add_argument("--step-seconds", type=float, default=20.0, help="--saturate's steps")
    parser.add_argument(
        "--clients", type=int, default=1, help="--saturate: client processes sharing the load"
    )
    parser.add_argument(
        "--advisor-writes",
        choices=("rest", "socket"),
        default="rest",
        help="advisor messages over REST as the console sends them (default), or as "
        "frames on the advisor socket (the console does not; for comparison)",
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:  # one of --clients N's processes, commanded over stdin
        asyncio.run(serve_commands(ClientShare()))
        return 0
    if args.clients < 1 or (args.clients > 1 and not args.saturate):
        parser.error("--clients takes a whole number ≥ 1, and more than one needs --saturate")
    if args.saturate:
        print(describe_machine())
        print(f"load average at start: {loadavg()} (other work on this machine skews the figures)")
        if "--cap" not in sys.argv:
            args.cap = 10  # 25 frames a minute per chat: a console of 10 stays under its limit
        try:
            import uvloop

            uvloop.install()
        except ImportError:
            pass
        return saturate(args)
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
    print(f"advisor messages: {WRITE_PATHS[args.advisor_writes]} (--advisor-writes)")
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
    print(
        f"  steady phase: {result['resent']} writes sent again after a refusal to wait "
        f"(throttled, busy, unavailable), {result['failed']} advisor POSTs refused for good"
    )
    print(
        f"  server CPU per delivered message: steady {result['steady_cpu'] * 1000:.2f} ms "
        f"({result['steady_cpu_net'] * 1000:.2f} ms less the quiet cost; load client "
        f"{result['client_cpu'] * 1000:.2f} ms) "
        f"(load {result['steady_load']}), burst {result['burst_cpu'] * 1000:.2f} ms "
        f"(load {result['burst_load']})"
    )
    print(
        f"  server CPU with every chat open and nobody writing ({args.quiet:.0f} s): "
        f"{result['quiet_cpu'] * 1000:.0f} ms per second"
    )
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
    ok = target("resident→advisor p95 ≤ 50 ms", p95 <= 50)
    if args.burst:
        to_advisor, to_resident, _rate, lost = result["burst"]
        longest = max(to_advisor + to_resident, default=float("inf"))
        ok &= target(
            f"burst: no message waits more than 2 s (longest {longest:.2f} s), nothing "
            f"undelivered ({lost})",
            longest <= 2.0 and lost == 0,
        )
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.exit(main())
