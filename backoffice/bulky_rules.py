"""Bulky waste pricing and booking rules, shared by the adapters.

The tariff is the council's, from its profile's fee table (``[fees.bulky_waste]``,
:func:`price_list_from`); the demo council's: £28 for up to 3 items, £7 for each
extra item, at most 8 items per collection; residents who receive council tax
support pay half. A fridge-freezer counts as one item like a
sofa; an item type may count as more (``counts_as``).

Concession arithmetic rounds the discounted price *up* to the whole penny, so
a council never undercharges by a rounding error.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from datetime import datetime

from backoffice.calendar import london
from backoffice.exceptions import InvalidRequest
from backoffice.values import (
    BookingStatus,
    BulkyBooking,
    BulkyHold,
    BulkyItemType,
    BulkyLine,
    BulkyPriceList,
    BulkyQuote,
    BulkySlot,
    Concession,
    HoldStatus,
    Property,
)
from frontdoor.profile import BulkyWasteFee

COUNCIL_TAX_SUPPORT = "council tax support"


def price_list_from(fee: BulkyWasteFee) -> BulkyPriceList:
    """The council profile's bulky-waste fee as the back office's price list."""
    return BulkyPriceList(
        base_pence=fee.base_pence,
        base_items=fee.base_items,
        extra_item_pence=fee.extra_item_pence,
        max_items=fee.max_items,
        concession_percent=fee.concession_percent,
    )


def quote(
    price_list: BulkyPriceList,
    item_types: Sequence[BulkyItemType],
    items: Mapping[str, int],
    concession: Concession | None,
) -> BulkyQuote:
    """Price ``items`` (item code -> quantity). Raises InvalidRequest."""
    known = {item.code: item for item in item_types}
    lines: list[BulkyLine] = []
    count = 0
    for code, quantity in sorted(items.items()):
        item = known.get(code)
        if item is None:
            raise InvalidRequest(f"we do not collect {code!r} as bulky waste")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            raise InvalidRequest(f"quantity for {code!r} must be a whole number of items")
        if quantity == 0:
            continue
        lines.append(BulkyLine(code=item.code, name=item.name, quantity=quantity))
        count += quantity * item.counts_as
    if count == 0:
        raise InvalidRequest("a bulky waste collection needs at least one item")
    if count > price_list.max_items:
        raise InvalidRequest(
            f"we can collect at most {price_list.max_items} items at once (you asked for {count})"
        )
    extra = max(count - price_list.base_items, 0)
    full = price_list.base_pence + extra * price_list.extra_item_pence
    price = full
    if concession is not None:
        price = -(-full * (100 - concession.discount_percent) // 100)
    return BulkyQuote(
        lines=tuple(lines),
        item_count=count,
        full_price_pence=full,
        price_pence=price,
        concession=concession,
    )


def check_slot_bookable(slot: BulkySlot, home: Property, now: datetime) -> None:
    """Shared booking rules: the slot serves the property's district and is at
    least a day ahead (crews get their lists the evening before)."""
    if slot.area != home.postcode.split(" ")[0]:
        raise InvalidRequest(f"slot {slot.slot_id} does not serve {home.postcode}")
    if slot.day <= london(now).date():
        raise InvalidRequest(f"slot {slot.slot_id} is not in the future; choose a later day")


def check_cancellable(booking: BulkyBooking, now: datetime) -> None:
    if booking.status is BookingStatus.COLLECTED:
        raise InvalidRequest(f"booking {booking.reference} has already been collected")
    if london(now).date() >= booking.collection_day:
        raise InvalidRequest(
            f"booking {booking.reference} is for today or earlier and can no longer be cancelled"
        )


def new_hold(
    home: Property,
    slot: BulkySlot,
    priced: BulkyQuote,
    idempotency_key: str,
    now: datetime,
    expires_at: datetime,
    resident_id: str | None,
) -> BulkyHold:
    """A hold as every adapter records it (the id is unguessable: it names a place)."""
    if expires_at <= now:
        raise InvalidRequest("a hold must expire after it is taken")
    return BulkyHold(
        hold_id="BH-" + secrets.token_hex(8).upper(),
        uprn=home.uprn,
        resident_id=resident_id,
        slot_id=slot.slot_id,
        collection_day=slot.day,
        lines=priced.lines,
        price_pence=priced.price_pence,
        status=HoldStatus.HELD,
        held_at=london(now),
        expires_at=london(expires_at),
        idempotency_key=idempotency_key,
        concession=priced.concession,
    )


def booking_from_hold(
    held: BulkyHold, reference: str, payment_reference: str, now: datetime
) -> BulkyBooking:
    """The confirmed booking a paid hold becomes (its key: the hold's id)."""
    if held.price_pence > 0 and not payment_reference:
        raise InvalidRequest("a paid hold is booked with its payment reference")
    return BulkyBooking(
        reference=reference,
        uprn=held.uprn,
        resident_id=held.resident_id,
        slot_id=held.slot_id,
        collection_day=held.collection_day,
        lines=held.lines,
        price_pence=held.price_pence,
        status=BookingStatus.CONFIRMED,
        booked_at=london(now),
        idempotency_key=f"hold:{held.hold_id}",
        concession=held.concession,
        payment_reference=payment_reference,
    )
