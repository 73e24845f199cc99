"""The in-memory Store's tables and its transaction (``memory.MemoryStore``).

Rows are plain dataclasses; ``Tables.holds`` is the advisor's load as
``sql_console.holds`` says it, so both stores count it the same way.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from handoff.delivery import Event, audience_of
from handoff.exceptions import NotFound
from handoff.hours import OpeningHours
from handoff.routing import AdvisorInfo, RoutingMode, TeamInfo
from handoff.states import State
from handoff.store.records import DISCONNECTED, AccountGrant, Conversation, advisor_infos


@dataclass
class TeamRow:
    slug: str
    name: str
    skills: str = ""
    opening_hours: str = "mon-fri 09:00-17:00"
    routing_mode: str = "direct"
    sort_order: int = 0


@dataclass
class AdvisorRow:
    user_id: int
    display_name: str = ""
    availability: str = "away"
    cap: int | None = None
    connected: bool = False
    instance_id: str | None = None
    last_seen_at: datetime | None = None
    idle_since: datetime | None = None


@dataclass
class EventRow:
    id: int
    event: Event
    author: str | None
    bot_pending: bool
    bot_claimed_at: datetime | None


@dataclass
class AssignmentRow:
    id: int
    conversation_id: str
    user_id: int
    team: str | None
    started_at: datetime
    ended_at: datetime | None = None
    end_reason: str | None = None
    read_seq: int = 0


@dataclass
class Tables:
    teams: dict[str, TeamRow] = field(default_factory=dict)
    members: set[tuple[str, int]] = field(default_factory=set)
    advisors: dict[int, AdvisorRow] = field(default_factory=dict)
    conversations: dict[str, Conversation] = field(default_factory=dict)
    events: list[EventRow] = field(default_factory=list)
    assignments: list[AssignmentRow] = field(default_factory=list)
    transcripts: dict[str, tuple[datetime, str, str]] = field(default_factory=dict)
    # the bot's verification record (conversation id -> grants with their expiry)
    grants: dict[str, list[tuple[AccountGrant, datetime]]] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)  # staff accounts by email
    router: tuple[datetime | None, str] = (None, "")
    # insight's outcome records: each conversation as it stood when last recorded
    outcomes: dict[str, Conversation] = field(default_factory=dict)

    def holds(self, c: Conversation, user_id: int) -> bool:
        """The advisor's load, as ``sql_console.holds`` says it."""
        return (c.state == State.WITH_ADVISOR and c.assigned_to == user_id) or (
            c.state == State.WAITING and c.offered_to == user_id
        )

    def waiting(self) -> list[Conversation]:
        return [c for c in self.conversations.values() if c.state == State.WAITING]

    def teams_info(self, now: datetime) -> list[TeamInfo]:
        return [
            TeamInfo(
                slug=row.slug,
                name=row.name,
                skills=frozenset(s.strip() for s in row.skills.split(",") if s.strip()),
                is_open=OpeningHours.parse(row.opening_hours).is_open(now),
                mode=RoutingMode(row.routing_mode),
            )
            for row in sorted(self.teams.values(), key=lambda t: (t.sort_order, t.slug))
        ]

    def team_hours(self, slug: str) -> tuple[str, OpeningHours]:
        row = self.teams.get(slug)
        if row is None:
            raise NotFound("No such team.")
        return row.name, OpeningHours.parse(row.opening_hours)

    def advisors_info(
        self, default_cap: int, grace_seconds: float, now: datetime
    ) -> list[AdvisorInfo]:
        active: dict[int, int] = {}
        offers: dict[int, int] = {}
        for c in self.conversations.values():
            if c.state == State.WITH_ADVISOR and c.assigned_to is not None:
                active[c.assigned_to] = active.get(c.assigned_to, 0) + 1
            if c.state == State.WAITING and c.offered_to is not None:
                offers[c.offered_to] = offers.get(c.offered_to, 0) + 1
        people = [
            (a.user_id, a.availability, a.last_seen_at, a.cap, a.idle_since)
            for a in self.advisors.values()
        ]
        return advisor_infos(
            people,
            sorted(self.members),
            active,
            offers,
            default_cap=default_cap,
            grace_seconds=grace_seconds,
            now=now,
        )

    def unread(self, conversation_id: str, after_seq: int) -> int:
        return sum(
            1
            for row in self.events
            if row.event.conversation_id == conversation_id
            and row.event.seq > after_seq
            and row.author == "resident"
        )

    def open_assignment_of(self, conversation_id: str, user_id: int) -> AssignmentRow | None:
        for row in self.assignments:
            mine = row.conversation_id == conversation_id and row.user_id == user_id
            if mine and row.ended_at is None:
                return row
        return None


@dataclass
class MemoryTx:
    """One transaction on the tables (the store's lock is held throughout)."""

    tables: Tables
    now: datetime
    appended: list[Event] = field(default_factory=list)
    touched_teams: set[str] = field(default_factory=set)
    touched_advisors: set[int] = field(default_factory=set)

    def lock_router(self, instance_id: str = "") -> None:
        self.tables.router = (self.now, instance_id[:80])

    def lock_conversation(self, conversation_id: str) -> Conversation:
        found = self.tables.conversations.get(conversation_id)
        if found is None:
            raise NotFound("No such conversation.")
        found = replace(found, updated_at=self.now)
        self.tables.conversations[conversation_id] = found
        return found

    def lock_conversations(self, conversation_ids: Collection[str]) -> None:
        pass  # the store's lock is held throughout

    def update_conversation(self, conversation_id: str, **values: Any) -> None:
        found = self.tables.conversations.get(conversation_id)
        if found is not None:
            self.tables.conversations[conversation_id] = replace(found, **values)

    def append(
        self,
        conversation: Conversation,
        kind: str,
        data: dict[str, Any],
        *,
        client_id: str | None = None,
        bot_pending: bool = False,
    ) -> Event:
        stored = self.tables.conversations[conversation.id]
        seq = stored.last_seq + 1
        self.tables.conversations[conversation.id] = replace(stored, last_seq=seq)
        event = Event(
            conversation.id, seq, kind, copy.deepcopy(data), self.now, audience_of(kind), client_id
        )
        self.tables.events.append(
            EventRow(
                id=len(self.tables.events) + 1,
                event=event,
                author=data.get("author") if kind == "message" else None,
                bot_pending=bot_pending,
                bot_claimed_at=self.now if bot_pending else None,
            )
        )
        self.appended.append(event)
        return event

    def find_client_event(self, conversation_id: str, client_id: str) -> Event | None:
        for row in self.tables.events:
            if row.event.conversation_id == conversation_id and row.event.client_id == client_id:
                return row.event
        return None

    def clear_bot_pending(
        self, conversation_id: str, seq: int, *, and_earlier: bool = False
    ) -> None:
        for row in self.tables.events:
            if row.event.conversation_id != conversation_id:
                continue
            if row.event.seq == seq or (and_earlier and row.event.seq < seq):
                row.bot_pending = False

    def offer(self, conversation_id: str, user_id: int, expires_at: datetime) -> bool:
        found = self.tables.conversations.get(conversation_id)
        if found is None or found.state != State.WAITING:
            return False
        self.update_conversation(conversation_id, offered_to=user_id, offer_expires_at=expires_at)
        return True

    def add_transcript(self, conversation_id: str, *, text: str, reference: str) -> None:
        self.tables.transcripts.setdefault(conversation_id, (self.now, text, reference))

    def account_grants(self, conversation_id: str) -> list[AccountGrant]:
        live = self.tables.grants.get(conversation_id, [])
        return [grant for grant, expires_at in live if expires_at > self.now]

    def open_assignment(self, conversation: Conversation, user_id: int) -> None:
        self.tables.assignments.append(
            AssignmentRow(
                id=len(self.tables.assignments) + 1,
                conversation_id=conversation.id,
                user_id=user_id,
                team=conversation.team,
                started_at=self.now,
                read_seq=conversation.last_seq,
            )
        )
        self.touched_advisors.add(user_id)

    def end_assignment(self, conversation_id: str, user_id: int | None, reason: str) -> None:
        if user_id is None:
            return
        row = self.tables.open_assignment_of(conversation_id, user_id)
        if row is not None:
            row.ended_at, row.end_reason = self.now, reason
        if user_id in self.tables.advisors:
            self.tables.advisors[user_id].idle_since = self.now
        self.touched_advisors.add(user_id)

    def set_read_seq(self, conversation_id: str, user_id: int, seq: int) -> None:
        row = self.tables.open_assignment_of(conversation_id, user_id)
        if row is not None:
            row.read_seq = seq

    def dropped_by(self, conversation_ids: Sequence[str]) -> dict[str, int]:
        wanted, latest = set(conversation_ids), {}
        for row in self.tables.assignments:  # in the order they were opened
            if row.conversation_id in wanted:
                latest[row.conversation_id] = row
        return {cid: row.user_id for cid, row in latest.items() if row.end_reason == DISCONNECTED}

    def teams(self) -> list[TeamInfo]:
        return self.tables.teams_info(self.now)

    def advisors(self, *, default_cap: int, grace_seconds: float) -> list[AdvisorInfo]:
        return self.tables.advisors_info(default_cap, grace_seconds, self.now)

    def waiting(self) -> list[Conversation]:
        return self.tables.waiting()

    def advisor_load(self, user_id: int, *, excluding: str) -> int:
        return sum(
            1
            for c in self.tables.conversations.values()
            if c.id != excluding and self.tables.holds(c, user_id)
        )

    def advisor_cap(self, user_id: int) -> int | None:
        row = self.tables.advisors.get(user_id)
        return row.cap if row else None

    def in_team(self, user_id: int, team: str) -> bool:
        return (team, user_id) in self.tables.members

    def display_names(self) -> dict[int, str]:
        return {a.user_id: a.display_name for a in self.tables.advisors.values()}

    def active_with(self, user_ids: Sequence[int]) -> list[str]:
        wanted = set(user_ids)
        return [
            c.id
            for c in self.tables.conversations.values()
            if c.state == State.WITH_ADVISOR and c.assigned_to in wanted
        ]

    def team_hours(self, slug: str) -> tuple[str, OpeningHours]:
        return self.tables.team_hours(slug)

    def record_outcome(self, conversation_id: str) -> None:
        found = self.tables.conversations.get(conversation_id)
        if found is not None:
            self.tables.outcomes[conversation_id] = found

    def part(self) -> MemoryTx:
        return replace(self, appended=[], touched_teams=set(), touched_advisors=set())
