"""In-memory fakes of every back-office port, and their loader.

The fakes obey the same contract as the demo database adapters (the contract
suite runs against both), so unit tests of the bot and of ``missed_bin`` can
trust them. One ``MemoryStore`` holds the data; each port reads and writes it
under one lock, which makes bulky booking and idempotent case creation safe
under threads, as the real adapters are.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from backoffice import bulky_rules, calendar, casework, references
from backoffice.exceptions import (
    HoldReleased,
    InvalidRequest,
    NotFound,
    PaymentRequired,
    SlotFull,
)
from backoffice.loading import BackOfficeLoader, CouncilTaxRecord, TenancyRecord
from backoffice.ports import (
    BackOffice,
    BankHoliday,
    BinService,
    BinType,
    BookingStatus,
    BulkyBooking,
    BulkyHold,
    BulkyItemType,
    BulkyPriceList,
    BulkyQuote,
    BulkySlot,
    BulkyWaste,
    Case,
    CaseReceipt,
    Cases,
    CaseStatus,
    Collection,
    Concession,
    CouncilTax,
    CouncilTaxAccount,
    CrewLogEntry,
    Disruption,
    HoldStatus,
    NewCase,
    Payment,
    Planning,
    PlanningApplication,
    Properties,
    Property,
    RentAccount,
    Rents,
    RentTransaction,
    Resident,
    Round,
    RoundState,
    RoundStatus,
    StatusChange,
    WasteRounds,
)
from backoffice.search import (
    address_search_words,
    matches_address,
    matches_planning_search,
    planning_search_criteria,
)


@dataclass
class MemoryStore:
    properties: dict[str, Property] = field(default_factory=dict)
    residents: dict[str, Resident] = field(default_factory=dict)
    rounds: dict[str, Round] = field(default_factory=dict)
    services: dict[str, dict[BinType, BinService]] = field(default_factory=dict)
    holidays: dict[date, BankHoliday] = field(
        default_factory=lambda: {h.day: h for h in calendar.BANK_HOLIDAYS_ENGLAND_WALES}
    )
    disruptions: dict[str, Disruption] = field(default_factory=dict)
    round_statuses: dict[tuple[str, date], RoundStatus] = field(default_factory=dict)
    crew_logs: dict[tuple[str, date], list[CrewLogEntry]] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    case_keys: dict[str, str] = field(default_factory=dict)
    council_tax: dict[str, CouncilTaxAccount] = field(default_factory=dict)
    council_tax_payments: dict[str, list[Payment]] = field(default_factory=dict)
    tenancies: dict[str, RentAccount] = field(default_factory=dict)
    rent_transactions: dict[str, list[RentTransaction]] = field(default_factory=dict)
    planning: dict[str, PlanningApplication] = field(default_factory=dict)
    item_types: dict[str, BulkyItemType] = field(default_factory=dict)
    price_list: BulkyPriceList | None = None
    slots: dict[str, BulkySlot] = field(default_factory=dict)
    bookings: dict[str, BulkyBooking] = field(default_factory=dict)
    booking_keys: dict[str, str] = field(default_factory=dict)
    holds: dict[str, BulkyHold] = field(default_factory=dict)
    hold_keys: dict[str, str] = field(default_factory=dict)
    last_case_number: int = 100000
    last_booking_number: int = 200000
    lock: threading.RLock = field(default_factory=threading.RLock)

    def property(self, uprn: str) -> Property:
        key = references.uprn(uprn)
        found = self.properties.get(key)
        if found is None:
            raise NotFound("property", key)
        return found


class _MemoryPort:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store


class MemoryProperties(_MemoryPort, Properties):
    def get_property(self, uprn: str) -> Property:
        return self._store.property(uprn)

    def find_by_postcode(self, postcode: str) -> list[Property]:
        wanted = references.postcode(postcode)
        found = [p for p in self._store.properties.values() if p.postcode == wanted]
        return sorted(found, key=lambda p: references.address_sort_key(p.address_lines))

    def search_addresses(self, text: str, *, limit: int = 20) -> list[Property]:
        words = address_search_words(text)
        found = [p for p in self._store.properties.values() if matches_address(p, words)]
        found.sort(key=lambda p: (references.address_sort_key(p.address_lines), p.uprn))
        return found[: max(limit, 0)]

    def residents_at(self, uprn: str) -> list[Resident]:
        key = self._store.property(uprn).uprn
        found = [r for r in self._store.residents.values() if r.uprn == key]
        return sorted(found, key=lambda r: (r.surname, r.forename, r.resident_id))

    def get_resident(self, resident_id: str) -> Resident:
        found = self._store.residents.get(resident_id)
        if found is None:
            raise NotFound("resident", resident_id)
        return found


class MemoryWasteRounds(_MemoryPort, WasteRounds):
    def get_round(self, round_id: str) -> Round:
        found = self._store.rounds.get(round_id)
        if found is None:
            raise NotFound("round", round_id)
        return found

    def services(self, uprn: str) -> list[BinService]:
        key = self._store.property(uprn).uprn
        by_type = self._store.services.get(key, {})
        return [by_type[bin_type] for bin_type in BinType if bin_type in by_type]

    def collections(self, uprn: str, *, start: date, end: date) -> list[Collection]:
        return calendar.collections_between(
            self.services(uprn), list(self._store.holidays.values()), start=start, end=end
        )

    def bank_holidays(self, *, start: date, end: date) -> list[BankHoliday]:
        return sorted(
            (h for h in self._store.holidays.values() if start <= h.day <= end),
            key=lambda h: h.day,
        )

    def disruptions(self, *, on: date, postcode: str | None = None) -> list[Disruption]:
        wanted = references.postcode(postcode) if postcode else None
        found = [
            d
            for d in self._store.disruptions.values()
            if d.starts_on <= on <= d.ends_on
            and (wanted is None or any(references.postcode_in_area(wanted, a) for a in d.areas))
        ]
        return sorted(found, key=lambda d: (d.starts_on, d.disruption_id))

    def round_status(self, round_id: str, day: date) -> RoundStatus:
        self.get_round(round_id)
        found = self._store.round_statuses.get((round_id, day))
        return found or RoundStatus(round_id=round_id, day=day, state=RoundState.NOT_STARTED)

    def crew_logs(self, uprn: str, day: date) -> list[CrewLogEntry]:
        key = references.uprn(uprn)
        return sorted(self._store.crew_logs.get((key, day), []), key=lambda e: e.logged_at)


class MemoryCases(_MemoryPort, Cases):
    def create_case(self, new: NewCase, *, now: datetime) -> CaseReceipt:
        store = self._store
        with store.lock:
            existing = store.case_keys.get(new.idempotency_key)
            if existing:
                return CaseReceipt(case=store.cases[existing], created=False)
            uprn = store.property(new.uprn).uprn if new.uprn else None
            if new.resident_id and new.resident_id not in store.residents:
                raise NotFound("resident", new.resident_id)
            created_at = calendar.london(now)
            store.last_case_number += 1
            case = Case(
                reference=f"BDC-{store.last_case_number:06d}",
                case_type=new.case_type,
                status=CaseStatus.RECEIVED,
                summary=new.summary,
                description=new.description,
                owning_team=casework.OWNING_TEAMS[new.case_type],
                created_at=created_at,
                target_date=casework.target_date(
                    new.case_type,
                    created_at,
                    store.holidays.values(),
                    service_date=new.service_date,
                ),
                history=(
                    StatusChange(CaseStatus.RECEIVED, created_at, "case opened", new.channel),
                ),
                uprn=uprn,
                resident_id=new.resident_id,
                idempotency_key=new.idempotency_key,
                bin_type=new.bin_type,
                service_date=new.service_date,
                channel=new.channel,
                location=new.location,
                latitude=new.latitude,
                longitude=new.longitude,
                external_reference=new.external_reference,
            )
            store.cases[case.reference] = case
            store.case_keys[new.idempotency_key] = case.reference
            return CaseReceipt(case=case, created=True)

    def get_case(self, reference: str) -> Case:
        key = references.case_reference(reference)
        found = self._store.cases.get(key)
        if found is None:
            raise NotFound("case", key)
        return found

    def find_by_idempotency_key(self, idempotency_key: str) -> Case | None:
        reference = self._store.case_keys.get(idempotency_key)
        return self._store.cases[reference] if reference else None

    def list_cases(
        self,
        *,
        uprn: str | None = None,
        resident_id: str | None = None,
        open_only: bool = False,
        limit: int = 50,
    ) -> list[Case]:
        if uprn is None and resident_id is None:
            raise InvalidRequest("list_cases needs a uprn or a resident_id")
        key = references.uprn(uprn) if uprn is not None else None
        found = [
            c
            for c in self._store.cases.values()
            if (key is None or c.uprn == key)
            and (resident_id is None or c.resident_id == resident_id)
            and (not open_only or c.is_open)
        ]
        found.sort(key=lambda c: (c.created_at, c.reference), reverse=True)
        return found[:limit]

    def update_status(
        self, reference: str, *, status: CaseStatus, at: datetime, note: str = "", by: str
    ) -> Case:
        with self._store.lock:
            case = self.get_case(reference)
            casework.check_transition(case.reference, case.status, status)
            change = StatusChange(status=status, at=calendar.london(at), note=note, by=by)
            updated = replace(case, status=status, history=(*case.history, change))
            self._store.cases[case.reference] = updated
            return updated


class MemoryCouncilTax(_MemoryPort, CouncilTax):
    def get_account(self, reference: str) -> CouncilTaxAccount:
        key = references.council_tax_reference(reference)
        found = self._store.council_tax.get(key)
        if found is None:
            raise NotFound("council tax account", key)
        return found

    def accounts_for_property(self, uprn: str) -> list[CouncilTaxAccount]:
        key = references.uprn(uprn)
        return sorted(
            (a for a in self._store.council_tax.values() if a.uprn == key),
            key=lambda a: a.reference,
        )

    def accounts_for_resident(self, resident_id: str) -> list[CouncilTaxAccount]:
        return sorted(
            (
                a
                for a in self._store.council_tax.values()
                if any(h.resident_id == resident_id for h in a.holders)
            ),
            key=lambda a: a.reference,
        )

    def payments(self, reference: str, *, limit: int = 12) -> list[Payment]:
        account = self.get_account(reference)
        return list(reversed(self._store.council_tax_payments[account.reference]))[:limit]


class MemoryRents(_MemoryPort, Rents):
    def get_account(self, tenancy_reference: str) -> RentAccount:
        key = references.tenancy_reference(tenancy_reference)
        found = self._store.tenancies.get(key)
        if found is None:
            raise NotFound("tenancy", key)
        return found

    def accounts_for_property(self, uprn: str) -> list[RentAccount]:
        key = references.uprn(uprn)
        return sorted(
            (a for a in self._store.tenancies.values() if a.uprn == key),
            key=lambda a: a.tenancy_reference,
        )

    def accounts_for_resident(self, resident_id: str) -> list[RentAccount]:
        return sorted(
            (
                a
                for a in self._store.tenancies.values()
                if any(t.resident_id == resident_id for t in a.tenants)
            ),
            key=lambda a: a.tenancy_reference,
        )

    def transactions(
        self, tenancy_reference: str, *, since: date | None = None, limit: int = 50
    ) -> list[RentTransaction]:
        account = self.get_account(tenancy_reference)
        entries = self._store.rent_transactions[account.tenancy_reference]
        newest_first = [t for t in reversed(entries) if since is None or t.posted_on >= since]
        return newest_first[:limit]


class MemoryPlanning(_MemoryPort, Planning):
    def get_application(self, reference: str) -> PlanningApplication:
        key = references.planning_reference(reference)
        found = self._store.planning.get(key)
        if found is None:
            raise NotFound("planning application", key)
        return found

    def search(
        self, *, text: str | None = None, postcode: str | None = None, limit: int = 20
    ) -> list[PlanningApplication]:
        criteria = planning_search_criteria(text=text, postcode=postcode)
        found = [a for a in self._store.planning.values() if matches_planning_search(a, criteria)]
        found.sort(key=lambda a: (a.received_on, a.reference), reverse=True)
        return found[:limit]


class MemoryBulkyWaste(_MemoryPort, BulkyWaste):
    def item_types(self) -> list[BulkyItemType]:
        return sorted(self._store.item_types.values(), key=lambda i: (i.name, i.code))

    def price_list(self) -> BulkyPriceList:
        if self._store.price_list is None:
            raise NotFound("bulky waste price list", "current")
        return self._store.price_list

    def concession_for(self, uprn: str, resident_id: str | None = None) -> Concession | None:
        self._store.property(uprn)  # NotFound for an unknown property
        if resident_id is None:  # support is personal data: only for a named resident
            return None
        for account in self._store.council_tax.values():
            holder = any(h.resident_id == resident_id for h in account.holders)
            if account.receives_support and holder:
                return Concession(
                    bulky_rules.COUNCIL_TAX_SUPPORT, self.price_list().concession_percent
                )
        return None

    def quote(
        self, *, uprn: str, items: Mapping[str, int], resident_id: str | None = None
    ) -> BulkyQuote:
        concession = self.concession_for(uprn, resident_id)
        return bulky_rules.quote(self.price_list(), self.item_types(), items, concession)

    def available_slots(self, uprn: str, *, start: date, end: date) -> list[BulkySlot]:
        district = self._store.property(uprn).postcode.split(" ")[0]
        found = [
            s
            for s in self._store.slots.values()
            if s.area == district and start <= s.day <= end and s.remaining > 0
        ]
        return sorted(found, key=lambda s: (s.day, s.slot_id))

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
        store = self._store
        with store.lock:
            existing = store.booking_keys.get(idempotency_key)
            if existing:
                return store.bookings[existing]
            home = store.property(uprn)
            slot = store.slots.get(slot_id)
            if slot is None:
                raise NotFound("bulky waste slot", slot_id)
            bulky_rules.check_slot_bookable(slot, home, now)
            priced = self.quote(uprn=home.uprn, items=items, resident_id=resident_id)
            if priced.price_pence > 0 and not payment_reference:
                raise PaymentRequired(priced.price_pence)
            if slot.remaining <= 0:
                raise SlotFull(slot_id)
            store.slots[slot_id] = replace(slot, booked=slot.booked + 1)
            store.last_booking_number += 1
            booking = BulkyBooking(
                reference=f"BW-{store.last_booking_number:06d}",
                uprn=home.uprn,
                resident_id=resident_id,
                slot_id=slot_id,
                collection_day=slot.day,
                lines=priced.lines,
                price_pence=priced.price_pence,
                status=BookingStatus.CONFIRMED,
                booked_at=calendar.london(now),
                idempotency_key=idempotency_key,
                concession=priced.concession,
                payment_reference=payment_reference,
            )
            store.bookings[booking.reference] = booking
            store.booking_keys[idempotency_key] = booking.reference
            return booking

    def get_booking(self, reference: str) -> BulkyBooking:
        key = references.booking_reference(reference)
        found = self._store.bookings.get(key)
        if found is None:
            raise NotFound("bulky waste booking", key)
        return found

    def bookings_for_property(self, uprn: str) -> list[BulkyBooking]:
        key = references.uprn(uprn)
        found = [b for b in self._store.bookings.values() if b.uprn == key]
        return sorted(found, key=lambda b: (b.collection_day, b.reference), reverse=True)

    def cancel_booking(self, reference: str, *, now: datetime) -> BulkyBooking:
        store = self._store
        with store.lock:
            booking = self.get_booking(reference)
            if booking.status is BookingStatus.CANCELLED:
                return booking
            bulky_rules.check_cancellable(booking, now)
            slot = store.slots[booking.slot_id]
            store.slots[slot.slot_id] = replace(slot, booked=max(slot.booked - 1, 0))
            cancelled = replace(booking, status=BookingStatus.CANCELLED)
            store.bookings[booking.reference] = cancelled
            return cancelled

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
        store = self._store
        with store.lock:
            existing = store.hold_keys.get(idempotency_key)
            if existing:
                return store.holds[existing]
            home = store.property(uprn)
            slot = store.slots.get(slot_id)
            if slot is None:
                raise NotFound("bulky waste slot", slot_id)
            bulky_rules.check_slot_bookable(slot, home, now)
            priced = self.quote(uprn=home.uprn, items=items, resident_id=resident_id)
            held = bulky_rules.new_hold(
                home, slot, priced, idempotency_key, now, expires_at, resident_id
            )
            self._release_expired(now, slot_id=slot_id)
            slot = store.slots[slot_id]
            if slot.remaining <= 0:
                raise SlotFull(slot_id)
            store.slots[slot_id] = replace(slot, booked=slot.booked + 1)
            store.holds[held.hold_id] = held
            store.hold_keys[idempotency_key] = held.hold_id
            return held

    def get_hold(self, hold_id: str) -> BulkyHold:
        found = self._store.holds.get(hold_id)
        if found is None:
            raise NotFound("bulky waste hold", hold_id)
        return found

    def book_held(self, hold_id: str, *, payment_reference: str, now: datetime) -> BulkyBooking:
        store = self._store
        with store.lock:
            held = self.get_hold(hold_id)
            if held.status is HoldStatus.BOOKED and held.booking_reference:
                return store.bookings[held.booking_reference]
            if held.status is HoldStatus.RELEASED:
                raise HoldReleased(hold_id)
            store.last_booking_number += 1
            booking = bulky_rules.booking_from_hold(
                held, f"BW-{store.last_booking_number:06d}", payment_reference, now
            )
            store.bookings[booking.reference] = booking
            store.booking_keys[booking.idempotency_key] = booking.reference
            store.holds[hold_id] = replace(
                held, status=HoldStatus.BOOKED, booking_reference=booking.reference
            )
            return booking

    def release_hold(self, hold_id: str) -> BulkyHold:
        store = self._store
        with store.lock:
            held = self.get_hold(hold_id)
            if held.status is HoldStatus.HELD:
                self._give_back(held)
            return store.holds[hold_id]

    def release_expired_holds(self, *, now: datetime) -> list[str]:
        with self._store.lock:
            return self._release_expired(now)

    def _release_expired(self, now: datetime, *, slot_id: str | None = None) -> list[str]:
        expired = [
            held
            for held in self._store.holds.values()
            if held.status is HoldStatus.HELD
            and held.expires_at <= now
            and (slot_id is None or held.slot_id == slot_id)
        ]
        for held in expired:
            self._give_back(held)
        return sorted(held.hold_id for held in expired)

    def _give_back(self, held: BulkyHold) -> None:
        store = self._store
        slot = store.slots[held.slot_id]
        store.slots[slot.slot_id] = replace(slot, booked=max(slot.booked - 1, 0))
        store.holds[held.hold_id] = replace(held, status=HoldStatus.RELEASED)


class MemoryLoader(BackOfficeLoader):
    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    @staticmethod
    def _put(target: dict[Any, Any], key: object, value: object, kind: str) -> None:
        if key in target:
            raise ValueError(f"duplicate {kind}: {key}")
        target[key] = value

    def add_properties(self, properties: Iterable[Property]) -> None:
        for item in properties:
            self._put(self._store.properties, item.uprn, item, "property")

    def add_residents(self, residents: Iterable[Resident]) -> None:
        for item in residents:
            self._store.property(item.uprn)
            self._put(self._store.residents, item.resident_id, item, "resident")

    def add_rounds(self, rounds: Iterable[Round]) -> None:
        for item in rounds:
            self._put(self._store.rounds, item.round_id, item, "round")

    def add_bin_services(self, services: Iterable[BinService]) -> None:
        for item in services:
            self._store.property(item.uprn)
            if item.round_id not in self._store.rounds:
                raise NotFound("round", item.round_id)
            by_type = self._store.services.setdefault(item.uprn, {})
            self._put(by_type, item.bin_type, item, f"bin service at {item.uprn}")

    def add_bank_holidays(self, holidays: Iterable[BankHoliday]) -> None:
        for item in holidays:  # national data: loading one twice replaces it
            self._store.holidays[item.day] = item

    def add_disruptions(self, disruptions: Iterable[Disruption]) -> None:
        for item in disruptions:
            self._put(self._store.disruptions, item.disruption_id, item, "disruption")

    def set_round_statuses(self, statuses: Iterable[RoundStatus]) -> None:
        for item in statuses:
            self._store.round_statuses[(item.round_id, item.day)] = item

    def add_crew_logs(self, entries: Iterable[CrewLogEntry]) -> None:
        for item in entries:
            normalised = replace(item, logged_at=calendar.london(item.logged_at))
            self._store.crew_logs.setdefault((item.uprn, item.day), []).append(normalised)

    def add_cases(self, cases: Iterable[Case]) -> None:
        for item in cases:
            self._put(self._store.cases, item.reference, item, "case")
            if item.idempotency_key:
                self._put(self._store.case_keys, item.idempotency_key, item.reference, "case key")
            number = int(item.reference.removeprefix("BDC-"))
            self._store.last_case_number = max(self._store.last_case_number, number)

    def add_council_tax_accounts(self, records: Iterable[CouncilTaxRecord]) -> None:
        for record in records:
            account = record.account
            self._put(self._store.council_tax, account.reference, account, "council tax account")
            ordered = sorted(record.payments, key=lambda p: p.paid_on)
            self._store.council_tax_payments[account.reference] = ordered

    def add_tenancies(self, records: Iterable[TenancyRecord]) -> None:
        for record in records:
            account = record.account
            self._put(self._store.tenancies, account.tenancy_reference, account, "tenancy")
            self._store.rent_transactions[account.tenancy_reference] = list(record.transactions)

    def add_planning_applications(self, applications: Iterable[PlanningApplication]) -> None:
        for item in applications:
            self._put(self._store.planning, item.reference, item, "planning application")

    def set_bulky_catalogue(
        self, item_types: Iterable[BulkyItemType], price_list: BulkyPriceList
    ) -> None:
        self._store.item_types = {item.code: item for item in item_types}
        self._store.price_list = price_list

    def add_bulky_slots(self, slots: Iterable[BulkySlot]) -> None:
        for item in slots:
            self._put(self._store.slots, item.slot_id, item, "bulky slot")

    def add_bulky_bookings(self, bookings: Iterable[BulkyBooking]) -> None:
        for item in bookings:
            self._put(self._store.bookings, item.reference, item, "bulky booking")
            self._put(self._store.booking_keys, item.idempotency_key, item.reference, "key")
            number = int(item.reference.removeprefix("BW-"))
            self._store.last_booking_number = max(self._store.last_booking_number, number)


def fake_backoffice(store: MemoryStore | None = None) -> BackOffice:
    """Fakes sharing one store (a fresh, empty one unless given)."""
    shared = store or MemoryStore()
    return BackOffice(
        properties=MemoryProperties(shared),
        waste=MemoryWasteRounds(shared),
        cases=MemoryCases(shared),
        council_tax=MemoryCouncilTax(shared),
        rents=MemoryRents(shared),
        planning=MemoryPlanning(shared),
        bulky=MemoryBulkyWaste(shared),
    )


def fake_with_loader() -> tuple[BackOffice, MemoryLoader]:
    store = MemoryStore()
    return fake_backoffice(store), MemoryLoader(store)
