"""Days, dates and opening hours in Welsh, inside the bot's Welsh messages.

Actions format dates in English (``actions.formatting``: "Tuesday 24 November",
"Tue 24 Nov") and the handoff service describes a team's opening hours in
English (``handoff.hours.OpeningHours.describe``, with en dashes: "Mon-Fri
08:30-17:30, Sat 09:00-12:30", "Open 24 hours", "Closed"). When a Welsh message
carries one of these (``actions.localise`` fills it into the Welsh template) or a
button is one
(a day to choose), this module puts it into Welsh: "dydd Mawrth 24 Tachwedd",
"Maw 24 Tach", "dydd Llun i ddydd Gwener 08:30-17:30, dydd Sadwrn 09:00-12:30".
Times stay on the 24-hour clock, which Welsh reads as it is.
"""

from __future__ import annotations

import re

from actions import messages_cy

_SHORT_DAYS = tuple(messages_cy.SHORT_DAYS)  # Mon..Sun, in order
_FULL_DAYS = tuple(d for d in messages_cy.DAYS_AND_MONTHS if d.endswith("day") and d[0].isupper())
_DASH = "[–-]"  # noqa: RUF001 - the service writes an en dash; people type a hyphen
_DAY = "|".join(_SHORT_DAYS)
_TIME = r"\d{1,2}:\d{2}"
_HOURS_GROUP = re.compile(
    rf"(?P<days>(?:{_DAY})(?:{_DASH}(?:{_DAY})|(?:, (?:{_DAY}))*)) "
    rf"(?P<opens>{_TIME}){_DASH}(?P<closes>{_TIME})"
)
_SHORT_DATE = re.compile(
    rf"\b(?P<day>{_DAY}) (?P<number>\d{{1,2}}) (?P<month>{'|'.join(messages_cy.SHORT_MONTHS)})\b"
)
_NAMES = re.compile(r"\b(" + "|".join(messages_cy.DAYS_AND_MONTHS) + r")\b")
_AT_TIME_ON = re.compile(rf"\b({_TIME}) on dydd\b")  # "14:30 on Tuesday ..." (formatting.moment)
_MONTHS = "|".join(
    [
        *messages_cy.SHORT_MONTHS,
        *(m for m in messages_cy.DAYS_AND_MONTHS if m[0].isupper() and not m.endswith("day")),
    ]
)
_CALENDAR_ONLY = re.compile(
    rf"(?:{'|'.join(_FULL_DAYS)}|{_DAY})(?: \d{{1,2}} (?:{_MONTHS})(?: \d{{4}})?)?"
)


def _mutated(day: str) -> str:
    """ "dydd Gwener" after "i" (to): "ddydd Gwener"."""
    return "d" + day if day.startswith("dydd") else day


def _full(short: str) -> str:
    return messages_cy.DAYS_AND_MONTHS[_FULL_DAYS[_SHORT_DAYS.index(short)]]


def _days(text: str) -> str:
    """ "Mon-Fri" -> "dydd Llun i ddydd Gwener"; "Mon, Wed" -> "dydd Llun a dydd Mercher"."""
    ends = re.split(_DASH, text)
    if len(ends) == 2:
        first, last = (_full(day) for day in ends)
        return messages_cy.DAY_RANGE.format(first=first, last_mutated=_mutated(last))
    named = [_full(day) for day in text.split(", ")]
    if len(named) == 1:
        return named[0]
    return ", ".join(named[:-1]) + messages_cy.DAY_LIST_AND + named[-1]


def opening_hours(text: str) -> str | None:
    """The handoff service's description of opening hours in Welsh; None when
    ``text`` is not one."""
    if text == "Open 24 hours":
        return messages_cy.OPEN_ALWAYS
    if text == "Closed":
        return messages_cy.CLOSED
    parts: list[str] = []
    position = 0
    for match in _HOURS_GROUP.finditer(text):
        if text[position : match.start()] not in ("", ", ", "; "):
            return None
        parts.append(f"{_days(match['days'])} {match['opens']}–{match['closes']}")  # noqa: RUF001
        position = match.end()
    if not parts or position != len(text):
        return None
    return ", ".join(parts)


def in_welsh(text: str) -> str:
    """``text`` with its opening hours, dates, day and month names in Welsh (the rest
    as it is: a value such as a reference or an amount needs no translation)."""
    hours = opening_hours(text)
    if hours is not None:
        return hours
    text = _SHORT_DATE.sub(
        lambda m: (
            f"{messages_cy.SHORT_DAYS[m['day']]} {m['number']} "
            f"{messages_cy.SHORT_MONTHS[m['month']]}"
        ),
        text,
    )
    text = _NAMES.sub(lambda m: messages_cy.DAYS_AND_MONTHS[m.group(1)], text)
    return _AT_TIME_ON.sub(r"\1 ar ddydd", text)


def calendar_only(text: str) -> str | None:
    """Welsh for a text that is only a day, a date or opening hours (a button such as
    "Monday" or "Tue 24 Nov"); None for anything else."""
    hours = opening_hours(text)
    if hours is not None:
        return hours
    if _CALENDAR_ONLY.fullmatch(text):
        return in_welsh(text)
    return None
