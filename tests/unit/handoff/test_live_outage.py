"""While the database is away, the background steps say so once, not every tick."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import pytest
from sqlalchemy.exc import OperationalError

from handoff.exceptions import StoreUnavailable
from handoff.live import Live
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
