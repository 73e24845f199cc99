from datetime import UTC, date, datetime

import pytest

from handoff.hours import LONDON, OpeningHours

WEEKDAYS = OpeningHours.parse("mon-fri 09:00-17:00; sat 09:00-12:30")


def london(*parts):
    return datetime(*parts, tzinfo=LONDON)


def test_open_inside_hours_in_london_time():
    assert WEEKDAYS.is_open(london(2026, 3, 2, 9, 0))  # Monday
    assert not WEEKDAYS.is_open(london(2026, 3, 2, 17, 0))
    assert WEEKDAYS.is_open(london(2026, 3, 7, 12, 0))  # Saturday
    assert not WEEKDAYS.is_open(london(2026, 3, 8, 12, 0))  # Sunday


def test_british_summer_time_is_respected():
    # 08:30 UTC on 1 July is 09:30 in London
    assert WEEKDAYS.is_open(datetime(2026, 7, 1, 8, 30, tzinfo=UTC))
    # 08:30 UTC on 2 December is 08:30 in London
    assert not WEEKDAYS.is_open(datetime(2026, 12, 2, 8, 30, tzinfo=UTC))


def test_next_open():
    friday_evening = london(2026, 3, 6, 18, 0)
    assert WEEKDAYS.next_open(friday_evening) == london(2026, 3, 7, 9, 0)
    assert OpeningHours.parse("never").next_open(friday_evening) is None


def test_closed_days():
    hours = OpeningHours.parse("mon-fri 09:00-17:00", closed_days=frozenset({date(2026, 4, 6)}))
    assert not hours.is_open(london(2026, 4, 6, 10, 0))  # Easter Monday
    assert hours.next_open(london(2026, 4, 6, 10, 0)) == london(2026, 4, 7, 9, 0)


def test_always_and_describe():
    assert OpeningHours.parse("always").is_open(london(2026, 3, 8, 3, 0))
    assert WEEKDAYS.describe() == "Mon–Fri 09:00–17:00, Sat 09:00–12:30"  # noqa: RUF001


@pytest.mark.parametrize("spec", ["mon-fri 17:00-09:00", "someday 09:00-10:00", "mon 9-5"])
def test_bad_specs(spec):
    with pytest.raises(ValueError):
        OpeningHours.parse(spec)
