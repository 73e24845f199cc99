"""The council's clock and time zone: one source of truth for every service.

Business decisions hang on "now" and on which day it is where the council is: is an
article overdue for review, which day was "yesterday" for a missed bin, is a
team open. Two mistakes made tests fail at night and at weekends: reading the
machine's local date (UTC on servers, so wrong for an hour every evening of
British Summer Time) and reading the real clock deep inside the code where a
test cannot reach it. So:

- ``LONDON`` is the one time zone; ``london_today(now)`` is the council's date.
- A ``Clock`` is a callable returning an aware datetime. Composition roots take
  one (``create_app(..., clock=...)``) and pass it down; the default is
  ``system_clock``. Tests pass ``fixed_clock(moment)`` and so decide what day
  it is, whatever the machine's clock says.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

Clock = Callable[[], datetime]
"""Returns the current moment as an aware datetime."""


def system_clock() -> datetime:
    """The machine's clock, in UTC."""
    return datetime.now(UTC)


def fixed_clock(moment: datetime) -> Clock:
    """A clock that always says ``moment`` (aware): for tests and reproducible tools."""
    _require_aware(moment)
    return lambda: moment


def london_now(now: datetime | None = None) -> datetime:
    """``now`` (default: the system clock) as wall-clock time in Europe/London."""
    moment = system_clock() if now is None else now
    _require_aware(moment)
    return moment.astimezone(LONDON)


def london_today(now: datetime | None = None) -> date:
    """The date in the council's area (UK time) at ``now`` (default: the system clock)."""
    return london_now(now).date()


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: the council's clock needs a time zone")
