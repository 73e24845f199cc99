"""Capacity and idempotency under real concurrency, on SQLite and PostgreSQL.

Threads are released together by a barrier, each on its own connection, so
the database (not a Python lock) decides who gets the last place.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

from sqlalchemy import select

from backoffice.exceptions import SlotFull
from backoffice.models import BulkySlotRow
from backoffice.ports import BinType, BulkySlot, CaseType, NewCase
from backoffice.sql import demo_backoffice
from tests.contract import backoffice_scenario as s

NOW = s.at(s.EASTER_WEDNESDAY, 10)
THREADS = 8


def race(count: int, action: Callable[[int], object]) -> list[object]:
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = action(index)
        except Exception as exc:  # the caller asserts on the mix of results
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_residents_racing_for_the_last_places(database, load) -> None:  # type: ignore[no-untyped-def]
    load(s.load_scenario)
    slots = [
        BulkySlot(f"BF2-RACE{n}", date(2026, 5, 5 + n), "BF2", capacity=3, booked=n)
        for n in range(3)
    ]
    load(lambda loader: loader.add_bulky_slots(slots))
    backoffice = demo_backoffice(database.engine)
    for slot in slots:
        places = slot.capacity - slot.booked

        def book(i: int, slot_id: str = slot.slot_id) -> object:
            return backoffice.bulky.book(
                uprn=s.HOME, slot_id=slot_id, items={"sofa": 1}, idempotency_key=f"{slot_id}-{i}",
                now=NOW, payment_reference=f"PAY-{i}",
            )  # fmt: skip

        results = race(THREADS, book)
        booked = [r for r in results if not isinstance(r, Exception)]
        refused = [r for r in results if isinstance(r, SlotFull)]
        assert (len(booked), len(refused)) == (places, THREADS - places), results
        assert len({b.reference for b in booked}) == places  # type: ignore[attr-defined]
        with database.engine.connect() as connection:
            row = connection.execute(
                select(BulkySlotRow.booked, BulkySlotRow.capacity).where(
                    BulkySlotRow.slot_id == slot.slot_id
                )
            ).one()
        assert row.booked == row.capacity


def test_one_resident_pressing_book_twice_at_once(database, load) -> None:  # type: ignore[no-untyped-def]
    load(s.load_scenario)
    backoffice = demo_backoffice(database.engine)
    results = race(
        THREADS,
        lambda _: backoffice.bulky.book(
            uprn=s.HOME, slot_id=s.SLOT_OPEN, items={"sofa": 1}, idempotency_key="double-click",
            now=NOW, payment_reference="PAY-1",
        ),
    )  # fmt: skip
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({r.reference for r in results}) == 1  # type: ignore[attr-defined]
    slot = backoffice.bulky.available_slots(s.HOME, start=date(2026, 4, 21), end=date(2026, 4, 21))[
        0
    ]
    assert slot.booked == 2  # was 1


def test_duplicate_missed_bin_reports_make_one_case(database, load) -> None:  # type: ignore[no-untyped-def]
    load(s.load_scenario)
    backoffice = demo_backoffice(database.engine)
    report = NewCase(
        case_type=CaseType.MISSED_BIN, summary="Missed food caddy", idempotency_key="missed:food",
        uprn=s.NUMBER_10, bin_type=BinType.FOOD, service_date=s.TUESDAY_BEFORE,
    )  # fmt: skip
    results = race(THREADS, lambda _: backoffice.cases.create_case(report, now=NOW))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({r.case.reference for r in results}) == 1  # type: ignore[attr-defined]
    assert sum(r.created for r in results) == 1  # type: ignore[attr-defined]
    assert len(backoffice.cases.list_cases(uprn=s.NUMBER_10)) == 1


def test_concurrent_cases_get_distinct_references(database, load) -> None:  # type: ignore[no-untyped-def]
    load(s.load_scenario)
    backoffice = demo_backoffice(database.engine)

    def create(i: int) -> object:
        new = NewCase(
            case_type=CaseType.GENERAL_ENQUIRY, summary=f"Question {i}", idempotency_key=f"q-{i}",
            uprn=s.SORREL,
        )  # fmt: skip
        return backoffice.cases.create_case(new, now=NOW)

    results = race(THREADS, create)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({r.case.reference for r in results}) == THREADS  # type: ignore[attr-defined]
