"""Check a pooled PostgreSQL connection only when it has sat idle.

``pool_pre_ping`` (core's default for PostgreSQL) sends ``SELECT 1`` on every
checkout: on a busy handoff instance that is a round trip, a GIL hand-over and
a fraction of a millisecond of CPU before every group commit and every read,
to protect against a connection the server closed while it sat in the pool.
A connection used a moment ago cannot have gone stale unnoticed (if it had,
its last use would have failed and invalidated the pool), so only a connection
idle for longer than ``idle_seconds`` is pinged; one that fails its ping is
replaced, as with ``pool_pre_ping``. A connection that dies between its ping
and its use fails its statement exactly as before: the store turns that into
``StoreUnavailable`` and the client resends (issue 12).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.exc import DisconnectionError

IDLE_SECONDS = 1.0
_IDLE_SINCE = "handoff_idle_since"


def ping_when_idle(
    engine: Engine,
    *,
    idle_seconds: float = IDLE_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Ping connections idle for ``idle_seconds`` or more at checkout (for an engine
    made with ``pool_pre_ping=False``)."""

    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = clock()

    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)  # none yet on a fresh connection
        if since is None or clock() - since < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the pool discards it and connects again
            raise DisconnectionError(str(exc)) from exc

    event.listen(engine, "checkin", checked_in)
    event.listen(engine, "checkout", checked_out)
