"""Keeping every connected console, and every waiting resident, up to date.

Changes only mark what is stale (teams whose queue moved, advisors whose chats
moved); one refresh pass then reads a single snapshot (teams, advisors, the
queue) and diffs each console against what it was last sent. A burst of
changes therefore costs one pass, not one per change; a periodic full pass
repairs anything a lost wake-up missed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Set
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handoff import protocol, views
from handoff.hub import Connection
from handoff.routing import AdvisorInfo, estimate_wait, positions
from handoff.service import Handoff, run
from handoff.states import State
from handoff.store import Conversation, Store


@dataclass(frozen=True)
class Snapshot:
    now: datetime
    advisors: list[AdvisorInfo]
    waiting: list[Conversation]
    handle_seconds: float

    def queue_for(self, teams: set[str], user_id: int) -> list[dict[str, Any]]:
        return views.queue_from(
            self.waiting,
            teams,
            user_id=user_id,
            advisors=self.advisors,
            handle_seconds=self.handle_seconds,
            now=self.now,
        )


def take_snapshot(store: Store, *, default_cap: int, grace_seconds: float) -> Snapshot:
    return Snapshot(
        now=store.clock(),
        advisors=store.advisors(default_cap=default_cap, grace_seconds=grace_seconds),
        waiting=store.waiting(),
        handle_seconds=store.handle_seconds(480.0),
    )


class Refresher:
    def __init__(self, handoff: Handoff) -> None:
        self.h = handoff
        self._teams: set[str] = set()
        self._users: set[int] = set()
        self._everything = False
        self._positions = False
        self.pending = asyncio.Event()

    def mark(
        self,
        teams: Set[str] = frozenset(),
        users: Set[int] = frozenset(),
        *,
        everything: bool = False,
        positions: bool = False,
    ) -> None:
        self._teams |= teams
        self._users |= users
        self._everything |= everything
        self._positions |= positions or bool(teams)
        self.pending.set()

    async def snapshot(self) -> Snapshot:
        limits = self.h.limits
        return await run(
            take_snapshot,
            self.h.store,
            default_cap=limits.default_cap,
            grace_seconds=limits.grace_seconds,
        )

    async def run_once(self) -> None:
        """One pass over everything marked since the last pass."""
        self.pending.clear()
        teams, users, everything, moved = (
            self._teams,
            self._users,
            self._everything,
            self._positions,
        )
        self._teams, self._users, self._everything, self._positions = set(), set(), False, False
        if not (teams or users or everything or moved):
            return
        snap = await self.snapshot()
        for user_id, connections in list(self.h.hub.advisors.items()):
            for connection in list(connections):
                mine = connection.state.get("teams", set())
                if (
                    everything
                    or user_id in users
                    or mine & teams
                    or connection.state.get("supervisor")
                ):
                    await self.refresh_advisor(connection, snap, reload_teams=everything)
        if everything or moved:
            self.refresh_positions(snap)

    async def refresh_advisor(
        self, connection: Connection, snap: Snapshot | None = None, *, reload_teams: bool = False
    ) -> None:
        staff: views.Staff = connection.state["staff"]
        lock: asyncio.Lock = connection.state.setdefault("lock", asyncio.Lock())
        async with lock:
            snap = snap or await self.snapshot()
            if reload_teams or "teams" not in connection.state:
                teams = await run(views.teams_of, self.h.store, staff.user_id)
                connection.state["teams"] = {t["slug"] for t in teams}
                if staff.supervisor:  # supervisors see every queue
                    connection.state["teams"] |= {c.team or "general" for c in snap.waiting}
            now = await run(views.chat_statuses, self.h.store, staff.user_id)
            before: dict[str, str] = connection.state.setdefault("chats", {})
            queue = snap.queue_for(connection.state["teams"], staff.user_id)
            fresh = {cid for cid, status in now.items() if before.get(cid) != status}
            if fresh:
                await self._announce(connection, fresh, queue)
            for cid, status in before.items():
                if now.get(cid) != status:
                    await self._retract(connection, cid, status, now.get(cid))
            connection.state["chats"] = now
            me = next((a for a in snap.advisors if a.user_id == staff.user_id), None)
            availability = me.availability.value if me else "away"
            if connection.state.setdefault("availability", availability) != availability:
                connection.state["availability"] = availability
                connection.send({"type": "presence", "availability": availability})
            shown = [{k: v for k, v in i.items() if k != "wait_seconds"} for i in queue]
            if shown != connection.state.get("queue_snapshot"):
                connection.state["queue_snapshot"] = shown
                connection.send({"type": "queue", "items": queue})

    async def _announce(self, connection: Connection, fresh: set[str], queue: list[dict]) -> None:
        staff: views.Staff = connection.state["staff"]
        items = {item["conversation_id"]: item for item in queue}
        for chat in await run(views.chats, self.h.store, staff.user_id, fresh):
            cid = chat["conversation_id"]
            if chat["status"] == "active":
                connection.send({"type": "chat_added", "chat": chat})
                cursor = connection.state.get("cursors", {}).pop(cid, 0)
                await self.h.hub.subscribe(connection, cid, cursor)
            else:
                connection.send(
                    {
                        "type": "offer",
                        "conversation_id": cid,
                        "expires_at": chat["offer_expires_at"],
                        "item": items.get(cid),
                        "chat": chat,
                    }
                )

    async def _retract(self, connection: Connection, cid: str, was: str, now: str | None) -> None:
        if was == "active":
            reason = await self._why_gone(cid)
            connection.send({"type": "chat_removed", "conversation_id": cid, "reason": reason})
            self.h.hub.unsubscribe(connection, cid)
        elif was == "offered" and now != "active":
            reason = await self._why_gone(cid)
            connection.send(
                {
                    "type": "offer_withdrawn",
                    "conversation_id": cid,
                    "reason": {"requeued": "timeout", "transferred": "taken"}.get(
                        reason, "resident_left"
                    ),
                }
            )

    async def _why_gone(self, conversation_id: str) -> str:
        conversation = await run(self.h.store.get, conversation_id)
        return {
            State.CLOSED: "closed",
            State.BOT: "handed_back",
            State.WAITING: "requeued",
            State.WITH_ADVISOR: "transferred",
        }.get(State(conversation.state), "closed")

    def refresh_positions(self, snap: Snapshot) -> None:
        """Queue position and estimate for every waiting resident connected here."""
        waiting = {c.id: c for c in snap.waiting}
        where = positions([c.queue_entry() for c in snap.waiting])
        for cid, connection in self.h.hub.residents_waiting_here():
            if cid not in waiting:
                connection.state.pop("queue", None)
                continue
            team = waiting[cid].team or "general"
            estimate = estimate_wait(where[cid], team, snap.advisors, snap.handle_seconds)
            frame = protocol.queue_frame(where[cid], estimate)
            if connection.state.get("queue") != frame:
                connection.state["queue"] = frame
                connection.send(frame)
