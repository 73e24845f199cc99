"""Advisor rows are locked in one order by every transaction (issue #12's faults
benchmark on PostgreSQL: 2-4 ``DeadlockDetected`` per instance in dispatch).

The dispatcher requeues a lost advisor's chats in the order the store lists them,
and ending each assignment wrote that advisor's row; ``touch_presence`` locks the
same rows by user id. With two lost advisors listed highest id first, dispatch
held the higher row and waited for the lower while presence held the lower and
waited for the higher. Here the two really run at once, on two connections: the
dispatch pauses right after its first lock on an advisor row, presence starts and
is seen waiting for that lock (on PostgreSQL its backend is blocked by the
dispatcher's; on SQLite it queues on the store's writer lock), then the dispatch
goes on. On SQLite and PostgreSQL, with a clock the test moves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select, text

from handoff import assignment, dispatcher, lifecycle
from handoff import models as m
from handoff.assignment import Actor
from handoff.bot import BotReply, HandoffRequest
from handoff.lifecycle import Limits
from handoff.states import State
from handoff.store import SqlStore, SqlTx
from tests.contract.handoff_kit import Kit, sql_kit_sam_and_priya

SAM, PRIYA = 1, 2
LIMITS = Limits(default_cap=2, grace_seconds=20, accept_timeout_seconds=30)


@pytest.fixture
def kit(database) -> Kit:  # type: ignore[no-untyped-def]
    return sql_kit_sam_and_priya(database.engine)


def chat_with(kit: Kit, user_id: int) -> str:
    kit.store.set_availability(user_id, "available")
    kit.store.touch_presence([user_id], "instance-a")
    cid = kit.store.create_conversation(language="en", page_url="/", identity_token=None).id
    stored = lifecycle.resident_message(kit.store, cid, client_id="c1", text="hi", payload=None)
    reply = BotReply(text="Passing you on", handoff=HandoffRequest(service_area="general"))
    lifecycle.bot_answered(
        kit.store, cid, relayed_seq=stored.event.seq, replies=[reply], limits=LIMITS
    )
    assignment.accept(kit.store, cid, Actor(user_id, "Advisor"), LIMITS)
    assert kit.store.get(cid).assigned_to == user_id
    return cid


def locks_an_advisor_row(statement: str) -> bool:
    return "ho_advisors" in statement and (
        statement.lstrip().upper().startswith("UPDATE ho_advisors".upper())
        or "FOR UPDATE" in statement.upper()
    )


class Interleaving:
    """Pauses ``paused_thread`` right after its first statement that locks an advisor
    row, runs ``other`` in a second thread until it is seen waiting for that lock, then
    lets the first go on. ``errors``: what each thread raised."""

    def __init__(self, store: SqlStore, other: Callable[[], None]) -> None:
        self.store, self.other = store, other
        self.paused_thread = threading.get_ident()
        self.errors: dict[str, BaseException] = {}
        self.fired = False
        self.other_pid: int | None = None  # PostgreSQL: the other thread's backend
        self.other_started = threading.Event()
        self.other_queued = threading.Event()  # SQLite: it reached the writer lock
        self.thread = threading.Thread(target=self._run_other, name="presence")

    def _run_other(self) -> None:
        try:
            self.other()
        except BaseException as exc:  # reported by the test
            self.errors["presence"] = exc

    @contextmanager
    def installed(self) -> Iterator[None]:
        engine = self.store.engine
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)
        lock = self.store._write_lock
        if lock is not None:  # SQLite: announce when the other thread queues for it
            self.store._write_lock = _Announcing(lock, self)  # type: ignore[assignment]
        try:
            yield
        finally:
            event.remove(engine, "before_cursor_execute", self._before)
            event.remove(engine, "after_cursor_execute", self._after)
            self.store._write_lock = lock
            if self.thread.is_alive() or self.fired:
                self.thread.join()

    def _before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self.thread.ident == threading.get_ident() and locks_an_advisor_row(statement):
            self.other_pid = _backend_pid(conn)
            self.other_started.set()

    def _after(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self.fired or threading.get_ident() != self.paused_thread:
            return
        if not locks_an_advisor_row(statement):
            return
        self.fired = True
        paused_pid = _backend_pid(conn)
        self.thread.start()
        if conn.dialect.name == "postgresql":
            self.other_started.wait()
            self._wait_until_blocked_by(paused_pid)
        else:
            self.other_queued.wait()

    def _wait_until_blocked_by(self, pid: int | None) -> None:
        """The other backend waits for a lock this one holds (PostgreSQL tells)."""
        with self.store.engine.connect() as watcher:
            while True:
                blockers = watcher.execute(
                    text("SELECT pg_blocking_pids(:pid)"), {"pid": self.other_pid}
                ).scalar_one()
                if pid in blockers:
                    return


def _backend_pid(conn: Any) -> int | None:
    if conn.dialect.name != "postgresql":
        return None
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
    with interleaving.installed():
        try:
            dispatcher.dispatch(kit.store, LIMITS)
        except BaseException as exc:  # reported with the other thread's below
            interleaving.errors["dispatch"] = exc

    assert interleaving.fired
    raised = {k: type(getattr(e, "orig", e)).__name__ for k, e in interleaving.errors.items()}
    assert raised == {}
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
