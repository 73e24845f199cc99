"""The handoff Store on SQL: conversations, events with sequence numbers, teams.

Synchronous SQLAlchemy Core, run in worker threads by the async service; the
console's reads, presence and administration are in ``sql_console``.
Every write goes through a :class:`Tx`, which begins with a write so SQLite
takes its write lock up front and PostgreSQL locks the row:

* ``Tx.lock_conversation`` locks one conversation (all event appends for it
  are then serialised, so seq numbers are committed in order, with no gaps);
* ``Tx.lock_router`` serialises routing decisions across instances (taken
  before any conversation lock, never after, so there is no deadlock).

Lock order, in every transaction: the router lock, then conversations (with
their events and assignments), then advisor rows last. A transaction that locks
more than one conversation takes them all at once, in conversation id order, before
it writes to any: a group commit's batch (``BatchTx.preload``, ``pgpipeline``) and
dispatch's tick (``Tx.lock_conversations``: the lost advisors' chats and every
waiting one; a chat that starts waiting after that is left for the next tick).
Dispatch used to lock the chats it requeued or offered in the order it met them
(the store's listing, the queue's order) and deadlocked with a group commit of the
residents' messages in two of them (``tests/integration/handoff/test_lock_order.py``).
Every other transaction here locks one conversation; outside this module, privacy's
erasure locks the subject's conversations first, in id order, before it deletes their
rows in other tables (``privacy.store.SubjectStore.erase``). A transaction's writes to
``ho_advisors`` (an ended assignment's ``idle_since``) wait until the end of the
transaction and lock all its rows at once in user id order (:meth:`SqlTx.settle`),
the order ``touch_presence`` locks them in; transactions outside this module
write one advisor row, or only advisor rows in that order. Dispatch used to write
a lost advisor's row as it requeued each chat, in the order of the chats, and
deadlocked with presence (issue #12's faults benchmark on PostgreSQL).
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import BindParameter

from actions.verification import recorded_account_grants
from handoff import models as m
from handoff.delivery import Event, audience_of
from handoff.exceptions import ConversationClosed, NotFound, StoreUnavailable
from handoff.hours import OpeningHours
from handoff.routing import AdvisorInfo, RoutingMode, TeamInfo
from handoff.states import State
from handoff.store import pgpipeline
from handoff.store.port import Store, Tx
from handoff.store.records import (
    DISCONNECTED,
    AccountGrant,
    Clock,
    Conversation,
    advisor_infos,
    utcnow,
)
from handoff.store.sql_console import ConsoleQueries, holds
from insight import store as insight_store


def _event_from(values: dict[str, Any]) -> Event:
    return Event(
        conversation_id=values["conversation_id"],
        seq=values["seq"],
        kind=values["kind"],
        data=values["data"],
        at=values["at"],
        audience=values["audience"],
        client_id=values["client_id"],
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
# A group commit's statements (see BatchTx): lock every conversation of the batch in id
# order in one statement (the subquery's FOR UPDATE on PostgreSQL; SQLite's write lock is
# the database's), read their client ids in one, and store what the batch wrote in three.
_IDS: BindParameter[str] = bindparam("p_ids", expanding=True)
_LOCK_MANY = (
    update(m.conversations)
    .where(_C.id.in_(select(_C.id).where(_C.id.in_(_IDS)).order_by(_C.id).with_for_update()))
    .values(updated_at=bindparam("p_now", type_=_C.updated_at.type))
    .returning(*m.conversations.c)
)
# The conversations a transaction may write (dispatch's tick), locked in the same order
# before it writes any: only locked (``lock_conversation`` stamps those it does write).
_LOCK_IN_ORDER = select(_C.id).where(_C.id.in_(_IDS)).order_by(_C.id).with_for_update()
_FIND_CLIENT_EVENTS = select(m.events).where(
    _E.conversation_id.in_(_IDS), _E.client_id.in_(bindparam("p_clients", expanding=True))
)


# The same two on SQLite, the lists as one JSON text each (``json_each``): an expanding
# ``IN`` is rendered anew on every execution, an element at a time (handoff_calls.py).
def _json_list(name: str) -> Select[Any]:
    return select(literal_column("value")).select_from(func.json_each(bindparam(name)))


_LOCK_MANY_JSON = (
    update(m.conversations)
    .where(_C.id.in_(_json_list("p_ids")))
    .values(updated_at=bindparam("p_now", type_=_C.updated_at.type))
    .returning(*m.conversations.c)
)
_FIND_CLIENT_EVENTS_JSON = select(m.events).where(
    _E.conversation_id.in_(_json_list("p_ids")), _E.client_id.in_(_json_list("p_clients"))
)
_STORE_SEQ = (
    update(m.conversations).where(_C.id == bindparam("p_id")).values(last_seq=bindparam("p_seq"))
)
_A = m.assignments.c
_STORE_READ = (
    update(m.assignments)
    .where(_A.conversation_id == bindparam("p_id"), _A.user_id == bindparam("p_user"))
    .where(_A.ended_at.is_(None))
    .values(read_seq=bindparam("p_seq"))
)


# What a database error is, to code outside the store: ``DatabaseError`` to catch,
# ``unreachable`` to tell "out of reach for now" (refused, starting up, connection
# lost: send again shortly) from a real failure, and ``conflicted`` to tell a
# transaction rolled back for a conflict (retry; the database is there).
DatabaseError = DBAPIError


def unreachable(exc: BaseException) -> bool:
    return isinstance(exc, DBAPIError) and (
        exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError)
    )


def conflicted(exc: BaseException) -> bool:
    """The database rolled the transaction back for a conflict with another (SQLSTATE
    class 40: a deadlock, 40P01, or a serialization failure, 40001): it is there, and
    the same work again goes through. ``unreachable`` is true of these too (psycopg
    raises them as ``OperationalError``), so a request is answered "try again"."""
    if not isinstance(exc, DBAPIError):
        return False
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return isinstance(code, str) and code.startswith("40")


@dataclass
class SqlTx:
    """One write transaction; ``appended`` collects the events to publish after commit."""

    conn: Connection
    now: datetime
    appended: list[Event] = field(default_factory=list)
    touched_teams: set[str] = field(default_factory=set)
    touched_advisors: set[int] = field(default_factory=set)
    # advisors whose assignment ended: idle from ``now``, written by ``settle`` (shared
    # with the transaction's parts)
    idle_advisors: set[int] = field(default_factory=set)

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

    def lock_conversations(self, conversation_ids: Collection[str]) -> None:
        """Lock these conversations at once, in id order (the lock order at the top of
        this module); SQLite's write lock, held from the transaction's first write, is
        the whole database's already."""
        if len(conversation_ids) < 2 or self.conn.dialect.name == "sqlite":
            return  # one row has no order to keep
        self.conn.execute(_LOCK_IN_ORDER, {"p_ids": sorted(conversation_ids)}).all()

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
        self.conn.execute(
            _INSERT_EVENT, self._event_row(conversation.id, seq, kind, data, client_id, bot_pending)
        )
        event = Event(conversation.id, seq, kind, data, self.now, audience_of(kind), client_id)
        self.appended.append(event)
        return event

    def _event_row(
        self,
        conversation_id: str,
        seq: int,
        kind: str,
        data: dict[str, Any],
        client_id: str | None,
        bot_pending: bool,
    ) -> dict[str, Any]:
        return {
            "conversation_id": conversation_id,
            "seq": seq,
            "kind": kind,
            "audience": audience_of(kind),
            "author": data.get("author") if kind == "message" else None,
            "data": data,
            "client_id": client_id,
            "at": self.now,
            "bot_pending": bot_pending,
            # the instance storing it relays it: claimed from the start
            "bot_claimed_at": self.now if bot_pending else None,
        }

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
        self.idle_advisors.add(user_id)  # the row is written last (``settle``)
        self.touched_advisors.add(user_id)

    def settle(self) -> None:
        """The advisor rows this transaction changes, written at its end: locked all at
        once in user id order (the lock order at the top of this module), then updated."""
        ids = sorted(self.idle_advisors)
        if not ids:
            return
        a = m.advisors.c
        self.conn.execute(
            select(a.user_id).where(a.user_id.in_(ids)).order_by(a.user_id).with_for_update()
        ).all()
        self.conn.execute(update(m.advisors).where(a.user_id.in_(ids)).values(idle_since=self.now))
        self.idle_advisors.clear()

    def set_read_seq(self, conversation_id: str, user_id: int, seq: int) -> None:
        self.conn.execute(
            update(m.assignments)
            .where(
                m.assignments.c.conversation_id == conversation_id,
                m.assignments.c.user_id == user_id,
                m.assignments.c.ended_at.is_(None),
            )
            .values(read_seq=seq)
        )

    def clear_bot_pending(
        self, conversation_id: str, seq: int, *, and_earlier: bool = False
    ) -> None:
        e = m.events.c
        self.conn.execute(
            update(m.events)
            .where(
                e.conversation_id == conversation_id, e.seq <= seq if and_earlier else e.seq == seq
            )
            .values(bot_pending=False)
        )

    def offer(self, conversation_id: str, user_id: int, expires_at: datetime) -> bool:
        c = m.conversations.c
        done = self.conn.execute(
            update(m.conversations)
            .where(c.id == conversation_id, c.state == State.WAITING)
            .values(offered_to=user_id, offer_expires_at=expires_at)
        ).rowcount
        return bool(done)

    def add_transcript(self, conversation_id: str, *, text: str, reference: str) -> None:
        t = m.transcripts.c
        if self.conn.execute(
            select(t.conversation_id).where(t.conversation_id == conversation_id)
        ).first():
            return
        self.conn.execute(
            insert(m.transcripts).values(
                conversation_id=conversation_id,
                created_at=self.now,
                text=text,
                case_reference=reference,
            )
        )

    def account_grants(self, conversation_id: str) -> list[AccountGrant]:
        grants = recorded_account_grants(self.conn, conversation_id, at=self.now)
        return [AccountGrant(reference=g.reference, method=g.method) for g in grants]

    def teams(self) -> list[TeamInfo]:
        return _teams(self.conn, self.now)

    def advisors(self, *, default_cap: int, grace_seconds: float) -> list[AdvisorInfo]:
        return _advisors(
            self.conn, default_cap, grace_seconds, self.now, idle_now=self.idle_advisors
        )

    def waiting(self) -> list[Conversation]:
        return _waiting(self.conn)

    def advisor_load(self, user_id: int, *, excluding: str) -> int:
        c = m.conversations.c
        query = select(func.count()).select_from(m.conversations)
        return int(self.conn.execute(query.where(c.id != excluding, holds(user_id))).scalar_one())

    def advisor_cap(self, user_id: int) -> int | None:
        return self.conn.execute(
            select(m.advisors.c.cap).where(m.advisors.c.user_id == user_id)
        ).scalar_one_or_none()

    def in_team(self, user_id: int, team: str) -> bool:
        tm = m.team_members.c
        query = select(tm.user_id).where(tm.user_id == user_id, tm.team_slug == team)
        return self.conn.execute(query).first() is not None

    def display_names(self) -> dict[int, str]:
        return _display_names(self.conn)

    def dropped_by(self, conversation_ids: Sequence[str]) -> dict[str, int]:
        if not conversation_ids:
            return {}
        a = m.assignments.c
        rows = self.conn.execute(
            select(a.conversation_id, a.user_id, a.end_reason)
            .where(a.conversation_id.in_(sorted(set(conversation_ids))))
            .order_by(a.id)
        ).all()
        latest = {row.conversation_id: row for row in rows}  # the last opened wins
        return {cid: row.user_id for cid, row in latest.items() if row.end_reason == DISCONNECTED}

    def active_with(self, user_ids: Sequence[int]) -> list[str]:
        c = m.conversations.c
        query = select(c.id).where(c.state == State.WITH_ADVISOR, c.assigned_to.in_(list(user_ids)))
        return list(self.conn.execute(query).scalars().all())

    def team_hours(self, slug: str) -> tuple[str, OpeningHours]:
        # on this connection: asking the pool for a second one while holding locks
        # can wait on the very sessions those locks block (PostgreSQL)
        return _team_hours(self.conn, slug)

    def record_outcome(self, conversation_id: str) -> None:
        insight_store.record(self.conn, conversation_id)

    def part(self) -> SqlTx:
        # built, not ``dataclasses.replace``d: one per message in a group commit
        return SqlTx(self.conn, self.now, idle_advisors=self.idle_advisors)


@dataclass
class _Batch:
    """What a group commit's use cases wrote, waiting to be stored together."""

    conversations: dict[str, Conversation] = field(default_factory=dict)  # locked, current
    looked_up: set[tuple[str, str]] = field(default_factory=set)  # client ids read up front
    by_client: dict[tuple[str, str], Event] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)  # events to insert
    seqs: dict[str, int] = field(default_factory=dict)  # conversations' new last_seq
    reads: dict[tuple[str, int], int] = field(default_factory=dict)  # read positions


@dataclass
class BatchTx(SqlTx):
    """A group commit's transaction: the same use cases, a handful of statements.

    One use case alone costs four or five round trips per message (lock, client id,
    next seq, insert, read position). Here the batch's conversations are locked and
    their client ids read up front (:meth:`preload`), each message's ``seq`` is
    counted from the locked row, and :meth:`flush` stores the events with one
    multi-row INSERT and the sequence numbers and read positions with one
    executemany each, before the commit that acknowledges them. Anything else a use
    case does flushes first, so it reads and writes what is really there.
    """

    batch: _Batch = field(default_factory=_Batch)

    def preload(self, conversation_ids: Sequence[str], client_ids: Sequence[str]) -> None:
        wanted = sorted(set(conversation_ids))
        if not wanted:
            return
        clients = sorted(set(client_ids))
        self.batch.looked_up |= {(c, k) for c in wanted for k in clients}
        if self._pipelined:
            locked, found = pgpipeline.lock_and_find(self.conn, wanted, clients, self.now)
            for values in locked:
                self.batch.conversations[values["id"]] = Conversation.from_mapping(values)
            for values in found:
                self.batch.by_client[(values["conversation_id"], values["client_id"])] = (
                    _event_from(values)
                )
            return
        sqlite = self.conn.dialect.name == "sqlite"
        lock, find = (
            (_LOCK_MANY_JSON, _FIND_CLIENT_EVENTS_JSON)
            if sqlite
            else (_LOCK_MANY, _FIND_CLIENT_EVENTS)
        )
        ids: Any = json.dumps(wanted) if sqlite else wanted
        rows = self.conn.execute(lock, {"p_ids": ids, "p_now": self.now}).all()
        for row in rows:
            self.batch.conversations[row.id] = Conversation.from_row(row)
        if not clients:
            return
        listed: Any = json.dumps(clients) if sqlite else clients
        found_rows = self.conn.execute(find, {"p_ids": ids, "p_clients": listed})
        for row in found_rows:
            self.batch.by_client[(row.conversation_id, row.client_id)] = _event(row)

    @property
    def _pipelined(self) -> bool:
        dialect = self.conn.dialect  # see store.pgpipeline (psycopg 3's pipeline mode)
        return dialect.name == "postgresql" and dialect.driver == "psycopg"

    def part(self) -> BatchTx:
        return BatchTx(self.conn, self.now, idle_advisors=self.idle_advisors, batch=self.batch)

    def lock_conversation(self, conversation_id: str) -> Conversation:
        found = self.batch.conversations.get(conversation_id)
        if found is None:
            found = super().lock_conversation(conversation_id)
            self.batch.conversations[conversation_id] = found
        return found

    def find_client_event(self, conversation_id: str, client_id: str) -> Event | None:
        key = (conversation_id, client_id)
        if key in self.batch.by_client or key in self.batch.looked_up:
            return self.batch.by_client.get(key)
        return super().find_client_event(conversation_id, client_id)

    def append(
        self,
        conversation: Conversation,
        kind: str,
        data: dict[str, Any],
        *,
        client_id: str | None = None,
        bot_pending: bool = False,
    ) -> Event:
        locked = self.batch.conversations.get(conversation.id)
        if locked is None:  # pragma: no cover - use cases lock before they append
            return super().append(
                conversation, kind, data, client_id=client_id, bot_pending=bot_pending
            )
        seq = locked.last_seq + 1
        self.batch.conversations[conversation.id] = locked.with_last_seq(seq)
        self.batch.seqs[conversation.id] = seq
        self.batch.rows.append(
            self._event_row(conversation.id, seq, kind, data, client_id, bot_pending)
        )
        event = Event(conversation.id, seq, kind, data, self.now, audience_of(kind), client_id)
        if client_id is not None:
            self.batch.by_client[(conversation.id, client_id)] = event
        self.appended.append(event)
        return event

    def set_read_seq(self, conversation_id: str, user_id: int, seq: int) -> None:
        self.batch.reads[(conversation_id, user_id)] = seq

    def settle(self) -> None:
        if self.idle_advisors:  # rarely: the batch's messages end no assignment
            self.flush()
            super().settle()

    def flush(self) -> None:
        """Store what the batch wrote (in this transaction; the commit comes after)."""
        self._store(commit=False)

    def finish(self) -> None:
        """Store what is left and, on PostgreSQL, commit in the same round trip (the
        connection's own commit then has nothing left to do)."""
        self._store(commit=True)

    def _store(self, *, commit: bool) -> None:
        batch = self.batch
        if self._pipelined:
            pgpipeline.store(
                self.conn, batch.rows, batch.seqs, batch.reads, self.now, commit=commit
            )
            batch.rows, batch.seqs, batch.reads = [], {}, {}
            return
        if batch.rows:
            self.conn.execute(_INSERT_EVENT, batch.rows)
            self.conn.execute(
                _STORE_SEQ, [{"p_id": cid, "p_seq": seq} for cid, seq in batch.seqs.items()]
            )
        if batch.reads:
            self.conn.execute(
                _STORE_READ,
                [{"p_id": c, "p_user": u, "p_seq": seq} for (c, u), seq in batch.reads.items()],
            )
        batch.rows, batch.seqs, batch.reads = [], {}, {}


def _flushing(method: Callable[..., Any], *, forget: bool) -> Callable[..., Any]:
    """``method`` after a flush; ``forget``: it may change conversations, so they are
    locked (read) again when next asked for."""

    def flushed(self: BatchTx, *args: Any, **kwargs: Any) -> Any:
        self.flush()
        result = method(self, *args, **kwargs)
        if forget:
            self.batch.conversations.clear()
        return result

    flushed.__name__ = method.__name__
    flushed.__doc__ = method.__doc__
    return flushed


for _name, _forget in (
    ("lock_router", False),
    ("update_conversation", True),
    ("clear_bot_pending", False),
    ("offer", True),
    ("add_transcript", False),
    ("account_grants", False),
    ("open_assignment", False),
    ("end_assignment", False),
    ("teams", False),
    ("advisors", False),
    ("waiting", False),
    ("advisor_load", False),
    ("advisor_cap", False),
    ("in_team", False),
    ("display_names", False),
    ("active_with", False),
    ("team_hours", False),
    ("record_outcome", False),
):
    setattr(BatchTx, _name, _flushing(getattr(SqlTx, _name), forget=_forget))


class SqlStore(ConsoleQueries):
    """The Store on SQLite or PostgreSQL (``port.Store``)."""

    def __init__(self, engine: Engine, *, clock: Clock = utcnow) -> None:
        self.engine = engine
        self.clock = clock
        # SQLite has one writer at a time, and a writer that finds the file locked
        # sleeps in growing steps (1, 2, 5, 10 … ms). Queueing our own writers on a
        # lock instead keeps a busy minute from turning into 100 ms stalls.
        self.serial_writers = engine.dialect.name == "sqlite"
        self._write_lock = threading.Lock() if self.serial_writers else None
        self.on_commit: Callable[[float], None] | None = None  # seconds per write (metrics)

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction (commits at the end of the block).

        ``StoreUnavailable`` when the database cannot be reached, or the connection
        is lost before the commit is confirmed (nothing is acknowledged then; a
        resend with the same ``client_id`` finds a commit that did land)."""
        started = time.perf_counter()
        with self._write_lock or nullcontext():
            try:
                conn = self.engine.connect()
            except DBAPIError as exc:  # refused, starting up, out of connections
                raise StoreUnavailable() from exc
            try:
                with conn, conn.begin():
                    yield conn
            except DBAPIError as exc:
                if exc.connection_invalidated:
                    raise StoreUnavailable() from exc
                raise
        if self.on_commit is not None:
            self.on_commit(time.perf_counter() - started)

    @contextmanager
    def transaction(self) -> Iterator[SqlTx]:
        with self.writing() as conn:
            tx = SqlTx(conn, self.clock())
            yield tx
            tx.settle()

    @contextmanager
    def batch_transaction(
        self, conversation_ids: Sequence[str], client_ids: Sequence[str]
    ) -> Iterator[BatchTx]:
        """One transaction for a group commit (:class:`BatchTx`): the conversations
        locked and the client ids read up front, the writes stored before the commit."""
        with self.writing() as conn:
            tx = BatchTx(conn, self.clock())
            with pgpipeline.own_transaction(conn) if tx._pipelined else nullcontext():
                tx.preload(conversation_ids, client_ids)
                yield tx
                tx.settle()
                tx.finish()

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

    def teams(self, *, now: datetime | None = None) -> list[TeamInfo]:
        with self.engine.connect() as conn:
            return _teams(conn, now or self.clock())

    def team_hours(self, slug: str) -> tuple[str, OpeningHours]:
        with self.engine.connect() as conn:
            return _team_hours(conn, slug)

    def advisors(
        self, *, default_cap: int, grace_seconds: float, now: datetime | None = None
    ) -> list[AdvisorInfo]:
        with self.engine.connect() as conn:
            return _advisors(conn, default_cap, grace_seconds, now or self.clock())

    def waiting(self) -> list[Conversation]:
        with self.engine.connect() as conn:
            return _waiting(conn)

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


def _team_hours(conn: Connection, slug: str) -> tuple[str, OpeningHours]:
    row = conn.execute(select(m.teams).where(m.teams.c.slug == slug)).first()
    if row is None:
        raise NotFound("No such team.")
    return row.name, OpeningHours.parse(row.opening_hours)


def _teams(conn: Connection, now: datetime) -> list[TeamInfo]:
    rows = conn.execute(select(m.teams).order_by(m.teams.c.sort_order, m.teams.c.slug)).all()
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


def _waiting(conn: Connection) -> list[Conversation]:
    rows = conn.execute(select(m.conversations).where(m.conversations.c.state == "waiting")).all()
    return [Conversation.from_row(row) for row in rows]


def _display_names(conn: Connection) -> dict[int, str]:
    rows = conn.execute(select(m.advisors.c.user_id, m.advisors.c.display_name)).all()
    return {row.user_id: row.display_name for row in rows}


def _advisors(
    conn: Connection,
    default_cap: int,
    grace_seconds: float,
    now: datetime,
    *,
    idle_now: Collection[int] = (),
) -> list[AdvisorInfo]:
    """``idle_now``: advisors whose assignment ended in this transaction (their rows are
    written at its end, ``SqlTx.settle``), idle from ``now``."""
    c = m.conversations.c
    people = conn.execute(select(m.advisors)).all()
    memberships = conn.execute(select(m.team_members)).all()
    active: dict[int, int] = dict(
        conn.execute(
            select(c.assigned_to, func.count())
            .where(c.state == "with_advisor")
            .group_by(c.assigned_to)
        ).all()
    )
    offers: dict[int, int] = dict(
        conn.execute(
            select(c.offered_to, func.count())
            .where(and_(c.state == "waiting", c.offered_to.is_not(None)))
            .group_by(c.offered_to)
        ).all()
    )
    return advisor_infos(
        [
            (
                r.user_id,
                r.availability,
                r.last_seen_at,
                r.cap,
                now if r.user_id in idle_now else r.idle_since,
            )
            for r in people
        ],
        [(r.team_slug, r.user_id) for r in memberships],
        active,
        offers,
        default_cap=default_cap,
        grace_seconds=grace_seconds,
        now=now,
    )


def _keeps_the_port(store: SqlStore, tx: SqlTx) -> tuple[Store, Tx]:
    return store, tx  # pragma: no cover - mypy checks this store against the port (never called)
