"""English or Welsh for a member of staff: one rule for every staff page.

The editor and the advisor console pick a language the same way: ``?lang=cy``
(or ``en``), remembered in a cookie by the page that sees it, else the
remembered choice, else the browser's Accept-Language (``cy-GB`` counts as
Welsh). Accounts hold no language preference yet.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["en", "cy"]
LANGUAGES: tuple[Language, ...] = ("en", "cy")


def language_of(value: str | None) -> Language | None:
    if value is None:
        return None
    value = value.strip().lower()
    return "cy" if value == "cy" else "en" if value == "en" else None


def from_accept_language(header: str) -> Language:
    """The browser's first choice of Welsh or English (``cy-GB`` counts as Welsh)."""
    best: tuple[float, Language] = (-1.0, "en")
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, number = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(number)
                except ValueError:
                    quality = 0.0
        score = quality - position * 1e-6  # earlier wins a tie
        if score > best[0]:
            best = (score, "cy" if primary == "cy" else "en")
    return best[1]


def choose_language(query: str | None, cookie: str | None, accept: str) -> Language:
    """?lang= first, then the remembered choice, then the browser's languages."""
    return language_of(query) or language_of(cookie) or from_accept_language(accept)
