"""BulkyWaste over the demo booking tables.

Capacity is enforced by one conditional statement,
``UPDATE bo_bulky_slots SET booked = booked + 1 WHERE slot_id = :id AND
booked < capacity``: PostgreSQL re-checks the condition after waiting for a
concurrent booker's row lock, SQLite serialises writers, so when two residents
take the last place at the same moment exactly one UPDATE changes a row and
the other gets SlotFull. A CHECK constraint (booked <= capacity) backs it up.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from backoffice import bulky_rules, calendar, references
from backoffice.exceptions import HoldReleased, NotFound, PaymentRequired, SlotFull
from backoffice.models import (
    BulkyBookingLineRow,
    BulkyBookingRow,
    BulkyHoldRow,
    BulkyItemTypeRow,
    BulkyPriceListRow,
    BulkySlotRow,
    CouncilTaxAccountRow,
    CouncilTaxHolderRow,
)
from backoffice.ports import (
    BookingStatus,
    BulkyBooking,
    BulkyHold,
    BulkyItemType,
    BulkyLine,
    BulkyPriceList,
    BulkyQuote,
    BulkySlot,
    BulkyWaste,
    Concession,
    HoldStatus,
)
from backoffice.sql.base import (
    SqlPort,
    next_number,
    property_from_row,
    require_property,
    split_list,
)


def slot_from_row(row: BulkySlotRow) -> BulkySlot:
    return BulkySlot(
        slot_id=row.slot_id, day=row.day, area=row.area, capacity=row.capacity, booked=row.booked
    )


def _bookings(session: Session, rows: Sequence[BulkyBookingRow]) -> list[BulkyBooking]:
    lines: dict[str, list[BulkyLine]] = defaultdict(list)
    if rows:
        for line in session.scalars(
            select(BulkyBookingLineRow)
            .where(BulkyBookingLineRow.reference.in_([row.reference for row in rows]))
            .order_by(BulkyBookingLineRow.reference, BulkyBookingLineRow.code)
        ):
            lines[line.reference].append(
                BulkyLine(code=line.code, name=line.name, quantity=line.quantity)
            )
    return [
        BulkyBooking(
            reference=row.reference,
            uprn=row.uprn,
            resident_id=row.resident_id,
            slot_id=row.slot_id,
            collection_day=row.collection_day,
            lines=tuple(lines[row.reference]),
            price_pence=row.price_pence,
            status=BookingStatus(row.status),
            booked_at=row.booked_at,
            idempotency_key=row.idempotency_key,
            concession=(
                Concession(row.concession_reason, row.concession_percent or 0)
                if row.concession_reason
                else None
            ),
            payment_reference=row.payment_reference,
            notes=split_list(row.notes, "\n"),
        )
        for row in rows
    ]


def _add_booking(session: Session, booking: BulkyBooking) -> None:
    concession = booking.concession
    session.add(
        BulkyBookingRow(
            reference=booking.reference,
            uprn=booking.uprn,
            resident_id=booking.resident_id,
            slot_id=booking.slot_id,
            collection_day=booking.collection_day,
            price_pence=booking.price_pence,
            status=booking.status.value,
            booked_at=booking.booked_at,
            idempotency_key=booking.idempotency_key,
            concession_reason=concession.reason if concession else None,
            concession_percent=concession.discount_percent if concession else None,
            payment_reference=booking.payment_reference,
            notes="",
        )
    )
    session.flush()
    session.add_all(
        BulkyBookingLineRow(
            reference=booking.reference, code=line.code, name=line.name, quantity=line.quantity
        )
        for line in booking.lines
    )


def _hold(row: BulkyHoldRow) -> BulkyHold:
    return BulkyHold(
        hold_id=row.hold_id,
        uprn=row.uprn,
        resident_id=row.resident_id,
        slot_id=row.slot_id,
        collection_day=row.collection_day,
        lines=tuple(BulkyLine(**line) for line in json.loads(row.lines)),
        price_pence=row.price_pence,
        status=HoldStatus(row.status),
        held_at=row.held_at,
        expires_at=row.expires_at,
        idempotency_key=row.idempotency_key,
        concession=(
            Concession(row.concession_reason, row.concession_percent or 0)
            if row.concession_reason
            else None
        ),
        booking_reference=row.booking_reference,
    )


def _give_back(session: Session, *hold_ids: str) -> list[str]:
    """Release ``hold_ids`` that are still held, one place back each (conditional
    on the status, so two releases of one hold free one place)."""
    released = []
    for hold_id in hold_ids:
        row = session.get(BulkyHoldRow, hold_id)
        changed: CursorResult[Any] = session.execute(  # type: ignore[assignment]
            update(BulkyHoldRow)
            .where(BulkyHoldRow.hold_id == hold_id, BulkyHoldRow.status == HoldStatus.HELD.value)
            .values(status=HoldStatus.RELEASED.value)
        )
        if changed.rowcount == 1 and row is not None:
            session.execute(
                update(BulkySlotRow)
                .where(BulkySlotRow.slot_id == row.slot_id, BulkySlotRow.booked > 0)
                .values(booked=BulkySlotRow.booked - 1)
            )
            released.append(hold_id)
    return released


def _expired(session: Session, now: datetime, slot_id: str | None = None) -> list[str]:
    query = select(BulkyHoldRow.hold_id).where(
        BulkyHoldRow.status == HoldStatus.HELD.value, BulkyHoldRow.expires_at <= now
    )
    if slot_id is not None:
        query = query.where(BulkyHoldRow.slot_id == slot_id)
    return list(session.scalars(query.order_by(BulkyHoldRow.hold_id)))


class SqlBulkyWaste(SqlPort, BulkyWaste):
    """``price_list``: the council's tariff (its profile's fee table, given by the
    composition root), which then prices every quote, hold and booking; without
    it, the tariff stored in the back office (bo_bulky_price_list)."""

    def __init__(
        self, sessions: sessionmaker[Session], *, price_list: BulkyPriceList | None = None
    ) -> None:
        super().__init__(sessions)
        self._tariff = price_list

    # Session-level helpers, so that booking prices a collection in one read.

    @staticmethod
    def _item_types(session: Session) -> list[BulkyItemType]:
        rows = session.scalars(select(BulkyItemTypeRow))
        items = [BulkyItemType(code=r.code, name=r.name, counts_as=r.counts_as) for r in rows]
        return sorted(items, key=lambda item: (item.name, item.code))

    def _price_list(self, session: Session) -> BulkyPriceList:
        if self._tariff is not None:
            return self._tariff
        row = session.get(BulkyPriceListRow, 1)
        if row is None:
            raise NotFound("bulky waste price list", "current")
        return BulkyPriceList(
            base_pence=row.base_pence,
            base_items=row.base_items,
            extra_item_pence=row.extra_item_pence,
            max_items=row.max_items,
            concession_percent=row.concession_percent,
        )

    def _concession(
        self, session: Session, home_uprn: str, resident_id: str | None
    ) -> Concession | None:
        # Whether a household gets council tax support is personal data: the
        # concession is only ever worked out for a named (verified) resident.
        if resident_id is None:
            return None
        accounts = CouncilTaxAccountRow
        held = select(CouncilTaxHolderRow.reference).where(
            CouncilTaxHolderRow.resident_id == resident_id
        )
        supported = session.scalars(
            select(accounts.reference)
            .where(accounts.receives_support.is_(True), accounts.reference.in_(held))
            .limit(1)
        ).first()
        if supported is None:
            return None
        percent = self._price_list(session).concession_percent
        return Concession(bulky_rules.COUNCIL_TAX_SUPPORT, percent)

    def _quote(
        self, session: Session, home_uprn: str, items: Mapping[str, int], resident_id: str | None
    ) -> BulkyQuote:
        concession = self._concession(session, home_uprn, resident_id)
        return bulky_rules.quote(
            self._price_list(session), self._item_types(session), items, concession
        )

    def item_types(self) -> list[BulkyItemType]:
        with self._reading() as session:
            return self._item_types(session)

    def price_list(self) -> BulkyPriceList:
        with self._reading() as session:
            return self._price_list(session)

    def concession_for(self, uprn: str, resident_id: str | None = None) -> Concession | None:
        with self._reading() as session:
            return self._concession(session, require_property(session, uprn).uprn, resident_id)

    def quote(
        self, *, uprn: str, items: Mapping[str, int], resident_id: str | None = None
    ) -> BulkyQuote:
        with self._reading() as session:
            home = require_property(session, uprn)
            return self._quote(session, home.uprn, items, resident_id)

    def available_slots(self, uprn: str, *, start: date, end: date) -> list[BulkySlot]:
        with self._reading() as session:
            district = require_property(session, uprn).postcode.split(" ")[0]
            rows = session.scalars(
                select(BulkySlotRow)
                .where(
                    BulkySlotRow.area == district,
                    BulkySlotRow.day >= start,
                    BulkySlotRow.day <= end,
                    BulkySlotRow.booked < BulkySlotRow.capacity,
                )
                .order_by(BulkySlotRow.day, BulkySlotRow.slot_id)
            )
            return [slot_from_row(row) for row in rows]

    def _by_key(self, idempotency_key: str) -> BulkyBooking | None:
        with self._reading() as session:
            row = session.scalars(
                select(BulkyBookingRow).where(BulkyBookingRow.idempotency_key == idempotency_key)
            ).one_or_none()
            return _bookings(session, [row])[0] if row else None

    def book(
        self,
        *,
        uprn: str,
        slot_id: str,
        items: Mapping[str, int],
        idempotency_key: str,
        now: datetime,
        resident_id: str | None = None,
        payment_reference: str | None = None,
    ) -> BulkyBooking:
        with self._reading() as session:
            existing = session.scalars(
                select(BulkyBookingRow).where(BulkyBookingRow.idempotency_key == idempotency_key)
            ).one_or_none()
            if existing is not None:
                return _bookings(session, [existing])[0]
            home = property_from_row(require_property(session, uprn))
            slot_row = session.get(BulkySlotRow, slot_id)
            if slot_row is None:
                raise NotFound("bulky waste slot", slot_id)
            slot = slot_from_row(slot_row)
            bulky_rules.check_slot_bookable(slot, home, now)
            priced = self._quote(session, home.uprn, items, resident_id)
        if priced.price_pence > 0 and not payment_reference:
            raise PaymentRequired(priced.price_pence)
        booking = BulkyBooking(
            reference="",  # assigned inside the booking transaction
            uprn=home.uprn,
            resident_id=resident_id,
            slot_id=slot.slot_id,
            collection_day=slot.day,
            lines=priced.lines,
            price_pence=priced.price_pence,
            status=BookingStatus.CONFIRMED,
            booked_at=calendar.london(now),
            idempotency_key=idempotency_key,
            concession=priced.concession,
            payment_reference=payment_reference,
        )
        try:
            return self._insert_booking(booking)
        except IntegrityError:
            winner = self._by_key(idempotency_key)
            if winner is None:
                raise
            return winner

    def _insert_booking(self, booking: BulkyBooking) -> BulkyBooking:
        with self._writing() as session:
            taken: CursorResult[Any] = session.execute(  # type: ignore[assignment]
                update(BulkySlotRow)
                .where(BulkySlotRow.slot_id == booking.slot_id)
                .where(BulkySlotRow.booked < BulkySlotRow.capacity)
                .values(booked=BulkySlotRow.booked + 1)
            )
            if taken.rowcount != 1:
                raise SlotFull(booking.slot_id)
            booking = replace(booking, reference=f"BW-{next_number(session, 'bulky'):06d}")
            _add_booking(session, booking)
        return booking

    def get_booking(self, reference: str) -> BulkyBooking:
        key = references.booking_reference(reference)
        with self._reading() as session:
            row = session.get(BulkyBookingRow, key)
            if row is None:
                raise NotFound("bulky waste booking", key)
            return _bookings(session, [row])[0]

    def bookings_for_property(self, uprn: str) -> list[BulkyBooking]:
        key = references.uprn(uprn)
        with self._reading() as session:
            rows = session.scalars(
                select(BulkyBookingRow)
                .where(BulkyBookingRow.uprn == key)
                .order_by(BulkyBookingRow.collection_day.desc(), BulkyBookingRow.reference.desc())
            ).all()
            return _bookings(session, rows)

    def cancel_booking(self, reference: str, *, now: datetime) -> BulkyBooking:
        booking = self.get_booking(reference)
        if booking.status is BookingStatus.CANCELLED:
            return booking
        bulky_rules.check_cancellable(booking, now)
        with self._writing() as session:
            # Conditional on the status, so two cancellations free one place only.
            changed: CursorResult[Any] = session.execute(  # type: ignore[assignment]
                update(BulkyBookingRow)
                .where(
                    BulkyBookingRow.reference == booking.reference,
                    BulkyBookingRow.status == BookingStatus.CONFIRMED.value,
                )
                .values(status=BookingStatus.CANCELLED.value)
            )
            if changed.rowcount == 1:
                session.execute(
                    update(BulkySlotRow)
                    .where(BulkySlotRow.slot_id == booking.slot_id, BulkySlotRow.booked > 0)
                    .values(booked=BulkySlotRow.booked - 1)
                )
        return self.get_booking(booking.reference)

    # --- a place held while the resident pays ------------------------------------

    def hold(
        self,
        *,
        uprn: str,
        slot_id: str,
        items: Mapping[str, int],
        idempotency_key: str,
        now: datetime,
        expires_at: datetime,
        resident_id: str | None = None,
    ) -> BulkyHold:
        existing = self._hold_by_key(idempotency_key)
        if existing is not None:
            return existing
        with self._reading() as session:
            home = property_from_row(require_property(session, uprn))
            slot_row = session.get(BulkySlotRow, slot_id)
            if slot_row is None:
                raise NotFound("bulky waste slot", slot_id)
            slot = slot_from_row(slot_row)
            bulky_rules.check_slot_bookable(slot, home, now)
            priced = self._quote(session, home.uprn, items, resident_id)
        held = bulky_rules.new_hold(
            home, slot, priced, idempotency_key, now, expires_at, resident_id
        )
        try:
            with self._writing() as session:
                _give_back(session, *_expired(session, now, slot_id))
                taken: CursorResult[Any] = session.execute(  # type: ignore[assignment]
                    update(BulkySlotRow)
                    .where(BulkySlotRow.slot_id == slot_id)
                    .where(BulkySlotRow.booked < BulkySlotRow.capacity)
                    .values(booked=BulkySlotRow.booked + 1)
                )
                if taken.rowcount != 1:
                    raise SlotFull(slot_id)
                concession = held.concession
                session.add(
                    BulkyHoldRow(
                        hold_id=held.hold_id,
                        uprn=held.uprn,
                        resident_id=held.resident_id,
                        slot_id=held.slot_id,
                        collection_day=held.collection_day,
                        lines=json.dumps(
                            [
                                {"code": ln.code, "name": ln.name, "quantity": ln.quantity}
                                for ln in held.lines
                            ]
                        ),
                        price_pence=held.price_pence,
                        status=held.status.value,
                        held_at=held.held_at,
                        expires_at=held.expires_at,
                        idempotency_key=held.idempotency_key,
                        concession_reason=concession.reason if concession else None,
                        concession_percent=concession.discount_percent if concession else None,
                    )
                )
        except IntegrityError:
            winner = self._hold_by_key(idempotency_key)
            if winner is None:
                raise
            return winner
        return held

    def _hold_by_key(self, idempotency_key: str) -> BulkyHold | None:
        with self._reading() as session:
            row = session.scalars(
                select(BulkyHoldRow).where(BulkyHoldRow.idempotency_key == idempotency_key)
            ).one_or_none()
            return _hold(row) if row else None

    def get_hold(self, hold_id: str) -> BulkyHold:
        with self._reading() as session:
            row = session.get(BulkyHoldRow, hold_id[:24])
            if row is None:
                raise NotFound("bulky waste hold", hold_id)
            return _hold(row)

    def book_held(self, hold_id: str, *, payment_reference: str, now: datetime) -> BulkyBooking:
        held = self.get_hold(hold_id)
        with self._writing() as session:
            claimed: CursorResult[Any] = session.execute(  # type: ignore[assignment]
                update(BulkyHoldRow)
                .where(
                    BulkyHoldRow.hold_id == held.hold_id,
                    BulkyHoldRow.status == HoldStatus.HELD.value,
                )
                .values(status=HoldStatus.BOOKED.value)
            )
            if claimed.rowcount == 1:
                reference = f"BW-{next_number(session, 'bulky'):06d}"
                booking = bulky_rules.booking_from_hold(held, reference, payment_reference, now)
                _add_booking(session, booking)
                session.execute(
                    update(BulkyHoldRow)
                    .where(BulkyHoldRow.hold_id == held.hold_id)
                    .values(booking_reference=reference)
                )
                return booking
        current = self.get_hold(hold_id)
        if current.status is HoldStatus.BOOKED and current.booking_reference:
            return self.get_booking(current.booking_reference)
        raise HoldReleased(hold_id)

    def release_hold(self, hold_id: str) -> BulkyHold:
        held = self.get_hold(hold_id)
        with self._writing() as session:
            _give_back(session, held.hold_id)
        return self.get_hold(hold_id)

    def release_expired_holds(self, *, now: datetime) -> list[str]:
        with self._writing() as session:
            return _give_back(session, *_expired(session, now))
