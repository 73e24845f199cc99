"""A group commit on PostgreSQL in two round trips (psycopg's pipeline mode).

Issue #12's profile of the 600-chat run: PostgreSQL's group commit batches held
1.2 messages and took 9 ms each, ~7 round trips (BEGIN, lock, client ids,
insert, seq, read positions, COMMIT), each ending with the worker thread
waiting for the GIL of a busy process; the disk's flush was 0.16 ms. Each round
trip, not the commit, was the cost. Here a batch makes two:

1. ``BEGIN``, the conversations' lock (``UPDATE … WHERE id IN (SELECT … ORDER BY
   id FOR UPDATE) RETURNING *``) and the client-id lookup go in one pipeline.
   They stay two statements, run in that order: under READ COMMITTED each
   statement reads a snapshot taken when it starts, so the lookup runs after the
   lock is held and sees every event committed before it (one statement with
   both would read the snapshot from before its wait for the lock and could
   miss a resend's original).
2. The events, the conversations' ``last_seq`` and the read positions go in one
   statement (JSON unpacked server-side), pipelined with ``COMMIT``.

Nothing changes for the use cases or for what is acknowledged when: the
acknowledgements still wait for the COMMIT's answer, and a failure anywhere in
the pipeline fails the batch, which rolls back whole. The statements are fixed
texts, so psycopg prepares them server-side after a few uses. Errors come out as
SQLAlchemy's (``DBAPIError``, the connection invalidated when it is lost), as
from any other statement of the store.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

import psycopg
from psycopg import pq
from psycopg.rows import dict_row
from sqlalchemy import Connection, Table
from sqlalchemy.exc import DBAPIError

from frontdoor.db import AwareDateTime
from handoff import models as m

_T = TypeVar("_T")

# Lists go to the server as one JSON text each, unpacked there (``json_to_recordset``,
# ``json_array_elements_text``): psycopg dumps a Python list as an array element by
# element in Python (an escaping regex per text), which was most of a batch's CPU in the
# writer thread (benchmarks/handoff_calls.py); ``json.dumps`` does a whole batch in C.
LOCK = (
    "UPDATE ho_conversations SET updated_at = %(now)s WHERE id IN "
    "(SELECT id FROM ho_conversations WHERE id = ANY(ARRAY("
    "SELECT json_array_elements_text(CAST(%(ids)s AS json)))) ORDER BY id FOR UPDATE) "
    "RETURNING *"
)
FIND_CLIENTS = (
    "SELECT * FROM ho_events WHERE conversation_id = ANY(ARRAY("
    "SELECT json_array_elements_text(CAST(%(ids)s AS json)))) AND client_id = ANY(ARRAY("
    "SELECT json_array_elements_text(CAST(%(clients)s AS json))))"
)
STORE = """
WITH stored AS (
    INSERT INTO ho_events (conversation_id, seq, kind, audience, author, data,
                           client_id, at, bot_pending, bot_claimed_at)
    SELECT e.conversation_id, e.seq, e.kind, e.audience, e.author, e.data,
           e.client_id, %(now)s, e.bot_pending, CASE WHEN e.bot_pending THEN %(now)s END
    FROM json_to_recordset(CAST(%(events)s AS json))
         AS e(conversation_id text, seq integer, kind text, audience text, author text,
              data json, client_id text, bot_pending boolean)
), seqs AS (
    UPDATE ho_conversations AS c SET last_seq = s.seq
    FROM json_to_recordset(CAST(%(seqs)s AS json)) AS s(id text, seq integer)
    WHERE c.id = s.id
)
UPDATE ho_assignments AS a SET read_seq = r.seq
FROM json_to_recordset(CAST(%(reads)s AS json))
     AS r(conversation_id text, user_id integer, seq integer)
WHERE a.conversation_id = r.conversation_id AND a.user_id = r.user_id
  AND a.ended_at IS NULL
"""


def _moments(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.c if isinstance(c.type, AwareDateTime))


# the columns holding moments, named once (psycopg's ``cursor.description`` builds an
# object per column, each time it is asked)
CONVERSATION_MOMENTS, EVENT_MOMENTS = _moments(m.conversations), _moments(m.events)


def _utc_rows(
    cursor: psycopg.Cursor[dict[str, Any]], moments: tuple[str, ...]
) -> list[dict[str, Any]]:
    """The rows, their moments as the store's column type returns them: aware, in UTC."""
    rows = cursor.fetchall()
    for row in rows:
        for name in moments:
            value = row[name]
            if value is not None:
                row[name] = value.astimezone(UTC)
    return rows


def _psycopg(conn: Connection) -> psycopg.Connection[Any]:
    pg = conn.connection.driver_connection
    assert isinstance(pg, psycopg.Connection), "store.pgpipeline speaks psycopg 3 only"
    return pg


def _driver(conn: Connection, statement: str, work: Callable[[psycopg.Connection[Any]], _T]) -> _T:
    """``work`` on the connection's psycopg connection, its errors as SQLAlchemy's."""
    proxied = conn.connection
    try:
        return work(_psycopg(conn))
    except psycopg.Error as exc:
        lost = conn.dialect.is_disconnect(exc, proxied, None)  # type: ignore[arg-type]
        if lost:
            conn.invalidate(exc)
        raise DBAPIError.instance(
            statement, None, exc, psycopg.Error, connection_invalidated=lost, dialect=conn.dialect
        ) from exc


@contextmanager
def own_transaction(conn: Connection) -> Iterator[None]:
    """The block's transaction begun and committed by this module's statements.

    psycopg, left to itself, sends BEGIN and waits for its answer before the first
    statement even in a pipeline: one round trip more per batch. In autocommit mode
    it sends none, so ``lock_and_find`` puts BEGIN in its pipeline and ``store``
    COMMIT in its own; statements the use cases run in between are part of that
    transaction. Whatever happens, the connection goes back to the pool idle and out
    of autocommit (a failure rolls back here; the block's exception propagates)."""
    pg = _psycopg(conn)
    pg.autocommit = True
    try:
        yield
    finally:
        try:
            if pg.pgconn.transaction_status != pq.TransactionStatus.IDLE:
                pg.rollback()
            pg.autocommit = False
        except psycopg.Error as exc:  # lost: the pool must not hand it out again
            if not conn.invalidated:
                conn.invalidate(exc)


def lock_and_find(
    conn: Connection, conversation_ids: Sequence[str], client_ids: Sequence[str], now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """BEGIN, lock the conversations (id order) and read their events with these
    client ids: one round trip."""

    def work(pg: psycopg.Connection[Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        locking, finding = pg.cursor(row_factory=dict_row), pg.cursor(row_factory=dict_row)
        ids = json.dumps(list(conversation_ids))
        with pg.pipeline():
            pg.execute("BEGIN")
            locking.execute(LOCK, {"now": now, "ids": ids})
            if client_ids:
                clients = json.dumps(list(client_ids))
                finding.execute(FIND_CLIENTS, {"ids": ids, "clients": clients})
        locked = _utc_rows(locking, CONVERSATION_MOMENTS)
        found = _utc_rows(finding, EVENT_MOMENTS) if client_ids else []
        return locked, found

    return _driver(conn, LOCK, work)


def store(
    conn: Connection,
    rows: Sequence[dict[str, Any]],
    seqs: dict[str, int],
    reads: dict[tuple[str, int], int],
    now: datetime,
    *,
    commit: bool,
) -> None:
    """Insert ``rows`` (events), set the conversations' ``last_seq`` and the read
    positions in one statement; with ``commit``, COMMIT in the same round trip."""
    # the data as the JSON column writes it: json.dumps' defaults, nested in the batch's
    events = [
        {
            "conversation_id": r["conversation_id"],
            "seq": r["seq"],
            "kind": r["kind"],
            "audience": r["audience"],
            "author": r["author"],
            "data": r["data"],
            "client_id": r["client_id"],
            "bot_pending": r["bot_pending"],
        }
        for r in rows
    ]
    params = {
        "now": now,
        "events": json.dumps(events),
        "seqs": json.dumps([{"id": c, "seq": seq} for c, seq in seqs.items()]),
        "reads": json.dumps(
            [{"conversation_id": c, "user_id": u, "seq": seq} for (c, u), seq in reads.items()]
        ),
    }
    wrote = bool(rows or reads)

    def work(pg: psycopg.Connection[Any]) -> None:
        if not commit:
            if wrote:
                pg.execute(STORE, params)
            return
        with pg.pipeline():
            if wrote:
                pg.execute(STORE, params)
            pg.execute("COMMIT")

    _driver(conn, STORE, work)
