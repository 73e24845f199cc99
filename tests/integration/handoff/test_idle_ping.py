"""A pooled connection is pinged only after sitting idle (``handoff.store.pinging``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from frontdoor.db import make_engine
from handoff.store.pinging import ping_when_idle


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def pinged_engine(url: str, clock: Clock, pings: list[Any], *, fail: int = 0) -> Any:
    engine = make_engine(url, pool_pre_ping=False, pool_size=1, max_overflow=0)
    ping_when_idle(engine, idle_seconds=1.0, clock=clock)
    real = engine.dialect.do_ping

    def counted(dbapi_connection: Any) -> bool:
        pings.append(dbapi_connection)
        if len(pings) <= fail:
            raise ConnectionResetError("server closed the connection")
        return bool(real(dbapi_connection))

    engine.dialect.do_ping = counted  # type: ignore[method-assign]
    return engine


def use(engine: Any) -> Any:
    with engine.connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1
        return connection.connection.dbapi_connection


def test_a_connection_in_use_is_not_pinged_and_an_idle_one_is(database) -> None:  # type: ignore[no-untyped-def]
    clock, pings = Clock(), []
    engine = pinged_engine(database.url, clock, pings)
    try:
        use(engine)  # a fresh connection: nothing to check
        clock.now += 0.5
        use(engine)  # back within a second: no ping
        assert pings == []
        clock.now += 5.0
        use(engine)  # idle for five seconds: pinged first
        assert len(pings) == 1
    finally:
        engine.dispose()


def test_an_idle_connection_that_fails_its_ping_is_replaced(database) -> None:  # type: ignore[no-untyped-def]
    clock, pings = Clock(), []
    engine = pinged_engine(database.url, clock, pings, fail=1)
    try:
        first = use(engine)
        clock.now += 5.0
        second = use(engine)  # the failed ping discards it; the pool connects again
        assert len(pings) == 1
        assert second is not first
    finally:
        engine.dispose()
