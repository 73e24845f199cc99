"""The handoff Store in memory: the twin of ``sql.SqlStore`` for unit tests of
the use cases (``lifecycle``, ``assignment``, ``dispatcher``, ``views``).

It keeps the same contract (``tests/contract/test_handoff_store_contract.py``):
one transaction at a time (a lock stands for the router and conversation row
locks), rolled back on an exception, events numbered per conversation. Its
tables and its transaction are in ``memory_tables``.
"""

from __future__ import annotations

import copy
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from frontdoor.audit import AuditAction
from handoff.delivery import Event
from handoff.exceptions import ConversationClosed, NotFound
from handoff.hours import OpeningHours
from handoff.routing import AdvisorInfo, TeamInfo
from handoff.states import State
from handoff.store.memory_tables import AdvisorRow, MemoryTx, Tables, TeamRow
from handoff.store.port import Store, Tx
from handoff.store.records import (
    AccountGrant,
    AdvisorRecord,
    ChatSummary,
    Clock,
    Conversation,
    TeamRecord,
    Unrelayed,
    utcnow,
)


class MemoryStore:
    """The Store in a dict (``port.Store``); seed it with :meth:`add_team` and friends."""

    def __init__(self, *, clock: Clock = utcnow) -> None:
        self.clock = clock
        self.on_commit: Callable[[float], None] | None = None
        self.serial_writers = True  # one transaction at a time (its lock)
        self.tables = Tables()
        # the staff access audit: actor, action, subject, detail
        self.audited: list[tuple[str, str, str, dict[str, Any]]] = []
        self._lock = threading.RLock()

    # --- seeding (what ``seed.py`` and the accounts do on SQL) ----------------------------

    def add_team(
        self,
        slug: str,
        name: str,
        *,
        skills: str = "",
        opening_hours: str = "always",
        routing_mode: str = "direct",
        members: Sequence[int] = (),
    ) -> None:
        with self._lock:
            order = len(self.tables.teams)
            self.tables.teams[slug] = TeamRow(
                slug, name, skills, opening_hours, routing_mode, sort_order=order
            )
            self.tables.members.update((slug, user_id) for user_id in members)

    def add_user(self, email: str, user_id: int) -> None:
        with self._lock:
            self.tables.users[email.strip().lower()] = user_id

    def record_grant(
        self, conversation_id: str, grant: AccountGrant, *, expires_at: datetime
    ) -> None:
        """What the bot's verification record would hold for this conversation."""
        with self._lock:
            self.tables.grants.setdefault(conversation_id, []).append((grant, expires_at))

    # --- transactions --------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[MemoryTx]:
        started = time.perf_counter()
        with self._lock:
            saved = copy.deepcopy(self.tables)
            try:
                yield MemoryTx(self.tables, self.clock())
            except BaseException:
                self.tables = saved  # nothing half-written
                raise
        if self.on_commit is not None:
            self.on_commit(time.perf_counter() - started)

    def batch_transaction(
        self, conversation_ids: Sequence[str], client_ids: Sequence[str]
    ) -> AbstractContextManager[MemoryTx]:
        return self.transaction()

    @contextmanager
    def _writing(self) -> Iterator[Tables]:
        with self.transaction() as tx:
            yield tx.tables

    # --- conversations and events ----------------------------------------------------------

    def create_conversation(
        self,
        *,
        language: str,
        page_url: str,
        identity_token: str | None,
        verified_resident_id: str | None = None,
        verified_name: str | None = None,
        verified_refs: tuple[str, ...] = (),
    ) -> Conversation:
        now = self.clock()
        conversation = Conversation(
            id=uuid.uuid4().hex,
            created_at=now,
            updated_at=now,
            state="bot",
            last_seq=0,
            language=language,
            page_url=page_url,
            identity_token=identity_token,
            verified_resident_id=verified_resident_id,
            verified_name=verified_name,
            verified_refs=",".join(verified_refs)[:400],
            verified_method="token" if verified_refs else None,
            team=None,
            service_area=None,
            priority="normal",
            reason=None,
            summary=None,
            queued_at=None,
            requeued=False,
            offered_to=None,
            offer_expires_at=None,
            declined_by="",
            assigned_to=None,
            last_notice=None,
            resident_seen_at=None,
            closed_at=None,
            outcome=None,
            rating=None,
        )
        with self._writing() as tables:
            tables.conversations[conversation.id] = conversation
        return conversation

    def get(self, conversation_id: str) -> Conversation:
        with self._lock:
            found = self.tables.conversations.get(conversation_id)
        if found is None:
            raise NotFound("No such conversation.")
        return found

    def events_after(self, conversation_id: str, seq: int, limit: int = 2000) -> list[Event]:
        with self._lock:
            found = [
                row.event
                for row in self.tables.events
                if row.event.conversation_id == conversation_id and row.event.seq > seq
            ]
        return sorted(found, key=lambda e: e.seq)[:limit]

    def last_seqs(self, conversation_ids: Sequence[str]) -> dict[str, int]:
        with self._lock:
            found = self.tables.conversations
            return {cid: found[cid].last_seq for cid in conversation_ids if cid in found}

    def require_open(self, conversation: Conversation) -> None:
        if conversation.state == "closed":
            raise ConversationClosed()

    def claim_unrelayed(self, *, stale_claim: float, recent: float, limit: int) -> list[Unrelayed]:
        now = self.clock()
        stale = now - timedelta(seconds=stale_claim)
        claimed: list[Unrelayed] = []
        with self._writing() as tables:
            for row in tables.events:
                if len(claimed) >= limit:
                    break
                conversation = tables.conversations[row.event.conversation_id]
                if not row.bot_pending or conversation.state != State.BOT:
                    continue
                if row.event.at <= now - timedelta(seconds=recent):
                    continue
                if row.bot_claimed_at is not None and row.bot_claimed_at >= stale:
                    continue
                row.bot_claimed_at = now
                data = row.event.data
                text = data.get("payload") or data.get("text", "")
                claimed.append(Unrelayed(row.event.conversation_id, row.event.seq, text))
        return claimed

    # --- teams, advisors, queue ------------------------------------------------------------

    def teams(self, *, now: datetime | None = None) -> list[TeamInfo]:
        with self._lock:
            return self.tables.teams_info(now or self.clock())

    def team_hours(self, slug: str) -> tuple[str, OpeningHours]:
        with self._lock:
            return self.tables.team_hours(slug)

    def advisors(
        self, *, default_cap: int, grace_seconds: float, now: datetime | None = None
    ) -> list[AdvisorInfo]:
        with self._lock:
            return self.tables.advisors_info(default_cap, grace_seconds, now or self.clock())

    def waiting(self) -> list[Conversation]:
        with self._lock:
            return self.tables.waiting()

    def waiting_by_team(self) -> dict[str | None, int]:
        counts: dict[str | None, int] = {}
        for c in self.waiting():
            counts[c.team] = counts.get(c.team, 0) + 1
        return counts

    def handle_seconds(self, default: float) -> float:
        with self._lock:
            ended = [a for a in self.tables.assignments if a.ended_at is not None]
        spans = [(a.ended_at - a.started_at).total_seconds() for a in ended[-50:] if a.ended_at]
        spans = [s for s in spans if s > 0]
        return sum(spans) / len(spans) if len(spans) >= 5 else default

    def needs_dispatch(self, *, stale_before: datetime) -> bool:
        with self._lock:
            if self.tables.waiting():
                return True
            for c in self.tables.conversations.values():
                advisor = self.tables.advisors.get(c.assigned_to or -1)
                if c.state != State.WITH_ADVISOR or advisor is None:
                    continue
                if advisor.last_seen_at is None or advisor.last_seen_at < stale_before:
                    return True
        return False

    # --- the advisor's console -------------------------------------------------------------

    def ensure_advisor(self, user_id: int, display_name: str) -> None:
        with self._writing() as tables:
            row = tables.advisors.setdefault(user_id, AdvisorRow(user_id, display_name))
            row.display_name = display_name

    def set_availability(self, user_id: int, availability: str) -> None:
        with self._writing() as tables:
            row = tables.advisors.get(user_id)
            if row is not None:
                row.availability, row.idle_since = availability, self.clock()

    def touch_presence(self, user_ids: Sequence[int], instance_id: str) -> None:
        with self._writing() as tables:
            for user_id in user_ids:
                row = tables.advisors.get(user_id)
                if row is not None:
                    row.last_seen_at, row.connected = self.clock(), True
                    row.instance_id = instance_id[:80]

    def touch_residents(self, conversation_ids: Sequence[str]) -> None:
        with self._writing() as tables:
            for conversation_id in sorted(set(conversation_ids)):
                found = tables.conversations.get(conversation_id)
                if found is not None and found.state == State.WAITING:
                    tables.conversations[conversation_id] = replace(
                        found, resident_seen_at=self.clock()
                    )

    def advisor(self, user_id: int) -> AdvisorRecord | None:
        with self._lock:
            row = self.tables.advisors.get(user_id)
        if row is None:
            return None
        return AdvisorRecord(row.user_id, row.display_name, row.availability, row.cap)

    def display_names(self) -> dict[int, str]:
        with self._lock:
            return {a.user_id: a.display_name for a in self.tables.advisors.values()}

    def teams_of(self, user_id: int) -> list[tuple[str, str]]:
        with self._lock:
            rows = sorted(self.tables.teams.values(), key=lambda t: (t.sort_order, t.slug))
            return [(t.slug, t.name) for t in rows if (t.slug, user_id) in self.tables.members]

    def active_count(self, user_id: int) -> int:
        with self._lock:
            return sum(
                1
                for c in self.tables.conversations.values()
                if c.state == State.WITH_ADVISOR and c.assigned_to == user_id
            )

    def chat_states(self, user_id: int) -> dict[str, str]:
        with self._lock:
            return {
                c.id: c.state
                for c in self.tables.conversations.values()
                if self.tables.holds(c, user_id)
            }

    def chat_states_of(self, user_ids: Sequence[int]) -> dict[int, dict[str, str]]:
        found: dict[int, dict[str, str]] = {}
        with self._lock:
            for user_id in set(user_ids):
                for c in self.tables.conversations.values():
                    if self.tables.holds(c, user_id):
                        found.setdefault(user_id, {})[c.id] = c.state
        return found

    def open_offers(self, user_ids: Sequence[int]) -> set[tuple[str, int]]:
        wanted = set(user_ids)
        return {
            (c.id, c.offered_to)
            for c in self.waiting()
            if c.offered_to is not None and c.offered_to in wanted
        }

    def chat_summaries(self, user_id: int) -> list[ChatSummary]:
        result = []
        with self._lock:
            tables = self.tables
            mine = [c for c in tables.conversations.values() if tables.holds(c, user_id)]
            for c in sorted(mine, key=lambda c: c.created_at):
                assignment = tables.open_assignment_of(c.id, user_id)
                messages = [
                    r.event
                    for r in tables.events
                    if r.event.conversation_id == c.id and r.event.kind == "message"
                ]
                last = max(messages, key=lambda e: e.seq) if messages else None
                result.append(
                    ChatSummary(
                        conversation=c,
                        unread=tables.unread(c.id, assignment.read_seq if assignment else 0),
                        last_message_at=last.at if last else None,
                        last_message_text=(last.data.get("text") or "") if last else "",
                    )
                )
        return result

    def read_seq(self, conversation_id: str, user_id: int) -> int:
        with self._lock:
            row = self.tables.open_assignment_of(conversation_id, user_id)
        return row.read_seq if row else 0

    def unread(self, conversation_id: str, after_seq: int) -> int:
        with self._lock:
            return self.tables.unread(conversation_id, after_seq)

    def mark_read(self, conversation_id: str, user_id: int, seq: int) -> None:
        with self._writing() as tables:
            row = tables.open_assignment_of(conversation_id, user_id)
            if row is not None and row.read_seq < seq:
                row.read_seq = seq

    # --- administration ------------------------------------------------------------------

    def team_records(self) -> list[TeamRecord]:
        with self._lock:
            rows = sorted(self.tables.teams.values(), key=lambda t: t.sort_order)
            return [
                TeamRecord(
                    slug=t.slug,
                    name=t.name,
                    opening_hours=t.opening_hours,
                    routing_mode=t.routing_mode,
                    members=tuple(sorted(u for s, u in self.tables.members if s == t.slug)),
                )
                for t in rows
            ]

    def set_team(
        self, slug: str, *, opening_hours: str | None = None, routing_mode: str | None = None
    ) -> bool:
        with self._writing() as tables:
            row = tables.teams.get(slug)
            if row is None:
                return False
            row.opening_hours = opening_hours or row.opening_hours
            row.routing_mode = routing_mode or row.routing_mode
            return True

    def add_member(self, team: str, user_id: int) -> None:
        with self._writing() as tables:
            tables.members.add((team, user_id))

    def set_cap(self, user_id: int, cap: int, *, display_name: str) -> None:
        with self._writing() as tables:
            row = tables.advisors.setdefault(user_id, AdvisorRow(user_id, display_name))
            row.cap = cap

    def user_id(self, email: str) -> int | None:
        with self._lock:
            return self.tables.users.get(email.strip().lower())

    def audit(
        self, actor: str, subject: str, entries: Sequence[tuple[AuditAction, Mapping[str, Any]]]
    ) -> None:
        with self._lock:
            self.audited.extend((actor, str(action), subject, dict(d)) for action, d in entries)


def _keeps_the_port(store: MemoryStore, tx: MemoryTx) -> tuple[Store, Tx]:
    return store, tx  # pragma: no cover - mypy checks the twin against the port (never called)
