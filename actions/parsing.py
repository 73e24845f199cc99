"""Forgiving parsers for what residents type into forms (pure functions).

Each returns a typed value or None (or, for items, what it could not place);
the form validators turn None into a polite re-ask. Nothing here talks to the
back office: callers pass in the candidates (addresses, items, slots).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from backoffice.ports import BinType, BulkyItemType, BulkySlot, Property

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_ABBREVIATIONS = {name[:3]: index for index, name in enumerate(WEEKDAYS)} | {
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "single": 1,
    "two": 2,
    "couple": 2,
    "pair": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
    "fifth": 5,
    "5th": 5,
    "sixth": 6,
    "6th": 6,
    "last": -1,
    "earliest": 1,
    "soonest": 1,
    "next": 1,
}
_WORD = re.compile(r"[a-z0-9']+")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


# --- days ------------------------------------------------

_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?\b")
_DAY_OF_MONTH = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b")
_DAYS_AGO = re.compile(r"\b(\d|one|two|three|four|five|six)\s+days?\s+ago\b")


def parse_day(text: str, *, today: date) -> date | None:
    """A day the resident means: "today", "yesterday", "monday", "last thursday",
    "2 days ago", "17/11", "the 18th". Weekdays and dates without a year mean the
    most recent such day (today included)."""
    lowered = text.lower()
    tokens = words(lowered)
    if {"today", "tonight"} & set(tokens) or "this morning" in lowered:
        return today
    if "yesterday" in tokens:
        return today - timedelta(days=1)
    if "day before yesterday" in lowered:
        return today - timedelta(days=2)
    ago = _DAYS_AGO.search(lowered)
    if ago:
        count = ago.group(1)
        number = int(count) if count.isdigit() else NUMBER_WORDS[count]
        return today - timedelta(days=number)
    numeric = _NUMERIC_DATE.search(lowered)
    if numeric:
        day_number, month = int(numeric.group(1)), int(numeric.group(2))
        year = numeric.group(3)
        try:
            if year:
                full_year = int(year) + (2000 if len(year) == 2 else 0)
                return date(full_year, month, day_number)
            found = date(today.year, month, day_number)
        except ValueError:
            return None
        return found if found <= today else _safe_date(today.year - 1, month, day_number)
    for token in tokens:
        index = _weekday_index(token)
        if index is not None:
            back = (today.weekday() - index) % 7
            if back == 0 and "last" in tokens:
                back = 7
            return today - timedelta(days=back)
    ordinal = _DAY_OF_MONTH.search(lowered)
    if ordinal:
        number = int(ordinal.group(1))
        candidate = _safe_date(today.year, today.month, number)
        if candidate is None or candidate > today:
            previous = today.replace(day=1) - timedelta(days=1)
            candidate = _safe_date(previous.year, previous.month, number)
        return candidate
    return None


def _weekday_index(token: str) -> int | None:
    if token in WEEKDAYS:
        return WEEKDAYS.index(token)
    stripped = token.rstrip("s")  # "mondays"
    if stripped in WEEKDAYS:
        return WEEKDAYS.index(stripped)
    return _WEEKDAY_ABBREVIATIONS.get(token)


def _safe_date(year: int, month: int, day_number: int) -> date | None:
    try:
        return date(year, month, day_number)
    except ValueError:
        return None


# --- bins ------------------------------------------------

_BIN_WORDS: tuple[tuple[BinType, tuple[str, ...]], ...] = (
    (BinType.FOOD, ("food", "caddy", "kitchen")),
    (BinType.GARDEN, ("garden", "green", "brown")),
    (BinType.RECYCLING, ("recycling", "recycle", "recyling", "blue", "box")),
    (
        BinType.REFUSE,
        ("refuse", "black", "grey", "gray", "rubbish", "general", "landfill", "household"),
    ),
)


def parse_bin_type(text: str) -> BinType | None:
    """A bin type from an entity value ("refuse") or free text ("the blue one")."""
    lowered = text.strip().lower()
    try:
        return BinType(lowered)
    except ValueError:
        pass
    tokens = set(words(lowered))
    for bin_type, keys in _BIN_WORDS:
        if tokens & set(keys):
            return bin_type
    return None


# --- addresses ------------------------------------------------


def choose_address(text: str, candidates: Sequence[Property]) -> Property | None:
    """The one candidate the resident means: a UPRN (from a button), a position
    ("the first one", "2"), or words and numbers of the address. None when it is
    not exactly one."""
    if not candidates:
        return None
    cleaned = text.strip()
    tokens = words(cleaned)
    for home in candidates:
        if cleaned == home.uprn or (len(home.uprn) >= 6 and home.uprn in tokens):
            return home
    position = _position(tokens, len(candidates))
    if position is not None and not _looks_like_house_number(tokens, candidates):
        return candidates[position]
    wanted = set(tokens) - _ADDRESS_FILLER
    if not wanted:
        return None
    best: list[Property] = []
    best_score = 0
    for home in candidates:
        have = set(words(" ".join(home.address_lines)))
        if not wanted <= have and not (wanted & have):
            continue
        score = len(wanted & have) * 2 - len(have - wanted)
        if wanted <= have:
            score += 10
        if score > best_score:
            best, best_score = [home], score
        elif score == best_score:
            best.append(home)
    return best[0] if len(best) == 1 else None


_ADDRESS_FILLER = frozenset(
    "number no the at its it's i live my address is we in".split()  # noqa: SIM905
)


def _position(tokens: list[str], count: int) -> int | None:
    for token in tokens:
        if token in ORDINALS:
            index = ORDINALS[token]
            return count - 1 if index == -1 else (index - 1 if index <= count else None)
    if len(tokens) == 1 and tokens[0].isdigit():
        index = int(tokens[0])
        if 1 <= index <= count:
            return index - 1
    return None


def _looks_like_house_number(tokens: list[str], candidates: Sequence[Property]) -> bool:
    numbers = {t for t in tokens if t.isdigit()}
    if not numbers:
        return False
    return any(numbers & set(words(" ".join(home.address_lines))) for home in candidates)


# --- bulky items ------------------------------------------------

ITEM_SYNONYMS = {
    "couch": "sofa",
    "couches": "sofa",
    "settees": "settee",
    "sofas": "sofa",
    "tv": "television",
    "tvs": "television",
    "telly": "television",
    "mattresses": "mattress",
    "wardrobes": "wardrobe",
    "armchairs": "armchair",
    "bicycles": "bicycle",
    "oven": "cooker",
    "dresser": "drawers",
}
_SPLIT = re.compile(r",|;|\band\b|&|\+|\bplus\b|\balso\b|\n")
_IGNORED = frozenset(
    ["a", "an", "the", "my", "old", "some", "of", "one", "two", "of", "please", "also", "just", "x"]
)


@dataclass(frozen=True, slots=True)
class ItemParse:
    items: dict[str, int]  # item code -> quantity
    unknown: tuple[str, ...]  # chunks it could not place (never echoed to the resident)


def _singular(word: str) -> str:
    if word in ITEM_SYNONYMS:
        return ITEM_SYNONYMS[word]
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith("es") and word[:-2].endswith(("sh", "ch", "ss", "x")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _item_keys(item: BulkyItemType) -> set[str]:
    keys = {_singular(w) for w in words(f"{item.code.replace('_', ' ')} {item.name}")}
    keys = {key for key in keys if not key.isdigit()}
    return keys - _IGNORED - {"or", "and", "item", "large", "small", "up", "to", "empty", "set"}


def parse_bulky_items(text: str, catalogue: Sequence[BulkyItemType]) -> ItemParse:
    """ "a sofa and 2 chairs" -> {"sofa": 1, "chair": 2} against the council's
    catalogue. Each chunk goes to the item sharing most words with it; a tie
    or no match is left unknown."""
    found: dict[str, int] = {}
    unknown: list[str] = []
    keyed = [(item, _item_keys(item)) for item in catalogue]
    for chunk in _SPLIT.split(text.lower()):
        tokens = words(chunk)
        if not tokens:
            continue
        quantity = 1
        content: list[str] = []
        for token in tokens:
            if token.isdigit() and 0 < int(token) <= 20:
                quantity = int(token)
            elif token in NUMBER_WORDS and token not in {"a", "an"}:
                quantity = NUMBER_WORDS[token]
            elif token not in _IGNORED:
                content.append(_singular(token))
        if not content:
            continue
        wanted = set(content)
        scored = sorted(
            ((len(wanted & keys), -len(keys - wanted), item) for item, keys in keyed),
            key=lambda entry: (entry[0], entry[1]),
            reverse=True,
        )
        if not scored or scored[0][0] == 0:
            unknown.append(chunk.strip())
            continue
        if len(scored) > 1 and scored[1][:2] == scored[0][:2]:
            unknown.append(chunk.strip())
            continue
        code = scored[0][2].code
        found[code] = found.get(code, 0) + quantity
    return ItemParse(items=found, unknown=tuple(unknown))


# --- bulky slots ------------------------------------------------


def choose_slot(text: str, offered: Sequence[BulkySlot], *, today: date) -> BulkySlot | None:
    """The offered slot the resident means: its id (a button), a position
    ("the first one"), a weekday or a date."""
    cleaned = text.strip()
    for slot in offered:
        if slot.slot_id.lower() in cleaned.lower():
            return slot
    tokens = words(cleaned)
    weekday = next((i for t in tokens if (i := _weekday_index(t)) is not None), None)
    position = _position(tokens, len(offered)) if weekday is None else None
    if position is not None:
        return offered[position]
    matches = list(offered)
    if weekday is not None:
        matches = [s for s in matches if s.day.weekday() == weekday]
    numeric = _NUMERIC_DATE.search(cleaned)
    ordinal = _DAY_OF_MONTH.search(cleaned.lower())
    number = None
    if numeric:
        number = int(numeric.group(1))
        month = int(numeric.group(2))
        matches = [s for s in matches if s.day.month == month]
    elif ordinal:
        number = int(ordinal.group(1))
    elif weekday is None:
        bare = [t for t in tokens if t.isdigit()]
        if bare:
            number = int(bare[0])
    if number is not None:
        matches = [s for s in matches if s.day.day == number]
    if weekday is None and number is None:
        return None
    return matches[0] if matches else None
