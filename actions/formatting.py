"""Words and numbers as the resident reads them: money, days, plain text.

Everything the bot says is plain text (the widget renders text, never HTML),
and nothing a resident typed is echoed back: free text is summarised as
"that", references are re-printed only in their canonical form.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from backoffice.calendar import london

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKUP = re.compile(r"<[^>]*>")


def money(pence: int) -> str:
    """1234 -> "£12.34"; negative amounts are shown as credit by callers."""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"


def day(value: date, *, today: date | None = None) -> str:
    """ "Tuesday 24 November", with "today"/"tomorrow" when that is clearer."""
    text = f"{value:%A} {value.day} {value:%B}"
    if today is not None:
        if value == today:
            return f"today ({text})"
        if (value - today).days == 1:
            return f"tomorrow ({text})"
        if value.year != today.year:
            text = f"{text} {value.year}"
    return text


def short_day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b}"


def moment(value: datetime) -> str:
    local = london(value)
    return f"{local:%H:%M} on {local:%A} {local.day} {local:%B}"


def plain(text: str, *, limit: int = 300) -> str:
    """Text from a back-office system made safe to show: no markup, no control
    characters, one line, clipped."""
    cleaned = _CONTROL.sub(" ", _MARKUP.sub(" ", text or ""))
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned


def humanise(value: str) -> str:
    """ "under_consideration" -> "under consideration"."""
    return value.replace("_", " ")


def join_words(items: list[str]) -> str:
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]
