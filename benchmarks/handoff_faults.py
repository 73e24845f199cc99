"""Faults under load: Redis stops, PostgreSQL restarts, an instance is killed, mid-chat.

Two handoff instances (real processes) share one PostgreSQL and one Redis, both
started by this script on free ports in a temporary directory (never the
machine's shared ones): ``redis-server`` and a PostgreSQL cluster made with
``initdb``/``pg_ctl``. ``--chats`` live chats (one resident and one advisor
each, advisors at a cap of 3, spread over both instances) talk at about one
message every ``--interval`` seconds each way. During the run:

a. Redis stops for ``--redis-down`` seconds and comes back (wake-ups and shared
   rate-limit counts are gone meanwhile);
b. PostgreSQL stops (``pg_ctl stop -m immediate``: a crash, recovered from its
   WAL at start) for ``--pg-down`` seconds and starts again;
c. instance ``a`` is killed (SIGKILL) and restarted.

The clients behave like the widget and the console (``widget/src/connection.js``,
``conversation.js``, ``handoff/static/console/socket.js``, ``chat.js``): they
reconnect with the same back-off (0.5 s doubling to 15 s, equal jitter) to
whichever instance answers (a load balancer's view), resume from the last
``seq`` they saw, resend every unacknowledged message after ``welcome`` and
after ``throttled``'s ``retry_after``, and treat an ``error`` naming a message
as the widget does (the message is shown as failed: the resident would have to
type it again). Advisors write over REST as the console does (retrying a
network error three times). At the end every client's events are compared with
the database:

* lost: stored events a client should have seen but never received, and
  messages a client sent that were neither stored nor refused;
* failed: messages the widget or console would show as failed;
* duplicated: events delivered twice on a connection with no transcript reload of
  that chat between the two, and client messages stored twice. An event sent again
  after a reload is counted apart as replayed: the console resumes from the
  transcript's ``last_seq`` (chat.js ``reload()``), so what arrived during the
  fetch comes again, and the widget and the console keep one copy by seq;
* out of order: an event whose seq is not above the one before it (a reload
  starting the replay between the two does not count);
* never reconnected: a client without an open socket at the end.

Target: all 0. Also printed: reconnect times per fault, and resident→advisor
p95 before, during and after each fault (the baseline: the phase before the
first fault). Loopback only; bounded in count and time.

The residents and consoles are shared among ``--clients`` processes (default one
per 200 chats), as ``handoff_load.py --clients N`` does: at 600 chats one process
driving 800 clients woke up 1.7-3.8 s late and measured itself, not the server.
A message's client id carries its send time, so the process that receives it
measures its latency whichever holds the other end of the chat.

    .venv/bin/python benchmarks/handoff_faults.py [--chats 200] [--chats 600] [--clients N]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import os
import random
import secrets
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from abc import ABC, abstractmethod
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select
from websockets.asyncio.client import ClientConnection, connect

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from client_processes import ClientProcesses, serve_commands
from machine import describe_machine, percentile, target

from frontdoor.db import make_engine
from handoff import models as m
from handoff.devserver import ServerProcess, StaffLogin, free_port, prepare_database

ORIGIN = "http://localhost:8000"
CONSOLE_RETRY_BUDGET = 120.0  # handoff/static/console/retry.js RETRY_BUDGET_MS
PG_BIN = Path(os.environ.get("FRONTDOOR_PG_BIN", "/usr/lib/postgresql/15/bin"))
# Every client shares one loopback address: the benchmark raises the limits meant for
# one resident explicitly (and prints them), it does not switch them off.
LIMITS = {
    "FRONTDOOR_HANDOFF_LIMIT_CONVERSATIONS": "1000000/minute",
    "FRONTDOOR_HANDOFF_LIMIT_MESSAGES_PER_CONVERSATION": "1000/minute",
    "FRONTDOOR_HANDOFF_LIMIT_MESSAGES_PER_ADDRESS": "1000000/minute",
}
BACKGROUND: set[asyncio.Task] = set()


def spawn(coroutine: Any) -> None:
    task = asyncio.ensure_future(coroutine)
    BACKGROUND.add(task)
    task.add_done_callback(BACKGROUND.discard)


# One connection pool per browser and instance, as a browser keeps: a pool shared by
# every client queues hundreds of requests, and httpcore's pool is quadratic in them.
TLS = ssl.create_default_context()  # loopback is plain HTTP; made once, not per client
HTTP: list[httpx.AsyncClient] = []


def http_client(base_url: str) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=6, max_keepalive_connections=6)
    client = httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits, verify=TLS)
    HTTP.append(client)
    return client


class LagMeter:
    """How late this client process's event loop wakes up: a loaded client would
    otherwise pass for a slow server."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float]] = []  # (when, seconds late)

    async def run(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.1)
            now = time.perf_counter()
            self.samples.append((now, now - before - 0.1))

    def worst(self, start: float, end: float) -> str:
        late = [lag for when, lag in self.samples if start <= when < end]
        return f"{max(late) * 1000:.0f} ms" if late else "n/a"


def backoff_delay(attempt: int) -> float:
    """widget/src/backoff.js: 0.5 s doubling to 15 s, half fixed and half random."""
    ceiling = min(15.0, 0.5 * 2 ** max(0, attempt))
    return ceiling / 2 + ceiling / 2 * random.random()


# --- the services this script owns --------------------------------------------------------


def _as_postgres(command: list[str]) -> list[str]:
    """initdb refuses root: run the cluster as the postgres user when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class Postgres:
    """A throw-away PostgreSQL cluster on a free port, in ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        directory.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres")
            directory.parent.chmod(0o755)
        initdb = [str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]
        subprocess.run(_as_postgres(initdb), check=True, stdout=subprocess.DEVNULL)

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        options += " -c max_connections=300"
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "log")]
        subprocess.run(
            _as_postgres([*command, "-o", options, "-w", "-t", "120", *args]),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        self._ctl("start")

    def crash(self) -> None:
        """Immediate stop: no checkpoint, the next start recovers from the WAL."""
        self._ctl("-m", "immediate", "stop")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._ctl("-m", "fast", "stop")


class Redis:
    """A private redis-server (no persistence) on a free port."""

    def __init__(self, directory: Path) -> None:
        self.directory, self.port = directory, free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        for _ in range(100):
            try:
                import redis

                redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
                return
            except Exception:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)


# --- clients that behave like the widget and the console ------------------------------------


@dataclass
class Sample:
    sent: float
    latency: float


@dataclass
class Figures:
    """One client process's latencies. A message's client id carries its send time on
    CLOCK_MONOTONIC (``time.perf_counter`` on Linux: one clock for every process on the
    machine), so whichever process holds the other end of the chat measures it."""

    to_advisor: list[Sample] = field(default_factory=list)
    to_resident: list[Sample] = field(default_factory=list)
    counted: set[str] = field(default_factory=set)  # each message measured once

    @staticmethod
    def stamped_id(prefix: str) -> str:
        return f"{prefix}-{time.perf_counter_ns() // 1000}-{uuid.uuid4().hex}"

    def delivered(self, client_id: str | None, bucket: list[Sample]) -> None:
        _prefix, _, rest = (client_id or "").partition("-")
        stamp, _, _ = rest.partition("-")
        if not stamp.isdigit() or client_id in self.counted:
            return
        self.counted.add(client_id or "")
        sent = int(stamp) / 1e6
        bucket.append(Sample(sent, time.perf_counter() - sent))


@dataclass(frozen=True)
class Instance:
    """Where a client process reaches one handoff instance."""

    url: str
    ws_url: str


class Peer(ABC):
    """One socket with the widget's reconnection: back-off, heartbeat, another instance.

    A resident (:class:`Resident`) or an advisor console (:class:`Advisor`)."""

    heartbeat = 25.0

    def __init__(self, instances: list[Instance], home: int, figures: Figures) -> None:
        self.instances, self.at, self.figures = instances, home, figures
        self.ws: ClientConnection | None = None
        self.open = asyncio.Event()
        self.received: dict[str, list[int]] = {}  # conversation -> seqs as they came
        self.seen: dict[str, set[int]] = {}  # ... and those read from a transcript
        self.reloaded_at: dict[str, list[int]] = {}  # conversation -> len(received) at reloads
        self.cursors: dict[str, int] = {}
        self.drops: list[tuple[float, float | None]] = []  # (dropped, welcomed again)
        self.reloads = self.throttled = self.retried = 0
        self.failed: list[dict] = []
        self.done = False
        self._http: dict[int, httpx.AsyncClient] = {}

    @property
    def server(self) -> Instance:
        return self.instances[self.at]

    def http(self) -> httpx.AsyncClient:
        """This browser's HTTP connections to the instance it talks to now."""
        client = self._http.get(self.at)
        if client is None:
            client = self._http[self.at] = http_client(self.server.url)
        return client

    @abstractmethod
    def url(self) -> str:
        """Where this peer connects now (its instance and its cursors)."""

    def extra(self) -> dict:
        return {}

    def on_welcome(self) -> None:  # noqa: B027 - an optional hook: most peers need nothing
        """Called for every ``welcome``."""

    def reloaded(self, conversation_id: str) -> None:
        """A transcript reload of a chat ended: what comes next may be a replay."""
        position = len(self.received.get(conversation_id, []))
        self.reloaded_at.setdefault(conversation_id, []).append(position)

    def take(self, frame: dict) -> None:
        if frame.get("type") == "event":
            cid, seq = frame["conversation_id"], frame["seq"]
            self.received.setdefault(cid, []).append(seq)
            self.seen.setdefault(cid, set()).add(seq)
            self.cursors[cid] = max(self.cursors.get(cid, 0), seq)
        elif frame.get("type") == "throttled":
            self.throttled += 1

    async def send(self, frame: dict) -> bool:
        ws = self.ws
        if ws is None or not self.open.is_set():
            return False
        try:
            await ws.send(json.dumps(frame))
            return True
        except Exception:
            return False

    async def run(self) -> None:
        attempt = 0
        while not self.done:
            try:
                ws = await connect(
                    self.url(),
                    origin=ORIGIN,  # type: ignore[arg-type]
                    max_queue=None,
                    open_timeout=10,
                    **self.extra(),
                )
            except Exception:
                self.at = (self.at + 1) % len(self.instances)  # the balancer tries another
                await asyncio.sleep(backoff_delay(attempt))
                attempt += 1
                continue
            self.ws = ws
            heard = [time.monotonic()]
            beat = asyncio.create_task(self._beat(ws, heard))
            try:
                async for raw in ws:
                    heard[0] = time.monotonic()
                    attempt = 0
                    frame = json.loads(raw)
                    if frame.get("type") == "welcome":
                        if self.drops and self.drops[-1][1] is None:
                            self.drops[-1] = (self.drops[-1][0], time.perf_counter())
                        self.open.set()
                        self.on_welcome()
                    self.take(frame)
            except Exception:
                pass
            beat.cancel()
            self.open.clear()
            self.ws = None
            if self.done:
                return
            if not self.drops or self.drops[-1][1] is not None:
                self.drops.append((time.perf_counter(), None))
            await asyncio.sleep(backoff_delay(attempt))
            attempt += 1

    async def _beat(self, ws: ClientConnection, heard: list[float]) -> None:
        """The widget's ping, and its verdict on a socket silent for three beats."""
        while True:
            await asyncio.sleep(self.heartbeat)
            if time.monotonic() - heard[0] > 3 * self.heartbeat:
                await ws.close(4000, "client reconnecting")
                return
            try:
                await ws.send('{"type":"ping"}')
            except Exception:
                return


class Resident(Peer):
    def __init__(self, instances: list[Instance], home: int, figures: Figures, body: dict):
        super().__init__(instances, home, figures)
        self.conversation_id = body["conversation_id"]
        self.token = body["conversation_token"]
        self.joined = asyncio.Event()
        self.outbox: dict[str, dict] = {}  # the widget's unacknowledged messages
        self.resending = False
        self.sent_ids: set[str] = set()

    def url(self) -> str:
        cursor = self.cursors.get(self.conversation_id, 0)
        return (
            f"{self.server.ws_url}/ws/resident?conversation_id={self.conversation_id}"
            f"&token={self.token}&cursor={cursor}"
        )

    def on_welcome(self) -> None:
        spawn(self.flush())

    async def resend(self) -> None:
        self.resending = False
        await self.flush()

    async def flush(self) -> None:
        for frame in list(self.outbox.values()):
            await self.send(frame)

    async def say(self, text: str) -> None:
        client_id = self.figures.stamped_id("r")
        frame = {"type": "message", "client_id": client_id, "text": text}
        self.outbox[client_id] = frame
        self.sent_ids.add(client_id)
        await self.send(frame)

    def take(self, frame: dict) -> None:
        super().take(frame)
        kind = frame.get("type")
        if kind == "event":
            data = frame.get("data") or {}
            if frame["kind"] == "advisor_joined":
                self.joined.set()
            elif frame["kind"] == "message" and data.get("author") == "resident":
                self.outbox.pop(data.get("client_id") or "", None)
            elif frame["kind"] == "message" and data.get("author") == "advisor":
                self.figures.delivered(data.get("client_id"), self.figures.to_resident)
        elif kind == "ack":
            self.outbox.pop(frame["client_id"], None)
        elif kind == "throttled" and not self.resending:
            # widget.js: one resend of the whole outbox per wait
            self.resending = True
            delay = float(frame.get("retry_after") or 1)
            asyncio.get_running_loop().call_later(delay, lambda: spawn(self.resend()))
        elif kind == "error" and frame.get("client_id") in self.outbox:
            self.failed.append(frame)  # the widget shows it failed and forgets it
            self.outbox.pop(frame["client_id"])
        elif kind == "reload_required":
            self.reloads += 1
            spawn(self.reload())

    async def reload(self) -> None:
        """The widget's answer to ``reload_required``: the whole transcript over REST."""
        for attempt in range(20):
            try:
                response = await self.http().get(
                    f"/api/v1/conversations/{self.conversation_id}/transcript",
                    headers={"authorization": f"Bearer {self.token}"},
                )
                response.raise_for_status()
                body = response.json()
                seen = self.seen.setdefault(self.conversation_id, set())
                seen.update(event["seq"] for event in body["events"])
                self.cursors[self.conversation_id] = max(
                    self.cursors.get(self.conversation_id, 0), body["last_seq"]
                )
                self.reloaded(self.conversation_id)
                return
            except Exception:
                await asyncio.sleep(backoff_delay(attempt))


class Advisor(Peer):
    def __init__(self, instances: list[Instance], home: int, figures: Figures, login: Any):
        super().__init__(instances, home, figures)
        self.login = login
        self.chats: set[str] = set()
        self.removed: set[str] = set()
        self.errors: list[dict] = []
        self.sent_ids: set[str] = set()
        self.writing: set[str] = set()  # POSTs not answered yet
        self.headers = {"cookie": f"fd_session={login.cookie}", "x-csrf-token": login.csrf}

    def url(self) -> str:
        cursors = ",".join(f"{cid}:{seq}" for cid, seq in self.cursors.items() if cid in self.chats)
        return f"{self.server.ws_url}/ws/advisor" + (f"?cursors={cursors}" if cursors else "")

    def extra(self) -> dict:
        return {"additional_headers": {"cookie": f"fd_session={self.login.cookie}"}}

    async def call(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return await self.http().request(
            method, f"/api/v1/advisor{path}", json=body, headers=self.headers
        )

    def take(self, frame: dict) -> None:
        super().take(frame)
        kind = frame.get("type")
        if kind == "offer":
            spawn(self.accept(frame["conversation_id"]))
        elif kind == "chat_added":
            self.chats.add(frame["chat"]["conversation_id"])
        elif kind == "chat_removed":
            self.removed.add(frame["conversation_id"])
        elif kind == "error":
            self.errors.append(frame)
        elif kind == "reload_required" and frame.get("conversation_id"):
            self.reloads += 1
            spawn(self.reload(frame["conversation_id"]))
        elif kind == "event":
            data = frame.get("data") or {}
            if frame["kind"] == "message" and data.get("author") == "resident":
                self.figures.delivered(data.get("client_id"), self.figures.to_advisor)

    async def accept(self, conversation_id: str) -> None:
        for attempt in range(10):
            try:
                await self.call("POST", f"/conversations/{conversation_id}/accept")
                return
            except Exception:  # network: try again, as the console's button would be pressed
                await asyncio.sleep(backoff_delay(attempt))

    async def reload(self, conversation_id: str) -> None:
        """The console's card.reload(): the transcript over REST, then ``resume``."""
        for attempt in range(20):
            try:
                response = await self.call("GET", f"/conversations/{conversation_id}/transcript")
                response.raise_for_status()
                body = response.json()
                self.seen.setdefault(conversation_id, set()).update(
                    event["seq"] for event in body["events"]
                )
                self.cursors[conversation_id] = max(
                    self.cursors.get(conversation_id, 0), body["last_seq"]
                )
                self.reloaded(conversation_id)
                await self.send({"type": "resume", "cursors": {conversation_id: body["last_seq"]}})
                return
            except Exception:
                await asyncio.sleep(backoff_delay(attempt))

    async def say(self, conversation_id: str, text: str) -> None:
        """chat.js send() with retry.js: POST with a client_id, sent again after a network
        error or a "try again shortly" refusal (503 unavailable, busy) for up to two
        minutes of waits (1 s doubling to 15 s, jittered); any other error, or the budget
        spent, is shown to the advisor (failed)."""
        client_id = self.figures.stamped_id("a")
        self.sent_ids.add(client_id)
        self.writing.add(client_id)
        body = {"client_id": client_id, "text": text, "links": []}
        waited = 0.0
        try:
            for attempt in itertools.count():
                code: str | None = "network"
                why = ""
                try:
                    response = await self.call(
                        "POST", f"/conversations/{conversation_id}/messages", body
                    )
                    if response.status_code < 400:
                        return
                    try:
                        code = response.json().get("error")
                    except ValueError:
                        code = None
                except Exception as exc:  # httpx's errors, and httpcore's own on a dying socket
                    self.at = (self.at + 1) % len(self.instances)  # the balancer's next try
                    response, why = None, type(exc).__name__
                delay = min(15.0, 2.0**attempt) * random.uniform(0.75, 1.25)
                delay = min(delay, CONSOLE_RETRY_BUDGET - waited)
                if code not in ("network", "unavailable", "busy") or delay <= 0:
                    status = response.status_code if response is not None else 0
                    self.failed.append(
                        {"code": code, "status": status, "client_id": client_id, "why": why}
                    )
                    return
                if code != "network":
                    self.retried += 1
                await asyncio.sleep(delay)
                waited += delay
        finally:
            self.writing.discard(client_id)


# --- the run -------------------------------------------------------------------------------


@dataclass
class Fault:
    name: str
    started: float = 0.0
    back: float = 0.0  # the service is back (Redis and PostgreSQL accept, the instance is healthy)


async def run(args: argparse.Namespace, workdir: Path) -> bool:
    pg = Postgres(workdir / "pg")
    redis = Redis(workdir)
    await asyncio.to_thread(pg.start)
    await asyncio.to_thread(redis.start)
    instances: list[ServerProcess] = []
    try:
        return await run_with(args, workdir, pg, redis, instances)
    finally:
        for server in instances:
            server.stop()
        redis.stop()
        pg.stop()


async def run_with(
    args: argparse.Namespace,
    workdir: Path,
    pg: Postgres,
    redis: Redis,
    instances: list[ServerProcess],
) -> bool:
    advisors_needed = math.ceil(args.chats / args.cap)
    logins = await asyncio.to_thread(prepare_database, pg.url, advisors=advisors_needed)
    env = {
        "FRONTDOOR_DATABASE_URL": pg.url,
        "FRONTDOOR_REDIS_URL": redis.url,
        "FRONTDOOR_ENVIRONMENT": "test",
        "FRONTDOOR_SECRET_KEY": secrets.token_urlsafe(48),
        "FRONTDOOR_IDENTITY_SIGNING_KEY": secrets.token_urlsafe(48),
        "FRONTDOOR_BOT_SECRET": secrets.token_urlsafe(48),
        "FRONTDOOR_KNOWLEDGE_BOT_TOKEN": secrets.token_urlsafe(48),
        "FRONTDOOR_TOTP_ENCRYPTION_KEY": secrets.token_urlsafe(48),
        "FRONTDOOR_HANDOFF_ADVISOR_CAP": str(args.cap),
        "FRONTDOOR_HANDOFF_DISPATCH_INTERVAL_SECONDS": "0.2",
        **LIMITS,
    }
    for name in ("a", "b"):
        instances.append(
            ServerProcess(
                {**env, "FRONTDOOR_HANDOFF_INSTANCE_ID": name},
                log_path=str(workdir / f"{name}.log"),
            )
        )
    await asyncio.gather(*(asyncio.to_thread(server.start) for server in instances))
    gate = asyncio.Semaphore(50)

    async def create(number: int) -> dict:
        async with (
            gate,
            httpx.AsyncClient(base_url=instances[number % 2].url, timeout=60, verify=TLS) as c,
        ):
            for attempt in range(5):
                try:
                    response = await c.post("/api/v1/conversations", json={"language": "en"})
                    return dict(response.json())
                except httpx.TransportError:
                    await asyncio.sleep(backoff_delay(attempt))
            raise RuntimeError("could not start a conversation")

    bodies = await asyncio.gather(*(create(n) for n in range(args.chats)))
    clients = await ClientProcesses(
        min(args.clients, len(logins)), __file__, line_limit=1 << 28
    ).start()
    try:
        return await drive(args, pg, redis, instances, clients, bodies, logins)
    finally:
        await clients.close()


async def drive(
    args: argparse.Namespace,
    pg: Postgres,
    redis: Redis,
    instances: list[ServerProcess],
    clients: ClientProcesses,
    bodies: list[dict],
    logins: list[Any],
) -> bool:
    """The parent's side: the client processes hold the residents and consoles (each its
    share, as ``handoff_load.py --clients``), this one runs the faults and the report."""
    count = clients.count
    await clients.each(
        [
            {
                "do": "setup",
                "instances": [[s.url, s.ws_url] for s in instances],
                "pg_url": pg.url,
                "interval": args.interval,
                "residents": [[n, bodies[n]] for n in range(k, len(bodies), count)],
                "advisors": [
                    [n, list(vars(logins[n]).values())] for n in range(k, len(logins), count)
                ],
            }
            for k in range(count)
        ]
    )
    # in waves of one chat per advisor, as the load benchmark does (see its comment)
    wave = len(logins)
    for start in range(0, len(bodies), wave):
        await clients.all({"do": "wave", "start": start, "end": start + wave})
    on_consoles = 0
    for _ in range(300):
        on_consoles = sum(answer["chats"] for answer in await clients.all({"do": "count"}))
        if on_consoles >= len(bodies):
            break
        await asyncio.sleep(0.1)
    print(
        f"  {len(bodies)} live chats with {len(logins)} advisors over 2 instances "
        f"({on_consoles} chats on consoles; {count} client process{'es' if count > 1 else ''})",
        flush=True,
    )

    faults = [Fault("Redis stops"), Fault("PostgreSQL restarts"), Fault("instance a killed")]
    started = time.perf_counter()
    await clients.all({"do": "talk"})

    def say(text: str) -> None:
        print(f"  {text}", flush=True)

    redis_fault, pg_fault, kill_fault = faults
    await asyncio.sleep(args.quiet)
    redis_fault.started = time.perf_counter()
    await asyncio.to_thread(redis.stop)
    say(f"Redis stopped at {redis_fault.started - started:.1f} s")
    await asyncio.sleep(args.redis_down)
    await asyncio.to_thread(redis.start)
    redis_fault.back = time.perf_counter()
    say(f"Redis back at {redis_fault.back - started:.1f} s")

    await asyncio.sleep(args.quiet)
    pg_fault.started = time.perf_counter()
    await asyncio.to_thread(pg.crash)
    say(f"PostgreSQL stopped (immediate) at {pg_fault.started - started:.1f} s")
    await asyncio.sleep(args.pg_down)
    await asyncio.to_thread(pg.start)
    pg_fault.back = time.perf_counter()
    say(f"PostgreSQL back at {pg_fault.back - started:.1f} s")

    await asyncio.sleep(args.quiet)
    kill_fault.started = time.perf_counter()
    await asyncio.to_thread(instances[0].kill)
    say(f"instance a killed at {kill_fault.started - started:.1f} s")
    await asyncio.sleep(1.0)
    await asyncio.to_thread(instances[0].start)
    kill_fault.back = time.perf_counter()
    say(f"instance a healthy again at {kill_fault.back - started:.1f} s")
    await asyncio.sleep(args.quiet)

    ended = time.perf_counter()
    say(f"load stopped at {ended - started:.1f} s; settling…")
    settled = await clients.all({"do": "stop"})
    say(
        f"every message acknowledged or refused {max(a['settled'] for a in settled):.0f} s "
        f"later (still pending: {sum(a['pending'] for a in settled)})"
    )
    caught = await clients.all({"do": "quiesce", "seconds": args.settle})
    print(
        f"  clients caught up with the database after {max(a['took'] for a in caught):.0f} s "
        f"({sum(a['behind'] for a in caught)} still behind)",
        flush=True,
    )
    shares = await clients.all({"do": "collect"})
    residents = [PeerRecord.of(p) for share in shares for p in share["residents"]]
    advisors = [PeerRecord.of(p) for share in shares for p in share["advisors"]]
    figures = Figures(
        to_advisor=[Sample(*x) for share in shares for x in share["to_advisor"]],
        to_resident=[Sample(*x) for share in shares for x in share["to_resident"]],
    )
    lag = LagMeter()
    lag.samples = [tuple(x) for share in shares for x in share["lag"]]
    connected_at_end = [p.open for p in (*residents, *advisors)]
    ok = report(args, pg.url, residents, advisors, figures, faults, started, connected_at_end, lag)
    return ok


@dataclass
class PeerRecord:
    """What a client process reports of one of its peers, for the report."""

    conversation_id: str
    received: dict[str, list[int]]
    seen: dict[str, set[int]]
    reloaded_at: dict[str, list[int]]
    drops: list[tuple[float, float | None]]
    failed: list[dict]
    sent_ids: set[str]
    reloads: int
    throttled: int
    retried: int
    chats: set[str]
    removed: set[str]
    open: bool

    @staticmethod
    def dump(peer: Peer) -> dict:
        return {
            "conversation_id": getattr(peer, "conversation_id", ""),
            "received": peer.received,
            "seen": {cid: sorted(seqs) for cid, seqs in peer.seen.items()},
            "reloaded_at": peer.reloaded_at,
            "drops": peer.drops,
            "failed": peer.failed,
            "sent_ids": sorted(getattr(peer, "sent_ids", ())),
            "reloads": peer.reloads,
            "throttled": peer.throttled,
            "retried": peer.retried,
            "chats": sorted(getattr(peer, "chats", ())),
            "removed": sorted(getattr(peer, "removed", ())),
            "open": peer.open.is_set(),
        }

    @classmethod
    def of(cls, dumped: dict) -> PeerRecord:
        return cls(
            conversation_id=dumped["conversation_id"],
            received=dumped["received"],
            seen={cid: set(seqs) for cid, seqs in dumped["seen"].items()},
            reloaded_at=dumped["reloaded_at"],
            drops=[(dropped, back) for dropped, back in dumped["drops"]],
            failed=dumped["failed"],
            sent_ids=set(dumped["sent_ids"]),
            reloads=dumped["reloads"],
            throttled=dumped["throttled"],
            retried=dumped["retried"],
            chats=set(dumped["chats"]),
            removed=set(dumped["removed"]),
            open=dumped["open"],
        )


# --- the client processes (--clients N) -----------------------------------------------------
# One process driving 800 clients lagged 1.7-3.8 s at 600 chats and passed for a slow
# server. As in handoff_load.py --clients N, the parent runs the services and the faults,
# and N client processes (this script with --worker) each hold a share of the residents
# and consoles, commanded over stdin and stdout (one JSON line each way).


class ClientShare:
    """One client process's residents and consoles."""

    def __init__(self) -> None:
        self.figures = Figures()
        self.residents: list[tuple[int, Resident]] = []
        self.advisors: list[Advisor] = []
        self.tasks: list[asyncio.Task] = []
        self.talking: list[asyncio.Task] = []
        self.stopping = False
        self.lag = LagMeter()
        self.lag_task: asyncio.Task | None = None
        self.pg_url = ""
        self.interval = 3.0

    async def handle(self, command: dict) -> dict:
        what = command["do"]
        if what == "setup":
            await self.setup(command)
        elif what == "wave":
            batch = [r for n, r in self.residents if command["start"] <= n < command["end"]]
            for resident in batch:
                await resident.send({"type": "request_human"})
            await asyncio.wait_for(asyncio.gather(*(r.joined.wait() for r in batch)), timeout=300)
        elif what == "count":
            return {"chats": sum(len(a.chats) for a in self.advisors)}
        elif what == "talk":
            self.lag_task = asyncio.create_task(self.lag.run())
            self.talking = [asyncio.create_task(self.talk_resident(r)) for _, r in self.residents]
            self.talking += [
                asyncio.create_task(self.talk_advisor(a, cid))
                for a in self.advisors
                for cid in sorted(a.chats)
            ]
        elif what == "stop":
            return await self.stop()
        elif what == "quiesce":
            return await self.quiesce(command["seconds"])
        elif what == "collect":
            return self.collect()
        elif what == "close":
            await self.close()
        return {}

    async def setup(self, command: dict) -> None:
        instances = [Instance(url, ws_url) for url, ws_url in command["instances"]]
        self.pg_url, self.interval = command["pg_url"], command["interval"]
        self.residents = [
            (n, Resident(instances, n % 2, self.figures, body)) for n, body in command["residents"]
        ]
        self.advisors = [
            Advisor(instances, n % 2, self.figures, StaffLogin(*login))
            for n, login in command["advisors"]
        ]
        for advisor in self.advisors:
            (await advisor.call("PUT", "/availability", {"status": "available"})).raise_for_status()
        peers: list[Peer] = [*(r for _, r in self.residents), *self.advisors]
        self.tasks = [asyncio.create_task(peer.run()) for peer in peers]
        await asyncio.gather(*(peer.open.wait() for peer in peers))

    async def talk_resident(self, resident: Resident) -> None:
        await asyncio.sleep(random.uniform(0, self.interval))
        number = 0
        while not self.stopping:
            await resident.say(f"message {number}")
            number += 1
            await asyncio.sleep(random.uniform(0.5, 1.5) * self.interval)

    async def talk_advisor(self, advisor: Advisor, conversation_id: str) -> None:
        await asyncio.sleep(random.uniform(0, self.interval))
        number = 0
        while not self.stopping:
            spawn(advisor.say(conversation_id, f"answer {number}"))
            number += 1
            await asyncio.sleep(random.uniform(0.5, 1.5) * self.interval)

    async def stop(self) -> dict:
        self.stopping = True
        await asyncio.gather(*self.talking)
        settle = time.perf_counter()
        pending = 0
        while time.perf_counter() - settle < 180:
            pending = sum(len(r.outbox) for _, r in self.residents)
            pending += sum(len(a.writing) for a in self.advisors)
            if pending == 0:
                break
            await asyncio.sleep(1)
        return {"pending": pending, "settled": time.perf_counter() - settle}

    async def quiesce(self, seconds: float) -> dict:
        """Wait until every client has what the database holds, so late is not lost."""
        started = time.perf_counter()
        behind = -1
        while time.perf_counter() - started < seconds:
            latest = await asyncio.to_thread(heads, self.pg_url)
            behind = sum(
                1
                for _, r in self.residents
                if r.cursors.get(r.conversation_id, 0) < latest.get((r.conversation_id, "all"), 0)
            )
            behind += sum(
                1
                for a in self.advisors
                for cid in a.chats - a.removed
                if a.cursors.get(cid, 0) < latest.get((cid, "advisors"), 0)
            )
            if behind == 0:
                break
            await asyncio.sleep(1)
        return {"behind": behind, "took": time.perf_counter() - started}

    def collect(self) -> dict:
        return {
            "residents": [PeerRecord.dump(r) for _, r in self.residents],
            "advisors": [PeerRecord.dump(a) for a in self.advisors],
            "to_advisor": [[x.sent, x.latency] for x in self.figures.to_advisor],
            "to_resident": [[x.sent, x.latency] for x in self.figures.to_resident],
            "lag": self.lag.samples,
        }

    async def close(self) -> None:
        if self.lag_task is not None:
            self.lag_task.cancel()
        peers = [*(r for _, r in self.residents), *self.advisors]
        for peer in peers:
            peer.done = True

        async def close_one(ws: ClientConnection) -> None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), timeout=5)

        # at once, each bounded: one by one, hundreds of stalled sockets took minutes
        await asyncio.gather(*(close_one(p.ws) for p in peers if p.ws is not None))
        for task in self.tasks:
            task.cancel()
        for client in HTTP:
            await client.aclose()


def repeats(got: list[int], reloads: list[int]) -> tuple[int, int, int]:
    """(duplicated, replayed, out of order) in one peer's deliveries of one chat.

    ``reloads`` are the positions in ``got`` at which a transcript reload ended. A seq
    delivered again with a reload between its copies is a replay; without one, a
    duplicate. A seq not above the one before it is out of order, unless a reload
    ended between them (the replay starts from the transcript's end)."""
    first: dict[int, int] = {}
    duplicated = replayed = disorder = 0
    for index, seq in enumerate(got):
        if seq in first:
            if any(first[seq] < mark <= index for mark in reloads):
                replayed += 1
            else:
                duplicated += 1
        else:
            first[seq] = index
        if index and seq <= got[index - 1] and index not in reloads:
            disorder += 1
    return duplicated, replayed, disorder


def heads(url: str) -> dict[tuple[str, str], int]:
    """(conversation, audience) -> the last seq a client of that audience should see."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                m.events.c.conversation_id, m.events.c.audience, func.max(m.events.c.seq)
            ).group_by(m.events.c.conversation_id, m.events.c.audience)
        ).all()
    engine.dispose()
    found: dict[tuple[str, str], int] = {}
    for cid, audience, seq in rows:
        found[(cid, "all")] = max(found.get((cid, "all"), 0), seq if audience == "all" else 0)
        found[(cid, "advisors")] = max(found.get((cid, "advisors"), 0), seq)
    return found


def _why(failure: dict) -> str:
    return f"/{failure['why']}" if failure.get("why") else ""


def ms(samples: list[Sample], fraction: float) -> str:
    if not samples:
        return "n/a"
    return f"{percentile([s.latency for s in samples], fraction) * 1000:.0f} ms"


def report(
    args: argparse.Namespace,
    url: str,
    residents: list[PeerRecord],
    advisors: list[PeerRecord],
    figures: Figures,
    faults: list[Fault],
    started: float,
    connected_at_end: list[bool],
    lag: LagMeter,
) -> bool:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                m.events.c.conversation_id,
                m.events.c.seq,
                m.events.c.audience,
                m.events.c.client_id,
            )
        ).all()
    engine.dispose()
    by_conversation: dict[str, list] = {}
    stored_ids: Counter[str] = Counter()
    for row in rows:
        by_conversation.setdefault(row.conversation_id, []).append(row)
        if row.client_id:
            stored_ids[row.client_id] += 1
    lost = {"resident": 0, "advisor": 0}
    duplicated = replayed = disorder = 0
    peers: list[tuple[PeerRecord, str, bool]] = [(r, r.conversation_id, False) for r in residents]
    peers += [(a, cid, True) for a in advisors for cid in a.chats - a.removed]
    for peer, cid, advisor_side in peers:
        expected = sorted(
            row.seq for row in by_conversation.get(cid, []) if advisor_side or row.audience == "all"
        )
        got = peer.received.get(cid, [])
        seen = peer.seen.get(cid, set())
        if advisor_side and got:
            # a chat joins the console with its history: from the first event received
            expected = [s for s in expected if s >= min(got)]
        twice, again, late = repeats(got, peer.reloaded_at.get(cid, []))
        duplicated, replayed, disorder = duplicated + twice, replayed + again, disorder + late
        lost["advisor" if advisor_side else "resident"] += len(set(expected) - seen)
    everyone: list[PeerRecord] = [*residents, *advisors]
    failed = [f for p in everyone for f in p.failed]
    failed_ids = {f["client_id"] for f in failed}
    sent = set().union(*(r.sent_ids for r in residents), *(a.sent_ids for a in advisors))
    never_stored = sum(1 for c in sent if stored_ids[c] == 0 and c not in failed_ids)
    failed_but_stored = sum(1 for c in failed_ids if stored_ids[c] > 0)
    stored_twice = sum(1 for n in stored_ids.values() if n > 1)
    never_back = sum(1 for up in connected_at_end if not up)
    removed = sum(len(a.removed) for a in advisors)

    print(f"  client messages sent: {len(sent)}; stored events: {len(rows)}")
    print(
        f"  reloads (reload_required): {sum(p.reloads for p in everyone)}; "
        f"throttled, shed or unavailable (resent): {sum(p.throttled for p in everyone)} "
        f"on sockets, {sum(p.retried for p in everyone)} over REST; "
        f"chats taken off a console: {removed}"
    )
    print(
        f"  lost (stored, never delivered): {sum(lost.values())} "
        f"(residents {lost['resident']}, advisors {lost['advisor']}); "
        f"lost (sent, neither stored nor refused): {never_stored}"
    )
    print(
        f"  failed (shown to the sender as not sent): {len(failed)} "
        f"{dict(Counter(str(f.get('code')) + _why(f) for f in failed))}; of those stored anyway: "
        f"{failed_but_stored}"
    )
    print(
        f"  duplicated (delivered twice, no reload between): {duplicated}; "
        f"stored twice: {stored_twice}; replayed after a transcript reload "
        f"(kept once by seq): {replayed}"
    )
    print(f"  out of order: {disorder}")
    print(f"  clients without an open socket at the end: {never_back} of {len(everyone)}")

    print("  per fault (latency by the time a message was first sent):")
    samples = figures.to_advisor
    baseline = [s for s in samples if s.sent - started < faults[0].started - started]
    print(
        f"    baseline (before any fault): resident→advisor p50 {ms(baseline, 0.5)}, "
        f"p95 {ms(baseline, 0.95)}, n={len(baseline)}; the client processes' event loops late by "
        f"{lag.worst(started, faults[0].started)} at worst"
    )
    window = args.quiet / 2
    for fault in faults:
        before = [s for s in samples if fault.started - window <= s.sent < fault.started]
        during = [s for s in samples if fault.started <= s.sent < fault.back]
        after = [s for s in samples if fault.back <= s.sent < fault.back + window]
        back_in = [
            (back - dropped)
            for p in everyone
            for dropped, back in p.drops
            if fault.started <= dropped < fault.back + window and back is not None
        ]
        dropped_count = sum(
            1
            for p in everyone
            for dropped, _ in p.drops
            if fault.started <= dropped < fault.back + window
        )
        reconnect = (
            f"{dropped_count} sockets dropped, reconnected after p50 "
            f"{percentile(back_in, 0.5):.1f} s, p95 {percentile(back_in, 0.95):.1f} s, "
            f"max {max(back_in):.1f} s"
            if back_in
            else f"{dropped_count} sockets dropped"
        )
        print(
            f"    {fault.name} ({fault.back - fault.started:.1f} s down): {reconnect}; "
            f"resident→advisor p95 before {ms(before, 0.95)}, during {ms(during, 0.95)} "
            f"(max {ms(during, 1.0)}), after {ms(after, 0.95)}; the client processes' event loops "
            f"late by {lag.worst(fault.started - window, fault.back + window)} at worst"
        )
    to_resident = figures.to_resident
    print(
        f"  whole run: resident→advisor p50 {ms(samples, 0.5)}, p95 {ms(samples, 0.95)}, "
        f"n={len(samples)}; advisor→resident p50 {ms(to_resident, 0.5)}, "
        f"p95 {ms(to_resident, 0.95)}, n={len(to_resident)}"
    )
    ok = target("0 lost", sum(lost.values()) == never_stored == 0)
    ok &= target("0 failed", not failed)
    ok &= target("0 duplicated", duplicated == stored_twice == 0)
    ok &= target("0 out of order", disorder == 0)
    ok &= target("every client reconnected on its own", never_back == 0)
    return ok


def use_uvloop() -> None:
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chats", type=int, default=200, help="live chats (the issue: 600)")
    parser.add_argument("--cap", type=int, default=3, help="chats per advisor")
    parser.add_argument("--interval", type=float, default=3.0, help="seconds between messages")
    parser.add_argument(
        "--quiet", type=float, default=20.0, help="seconds of plain load before each fault"
    )
    parser.add_argument("--redis-down", type=float, default=10.0)
    parser.add_argument("--pg-down", type=float, default=5.0)
    parser.add_argument(
        "--settle", type=float, default=90.0, help="max wait for clients to catch up at the end"
    )
    parser.add_argument(
        "--clients",
        type=int,
        default=0,
        help="client processes sharing the residents and consoles (default: one per 200 chats)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:  # one of the client processes, commanded over stdin
        use_uvloop()
        asyncio.run(serve_commands(ClientShare()))
        return 0
    if args.clients <= 0:
        args.clients = max(1, math.ceil(args.chats / 200))
    print(describe_machine())
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average at start: {load} (other work on this machine skews the figures)")
    print(
        f"handoff faults: {args.chats} live chats, a message every ~{args.interval:.0f} s each "
        f"way, 2 instances, PostgreSQL and Redis of its own; Redis down {args.redis_down:.0f} s, "
        f"PostgreSQL crash and {args.pg_down:.0f} s down, SIGKILL of one instance"
    )
    print("  rate limits raised for one loopback client: " + ", ".join(
        f"{name.removeprefix('FRONTDOOR_HANDOFF_LIMIT_').lower()} {value}"
        for name, value in LIMITS.items()
    ))  # fmt: skip
    workdir = Path(tempfile.mkdtemp(prefix="handoff-faults-"))
    try:
        use_uvloop()
        ok = asyncio.run(run(args, workdir))
    finally:
        if args.keep:
            print(f"  (PostgreSQL, server logs kept in {workdir})")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    print(f"load average at the end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0 if ok else 1


if __name__ == "__main__":
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.exit(main())
