"""Lossless delivery under crashes: kill -9 the handoff process three times mid-run.

200 conversations (60 of them with advisors) send 10,000 resident messages;
advisors answer some of them. The clients behave like the widget and the
console: they keep the last ``seq`` they saw, reconnect with it after any drop
(back-off), and resend every message not yet acknowledged with the same
``client_id``. Meanwhile the server is killed with SIGKILL three times and
restarted. At the end every client's received events are compared with the
database, per conversation:

* lost: stored events the client should have seen but never received;
* duplicated: events received twice, and client messages stored twice;
* out of order: an event whose seq was not above the one before it.

Target: 0, 0, 0. Loopback only; bounded in count and time.

    .venv/bin/python benchmarks/handoff_loss.py [--conversations 200] [--messages 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import random
import secrets
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import func, select
from websockets.asyncio.client import ClientConnection, connect

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import describe_machine, target

from frontdoor.db import make_engine
from handoff import models as m
from handoff.devserver import ServerProcess, prepare_database

ORIGIN = "http://localhost:8000"
# Every client here shares one loopback address, far beyond the limits meant for one
# resident: the benchmark raises them explicitly (and prints them), never switches them off.
LIMITS = {
    "FRONTDOOR_HANDOFF_LIMIT_CONVERSATIONS": "1000000/minute",
    "FRONTDOOR_HANDOFF_LIMIT_MESSAGES_PER_CONVERSATION": "1000/minute",
    "FRONTDOOR_HANDOFF_LIMIT_MESSAGES_PER_ADDRESS": "1000000/minute",
}


@dataclass
class Peer:
    """One socket's worth of client: cursor(s), received events, an outbox of unacked sends."""

    received: dict[str, list[int]] = field(default_factory=dict)  # conversation -> seqs
    cursors: dict[str, int] = field(default_factory=dict)
    unacked: dict[str, dict] = field(default_factory=dict)  # client_id -> frame
    sent_ids: set[str] = field(default_factory=set)
    reconnects: int = 0
    reloads: int = 0
    throttled: int = 0
    _later: set[asyncio.Future] = field(default_factory=set)
    ws: ClientConnection | None = None
    connected: asyncio.Event = field(default_factory=asyncio.Event)

    def take(self, frame: dict) -> None:
        kind = frame.get("type")
        if kind == "event":
            cid = frame["conversation_id"]
            self.received.setdefault(cid, []).append(frame["seq"])
            self.cursors[cid] = max(self.cursors.get(cid, 0), frame["seq"])
        elif kind == "ack":
            self.unacked.pop(frame["client_id"], None)
        elif kind == "reload_required":
            self.reloads += 1
        elif kind == "throttled" and frame.get("client_id") in self.unacked:
            # refused, not stored (too fast, or the server shedding load): resend later,
            # as the widget and the console do
            self.throttled += 1
            delay = float(frame.get("retry_after") or 1)
            resend = self.unacked[frame["client_id"]]
            asyncio.get_running_loop().call_later(
                delay, lambda: self._later.add(asyncio.ensure_future(self.resend(resend)))
            )

    async def resend(self, frame: dict) -> None:
        if frame["client_id"] in self.unacked and self.ws is not None and self.connected.is_set():
            with contextlib.suppress(Exception):  # resent after the reconnect
                await self.ws.send(json.dumps(frame))

    async def send(self, frame: dict) -> None:
        self.unacked[frame["client_id"]] = frame
        self.sent_ids.add(frame["client_id"])
        if self.ws is not None and self.connected.is_set():
            with contextlib.suppress(Exception):  # resent after the reconnect
                await self.ws.send(json.dumps(frame))

    async def run(self, url_for) -> None:  # type: ignore[no-untyped-def]
        delay = 0.2
        while True:
            try:
                self.ws = await connect(url_for(), origin=ORIGIN, max_queue=None, **self.extra())  # type: ignore[arg-type]
            except Exception:
                await asyncio.sleep(delay * random.uniform(0.5, 1.5))
                delay = min(delay * 2, 2.0)
                continue
            delay = 0.2
            self.connected.set()
            for frame in list(self.unacked.values()):  # resend what may not have been stored
                await self.ws.send(json.dumps(frame))
            try:
                async for raw in self.ws:
                    self.take(json.loads(raw))
            except Exception:
                pass
            self.connected.clear()
            self.reconnects += 1
            if getattr(self, "done", False):
                return

    def extra(self) -> dict:
        return {}


class Resident(Peer):
    def __init__(self, base: str, body: dict) -> None:
        super().__init__()
        self.base = base
        self.conversation_id = body["conversation_id"]
        self.token = body["conversation_token"]
        self.joined = asyncio.Event()

    def url(self) -> str:
        cursor = self.cursors.get(self.conversation_id, 0)
        return (
            f"{self.base}/ws/resident?conversation_id={self.conversation_id}"
            f"&token={self.token}&cursor={cursor}"
        )

    def take(self, frame: dict) -> None:
        super().take(frame)
        if frame.get("type") == "event" and frame["kind"] == "advisor_joined":
            self.joined.set()


class Advisor(Peer):
    def __init__(self, base: str, http_base: str, login) -> None:  # type: ignore[no-untyped-def]
        super().__init__()
        self.base, self.login = base, login
        self.chats: set[str] = set()
        self.removed: set[str] = set()
        self.errors: list[dict] = []
        self.http = httpx.AsyncClient(
            base_url=http_base,
            timeout=30,
            headers={"cookie": f"fd_session={login.cookie}", "x-csrf-token": login.csrf},
        )

    def url(self) -> str:
        cursors = ",".join(f"{cid}:{seq}" for cid, seq in self.cursors.items() if cid in self.chats)
        return f"{self.base}/ws/advisor" + (f"?cursors={cursors}" if cursors else "")

    def extra(self) -> dict:
        return {"additional_headers": {"cookie": f"fd_session={self.login.cookie}"}}

    def take(self, frame: dict) -> None:
        super().take(frame)
        if frame.get("type") == "offer":
            asyncio.create_task(self.accept(frame["conversation_id"]))  # noqa: RUF006
        elif frame.get("type") == "chat_added":
            self.chats.add(frame["chat"]["conversation_id"])
        elif frame.get("type") == "chat_removed":
            self.removed.add(frame["conversation_id"])
        elif frame.get("type") == "error":
            self.errors.append(frame)

    async def accept(self, conversation_id: str) -> None:
        for _ in range(20):
            try:
                await self.http.post(f"/api/v1/advisor/conversations/{conversation_id}/accept")
                return
            except httpx.HTTPError:
                await asyncio.sleep(0.5)


async def request(client: httpx.AsyncClient, method: str, path: str, **kw) -> httpx.Response:  # type: ignore[no-untyped-def]
    for _ in range(100):
        try:
            return await client.request(method, path, **kw)
        except httpx.HTTPError:
            await asyncio.sleep(0.3)
    raise RuntimeError(f"{method} {path} kept failing")


async def run(args: argparse.Namespace, workdir: Path) -> bool:
    """The whole run; True when the 0 lost / 0 duplicated / 0 out of order target held."""
    url = args.database_url or f"sqlite:///{workdir / 'handoff-loss.db'}"
    logins = prepare_database(url, advisors=args.advisors)
    env = {
        "FRONTDOOR_DATABASE_URL": url,
        "FRONTDOOR_ENVIRONMENT": "test",
        "FRONTDOOR_SECRET_KEY": secrets.token_urlsafe(48),
        "FRONTDOOR_IDENTITY_SIGNING_KEY": secrets.token_urlsafe(48),
        "FRONTDOOR_BOT_SECRET": secrets.token_urlsafe(48),
        "FRONTDOOR_HANDOFF_ADVISOR_CAP": "3",
        # a restart (even a slow one on a busy machine) must not count as advisors leaving
        "FRONTDOOR_HANDOFF_ADVISOR_GRACE_SECONDS": "90",
        **LIMITS,
    }
    print("  rate limits raised for one loopback client: " + ", ".join(
        f"{name.removeprefix('FRONTDOOR_HANDOFF_LIMIT_').lower()} {value}"
        for name, value in LIMITS.items()
    ))  # fmt: skip
    server = ServerProcess(env, log_path=str(workdir / "server.log")).start()
    ws_base = server.ws_url
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
            bodies = [
                (await request(client, "POST", "/api/v1/conversations", json={})).json()
                for _ in range(args.conversations)
            ]
        residents = [Resident(ws_base, body) for body in bodies]
        advisors = [Advisor(ws_base, server.url, login) for login in logins]
        for advisor in advisors:
            await advisor.http.put("/api/v1/advisor/availability", json={"status": "available"})
        tasks = [asyncio.create_task(p.run(p.url)) for p in (*residents, *advisors)]
        await asyncio.gather(*(p.connected.wait() for p in (*residents, *advisors)))
        live = residents[: args.advisors * 3]
        for resident in live:
            await resident.ws.send(json.dumps({"type": "request_human"}))  # type: ignore[union-attr]
        await asyncio.wait_for(asyncio.gather(*(r.joined.wait() for r in live)), timeout=120)
        print(f"  {len(residents)} conversations open, {len(live)} with advisors")

        per_conversation = args.messages // len(residents)
        duration_hint = per_conversation * args.interval
        kills = [duration_hint * f for f in (0.2, 0.45, 0.7)]
        started = time.perf_counter()

        async def killer() -> None:
            for at in kills:
                await asyncio.sleep(max(at - (time.perf_counter() - started), 0))
                server.kill()
                print(f"  killed the server at {time.perf_counter() - started:.1f} s", flush=True)
                await asyncio.sleep(0.5)
                server.start()
                print(f"  restarted at {time.perf_counter() - started:.1f} s", flush=True)

        async def talk(resident: Resident, advisor_for: Advisor | None) -> None:
            await asyncio.sleep(random.uniform(0, args.interval))
            for number in range(per_conversation):
                await resident.send(
                    {
                        "type": "message",
                        "client_id": f"r-{uuid.uuid4().hex}",
                        "text": f"message {number}",
                    }
                )
                if advisor_for is not None and number % 5 == 4:
                    await advisor_for.send(
                        {
                            "type": "message",
                            "conversation_id": resident.conversation_id,
                            "client_id": f"a-{uuid.uuid4().hex}",
                            "text": f"answer {number}",
                        }
                    )
                await asyncio.sleep(random.uniform(0.5, 1.5) * args.interval)

        owner = {}
        for advisor in advisors:
            for cid in advisor.chats:
                owner[cid] = advisor
        kill_task = asyncio.create_task(killer())
        await asyncio.gather(*(talk(r, owner.get(r.conversation_id)) for r in residents))
        await kill_task
        sending = time.perf_counter() - started
        print(f"  all messages handed to the clients after {sending:.0f} s; settling…", flush=True)
        settle_started = time.perf_counter()
        deadline = settle_started + 180
        while time.perf_counter() < deadline:
            pending = sum(len(p.unacked) for p in (*residents, *advisors))
            if pending == 0:
                break
            await asyncio.sleep(1)
        print(
            f"  every send acknowledged {time.perf_counter() - settle_started:.0f} s later "
            f"(still unacknowledged: {pending})",
            flush=True,
        )
        waited = time.perf_counter()
        while time.perf_counter() - waited < args.settle and unanswered(url) > 0:
            await asyncio.sleep(1)  # relays that died with a killed process are recovered
        print(
            f"  the bot had answered every message {time.perf_counter() - waited:.0f} s later "
            f"({unanswered(url)} still unanswered)",
            flush=True,
        )
        await quiesce(url, residents, advisors)
        ok = report(url, residents, advisors, workdir)
        for peer in (*residents, *advisors):
            peer.done = True  # type: ignore[attr-defined]
            if peer.ws is not None:
                await peer.ws.close()
        for task in tasks:
            task.cancel()
        for advisor in advisors:
            await advisor.http.aclose()
    finally:
        server.stop()
    return ok


def unanswered(url: str) -> int:
    """Resident messages waiting for the bot in conversations the bot is in charge of."""
    engine = make_engine(url)
    with engine.connect() as conn:
        count = conn.execute(
            select(func.count())
            .select_from(m.events)
            .join(m.conversations, m.conversations.c.id == m.events.c.conversation_id)
            .where(m.events.c.bot_pending.is_(True), m.conversations.c.state == "bot")
        ).scalar_one()
    engine.dispose()
    return int(count)


def latest(url: str) -> dict[tuple[str, str], int]:
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


async def quiesce(url: str, residents: list[Resident], advisors: list[Advisor]) -> None:
    """Wait until every client has what the database holds (the bot may still be answering
    messages recovered after the kills), so a late delivery is not counted as a loss."""
    started = time.perf_counter()
    behind = -1
    while time.perf_counter() - started < 90:
        heads = latest(url)
        behind = sum(
            1
            for r in residents
            if r.cursors.get(r.conversation_id, 0) < heads.get((r.conversation_id, "all"), 0)
        )
        behind += sum(
            1
            for a in advisors
            for cid in a.chats - a.removed
            if a.cursors.get(cid, 0) < heads.get((cid, "advisors"), 0)
        )
        if behind == 0:
            break
        await asyncio.sleep(1)
    print(
        f"  clients caught up with the database after {time.perf_counter() - started:.0f} s "
        f"({behind} still behind)",
        flush=True,
    )


def report(url: str, residents: list[Resident], advisors: list[Advisor], workdir: Path) -> bool:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                m.events.c.conversation_id,
                m.events.c.seq,
                m.events.c.audience,
                m.events.c.client_id,
                m.events.c.kind,
                m.events.c.data,
            )
        ).all()
        stored_total = conn.execute(select(func.count()).select_from(m.events)).scalar_one()
    engine.dispose()
    by_conversation: dict[str, list] = {}
    client_ids: Counter[str] = Counter()
    for row in rows:
        by_conversation.setdefault(row.conversation_id, []).append(row)
        if row.client_id:
            client_ids[row.client_id] += 1
    lost = {"resident": 0, "advisor": 0}
    duplicated = disorder = 0
    peers: list[tuple[Peer, str, bool]] = [(r, r.conversation_id, False) for r in residents]
    peers += [(a, cid, True) for a in advisors for cid in a.chats]
    for peer, cid, advisor_side in peers:
        expected = sorted(
            row.seq for row in by_conversation.get(cid, []) if advisor_side or row.audience == "all"
        )
        got = peer.received.get(cid, [])
        if advisor_side:
            # a chat joins the console with its history: count from the first event received
            expected = [s for s in expected if not got or s >= got[0]]
        counts = Counter(got)
        duplicated += sum(n - 1 for n in counts.values() if n > 1)
        disorder += sum(1 for a, b in itertools.pairwise(got) if b <= a)
        lost["advisor" if advisor_side else "resident"] += len(set(expected) - set(got))
    sent = set().union(*(p.sent_ids for p in (*residents, *advisors)))
    never_stored = sum(1 for client_id in sent if client_ids[client_id] == 0)
    stored_twice = sum(1 for n in client_ids.values() if n > 1)
    resident_messages = [
        r for r in rows if r.kind == "message" and r.data.get("author") == "resident"
    ]
    unanswered = 0
    for items in by_conversation.values():
        if any(i.kind == "state" and i.data.get("state") != "bot" for i in items):
            continue  # with an advisor: the bot is silent by design
        bot = sum(1 for i in items if i.kind == "message" and i.data.get("author") == "bot")
        mine = sum(1 for i in items if i.kind == "message" and i.data.get("author") == "resident")
        unanswered += max(mine - bot, 0)
    print(
        f"  client messages sent: {len(sent)}; stored events: {stored_total} "
        f"({len(resident_messages)} resident messages)"
    )
    print(
        f"  reconnects: {sum(p.reconnects for p in (*residents, *advisors))}, "
        f"reload_required: {sum(p.reloads for p in (*residents, *advisors))}, "
        f"throttled or shed (resent): {sum(p.throttled for p in (*residents, *advisors))}"
    )
    print(
        f"  lost (stored, never delivered): {sum(lost.values())} "
        f"(residents {lost['resident']}, advisors {lost['advisor']})"
    )
    errors = [e for a in advisors for e in a.errors]
    removed = sum(len(a.removed) for a in advisors)
    if errors or removed:
        print(f"  advisor errors: {Counter(e['code'] for e in errors)}; chats removed: {removed}")
    print(f"  lost (sent, never stored): {never_stored}")
    print(f"  duplicated (delivered twice): {duplicated}; stored twice: {stored_twice}")
    print(f"  out of order: {disorder}")
    print(f"  resident messages the bot has not answered (yet): {unanswered}")
    ok = sum(lost.values()) == never_stored == duplicated == stored_twice == disorder == 0
    return target("0 lost / 0 duplicated / 0 out of order", ok)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--advisors", type=int, default=20)
    parser.add_argument(
        "--interval", type=float, default=1.0, help="seconds between a chat's messages"
    )
    parser.add_argument("--settle", type=float, default=120.0, help="max wait for the bot")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    args = parser.parse_args()
    print(describe_machine())
    load = " ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"load average at start: {load} (other work on this machine skews the figures)")
    print(
        f"handoff loss: {args.conversations} conversations, {args.messages} resident messages, "
        "3 x SIGKILL and restart, loopback"
    )
    workdir = Path(tempfile.mkdtemp(prefix="handoff-loss-"))
    ok = asyncio.run(run(args, workdir))
    if args.keep:
        print(f"  (database and server log kept in {workdir})")
    else:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
