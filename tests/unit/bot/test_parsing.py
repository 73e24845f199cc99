"""What residents type, read forgivingly."""

from __future__ import annotations

from datetime import date

import pytest

from actions.parsing import (
    choose_address,
    choose_slot,
    parse_bin_type,
    parse_bulky_items,
    parse_day,
)
from backoffice.ports import BinType, BulkyItemType, BulkySlot, Property

TODAY = date(2026, 11, 18)  # Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", date(2026, 11, 18)),
        ("this morning", date(2026, 11, 18)),
        ("yesterday", date(2026, 11, 17)),
        ("it was yesterday morning", date(2026, 11, 17)),
        ("monday", date(2026, 11, 16)),
        ("on Tuesday", date(2026, 11, 17)),
        ("wednesday", date(2026, 11, 18)),
        ("last wednesday", date(2026, 11, 11)),
        ("thurs", date(2026, 11, 12)),
        ("2 days ago", date(2026, 11, 16)),
        ("17/11", date(2026, 11, 17)),
        ("17/11/2026", date(2026, 11, 17)),
        ("the 16th", date(2026, 11, 16)),
        ("the 20th", date(2026, 10, 20)),
        ("25/12", date(2025, 12, 25)),
        ("banana", None),
        ("31/02", None),
    ],
)
def test_days(text: str, expected: date | None) -> None:
    assert parse_day(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("refuse", BinType.REFUSE),
        ("the black one", BinType.REFUSE),
        ("grey bin", BinType.REFUSE),
        ("general rubbish", BinType.REFUSE),
        ("blue", BinType.RECYCLING),
        ("recyling", BinType.RECYCLING),
        ("my green garden bin", BinType.GARDEN),
        ("food caddy", BinType.FOOD),
        ("FOOD", BinType.FOOD),
        ("purple", None),
    ],
)
def test_bins(text: str, expected: BinType | None) -> None:
    assert parse_bin_type(text) == expected


HOMES = [
    Property("1", ("2 Foxglove Lane",), "Bramblefield", "BF3 2QX", "W"),
    Property("2", ("4 Foxglove Lane",), "Bramblefield", "BF3 2QX", "W"),
    Property("3", ("Flat 1", "9 Foxglove Lane"), "Bramblefield", "BF3 2QX", "W"),
    Property("4", ("Flat 2", "9 Foxglove Lane"), "Bramblefield", "BF3 2QX", "W"),
]


@pytest.mark.parametrize(
    ("text", "uprn"),
    [
        ("3", "3"),  # a UPRN from a button
        ("4 foxglove lane", "2"),
        ("number 4", "2"),
        ("4", "4"),  # a UPRN wins over a house number
        ("flat 2", "4"),
        ("flat 2, 9 foxglove lane", "4"),
        ("the first one", "1"),
        ("the last one", "4"),
        ("9 foxglove lane", None),  # two flats: ambiguous
        ("12 high street", None),
        ("", None),
    ],
)
def test_addresses(text: str, uprn: str | None) -> None:
    chosen = choose_address(text, HOMES)
    assert (chosen.uprn if chosen else None) == uprn


CATALOGUE = [
    BulkyItemType("armchair", "Armchair"),
    BulkyItemType("chairs", "Chairs (up to 4)"),
    BulkyItemType("drawers", "Chest of drawers (empty)"),
    BulkyItemType("fridge", "Fridge or freezer"),
    BulkyItemType("garden-furniture", "Garden furniture set", counts_as=2),
    BulkyItemType("mattress", "Mattress"),
    BulkyItemType("sofa", "Sofa or settee"),
    BulkyItemType("table", "Table"),
    BulkyItemType("television", "Television"),
    BulkyItemType("washing-machine", "Washing machine"),
]


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("a sofa", {"sofa": 1}),
        ("a sofa and two chairs", {"sofa": 1, "chairs": 2}),
        ("my old couch, 2 mattresses & a tv", {"sofa": 1, "mattress": 2, "television": 1}),
        ("fridge freezer", {"fridge": 1}),
        ("chest of drawers plus a washing machine", {"drawers": 1, "washing-machine": 1}),
        ("an armchair", {"armchair": 1}),
        ("garden furniture", {"garden-furniture": 1}),
    ],
)
def test_bulky_items(text: str, items: dict[str, int]) -> None:
    parsed = parse_bulky_items(text, CATALOGUE)
    assert parsed.items == items
    assert parsed.unknown == ()


def test_unknown_bulky_items_are_reported_not_guessed() -> None:
    parsed = parse_bulky_items("a sofa and a piano", CATALOGUE)
    assert parsed.items == {"sofa": 1}
    assert parsed.unknown == ("a piano",)


SLOTS = [
    BulkySlot("BF3-20261120", date(2026, 11, 20), "BF3", 8, 5),
    BulkySlot("BF3-20261124", date(2026, 11, 24), "BF3", 8, 5),
    BulkySlot("BF3-20261127", date(2026, 11, 27), "BF3", 8, 5),
]


@pytest.mark.parametrize(
    ("text", "slot_id"),
    [
        ("BF3-20261124", "BF3-20261124"),
        ("the first one", "BF3-20261120"),
        ("tuesday", "BF3-20261124"),
        ("next tuesday", "BF3-20261124"),
        ("the 27th", "BF3-20261127"),
        ("27/11", "BF3-20261127"),
        ("monday", None),
        ("whenever", None),
    ],
)
def test_slots(text: str, slot_id: str | None) -> None:
    chosen = choose_slot(text, SLOTS, today=TODAY)
    assert (chosen.slot_id if chosen else None) == slot_id


def test_button_payloads_typed_as_text_still_choose() -> None:
    homes = [*HOMES, Property("990000000001", ("14 Foxglove Lane",), "B", "BF3 2QX", "W")]
    assert choose_address('/inform{"uprn":"990000000001"}', homes).uprn == "990000000001"
    chosen = choose_slot('/inform{"slot_id":"BF3-20261124"}', SLOTS, today=TODAY)
    assert chosen is not None and chosen.slot_id == "BF3-20261124"
