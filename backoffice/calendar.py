"""Collection calendar rules: fortnightly weeks, bank-holiday shifts, working days.

Pure functions over value types, shared by every adapter that stores bin
*services* rather than a ready-made calendar (the demo database, the fake).

Fortnightly week parity
    ``week_index(day)`` counts whole weeks since Monday 1 January 2024. A
    fortnightly bin is due in weeks where ``week_index % 2 == week_parity``. ISO
    week numbers are not used because a 53-week year (2026) would put two "odd"
    weeks back to back and swap every round's weeks at New Year.

Bank holidays (England and Wales)
    In a Monday-to-Friday week that contains a bank holiday, every collection on
    or after the first bank holiday of that week slips one day later; if the
    new day is itself a bank holiday it slips again. Friday collections move to
    Saturday. Collections before the holiday are unaffected.

Working days
    Monday to Friday except bank holidays; used for case target dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from backoffice.values import (
    LONDON,
    BankHoliday,
    BinService,
    BinType,
    Collection,
    Frequency,
)

PARITY_EPOCH = date(2024, 1, 1)  # a Monday

BANK_HOLIDAYS_ENGLAND_WALES: tuple[BankHoliday, ...] = (
    BankHoliday(date(2026, 1, 1), "New Year's Day"),
    BankHoliday(date(2026, 4, 3), "Good Friday"),
    BankHoliday(date(2026, 4, 6), "Easter Monday"),
    BankHoliday(date(2026, 5, 4), "Early May bank holiday"),
    BankHoliday(date(2026, 5, 25), "Spring bank holiday"),
    BankHoliday(date(2026, 8, 31), "Summer bank holiday"),
    BankHoliday(date(2026, 12, 25), "Christmas Day"),
    BankHoliday(date(2026, 12, 28), "Boxing Day (substitute day)"),
    BankHoliday(date(2027, 1, 1), "New Year's Day"),
    BankHoliday(date(2027, 3, 26), "Good Friday"),
    BankHoliday(date(2027, 3, 29), "Easter Monday"),
    BankHoliday(date(2027, 5, 3), "Early May bank holiday"),
    BankHoliday(date(2027, 5, 31), "Spring bank holiday"),
    BankHoliday(date(2027, 8, 30), "Summer bank holiday"),
    BankHoliday(date(2027, 12, 27), "Christmas Day (substitute day)"),
    BankHoliday(date(2027, 12, 28), "Boxing Day (substitute day)"),
)


def week_index(day: date) -> int:
    """Whole weeks from PARITY_EPOCH to the Monday of ``day``'s week."""
    monday = day - timedelta(days=day.weekday())
    return (monday - PARITY_EPOCH).days // 7


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def is_usual_day(service: BinService, day: date) -> bool:
    """Whether the service is due on ``day`` before any bank-holiday shift."""
    if day.weekday() != service.weekday:
        return False
    if service.frequency is Frequency.WEEKLY:
        return True
    return week_index(day) % 2 == service.week_parity


def shifted_day(usual: date, holidays: Iterable[BankHoliday]) -> tuple[date, BankHoliday | None]:
    """Where a collection due on ``usual`` actually happens, and the holiday that
    moved it (None when it does not move)."""
    by_day = {holiday.day: holiday for holiday in holidays}
    monday = monday_of(usual)
    in_week = sorted(
        day for day in by_day if monday <= day <= monday + timedelta(days=4) and day <= usual
    )
    if not in_week:
        return usual, None
    actual = usual + timedelta(days=1)
    while actual in by_day:
        actual += timedelta(days=1)
    return actual, by_day[in_week[0]]


def collections_between(
    services: Sequence[BinService],
    holidays: Sequence[BankHoliday],
    *,
    start: date,
    end: date,
) -> list[Collection]:
    """Collections for ``services`` landing on start..end inclusive, shifts applied,
    ordered by day then bin type."""
    if end < start:
        return []
    found: list[Collection] = []
    # A shift can push a collection at most a few days later, so look back a week.
    day = start - timedelta(days=7)
    while day <= end:
        for service in services:
            if not is_usual_day(service, day):
                continue
            actual, holiday = shifted_day(day, holidays)
            if start <= actual <= end:
                found.append(
                    Collection(
                        uprn=service.uprn,
                        bin_type=service.bin_type,
                        round_id=service.round_id,
                        day=actual,
                        usual_day=day,
                        reason=holiday.name if holiday else None,
                    )
                )
        day += timedelta(days=1)
    order = list(BinType)
    found.sort(key=lambda c: (c.day, order.index(c.bin_type)))
    return found


def is_working_day(day: date, holidays: Iterable[BankHoliday]) -> bool:
    return day.weekday() < 5 and day not in {holiday.day for holiday in holidays}


def add_working_days(day: date, count: int, holidays: Iterable[BankHoliday]) -> date:
    """The ``count``-th working day after ``day`` (with 0: ``day`` itself if it is a
    working day, else the next one). A case opened on Friday evening or on
    Saturday with a 2-day target is due on Tuesday either way."""
    holiday_days = {holiday.day for holiday in holidays}
    current = day
    if count == 0:
        while current.weekday() >= 5 or current in holiday_days:
            current += timedelta(days=1)
        return current
    remaining = count
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holiday_days:
            remaining -= 1
    return current


def london(moment: datetime) -> datetime:
    """An aware datetime in Europe/London; naive datetimes are a programming error."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: back-office times must be timezone-aware")
    return moment.astimezone(LONDON)


def at_london(day: date, clock: time) -> datetime:
    """``day`` at a wall-clock time in Europe/London."""
    return datetime.combine(day, clock, tzinfo=LONDON)
