"""Opening hours per team, in Europe/London, without I/O.

A spec is one line a council can edit: ``"mon-fri 09:00-17:00; sat 09:00-12:30"``,
or ``"always"``, or ``"never"``. Moments are converted to London time before
comparing, so the clocks changing in spring and autumn need no special case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from frontdoor.clock import LONDON

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class Window:
    weekday: int
    opens: time
    closes: time


@dataclass(frozen=True)
class OpeningHours:
    windows: tuple[Window, ...]
    closed_days: frozenset[date] = frozenset()  # bank holidays and the like
    always: bool = False

    @classmethod
    def parse(cls, spec: str, closed_days: frozenset[date] = frozenset()) -> OpeningHours:
        text = spec.strip().lower()
        if text in ("always", "24/7"):
            return cls((), closed_days, always=True)
        if text in ("", "never", "closed"):
            return cls((), closed_days)
        windows = []
        for part in text.split(";"):
            days, _, span = part.strip().partition(" ")
            opens, _, closes = span.strip().partition("-")
            try:
                start, end = time.fromisoformat(opens.strip()), time.fromisoformat(closes.strip())
            except ValueError:
                raise ValueError(
                    f"opening hours {part.strip()!r}: expected 'mon-fri 09:00-17:00'"
                ) from None
            if end <= start:
                raise ValueError(f"opening hours {part.strip()!r}: closes before it opens")
            for weekday in _day_range(days):
                windows.append(Window(weekday, start, end))
        return cls(tuple(sorted(windows, key=lambda w: (w.weekday, w.opens))), closed_days)

    def is_open(self, at: datetime) -> bool:
        local = at.astimezone(LONDON)
        if local.date() in self.closed_days:
            return False
        if self.always:
            return True
        now = local.time()
        return any(w.weekday == local.weekday() and w.opens <= now < w.closes for w in self.windows)

    def next_open(self, at: datetime) -> datetime | None:
        """The next moment the team opens after ``at`` (None if it never does)."""
        if self.always and not self.closed_days:
            return at
        local = at.astimezone(LONDON)
        for offset in range(0, 15):
            day = local.date() + timedelta(days=offset)
            if day in self.closed_days:
                continue
            if self.always:
                return datetime.combine(day, time(0), LONDON)
            for w in self.windows:
                if w.weekday != day.weekday():
                    continue
                opening = datetime.combine(day, w.opens, LONDON)
                if opening > local:
                    return opening
        return None

    def describe(self) -> str:
        if self.always:
            return "Open 24 hours"
        if not self.windows:
            return "Closed"
        groups: dict[tuple[time, time], list[int]] = {}
        for w in self.windows:
            groups.setdefault((w.opens, w.closes), []).append(w.weekday)
        parts = []
        for (opens, closes), days in groups.items():
            parts.append(f"{_describe_days(days)} {opens:%H:%M}–{closes:%H:%M}")  # noqa: RUF001
        return ", ".join(parts)


def _day_range(text: str) -> list[int]:
    days: list[int] = []
    for piece in text.split(","):
        first, _, last = piece.partition("-")
        try:
            start = _DAYS.index(first.strip()[:3])
            end = _DAYS.index(last.strip()[:3]) if last else start
        except ValueError:
            raise ValueError(f"opening hours: unknown day in {text!r}") from None
        days.extend(range(start, end + 1))
    return days


def _describe_days(days: list[int]) -> str:
    days = sorted(set(days))
    if days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
        return f"{_LABELS[days[0]]}–{_LABELS[days[-1]]}"  # noqa: RUF001
    return ", ".join(_LABELS[d] for d in days)
