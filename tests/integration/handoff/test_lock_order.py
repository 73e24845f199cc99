"""Advisor rows, and conversation rows, are locked in one order by every transaction
(issue #12's faults benchmark on PostgreSQL: 2-4 ``DeadlockDetected`` per instance in
dispatch).

The dispatcher requeues a lost advisor's chats in the order the store lists them,
and ending each assignment wrote that advisor's row; ``touch_presence`` locks the
same rows by user id. With two lost advisors listed highest id first, dispatch
held the higher row and waited for the lower while presence held the lower and
waited for the higher. Here the two really run at once, on two connections: the
dispatch pauses right after its first lock on an advisor row, presence starts and
is seen waiting for that lock (on PostgreSQL its backend is blocked by the
dispatcher's; on SQLite it queues on the store's writer lock), then the dispatch
goes on. On SQLite and PostgreSQL, with a clock the test moves.

Conversation rows the same way: a group commit locks its batch's chats in id order;
the dispatcher used to lock the chats it requeued, and the chats it offered, in the
order it met them (the store's listing, the queue's order), so a batch holding the
lower of two chats waited for the higher while dispatch held the higher and waited
for the lower. Here dispatch pauses after its first lock on a conversation row while
a group commit of the residents' messages in both chats is seen waiting for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select, text

from handoff import assignment, dispatcher, lifecycle
from handoff import models as m
from handoff.assignment import Actor
from handoff.bot import BotReply, HandoffRequest
from handoff.groupcommit import SharedTransaction
from handoff.lifecycle import Limits
from handoff.states import State
from handoff.store import SqlStore, SqlTx
from tests.contract.handoff_kit import Kit, sql_kit_sam_and_priya, waiting_for

SAM, PRIYA = 1, 2
LIMITS = Limits(default_cap=2, grace_seconds=20, accept_timeout_seconds=30)


@pytest.fixture
def kit(database) -> Kit:  # type: ignore[no-untyped-def]
    return sql_kit_sam_and_priya(database.engine)


def chat_with(kit: Kit, user_id: int) -> str:
    cid = waiting_for(kit, user_id, LIMITS)
    assignment.accept(kit.store, cid, Actor(user_id, "Advisor"), LIMITS)
    assert kit.store.get(cid).assigned_to == user_id
    return cid


def bot_chat(kit: Kit) -> tuple[str, int]:
    """A chat with the bot, the resident's first message waiting for its answer (seq)."""
    cid = kit.store.create_conversation(language="en", page_url="/", identity_token=None).id
    stored = lifecycle.resident_message(kit.store, cid, client_id="c1", text="hi", payload=None)
    return cid, stored.event.seq


def hand_over(kit: Kit, cid: str, seq: int) -> None:
    """The bot answers by handing the chat to the general team: it waits in the queue."""
    reply = BotReply(text="Passing you on", handoff=HandoffRequest(service_area="general"))
    lifecycle.bot_answered(kit.store, cid, relayed_seq=seq, replies=[reply], limits=LIMITS)
    assert kit.store.get(cid).state == State.WAITING


def waiting_chat(kit: Kit) -> str:
    cid, seq = bot_chat(kit)
    hand_over(kit, cid, seq)
    return cid


def locks_an_advisor_row(statement: str) -> bool:
    return _locks_a_row_of("ho_advisors", statement)


def locks_a_conversation_row(statement: str) -> bool:
    return _locks_a_row_of("ho_conversations", statement)


def _locks_a_row_of(table: str, statement: str) -> bool:
    said = statement.lstrip().upper()
    return table.upper() in said and (
        said.startswith(f"UPDATE {table.upper()}") or "FOR UPDATE" in said
    )


def group_commit(kit: Kit, conversation_ids: list[str]) -> None:
    """A resident's message in each chat, stored in one batch as ``GroupWriter`` does
    (its conversations in id order, one ``SharedTransaction`` for the use cases)."""
    store = kit.store
    ids = sorted(conversation_ids)
    with store.batch_transaction(ids, ["still-there"]) as tx:
        shared = SharedTransaction(store, tx)
        for cid in ids:
            lifecycle.resident_message(
                shared,  # type: ignore[arg-type]
                cid,
                client_id="still-there",
                text="Are you still there?",
                payload=None,
            )


class Interleaving:
    """Pauses ``paused_thread`` right after its first statement that ``pauses_after``
    (one that locks a row), runs ``other`` in a second thread until it is seen waiting
    for that lock, then lets the first go on. ``errors``: what each thread raised."""

    def __init__(
        self,
        store: SqlStore,
        other: Callable[[], None],
        *,
        pauses_after: Callable[[str], bool] = locks_an_advisor_row,
        name: str = "presence",
    ) -> None:
        self.store, self.other, self.pauses_after, self.name = store, other, pauses_after, name
        self.paused_thread = threading.get_ident()
        self.errors: dict[str, BaseException] = {}
        self.fired = False
        self.other_queued = threading.Event()  # SQLite: it reached the writer lock
        self.thread = threading.Thread(target=self._run_other, name=name)

    def _run_other(self) -> None:
        try:
            self.other()
        except BaseException as exc:  # reported by the test
            self.errors[self.name] = exc

    @contextmanager
    def installed(self) -> Iterator[None]:
        engine = self.store.engine
        event.listen(engine, "after_cursor_execute", self._after)
        lock = self.store._write_lock
        if lock is not None:  # SQLite: announce when the other thread queues for it
            self.store._write_lock = _Announcing(lock, self)  # type: ignore[assignment]
        try:
            yield
        finally:
            event.remove(engine, "after_cursor_execute", self._after)
            self.store._write_lock = lock
            if self.thread.is_alive() or self.fired:
                self.thread.join()

    def dispatch(self, store: SqlStore) -> dict[str, str]:
        """One dispatch tick with the other thread interleaved: what each raised, by name
        (the database's own error, as ``DeadlockDetected``)."""
        with self.installed():
            try:
                dispatcher.dispatch(store, LIMITS)
            except BaseException as exc:  # reported with the other thread's below
                self.errors["dispatch"] = exc
        assert self.fired
        return {k: type(getattr(e, "orig", e)).__name__ for k, e in self.errors.items()}

    def run_other_alongside(self) -> None:
        """Run ``other`` now, this thread's transaction open, until it is done (on
        PostgreSQL, where it waits for no lock this one holds) or queued for the
        writer lock (SQLite)."""
        self.fired = True
        self.thread.start()
        if self.store.engine.dialect.name == "postgresql":
            self.thread.join()
        else:
            self.other_queued.wait()

    def _after(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self.fired or threading.get_ident() != self.paused_thread:
            return
        if not self.pauses_after(statement):
            return
        self.fired = True
        self.thread.start()
        if conn.dialect.name == "postgresql":
            self._wait_until_blocked_by(_backend_pid(conn))
        else:
            self.other_queued.wait()

    def _wait_until_blocked_by(self, pid: int) -> None:
        """Another backend waits for a lock this one holds (PostgreSQL tells): the other
        thread's, whichever way it reaches the database (the group commit's pipeline
        speaks psycopg directly, past SQLAlchemy's events)."""
        with self.store.engine.connect() as watcher:
            while True:
                blocked = watcher.execute(
                    text(  # pg_locks, read anew each time (pg_stat_activity is not)
                        "SELECT count(*) FROM pg_locks WHERE NOT granted "
                        "AND CAST(:pid AS integer) = ANY(pg_blocking_pids(pid))"
                    ),
                    {"pid": pid},
                ).scalar_one()
                if blocked:
                    return


def _backend_pid(conn: Any) -> int:
    return int(conn.connection.dbapi_connection.info.backend_pid)


class _Announcing:
    """The store's SQLite writer lock, telling when the other thread waits for it."""

    def __init__(self, lock: threading.Lock, interleaving: Interleaving) -> None:
        self.lock, self.interleaving = lock, interleaving

    def __enter__(self) -> None:
        if threading.get_ident() == self.interleaving.thread.ident:
            self.interleaving.other_queued.set()
        self.lock.acquire()

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def test_dispatch_and_presence_lock_advisor_rows_without_deadlock(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(kit.store, SqlStore)
    sams, priyas = chat_with(kit, SAM), chat_with(kit, PRIYA)
    # The store lists an advisor's chats in no particular order (a heap scan on
    # PostgreSQL); take the order that crosses presence's: Priya's chat first.
    listed = SqlTx.active_with
    monkeypatch.setattr(
        SqlTx,
        "active_with",
        lambda tx, user_ids: sorted(listed(tx, user_ids), key=lambda c: c != priyas),
    )
    kit.clock.advance(21)  # neither console heard for longer than the grace: both lost

    interleaving = Interleaving(
        kit.store, lambda: kit.store.touch_presence([SAM, PRIYA], "instance-b")
    )
    assert interleaving.dispatch(kit.store) == {}
    assert kit.store.get(sams).state == State.WAITING
    assert kit.store.get(priyas).state == State.WAITING
    with kit.store.engine.connect() as conn:
        rows = conn.execute(
            select(
                m.advisors.c.user_id, m.advisors.c.instance_id, m.advisors.c.idle_since
            ).order_by(m.advisors.c.user_id)
        ).all()
    assert [(r.user_id, r.instance_id) for r in rows] == [
        (SAM, "instance-b"),
        (PRIYA, "instance-b"),
    ]
    assert all(r.idle_since == kit.clock() for r in rows)  # both assignments ended now


def _sams_two_chats_and_sam_lost(kit: Kit, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Sam holds two chats and is lost: dispatch requeues both. The store lists them in
    no particular order; take the one that crosses the group commit's: the higher id
    first."""
    chats = sorted([chat_with(kit, SAM), chat_with(kit, SAM)])
    listed = SqlTx.active_with
    monkeypatch.setattr(
        SqlTx,
        "active_with",
        lambda tx, user_ids: sorted(listed(tx, user_ids), reverse=True),
    )
    kit.clock.advance(21)  # Sam's console not heard for longer than the grace
    return chats


def _two_waiting_chats_priya_free(kit: Kit, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Two chats waiting, the higher id queued first, and Priya free for both: dispatch
    offers them in queue order."""
    kit.store.set_availability(PRIYA, "available")
    kit.store.touch_presence([PRIYA], "instance-a")
    low, high = sorted([bot_chat(kit), bot_chat(kit)])  # ids are random
    hand_over(kit, *high)
    kit.clock.advance(1)
    hand_over(kit, *low)
    kit.clock.advance(1)
    return [low[0], high[0]]


@pytest.mark.parametrize(
    ("setup", "then"),
    [
        (_sams_two_chats_and_sam_lost, {"state": State.WAITING, "offered_to": None}),
        (_two_waiting_chats_priya_free, {"state": State.WAITING, "offered_to": PRIYA}),
    ],
    ids=["requeue-lost-advisor", "offers-in-queue-order"],
)
def test_dispatch_and_group_commit_lock_conversation_rows_without_deadlock(
    kit: Kit,
    monkeypatch: pytest.MonkeyPatch,
    setup: Callable[[Kit, pytest.MonkeyPatch], list[str]],
    then: dict[str, Any],
) -> None:
    assert isinstance(kit.store, SqlStore)
    chats = setup(kit, monkeypatch)

    interleaving = Interleaving(
        kit.store,
        lambda: group_commit(kit, chats),
        pauses_after=locks_a_conversation_row,
        name="group commit",
    )
    assert interleaving.dispatch(kit.store) == {}
    for cid in chats:
        conversation = kit.store.get(cid)
        assert {"state": conversation.state, "offered_to": conversation.offered_to} == then
        stored = [e for e in kit.store.events_after(cid, 0) if e.client_id == "still-there"]
        assert [e.data["text"] for e in stored] == ["Are you still there?"]
        seqs = [e.seq for e in kit.store.events_after(cid, 0)]
        assert seqs == list(range(1, len(seqs) + 1))  # dispatch's and the batch's, no gap


def test_a_chat_that_starts_waiting_during_a_tick_is_offered_at_the_next(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The price of dispatch's lock order: a tick locks the waiting chats first, so one
    that starts waiting after that (a bot's handoff takes no router lock) waits for the
    next tick; offering it at once would lock it after chats with higher ids."""
    assert isinstance(kit.store, SqlStore)
    kit.store.set_availability(PRIYA, "available")
    kit.store.touch_presence([PRIYA], "instance-a")
    queued = waiting_chat(kit)
    newcomer, seq = bot_chat(kit)
    interleaving = Interleaving(
        kit.store,
        lambda: hand_over(kit, newcomer, seq),
        pauses_after=lambda statement: False,
        name="handoff",
    )
    locking = SqlTx.lock_conversations

    def lock_then_hand_over(tx: SqlTx, conversation_ids: Collection[str]) -> None:
        locking(tx, conversation_ids)
        interleaving.run_other_alongside()

    monkeypatch.setattr(SqlTx, "lock_conversations", lock_then_hand_over)
    with interleaving.installed():
        dispatcher.dispatch(kit.store, LIMITS)
    monkeypatch.setattr(SqlTx, "lock_conversations", locking)

    assert interleaving.errors == {}
    offered = {cid: kit.store.get(cid).offered_to for cid in (queued, newcomer)}
    assert offered == {queued: PRIYA, newcomer: None}
    assert kit.store.get(newcomer).state == State.WAITING
    dispatcher.dispatch(kit.store, LIMITS)
    assert kit.store.get(newcomer).offered_to == PRIYA
