"""Pure rules shared by adapters: bulky pricing and case workflow and targets."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from backoffice import bulky_rules, casework
from backoffice.calendar import BANK_HOLIDAYS_ENGLAND_WALES as HOLIDAYS
from backoffice.exceptions import IllegalTransition, InvalidRequest
from backoffice.values import (
    LONDON,
    BinType,
    BookingStatus,
    BulkyBooking,
    BulkyItemType,
    BulkyPriceList,
    BulkySlot,
    CaseStatus,
    CaseType,
    Concession,
    Property,
)
from backoffice.world.bulky import ITEM_TYPES, PRICE_LIST

HALF = Concession(bulky_rules.COUNCIL_TAX_SUPPORT, 50)


@pytest.mark.parametrize(
    ("items", "full", "concession_price"),
    [
        ({"sofa": 1}, 2_800, 1_400),
        ({"sofa": 1, "fridge": 1, "bed": 1}, 2_800, 1_400),
        ({"sofa": 2, "fridge": 2}, 3_500, 1_750),
        ({"chairs": 8}, 6_300, 3_150),  # the most we take: 8 items
        ({"garden-furniture": 2, "sofa": 1}, 4_200, 2_100),  # a set counts as two items
    ],
)
def test_the_published_tariff(items: dict[str, int], full: int, concession_price: int) -> None:
    assert bulky_rules.quote(PRICE_LIST, ITEM_TYPES, items, None).price_pence == full
    discounted = bulky_rules.quote(PRICE_LIST, ITEM_TYPES, items, HALF)
    assert (discounted.full_price_pence, discounted.price_pence) == (full, concession_price)


def test_a_concession_never_undercharges_by_rounding() -> None:
    odd = BulkyPriceList(
        base_pence=2_801, base_items=3, extra_item_pence=700, max_items=8, concession_percent=50
    )
    assert bulky_rules.quote(odd, ITEM_TYPES, {"sofa": 1}, HALF).price_pence == 1_401


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ({"piano": 1}, "do not collect 'piano'"),
        ({}, "at least one item"),
        ({"sofa": 0}, "at least one item"),
        ({"sofa": True}, "whole number"),
        ({"sofa": 1.5}, "whole number"),
        ({"chairs": 9}, "at most 8 items"),
    ],
)
def test_bad_item_lists(items: dict, message: str) -> None:
    with pytest.raises(InvalidRequest, match=message):
        bulky_rules.quote(PRICE_LIST, ITEM_TYPES, items, None)


def test_item_types_are_priced_by_their_catalogue_name() -> None:
    catalogue = (BulkyItemType("sofa", "Sofa or settee"),)
    quote = bulky_rules.quote(PRICE_LIST, catalogue, {"sofa": 2}, None)
    assert [(line.name, line.quantity) for line in quote.lines] == [("Sofa or settee", 2)]


def _now(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=LONDON)


def test_slots_must_serve_the_district_and_be_at_least_a_day_ahead() -> None:
    home = Property("1", ("1 Juniper Close",), "Bramblefield", "BF2 4AA", "Hollins")
    slot = BulkySlot("BF2-1", date(2026, 6, 10), "BF2", 5, 0)
    bulky_rules.check_slot_bookable(slot, home, _now(date(2026, 6, 9)))
    with pytest.raises(InvalidRequest, match="not in the future"):
        bulky_rules.check_slot_bookable(slot, home, _now(date(2026, 6, 10)))
    with pytest.raises(InvalidRequest, match="does not serve"):
        bulky_rules.check_slot_bookable(
            BulkySlot("BF3-1", date(2026, 6, 10), "BF3", 5, 0), home, _now(date(2026, 6, 1))
        )


def test_cancellation_is_allowed_until_the_day_before() -> None:
    booking = BulkyBooking(
        "BW-200001", "1", None, "BF2-1", date(2026, 6, 10), (), 2_800,
        BookingStatus.CONFIRMED, _now(date(2026, 6, 1)), "k",
    )  # fmt: skip
    bulky_rules.check_cancellable(booking, _now(date(2026, 6, 9)))
    with pytest.raises(InvalidRequest):
        bulky_rules.check_cancellable(booking, _now(date(2026, 6, 10)))


@pytest.mark.parametrize(
    ("current", "allowed"),
    [
        (CaseStatus.RECEIVED, {CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED, CaseStatus.CANCELLED}),
        (CaseStatus.AWAITING_RESIDENT, {CaseStatus.IN_PROGRESS, CaseStatus.CANCELLED}),
        (CaseStatus.RESOLVED, {CaseStatus.CLOSED, CaseStatus.IN_PROGRESS}),
        (CaseStatus.CLOSED, set()),
        (CaseStatus.CANCELLED, set()),
    ],
)
def test_case_workflow(current: CaseStatus, allowed: set[CaseStatus]) -> None:
    for requested in CaseStatus:
        if requested in allowed:
            casework.check_transition("BDC-100001", current, requested)
        else:
            with pytest.raises(IllegalTransition):
                casework.check_transition("BDC-100001", current, requested)


def test_every_case_type_has_a_team_and_a_target() -> None:
    assert set(casework.OWNING_TEAMS) == set(CaseType) == set(casework.TARGET_WORKING_DAYS)


def test_target_dates() -> None:
    friday_evening = datetime(2026, 6, 5, 23, 30, tzinfo=LONDON)
    assert casework.target_date(CaseType.MISSED_BIN, friday_evening, HOLIDAYS) == date(2026, 6, 9)
    saturday = datetime.fromisoformat("2026-06-05T23:15:00+00:00")  # 00:15 on Saturday in BST
    assert casework.target_date(CaseType.MISSED_BIN, saturday, HOLIDAYS) == date(2026, 6, 9)
    booked = casework.target_date(
        CaseType.BULKY_WASTE, friday_evening, HOLIDAYS, service_date=date(2026, 6, 17)
    )
    assert booked == date(2026, 6, 17)


def test_missed_bin_key_is_one_per_property_bin_and_day() -> None:
    key = casework.missed_bin_key("42", BinType.FOOD, date(2026, 6, 2))
    assert key == "missed-bin:42:food:2026-06-02"
