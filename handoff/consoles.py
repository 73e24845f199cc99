"""Keeping every connected console, and every waiting resident, up to date.

Changes only mark what is stale (teams whose queue moved, advisors whose chats
moved); one refresh pass then reads a single snapshot (teams, advisors, the
queue) and diffs each console against what it was last sent. A burst of
changes therefore costs one pass, not one per change; a periodic full pass
repairs anything a lost wake-up missed.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Set
from datetime import datetime
from typing import Any

from handoff import protocol, views
from handoff.hub import Connection
from handoff.routing import AdvisorInfo, capacities, positions, wait_from
from handoff.service import Handoff, run
from handoff.states import State
from handoff.store import Conversation, Store

# queue item fields that change every second: sent along, never a reason to send
TICKING = frozenset({"wait_seconds", "resident_away_seconds"})


class Snapshot:
    """One read of teams, advisors and the queue, shared by every console in a pass.

    Each team's queue items (positions, estimates) are built once per snapshot and
    shared by every console showing that team; a console's own view differs only in
    which offers are to its advisor. Before, every console rebuilt every item and
    every estimate scanned every advisor (issue 12: 200 consoles x 600 waiting x 200
    advisors per refresh).
    """

    def __init__(
        self,
        *,
        now: datetime,
        advisors: list[AdvisorInfo],
        waiting: list[Conversation],
        handle_seconds: float,
    ) -> None:
        self.now, self.advisors, self.waiting = now, advisors, waiting
        self.handle_seconds = handle_seconds
        self.capacity = capacities(advisors)
        self._waiting_by_team: dict[str, list[Conversation]] = {}
        for c in waiting:
            self._waiting_by_team.setdefault(c.team or "general", []).append(c)
        self._offered = {c.id: c.offered_to for c in waiting if c.offered_to is not None}
        self._offers_of: dict[int, list[tuple[str, str]]] = {}
        for c in waiting:
            if c.offered_to is not None:
                self._offers_of.setdefault(c.offered_to, []).append((c.team or "general", c.id))
        self._items: dict[str, list[dict[str, Any]]] = {}
        self._shown: dict[str, tuple[Any, ...]] = {}
        self.versions: dict[str, int] = {}  # filled by the Refresher, once per team

    def team_items(self, team: str) -> list[dict[str, Any]]:
        """The team's queue as nobody's (``offered_to_me`` false), built once."""
        if team not in self._items:
            self._items[team] = views.queue_from(
                self._waiting_by_team.get(team, []),
                {team},
                user_id=None,
                advisors=self.advisors,
                handle_seconds=self.handle_seconds,
                now=self.now,
                capacity=self.capacity,
            )
        return self._items[team]

    def team_shown(self, team: str) -> tuple[Any, ...]:
        """What a console shows of the team (the ticking seconds left out)."""
        if team not in self._shown:
            self._shown[team] = tuple(
                tuple(v for k, v in item.items() if k not in TICKING)
                for item in self.team_items(team)
            )
        return self._shown[team]

    def offered_to(self, user_id: int, teams: Set[str]) -> tuple[str, ...]:
        """The chats in ``teams`` offered to ``user_id`` (their items differ)."""
        return tuple(sorted(cid for team, cid in self._offers_of.get(user_id, ()) if team in teams))

    def queue_for(self, teams: Set[str], user_id: int) -> list[dict[str, Any]]:
        items = []
        for team in sorted(teams):
            for item in self.team_items(team):
                if self._offered.get(item["conversation_id"]) == user_id:
                    item = {**item, "offered_to_me": True}
                items.append(item)
        return items


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
        self._shown: dict[str, tuple[tuple[Any, ...], int]] = {}  # team: (shown, version)
        self._reads = itertools.count()  # orders reads of chat statuses

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
        chosen = [
            connection
            for user_id, connections in list(self.h.hub.advisors.items())
            for connection in list(connections)
            if everything
            or user_id in users
            or connection.state.get("teams", set()) & teams
            or connection.state.get("supervisor")
        ]
        if chosen:
            # every console's chats in one query, not one query (and thread hop) each
            ticket = next(self._reads)
            wanted = sorted({c.state["staff"].user_id for c in chosen})
            statuses = await run(views.chat_statuses_of, self.h.store, wanted)
            for connection in chosen:
                await self.refresh_advisor(
                    connection,
                    snap,
                    reload_teams=everything,
                    statuses=(ticket, statuses.get(connection.state["staff"].user_id, {})),
                )
        if everything or moved:
            self.refresh_positions(snap)

    def _version(self, snap: Snapshot, team: str) -> int:
        """A number that changes when what consoles show of ``team`` changes: compared
        once per team and pass, so an unchanged queue costs a console nothing."""
        if team not in snap.versions:
            shown = snap.team_shown(team)
            last = self._shown.get(team)
            if last is not None and last[0] == shown:
                snap.versions[team] = last[1]
            else:
                version = last[1] + 1 if last is not None else 1
                self._shown[team] = (shown, version)
                snap.versions[team] = version
        return snap.versions[team]

    async def refresh_advisor(
        self,
        connection: Connection,
        snap: Snapshot | None = None,
        *,
        reload_teams: bool = False,
        statuses: tuple[int, dict[str, str]] | None = None,
    ) -> None:
        """Bring one console up to date. ``statuses`` (a read ticket and the chats'
        statuses) when the pass read them for every console at once; read here if
        a later read has already been applied to this console."""
        staff: views.Staff = connection.state["staff"]
        lock: asyncio.Lock = connection.state.setdefault("lock", asyncio.Lock())
        async with lock:
            snap = snap or await self.snapshot()
            if reload_teams or "teams" not in connection.state:
                teams = await run(views.teams_of, self.h.store, staff.user_id)
                connection.state["teams"] = {t["slug"] for t in teams}
                if staff.supervisor:  # supervisors see every queue
                    connection.state["teams"] |= {c.team or "general" for c in snap.waiting}
            if statuses is None or connection.state.get("read_ticket", -1) > statuses[0]:
                statuses = (
                    next(self._reads),
                    await run(views.chat_statuses, self.h.store, staff.user_id),
                )
            connection.state["read_ticket"] = statuses[0]
            now = statuses[1]
            before: dict[str, str] = connection.state.setdefault("chats", {})
            mine = connection.state["teams"]
            fresh = {cid for cid, status in now.items() if before.get(cid) != status}
            if fresh:
                queue = snap.queue_for(mine, staff.user_id)
                if unseen := self._offers_missing(fresh, now, queue):
                    # Dispatch made these offers between the snapshot and the statuses:
                    # a snapshot taken now shows them; one that still does not means the
                    # chat has moved on, so it is left for a later refresh to announce.
                    snap = await self.snapshot()
                    queue = snap.queue_for(mine, staff.user_id)
                    for cid in self._offers_missing(unseen, now, queue):
                        fresh.discard(cid)
                        now = {k: v for k, v in now.items() if k != cid}
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
            key = (
                tuple((team, self._version(snap, team)) for team in sorted(mine)),
                snap.offered_to(staff.user_id, mine),
            )
            if key != connection.state.get("queue_key"):
                connection.state["queue_key"] = key
                connection.send({"type": "queue", "items": snap.queue_for(mine, staff.user_id)})

    @staticmethod
    def _offers_missing(fresh: set[str], statuses: dict[str, str], queue: list[dict]) -> set[str]:
        """The offered chats among ``fresh`` that ``queue`` has no item for."""
        queued = {item["conversation_id"] for item in queue}
        return {cid for cid in fresh if statuses[cid] == "offered" and cid not in queued}

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
            estimate = wait_from(where[cid], snap.capacity.get(team), snap.handle_seconds)
            frame = protocol.queue_frame(where[cid], estimate)
            if connection.state.get("queue") != frame:
                connection.state["queue"] = frame
                connection.send(frame)
