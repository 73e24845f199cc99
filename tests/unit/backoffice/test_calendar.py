"""Collection calendar rules: fortnightly parity, bank-holiday shifts, working days."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

import pytest

from backoffice import calendar
from backoffice.calendar import BANK_HOLIDAYS_ENGLAND_WALES as HOLIDAYS
from backoffice.values import LONDON, BinService, BinType, Frequency


def weekly(weekday: int) -> BinService:
    return BinService("1", BinType.FOOD, "R", weekday, Frequency.WEEKLY)


def fortnightly(weekday: int, parity: int) -> BinService:
    return BinService("1", BinType.REFUSE, "R", weekday, Frequency.FORTNIGHTLY, parity)


def days(services: list[BinService], start: date, end: date) -> list[date]:
    return [c.day for c in calendar.collections_between(services, HOLIDAYS, start=start, end=end)]


def test_bank_holiday_data_covers_2026_and_2027() -> None:
    assert len(HOLIDAYS) == 16
    assert {h.day.year for h in HOLIDAYS} == {2026, 2027}
    assert all(h.day.weekday() < 5 for h in HOLIDAYS)  # substitute days are weekdays
    assert date(2026, 12, 28) in {h.day for h in HOLIDAYS}  # Boxing Day falls on a Saturday


def test_week_index_counts_from_the_epoch_monday() -> None:
    assert calendar.week_index(date(2024, 1, 1)) == 0
    assert calendar.week_index(date(2024, 1, 7)) == 0  # Sunday of the same week
    assert calendar.week_index(date(2024, 1, 8)) == 1


def test_fortnightly_parity_survives_the_53_week_year() -> None:
    # ISO weeks 53 (28 Dec 2026) and 1 (4 Jan 2027) are both odd; our parity alternates.
    service = fortnightly(weekday=3, parity=calendar.week_index(date(2026, 12, 17)) % 2)
    found = calendar.collections_between(
        [service], HOLIDAYS, start=date(2026, 12, 14), end=date(2027, 2, 28)
    )
    usual = [c.usual_day for c in found]
    assert usual[:3] == [date(2026, 12, 17), date(2026, 12, 31), date(2027, 1, 14)]
    assert {(b - a).days for a, b in itertools.pairwise(usual)} == {14}
    assert found[1].day == date(2027, 1, 2)  # after Boxing Day (28th) and New Year's Day


def test_alternate_parities_give_alternate_weeks() -> None:
    start, end = date(2026, 6, 1), date(2026, 6, 30)
    even, odd = days([fortnightly(1, 0)], start, end), days([fortnightly(1, 1)], start, end)
    assert not set(even) & set(odd)
    assert sorted(even + odd) == days([weekly(1)], start, end)


@pytest.mark.parametrize(
    ("usual", "expected", "reason"),
    [
        (date(2026, 4, 6), date(2026, 4, 7), "Easter Monday"),  # Monday holiday
        (date(2026, 4, 10), date(2026, 4, 11), "Easter Monday"),  # Friday moves to Saturday
        (date(2026, 4, 2), date(2026, 4, 2), None),  # Thursday before Good Friday
        (date(2026, 4, 3), date(2026, 4, 4), "Good Friday"),
        (date(2026, 12, 24), date(2026, 12, 24), None),
        (date(2026, 12, 25), date(2026, 12, 26), "Christmas Day"),
        (date(2026, 12, 28), date(2026, 12, 29), "Boxing Day (substitute day)"),
        (date(2026, 12, 31), date(2027, 1, 2), "Boxing Day (substitute day)"),  # skips 1 Jan
        (date(2027, 1, 1), date(2027, 1, 2), "Boxing Day (substitute day)"),
        (date(2027, 12, 27), date(2027, 12, 29), "Christmas Day (substitute day)"),
        (date(2027, 12, 28), date(2027, 12, 29), "Christmas Day (substitute day)"),
        (date(2027, 12, 31), date(2028, 1, 1), "Christmas Day (substitute day)"),
        (date(2026, 8, 28), date(2026, 8, 28), None),  # the Friday before a Monday holiday
    ],
)
def test_collections_after_a_bank_holiday_in_the_week_slip_a_day(
    usual: date, expected: date, reason: str | None
) -> None:
    actual, holiday = calendar.shifted_day(usual, HOLIDAYS)
    assert actual == expected
    assert (holiday.name if holiday else None) == reason


def test_collections_report_their_usual_day_and_reason() -> None:
    found = calendar.collections_between(
        [weekly(0)], HOLIDAYS, start=date(2026, 5, 25), end=date(2026, 5, 31)
    )
    assert len(found) == 1
    assert found[0].day == date(2026, 5, 26) and found[0].usual_day == date(2026, 5, 25)
    assert found[0].shifted and found[0].reason == "Spring bank holiday"


def test_a_week_of_collections_is_never_lost_or_doubled() -> None:
    # Over two years every weekly service is collected exactly once a week.
    for weekday in range(5):
        found = days([weekly(weekday)], date(2026, 1, 5), date(2027, 12, 26))
        weeks = [
            calendar.week_index(d if d.weekday() < 5 else d - timedelta(days=1)) for d in found
        ]
        assert len(found) == len(set(weeks)) == 103


def test_empty_range() -> None:
    assert days([weekly(0)], date(2026, 6, 10), date(2026, 6, 1)) == []


@pytest.mark.parametrize(
    ("start", "count", "expected"),
    [
        (date(2026, 6, 1), 2, date(2026, 6, 3)),  # Monday + 2
        (date(2026, 6, 5), 2, date(2026, 6, 9)),  # Friday + 2 skips the weekend
        (date(2026, 6, 6), 2, date(2026, 6, 9)),  # Saturday: Monday is day 1
        (date(2026, 4, 2), 2, date(2026, 4, 8)),  # Good Friday and Easter Monday
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2026, 6, 6), 0, date(2026, 6, 8)),
    ],
)
def test_add_working_days(start: date, count: int, expected: date) -> None:
    assert calendar.add_working_days(start, count, HOLIDAYS) == expected


def test_london_refuses_naive_times_and_converts_aware_ones() -> None:
    with pytest.raises(ValueError, match="naive"):
        calendar.london(datetime(2026, 6, 1, 12, 0))
    utc_noon = datetime.fromisoformat("2026-06-01T12:00:00+00:00")
    assert calendar.london(utc_noon).hour == 13  # BST
    assert calendar.at_london(date(2026, 1, 5), datetime.min.time()).tzinfo is LONDON
