"""The council's clock: London's date, whatever the machine's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from frontdoor.clock import LONDON, fixed_clock, london_now, london_today


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2027, 6, 1, 22, 30, tzinfo=UTC), date(2027, 6, 1)),  # 23:30 BST
        (datetime(2027, 6, 1, 23, 30, tzinfo=UTC), date(2027, 6, 2)),  # 00:30 BST: tomorrow
        (datetime(2027, 1, 3, 2, 0, tzinfo=UTC), date(2027, 1, 3)),  # GMT: same as UTC
        (datetime(2026, 12, 31, 23, 59, tzinfo=UTC), date(2026, 12, 31)),
        (datetime(2027, 3, 28, 0, 30, tzinfo=UTC), date(2027, 3, 28)),  # clocks go forward at 01:00
    ],
)
def test_london_today_is_the_councils_date(moment: datetime, day: date) -> None:
    assert london_today(moment) == day


def test_london_now_keeps_the_instant() -> None:
    moment = datetime(2027, 6, 1, 22, 30, tzinfo=UTC)
    local = london_now(moment)
    assert local == moment and local.tzinfo is LONDON and local.hour == 23


def test_a_fixed_clock_always_says_its_moment() -> None:
    moment = datetime(2027, 1, 3, 2, 0, tzinfo=UTC)
    clock = fixed_clock(moment)
    assert clock() == clock() == moment


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        fixed_clock(datetime(2027, 1, 3, 2, 0))
    with pytest.raises(ValueError, match="naive"):
        london_today(datetime(2027, 1, 3, 2, 0))
