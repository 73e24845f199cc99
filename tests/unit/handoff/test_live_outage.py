"""While the database is away, the background steps say so once, not every tick."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import pytest
from psycopg.errors import DeadlockDetected, SerializationFailure
from sqlalchemy.exc import OperationalError

from handoff.exceptions import StoreUnavailable
from handoff.live import DatabaseOutage, Live
from handoff.store import MemoryStore
from tests.contract.handoff_kit import NOW, Clock

STEPS = ("dispatch", "poll", "offers", "presence", "recovery")


def live(store: MemoryStore | None = None) -> Live:
    return Live(SimpleNamespace(store=store or MemoryStore()), desk=None)  # type: ignore[arg-type]


async def fails_with(exc: BaseException) -> None:
    raise exc


async def works() -> None:
    return None


@pytest.mark.parametrize(
    "gone",
    [
        StoreUnavailable(),
        OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused")),
    ],
    ids=["store-unavailable", "operational-error"],
)
def test_an_outage_is_logged_once_when_it_starts_and_once_when_it_ends(
    caplog: pytest.LogCaptureFixture, gone: BaseException
) -> None:
    background = live()

    async def outage() -> None:
        for _tick in range(13):  # ~65 failures, as in a 10 s PostgreSQL restart
            for name in STEPS:
                await background.step(name, lambda: fails_with(gone))
        await background.step("heartbeat", works)  # needs no database: proves nothing
        await background.step("dispatch", works)
        await background.step("dispatch", works)

    with caplog.at_level(logging.INFO, logger="handoff.live"):
        asyncio.run(outage())

    said = [r for r in caplog.records if r.name == "handoff.live"]
    assert [r.levelno for r in said] == [logging.WARNING, logging.WARNING]
    assert all(r.exc_info is None for r in said)  # no traceback per tick
    assert "database unreachable" in said[0].getMessage()
    assert said[1].getMessage() == "database is back; 65 background steps failed meanwhile"
    assert background.database.up


def test_a_step_that_fails_for_another_reason_still_logs_its_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    background = live()

    async def broken() -> None:
        await background.step("views", lambda: fails_with(KeyError("team")))
        await background.step("views", lambda: fails_with(KeyError("team")))

    with caplog.at_level(logging.INFO, logger="handoff.live"):
        asyncio.run(broken())

    said = [r for r in caplog.records if r.name == "handoff.live"]
    assert [r.levelno for r in said] == [logging.ERROR, logging.ERROR]
    assert all(r.exc_info is not None for r in said)
    assert background.database.up


def test_presence_counts_from_the_start_and_from_the_database_s_return() -> None:
    clock = Clock()
    background = live(MemoryStore(clock=clock))
    assert background.database.presence_from() == NOW  # started: nobody heard before
    clock.advance(30)
    assert background.database.presence_from() == NOW

    async def outage() -> None:
        await background.step("dispatch", lambda: fails_with(StoreUnavailable()))

    asyncio.run(outage())
    clock.advance(12)
    assert background.database.presence_from() == clock()  # away: silence proves nothing
    asyncio.run(background.step("dispatch", works))  # back
    returned = clock()
    clock.advance(5)
    assert background.database.presence_from() == returned


@pytest.mark.parametrize(
    "conflict",
    [
        DeadlockDetected("deadlock detected"),
        SerializationFailure("could not serialize access due to concurrent update"),
    ],
    ids=["deadlock", "serialization-failure"],
)
def test_a_transaction_rolled_back_for_a_conflict_is_no_outage(
    caplog: pytest.LogCaptureFixture, conflict: Exception
) -> None:
    """Issue #12's faults benchmark: dispatch's deadlocks counted as the database away,
    which also held back presence judgements. One warning each; the database stays up."""
    clock = Clock()
    background = live(MemoryStore(clock=clock))
    clock.advance(30)
    rolled_back = OperationalError("UPDATE ho_advisors SET idle_since=...", {}, conflict)

    async def conflicts() -> None:
        await background.step("dispatch", lambda: fails_with(rolled_back))
        await background.step("presence", lambda: fails_with(rolled_back))
        await background.step("dispatch", works)

    with caplog.at_level(logging.INFO, logger="handoff.live"):
        asyncio.run(conflicts())

    said = [r for r in caplog.records if r.name == "handoff.live"]
    assert [r.getMessage() for r in said] == [
        f"handoff {step} step rolled back by a conflict ({type(conflict).__name__}); "
        "the next tick retries"
        for step in ("dispatch", "presence")
    ]
    assert [r.levelno for r in said] == [logging.WARNING, logging.WARNING]
    assert all(r.exc_info is None for r in said)
    assert background.database.up and background.database.skipped == 0
    assert background.database.presence_from() == NOW  # judging presence goes on


def test_the_outage_tracker_itself_ignores_a_deadlock() -> None:
    clock = Clock()
    outage = DatabaseOutage(clock)
    clock.advance(30)
    outage.failed("dispatch", OperationalError("UPDATE", {}, DeadlockDetected("deadlock")))
    assert outage.up and outage.skipped == 0 and outage.presence_from() == NOW
    refused = OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))
    outage.failed("dispatch", refused)  # a connection failure still is one
    assert not outage.up and outage.skipped == 1 and outage.presence_from() == clock()
