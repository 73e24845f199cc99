"""Persistence: conversations, events with sequence numbers, presence, teams.

Synchronous SQLAlchemy Core, run in worker threads by the async service.
Every write goes through a :class:`Tx`, which begins with a write so SQLite
takes its write lock up front and PostgreSQL locks the row:

* ``Tx.lock_conversation`` locks one conversation (all event appends for it
  are then serialised, so seq numbers are committed in order, with no gaps);
* ``Tx.lock_router`` serialises routing decisions across instances (taken
  before any conversation lock, never after, so there is no deadlock).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, bindparam, func, insert, select, update

from handoff import models as m
from handoff.delivery import Event, audience_of
from handoff.exceptions import ConversationClosed, NotFound
from handoff.hours import OpeningHours
from handoff.routing import (
    AdvisorInfo,
    Availability,
    Priority,
    QueueEntry,
    RoutingMode,
    TeamInfo,
)

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Conversation:
    id: str
    created_at: datetime
    updated_at: datetime
    state: str
    last_seq: int
    language: str
    page_url: str
    identity_token: str | None
    verified_resident_id: str | None
    verified_name: str | None
    verified_refs: str
    verified_method: str | None
    team: str | None
    service_area: str | None
    priority: str
    reason: str | None
    summary: str | None
    queued_at: datetime | None
    requeued: bool
    offered_to: int | None
    offer_expires_at: datetime | None
    declined_by: str
    assigned_to: int | None
    last_notice: str | None
    closed_at: datetime | None
    outcome: str | None
    rating: int | None

    @classmethod
    def from_row(cls, row: Any) -> Conversation:
        values = dict(row._mapping)  # moments are aware UTC: models.Moment sees to it
        return cls(**{f.name: values[f.name] for f in fields(cls)})

    @property
    def declined(self) -> frozenset[int]:
        return frozenset(int(part) for part in self.declined_by.split(",") if part)

    @property
    def references(self) -> tuple[str, ...]:
        return tuple(ref for ref in self.verified_refs.split(",") if ref)

    @property
    def verified(self) -> bool:
        return self.verified_resident_id is not None or bool(self.references)

    def queue_entry(self) -> QueueEntry:
        return QueueEntry(
            conversation_id=self.id,
            team=self.team or "general",
            queued_at=self.queued_at or self.created_at,
            priority=Priority(self.priority),
            requeued=self.requeued,
            offered_to=self.offered_to,
            offer_expires_at=self.offer_expires_at,
            declined_by=self.declined,
        )


def _event(row: Any) -> Event:
    return Event(
        conversation_id=row.conversation_id,
        seq=row.seq,
        kind=row.kind,
        data=row.data,
        at=row.at,
        audience=row.audience,
        client_id=row.client_id,
    )


# The statements every message runs, built once: building them per call (and their cache
# keys) was about 45% of a message's CPU in the store (issue #12 profile).
_C, _E = m.conversations.c, m.events.c
_LOCK = (
    update(m.conversations)
    .where(_C.id == bindparam("p_id"))
    .values(updated_at=bindparam("p_now", type_=_C.updated_at.type))
    .returning(*m.conversations.c)
)
_NEXT_SEQ = (
    update(m.conversations)
    .where(_C.id == bindparam("p_id"))
    .values(last_seq=_C.last_seq + 1)
    .returning(_C.last_seq)
)
_INSERT_EVENT = insert(m.events)
_FIND_CLIENT_EVENT = select(m.events).where(
    _E.conversation_id == bindparam("p_id"), _E.client_id == bindparam("p_client")
)


@dataclass
class Tx:
    """One write transaction; ``appended`` collects the events to publish after commit."""

    conn: Connection
    now: datetime
    appended: list[Event] = field(default_factory=list)
    touched_teams: set[str] = field(default_factory=set)
    touched_advisors: set[int] = field(default_factory=set)

    def lock_router(self, instance_id: str = "") -> None:
        self.conn.execute(
            update(m.router_lock)
            .where(m.router_lock.c.id == 1)
            .values(ticked_at=self.now, ticked_by=instance_id[:80])
        )

    def lock_conversation(self, conversation_id: str) -> Conversation:
        row = self.conn.execute(_LOCK, {"p_id": conversation_id, "p_now": self.now}).first()
        if row is None:
            raise NotFound("No such conversation.")
        return Conversation.from_row(row)

    def update_conversation(self, conversation_id: str, **values: Any) -> None:
        self.conn.execute(
            update(m.conversations).where(m.conversations.c.id == conversation_id).values(**values)
        )

    def append(
        self,
        conversation: Conversation,
        kind: str,
        data: dict[str, Any],
        *,
        client_id: str | None = None,
        bot_pending: bool = False,
    ) -> Event:
        """Store the conversation's next event (the conversation must be locked)."""
        seq = self.conn.execute(_NEXT_SEQ, {"p_id": conversation.id}).scalar_one()
        audience = audience_of(kind)
        self.conn.execute(
            _INSERT_EVENT,
            {
                "conversation_id": conversation.id,
                "seq": seq,
                "kind": kind,
                "audience": audience,
                "author": data.get("author") if kind == "message" else None,
                "data": data,
                "client_id": client_id,
                "at": self.now,
                "bot_pending": bot_pending,
                # the instance storing it relays it: claimed from the start
                "bot_claimed_at": self.now if bot_pending else None,
            },
        )
        event = Event(conversation.id, seq, kind, data, self.now, audience, client_id)
        self.appended.append(event)
        return event

    def find_client_event(self, conversation_id: str, client_id: str) -> Event | None:
        row = self.conn.execute(
            _FIND_CLIENT_EVENT, {"p_id": conversation_id, "p_client": client_id}
        ).first()
        return _event(row) if row else None

    def open_assignment(self, conversation: Conversation, user_id: int) -> None:
        self.conn.execute(
            insert(m.assignments).values(
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
        self.conn.execute(
            update(m.assignments)
            .where(
                m.assignments.c.conversation_id == conversation_id,
                m.assignments.c.user_id == user_id,
                m.assignments.c.ended_at.is_(None),
            )
            .values(ended_at=self.now, end_reason=reason)
        )
        self.conn.execute(
            update(m.advisors).where(m.advisors.c.user_id == user_id).values(idle_since=self.now)
        )
        self.touched_advisors.add(user_id)


class Store:
    def __init__(self, engine: Engine, *, clock: Clock = utcnow) -> None:
        self.engine = engine
        self.clock = clock
        # SQLite has one writer at a time, and a writer that finds the file locked
        # sleeps in growing steps (1, 2, 5, 10 … ms). Queueing our own writers on a
        # lock instead keeps a busy minute from turning into 100 ms stalls.
        self._write_lock = threading.Lock() if engine.dialect.name == "sqlite" else None
        self.on_commit: Callable[[float], None] | None = None  # seconds per write (metrics)

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction (commits at the end of the block)."""
        started = time.perf_counter()
        if self._write_lock is None:
            with self.engine.begin() as conn:
                yield conn
        else:
            with self._write_lock, self.engine.begin() as conn:
                yield conn
        if self.on_commit is not None:
            self.on_commit(time.perf_counter() - started)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self.writing() as conn:
            yield Tx(conn, self.clock())

    # --- conversations and events ------------------------------------------------------

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
        conversation_id = uuid.uuid4().hex
        now = self.clock()
        with self.writing() as conn:
            conn.execute(
                insert(m.conversations).values(
                    id=conversation_id,
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
                    priority="normal",
                    requeued=False,
                    declined_by="",
                )
            )
        return self.get(conversation_id)

    def get(self, conversation_id: str) -> Conversation:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(m.conversations).where(m.conversations.c.id == conversation_id)
            ).first()
        if row is None:
            raise NotFound("No such conversation.")
        return Conversation.from_row(row)

    def events_after(self, conversation_id: str, seq: int, limit: int = 2000) -> list[Event]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(m.events)
                .where(m.events.c.conversation_id == conversation_id, m.events.c.seq > seq)
                .order_by(m.events.c.seq)
                .limit(limit)
            ).all()
        return [_event(row) for row in rows]

    def last_seqs(self, conversation_ids: Sequence[str]) -> dict[str, int]:
        if not conversation_ids:
            return {}
        found: dict[str, int] = {}
        with self.engine.connect() as conn:
            for start in range(0, len(conversation_ids), 500):
                chunk = list(conversation_ids[start : start + 500])
                rows = conn.execute(
                    select(m.conversations.c.id, m.conversations.c.last_seq).where(
                        m.conversations.c.id.in_(chunk)
                    )
                ).all()
                found.update({row.id: row.last_seq for row in rows})
        return found

    def require_open(self, conversation: Conversation) -> None:
        if conversation.state == "closed":
            raise ConversationClosed()

    # --- teams, advisors, queue ---------------------------------------------------------

    def teams(
        self, conn: Connection | None = None, *, now: datetime | None = None
    ) -> list[TeamInfo]:
        now = now or self.clock()
        with self._conn(conn) as c:
            rows = c.execute(select(m.teams).order_by(m.teams.c.sort_order, m.teams.c.slug)).all()
        return [
            TeamInfo(
                slug=row.slug,
                name=row.name,
                skills=frozenset(s.strip() for s in row.skills.split(",") if s.strip()),
                is_open=OpeningHours.parse(row.opening_hours).is_open(now),
                mode=RoutingMode(row.routing_mode),
            )
            for row in rows
        ]

    def team_hours(self, slug: str, conn: Connection | None = None) -> tuple[str, OpeningHours]:
        """``conn``: inside a transaction, read on its connection (asking the pool for a
        second one while holding locks can wait on the very sessions those locks block)."""
        with self._conn(conn) as c:
            row = c.execute(select(m.teams).where(m.teams.c.slug == slug)).first()
        if row is None:
            raise NotFound("No such team.")
        return row.name, OpeningHours.parse(row.opening_hours)

    def advisors(
        self,
        conn: Connection | None = None,
        *,
        default_cap: int,
        grace_seconds: float,
        now: datetime | None = None,
    ) -> list[AdvisorInfo]:
        now = now or self.clock()
        with self._conn(conn) as c:
            people = c.execute(select(m.advisors)).all()
            memberships = c.execute(select(m.team_members)).all()
            active: dict[int, int] = dict(
                c.execute(
                    select(m.conversations.c.assigned_to, func.count())
                    .where(m.conversations.c.state == "with_advisor")
                    .group_by(m.conversations.c.assigned_to)
                ).all()
            )
            offers: dict[int, int] = dict(
                c.execute(
                    select(m.conversations.c.offered_to, func.count())
                    .where(
                        and_(
                            m.conversations.c.state == "waiting",
                            m.conversations.c.offered_to.is_not(None),
                        )
                    )
                    .group_by(m.conversations.c.offered_to)
                ).all()
            )
        teams_of: dict[int, set[str]] = {}
        for row in memberships:
            teams_of.setdefault(row.user_id, set()).add(row.team_slug)
        result = []
        for row in people:
            seen = row.last_seen_at
            result.append(
                AdvisorInfo(
                    user_id=row.user_id,
                    teams=frozenset(teams_of.get(row.user_id, ())),
                    availability=Availability(row.availability),
                    connected=seen is not None and (now - seen).total_seconds() <= grace_seconds,
                    cap=row.cap or default_cap,
                    active=active.get(row.user_id, 0),
                    offers=offers.get(row.user_id, 0),
                    idle_since=row.idle_since,
                )
            )
        known = {row.user_id for row in people}
        for user_id in sorted(set(teams_of) - known):  # members who never opened the console
            result.append(
                AdvisorInfo(
                    user_id=user_id,
                    teams=frozenset(teams_of[user_id]),
                    availability=Availability.AWAY,
                    connected=False,
                    cap=default_cap,
                    active=active.get(user_id, 0),
                    offers=offers.get(user_id, 0),
                )
            )
        return result

    def waiting(self, conn: Connection | None = None) -> list[Conversation]:
        with self._conn(conn) as c:
            rows = c.execute(
                select(m.conversations).where(m.conversations.c.state == "waiting")
            ).all()
        return [Conversation.from_row(row) for row in rows]

    def handle_seconds(self, default: float) -> float:
        """Average length of the last 50 finished assignments."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(m.assignments.c.started_at, m.assignments.c.ended_at)
                .where(m.assignments.c.ended_at.is_not(None))
                .order_by(m.assignments.c.id.desc())
                .limit(50)
            ).all()
        spans = [(r.ended_at - r.started_at).total_seconds() for r in rows]
        spans = [s for s in spans if s > 0]
        return sum(spans) / len(spans) if len(spans) >= 5 else default

    @contextmanager
    def _conn(self, conn: Connection | None) -> Iterator[Connection]:
        if conn is not None:
            yield conn
            return
        with self.engine.connect() as fresh:
            yield fresh
