"""Group commit and load shedding (issue #12): messages arriving together share one
transaction, each still stored in order and before it is acknowledged; one refusal
never takes the others with it; a saturated instance refuses new messages clearly."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import IO

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy import event as sa_event

from frontdoor.db import make_engine
from handoff import lifecycle
from handoff.exceptions import Busy, ConversationClosed
from handoff.groupcommit import GroupWriter, SharedTransaction
from handoff.store import SqlStore, Store
from handoff.store.sql import DatabaseError
from tests.integration.handoff.conftest import message, receive, until
from tests.integration.handoff.test_metrics import scrape


def _say(writer: GroupWriter, conversation_id: str, text: str, client_id: str):  # type: ignore[no-untyped-def]
    return writer.run(
        conversation_id,
        lifecycle.resident_message,
        conversation_id,
        client_id=client_id,
        text=text,
        payload=None,
    )


def _new(store: Store) -> str:
    return store.create_conversation(language="en", page_url="", identity_token=None).id


def test_messages_arriving_together_share_a_commit_and_keep_their_order(database):
    store = SqlStore(database.engine)
    batches: list[int] = []
    writer = GroupWriter(store, on_batch=batches.append)
    chats = [_new(store) for _ in range(3)]

    async def burst() -> list[lifecycle.Stored]:
        return await asyncio.gather(
            *(
                _say(writer, chat, f"{chat[:4]} {n}", f"m{n}-{chat[:6]}")
                for n in range(10)
                for chat in chats
            )
        )

    stored = asyncio.run(burst())
    assert max(batches) > 1 and sum(batches) == 30
    assert all(not s.duplicate and s.tx.appended == [s.event] for s in stored)
    for chat in chats:
        events = store.events_after(chat, 0)
        assert [e.seq for e in events] == list(range(1, 11))
        assert [e.data["text"] for e in events] == [f"{chat[:4]} {n}" for n in range(10)]
        assert store.get(chat).last_seq == 10
    # a resend of a stored message is a duplicate, alone or in a batch with its original
    again = asyncio.run(_say(writer, chats[0], "again", f"m0-{chats[0][:6]}"))
    assert again.duplicate and again.event.seq == 1

    async def twice() -> list[lifecycle.Stored]:
        return await asyncio.gather(
            _say(writer, chats[1], "new", "twin"), _say(writer, chats[1], "new", "twin")
        )

    first, second = asyncio.run(twice())
    assert (first.duplicate, second.duplicate) == (False, True)
    assert first.event.seq == second.event.seq == 11


def test_one_refused_message_does_not_take_the_batch_with_it(database):
    store = SqlStore(database.engine)
    batches: list[int] = []
    writer = GroupWriter(store, writers=1, on_batch=batches.append)
    open_chat, closed_chat = _new(store), _new(store)
    lifecycle.close_by_resident(store, closed_chat)
    closed_seq = store.get(closed_chat).last_seq

    async def together() -> list[object]:
        return await asyncio.gather(
            _say(writer, open_chat, "first", "a1"),
            _say(writer, closed_chat, "too late", "b1"),
            _say(writer, open_chat, "second", "a2"),
            return_exceptions=True,
        )

    first, refused, second = asyncio.run(together())
    assert isinstance(refused, ConversationClosed)
    assert isinstance(first, lifecycle.Stored) and isinstance(second, lifecycle.Stored)
    assert (first.event.seq, second.event.seq) == (1, 2)
    assert [e.data["text"] for e in store.events_after(open_chat, 0)] == ["first", "second"]
    assert store.get(closed_chat).last_seq == closed_seq  # nothing half-written
    assert batches == [3]


def test_a_saturated_instance_sheds_new_messages_with_a_clear_frame_and_a_metric(world):
    writer = world.app.state.handoff.writer
    started = world.start()
    with world.resident_socket(started) as ws:
        receive(ws)
        writer.shed_after = -1.0  # as if the oldest queued write were already too late
        ws.send_json(message("Is anyone there?", client_id="shed-1"))
        refused, _ = until(ws, lambda f: f["type"] == "throttled")
        writer.shed_after = 0.5
        ws.send_json(message("Is anyone there?", client_id="shed-1"))  # the widget resends
        until(ws, lambda f: f["type"] == "ack" and f["client_id"] == "shed-1")
    assert refused["reason"] == "busy" and refused["client_id"] == "shed-1"
    assert refused["retry_after"] >= 1
    metrics = scrape(world.app)
    assert metrics[("frontdoor_handoff_shed_total", frozenset())] == 1
    assert (
        metrics[("frontdoor_handoff_throttled_frames_total", frozenset({("role", "resident")}))]
        == 0
    )


def test_busy_is_a_throttle_with_its_own_code_and_message():
    busy = Busy(retry_after=3)
    assert busy.code == "busy" and busy.retry_after == 3
    assert "very busy" in busy.message and "3 seconds" in busy.message


def test_an_empty_write_queue_never_sheds(database):
    writer = GroupWriter(SqlStore(database.engine))
    assert writer.lag() == 0.0 and writer.pending == 0
    writer.admit()  # an empty queue never sheds
    assert writer.writers == (1 if database.engine.dialect.name == "sqlite" else 2)


def test_a_batch_costs_a_few_statements_not_a_few_per_message(database):
    """Locked together, client ids read together, events inserted together (issue 12)."""
    store = SqlStore(database.engine)
    chats = [_new(store) for _ in range(20)]
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement.split()[0])

    sa_event.listen(database.engine, "before_cursor_execute", count)
    try:
        with store.batch_transaction(chats, [f"c-{chat}" for chat in chats]) as tx:
            shared = SharedTransaction(store, tx)
            stored = [
                lifecycle.resident_message(
                    shared, chat, client_id=f"c-{chat}", text="hello", payload=None
                )
                for chat in chats
            ]
    finally:
        sa_event.remove(database.engine, "before_cursor_execute", count)
    assert [s.event.seq for s in stored] == [1] * 20
    writes = [s for s in statements if s.upper() in ("UPDATE", "INSERT", "SELECT")]
    # one at a time: 80 (lock, look-up, seq, insert); on PostgreSQL none goes through
    # SQLAlchemy's cursor (store.pgpipeline: the next test counts its round trips)
    assert len(writes) == (0 if database.backend == "postgresql" else 4), statements
    assert all(store.events_after(chat, 0)[0].data["text"] == "hello" for chat in chats)


def _round_trips(engine: Engine, folder: Path) -> Callable[[], int]:
    """Round trips on the engine's connections from now on (libpq's protocol trace:
    a run of messages to the server answered by a run from it is one)."""
    traces: list[Path] = []
    tracing: dict[int, IO[str]] = {}

    def checked_out(dbapi_connection, _record, _proxy):  # type: ignore[no-untyped-def]
        traces.append(folder / f"trace-{len(traces)}.txt")
        trace = tracing[id(dbapi_connection)] = traces[-1].open("w")
        dbapi_connection.pgconn.trace(trace.fileno())
        dbapi_connection.pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)

    def checked_in(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.pgconn.untrace()  # flushes the trace
        tracing.pop(id(dbapi_connection)).close()

    sa_event.listen(engine, "checkout", checked_out)
    sa_event.listen(engine, "checkin", checked_in)

    def count() -> int:
        trips = 0
        for path in traces:
            side = "B"
            for line in path.read_text().splitlines():
                if line[:1] == "F" and side == "B":
                    trips += 1
                side = line[:1] or side
        return trips

    return count


@pytest.mark.parametrize("messages", [1, 20])
def test_a_batch_costs_the_same_however_many_messages(database, tmp_path, messages):
    """PostgreSQL: two round trips (BEGIN + lock + client ids in one pipeline; events,
    seqs, read positions and COMMIT in another; ~7 before, issue 12). SQLite, which has
    no round trips: four statements (lock, client ids, events, seqs)."""
    engine = make_engine(database.url, pool_pre_ping=False)  # as handoff.app makes it
    store = SqlStore(engine)
    chats = [_new(store) for _ in range(messages)]
    writer = GroupWriter(store, writers=1)
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    async def together() -> list[lifecycle.Stored]:
        return await asyncio.gather(*(_say(writer, c, "hello", f"c-{c}") for c in chats))

    try:
        if database.backend == "postgresql":
            round_trips = _round_trips(engine, tmp_path)
            stored = asyncio.run(together())
            assert round_trips() == 2
            with engine.connect() as conn:  # handed back to the pool as it was taken
                assert conn.connection.driver_connection.autocommit is False
        else:
            sa_event.listen(engine, "before_cursor_execute", count)
            stored = asyncio.run(together())
            assert len(statements) == 4, statements
        assert [s.event.seq for s in stored] == [1] * messages
        assert all(store.get(chat).last_seq == 1 for chat in chats)
    finally:
        engine.dispose()


def _clash(store: Store, conversation_id: str) -> None:
    """A use case whose write fails only when the batch stores it: an event with a
    client id the conversation already has (the unique constraint refuses it)."""
    with store.transaction() as tx:
        conversation = tx.lock_conversation(conversation_id)
        tx.append(conversation, "message", {"author": "system", "text": "x"}, client_id="taken")


def test_a_batch_failing_at_its_commit_acknowledges_nobody_and_loses_nothing(database):
    store = SqlStore(database.engine)
    chats = [_new(store) for _ in range(3)]
    asyncio.run(_say(GroupWriter(store), chats[0], "first", "taken"))
    batches: list[int] = []
    writer = GroupWriter(store, writers=1, on_batch=batches.append)
    before = {chat: store.get(chat).last_seq for chat in chats}

    async def together() -> list[object]:
        return await asyncio.gather(
            *(_say(writer, chat, f"to {chat[:4]}", f"c-{chat}") for chat in chats),
            writer.run(chats[0], _clash, chats[0]),
            return_exceptions=True,
        )

    *said, clashed = asyncio.run(together())
    assert batches == [4]  # one batch: its commit failed, so each ran again alone
    assert isinstance(clashed, DatabaseError)
    for chat, result in zip(chats, said, strict=True):
        assert isinstance(result, lifecycle.Stored) and not result.duplicate
        events = store.events_after(chat, before[chat])
        assert [(e.seq, e.client_id) for e in events] == [(before[chat] + 1, f"c-{chat}")]
    # and a batch that fails inside its transaction stores none of it
    with pytest.raises(DatabaseError), store.batch_transaction(chats, []) as tx:
        shared = SharedTransaction(store, tx)
        lifecycle.resident_message(shared, chats[1], client_id="kept?", text="no", payload=None)
        _clash(shared, chats[0])
    assert store.events_after(chats[1], before[chats[1]] + 1) == []
    assert store.get(chats[1]).last_seq == before[chats[1]] + 1
    asyncio.run(_say(writer, chats[1], "after", "after"))  # the store works on
    assert store.events_after(chats[1], 0)[-1].seq == before[chats[1]] + 2
