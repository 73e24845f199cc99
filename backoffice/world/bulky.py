"""Bulky waste: the catalogue and tariff, slots, and the bookings that fill them.

Crews collect Tuesday to Friday (not on bank holidays). Each postcode district
has one slot a day with 6 to 10 places; slots run from two weeks ago (their
bookings collected) to four weeks ahead (partly booked, some full). Every
booked place is a real booking, so slot counts and bookings always agree.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, time, timedelta

from backoffice import bulky_rules, calendar
from backoffice.values import (
    BankHoliday,
    BookingStatus,
    BulkyBooking,
    BulkyItemType,
    BulkyPriceList,
    BulkySlot,
    Concession,
)
from backoffice.world.places import Household

ITEM_TYPES = (
    BulkyItemType("sofa", "Sofa or settee"),
    BulkyItemType("armchair", "Armchair"),
    BulkyItemType("table", "Table"),
    BulkyItemType("chairs", "Chairs (up to 4)"),
    BulkyItemType("bed", "Bed frame"),
    BulkyItemType("mattress", "Mattress"),
    BulkyItemType("wardrobe", "Wardrobe (empty)"),
    BulkyItemType("drawers", "Chest of drawers (empty)"),
    BulkyItemType("fridge", "Fridge or freezer"),
    BulkyItemType("washing-machine", "Washing machine"),
    BulkyItemType("cooker", "Cooker"),
    BulkyItemType("television", "Television"),
    BulkyItemType("bike", "Bicycle"),
    BulkyItemType("garden-furniture", "Garden furniture set", counts_as=2),
)
PRICE_LIST = BulkyPriceList(
    base_pence=2_800, base_items=3, extra_item_pence=700, max_items=8, concession_percent=50
)
DISTRICTS = tuple(f"BF{n}" for n in range(1, 10))


@dataclass(frozen=True, slots=True)
class BulkyWorld:
    item_types: tuple[BulkyItemType, ...]
    price_list: BulkyPriceList
    slots: tuple[BulkySlot, ...]
    bookings: tuple[BulkyBooking, ...]


def build_bulky(
    rng: random.Random,
    households: Sequence[Household],
    today: date,
    holidays: Sequence[BankHoliday],
    supported_uprns: set[str],
) -> BulkyWorld:
    by_district: dict[str, list[Household]] = defaultdict(list)
    for home in households:
        by_district[home.property.postcode.split(" ")[0]].append(home)
    slots: list[BulkySlot] = []
    bookings: list[BulkyBooking] = []
    day = today - timedelta(days=14)
    while day <= today + timedelta(days=28):
        if 1 <= day.weekday() <= 4 and calendar.is_working_day(day, holidays):
            for district in DISTRICTS:
                capacity = rng.randint(6, 10)
                ahead = (day - today).days
                fill = 1.0 if ahead <= 0 else max(0.05, 0.95 - ahead / 30)
                booked = min(capacity, round(capacity * fill * rng.uniform(0.5, 1.15)))
                slot = BulkySlot(f"{district}-{day:%Y%m%d}", day, district, capacity, booked)
                slots.append(slot)
                for _ in range(booked):
                    home = rng.choice(by_district[district])
                    bookings.append(
                        _booking(rng, home, slot, today, home.property.uprn in supported_uprns)
                    )
        day += timedelta(days=1)
    bookings.sort(key=lambda b: (b.booked_at, b.slot_id))
    numbered = [_with_reference(booking, 200_001 + index) for index, booking in enumerate(bookings)]
    return BulkyWorld(ITEM_TYPES, PRICE_LIST, tuple(slots), tuple(numbered))


def _booking(
    rng: random.Random, home: Household, slot: BulkySlot, today: date, supported: bool
) -> BulkyBooking:
    chosen = rng.sample(ITEM_TYPES[:13], rng.randint(1, 4))
    items = {item.code: 1 for item in chosen}
    concession = (
        Concession(bulky_rules.COUNCIL_TAX_SUPPORT, PRICE_LIST.concession_percent)
        if supported
        else None
    )
    priced = bulky_rules.quote(PRICE_LIST, ITEM_TYPES, items, concession)
    booked_on = min(slot.day - timedelta(days=rng.randint(2, 12)), today - timedelta(days=1))
    resident = home.residents[0] if home.residents else None
    return BulkyBooking(
        reference="",
        uprn=home.property.uprn,
        resident_id=resident.resident_id if resident else None,
        slot_id=slot.slot_id,
        collection_day=slot.day,
        lines=priced.lines,
        price_pence=priced.price_pence,
        status=BookingStatus.COLLECTED if slot.day < today else BookingStatus.CONFIRMED,
        booked_at=calendar.at_london(booked_on, time(rng.randint(7, 21), rng.randint(0, 59))),
        idempotency_key="",
        concession=concession,
        payment_reference=f"PAY-{rng.randint(100_000, 999_999)}",
    )


def _with_reference(booking: BulkyBooking, number: int) -> BulkyBooking:
    reference = f"BW-{number:06d}"
    return replace(booking, reference=reference, idempotency_key=f"seed:{reference}")
