"""The back office behind Frontdoor, as one abstract interface per council system.

A council runs separate line-of-business systems; Frontdoor reaches each through a
port defined here:

=================  ==================================================================
``Properties``     the address gazetteer (UPRNs) and the residents at each address
``WasteRounds``    bin services, collection calendar, disruptions, round progress,
                   crew logs
``Cases``          the CRM: cases with status history, idempotent creation
``CouncilTax``     revenues: accounts, instalments, payments, recovery stage
``Rents``          housing: tenancies, rent, transactions
``Planning``       planning applications, by reference or by address/postcode
``BulkyWaste``     bulky items, prices and concessions, slots and bookings
=================  ==================================================================

``BackOffice`` bundles one of each. Build it with
``backoffice.demo_backoffice(engine)`` (the demo database) or
``backoffice.fake_backoffice()`` (in memory, for unit tests).

Rules every adapter follows (the contract suite in
``tests/contract/test_backoffice_contract.py`` checks them):

- methods return the frozen value types of ``backoffice.values`` (all
  re-exported here), never ORM or HTTP objects;
- references are normalised with ``backoffice.references`` first: a malformed
  one raises ``InvalidReference``; a well-formed one that matches nothing raises
  ``NotFound``; lookups that *search* return an empty list instead;
- money is integer pence; moments are aware datetimes in Europe/London;
- writes take keyword arguments and an idempotency key where a resident could
  press the button twice; repeating a write with the same key returns the first
  result and changes nothing;
- failures of the underlying system become ``BackOfficeUnavailable``.

Errors are listed in ``backoffice.exceptions``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from backoffice.values import (
    LONDON,
    AccountHolder,
    BankHoliday,
    BinService,
    BinType,
    BookingStatus,
    BulkyBooking,
    BulkyHold,
    BulkyItemType,
    BulkyLine,
    BulkyPriceList,
    BulkyQuote,
    BulkySlot,
    Case,
    CaseReceipt,
    CaseStatus,
    CaseType,
    Collection,
    Concession,
    CouncilTaxAccount,
    CouncilTaxBand,
    CrewLogEntry,
    CrewOutcome,
    Disruption,
    Frequency,
    HoldStatus,
    Instalment,
    NewCase,
    Payment,
    PaymentMethod,
    PlanningApplication,
    PlanningDecision,
    PlanningStatus,
    Property,
    RecoveryStage,
    RentAccount,
    RentTransaction,
    RentTransactionKind,
    Resident,
    Round,
    RoundState,
    RoundStatus,
    StatusChange,
)

__all__ = [
    "LONDON",
    "AccountHolder",
    "BackOffice",
    "BankHoliday",
    "BinService",
    "BinType",
    "BookingStatus",
    "BulkyBooking",
    "BulkyHold",
    "BulkyItemType",
    "BulkyLine",
    "BulkyPriceList",
    "BulkyQuote",
    "BulkySlot",
    "BulkyWaste",
    "Case",
    "CaseReceipt",
    "CaseStatus",
    "CaseType",
    "Cases",
    "Collection",
    "Concession",
    "CouncilTax",
    "CouncilTaxAccount",
    "CouncilTaxBand",
    "CrewLogEntry",
    "CrewOutcome",
    "Disruption",
    "Frequency",
    "HoldStatus",
    "Instalment",
    "NewCase",
    "Payment",
    "PaymentMethod",
    "Planning",
    "PlanningApplication",
    "PlanningDecision",
    "PlanningStatus",
    "Properties",
    "Property",
    "RecoveryStage",
    "RentAccount",
    "RentTransaction",
    "RentTransactionKind",
    "Rents",
    "Resident",
    "Round",
    "RoundState",
    "RoundStatus",
    "StatusChange",
    "WasteRounds",
]


class Properties(ABC):
    """The address gazetteer and who lives where."""

    @abstractmethod
    def get_property(self, uprn: str) -> Property:
        """The property with this UPRN. Raises InvalidReference, NotFound."""

    @abstractmethod
    def find_by_postcode(self, postcode: str) -> list[Property]:
        """Every property at a full postcode, in address order (house number, then
        flat); [] when none. Raises InvalidReference for a malformed postcode."""

    @abstractmethod
    def search_addresses(self, text: str, *, limit: int = 20) -> list[Property]:
        """Properties whose address (lines, town or postcode) contains every word
        of ``text``, case ignored: a street ("Foxglove Lane"), a house and street,
        or a postcode ("BF3 2QX" as one word or two); in address order, at most
        ``limit``. Raises InvalidRequest when ``text`` has no word of two or more
        characters (a search that would list the whole district)."""

    @abstractmethod
    def residents_at(self, uprn: str) -> list[Resident]:
        """Residents registered at a property, by surname then forename.
        Raises NotFound for an unknown UPRN."""

    @abstractmethod
    def get_resident(self, resident_id: str) -> Resident:
        """Raises NotFound."""

    def match_resident(self, uprn: str, surname: str) -> Resident | None:
        """The resident at ``uprn`` with this surname (case and spacing ignored), or
        None. One identity fact; callers combine it with another before showing
        personal data."""
        wanted = _fold(surname)
        for resident in self.residents_at(uprn):
            if _fold(resident.surname) == wanted:
                return resident
        return None


class WasteRounds(ABC):
    """Bin services, the collection calendar and what crews did today."""

    @abstractmethod
    def get_round(self, round_id: str) -> Round:
        """Raises NotFound."""

    @abstractmethod
    def services(self, uprn: str) -> list[BinService]:
        """The bins a property has (garden only with a subscription), in BinType
        order. Raises InvalidReference, NotFound."""

    @abstractmethod
    def collections(self, uprn: str, *, start: date, end: date) -> list[Collection]:
        """Collections falling on days start..end inclusive, bank-holiday shifts
        applied (a collection whose usual day is just before ``start`` but moved
        into the range is included), ordered by day then BinType order.
        Raises NotFound."""

    @abstractmethod
    def bank_holidays(self, *, start: date, end: date) -> list[BankHoliday]:
        """England and Wales bank holidays in start..end inclusive."""

    @abstractmethod
    def disruptions(self, *, on: date, postcode: str | None = None) -> list[Disruption]:
        """Disruptions in force on a day, optionally only those covering a
        postcode, ordered by start date."""

    @abstractmethod
    def round_status(self, round_id: str, day: date) -> RoundStatus:
        """Progress of a round on a day: NOT_STARTED (no times) until the crew
        starts. Raises NotFound for an unknown round."""

    @abstractmethod
    def crew_logs(self, uprn: str, day: date) -> list[CrewLogEntry]:
        """What crews logged at a property on a day, oldest first."""

    def next_collections(self, uprn: str, *, on_or_after: date) -> list[Collection]:
        """The next collection of each bin the property has, by day."""
        found: dict[BinType, Collection] = {}
        for collection in self.collections(
            uprn, start=on_or_after, end=on_or_after + timedelta(days=27)
        ):
            found.setdefault(collection.bin_type, collection)
        return sorted(found.values(), key=lambda c: (c.day, list(BinType).index(c.bin_type)))


class Cases(ABC):
    """The CRM. Cases are never deleted; their status history only grows."""

    @abstractmethod
    def create_case(self, new: NewCase, *, now: datetime) -> CaseReceipt:
        """Open a case, or return the case already opened with the same
        ``idempotency_key`` (``created=False``; nothing else changes, even under
        concurrent calls). The system assigns the reference (BDC-nnnnnn), the
        owning team and the target date (working days from ``now`` by case type).
        Raises NotFound for an unknown UPRN or resident."""

    @abstractmethod
    def get_case(self, reference: str) -> Case:
        """Raises InvalidReference, NotFound."""

    @abstractmethod
    def find_by_idempotency_key(self, idempotency_key: str) -> Case | None: ...

    @abstractmethod
    def list_cases(
        self,
        *,
        uprn: str | None = None,
        resident_id: str | None = None,
        open_only: bool = False,
        limit: int = 50,
    ) -> list[Case]:
        """Cases for a property and/or a resident, newest first. At least one of
        uprn and resident_id is required (InvalidRequest otherwise)."""

    @abstractmethod
    def update_status(
        self, reference: str, *, status: CaseStatus, at: datetime, note: str = "", by: str
    ) -> Case:
        """Append a status change. Allowed moves: see ``casework.TRANSITIONS``;
        others raise IllegalTransition. Raises InvalidReference, NotFound."""


class CouncilTax(ABC):
    """The revenues system."""

    @abstractmethod
    def get_account(self, reference: str) -> CouncilTaxAccount:
        """Raises InvalidReference, NotFound."""

    @abstractmethod
    def accounts_for_property(self, uprn: str) -> list[CouncilTaxAccount]: ...

    @abstractmethod
    def accounts_for_resident(self, resident_id: str) -> list[CouncilTaxAccount]: ...

    @abstractmethod
    def payments(self, reference: str, *, limit: int = 12) -> list[Payment]:
        """Payments newest first. Raises InvalidReference, NotFound."""

    def last_payment(self, reference: str) -> Payment | None:
        """The most recent payment: an identity fact ("how much was your last
        payment?") as well as information."""
        recent = self.payments(reference, limit=1)
        return recent[0] if recent else None


class Rents(ABC):
    """The housing rents system."""

    @abstractmethod
    def get_account(self, tenancy_reference: str) -> RentAccount:
        """Raises InvalidReference, NotFound."""

    @abstractmethod
    def accounts_for_property(self, uprn: str) -> list[RentAccount]: ...

    @abstractmethod
    def accounts_for_resident(self, resident_id: str) -> list[RentAccount]: ...

    @abstractmethod
    def transactions(
        self, tenancy_reference: str, *, since: date | None = None, limit: int = 50
    ) -> list[RentTransaction]:
        """A statement, newest first (same-day entries: the later posting first).
        Raises InvalidReference, NotFound."""


class Planning(ABC):
    """The planning register (public information: no identity check needed)."""

    @abstractmethod
    def get_application(self, reference: str) -> PlanningApplication:
        """Raises InvalidReference, NotFound."""

    @abstractmethod
    def search(
        self, *, text: str | None = None, postcode: str | None = None, limit: int = 20
    ) -> list[PlanningApplication]:
        """Applications whose site address contains every word of ``text``
        (case-insensitive) and/or whose postcode is, or lies in, ``postcode`` (a
        full postcode, a district "BF3" or a sector "BF3 2"); newest received
        first. At least one criterion is required (InvalidRequest otherwise)."""


class BulkyWaste(ABC):
    """Bulky waste collections: what we take, what it costs, when we can come."""

    @abstractmethod
    def item_types(self) -> list[BulkyItemType]:
        """Collectable items, by name."""

    @abstractmethod
    def price_list(self) -> BulkyPriceList: ...

    @abstractmethod
    def concession_for(self, uprn: str, resident_id: str | None = None) -> Concession | None:
        """The concession ``resident_id`` is entitled to (half price when a council
        tax account they hold receives council tax support). Without a resident,
        None: whether a household gets support is personal data, so callers pass
        a resident only once that resident's identity is verified."""

    @abstractmethod
    def quote(
        self, *, uprn: str, items: Mapping[str, int], resident_id: str | None = None
    ) -> BulkyQuote:
        """Price a collection of ``items`` (item code -> quantity) with any
        concession. Raises InvalidRequest (unknown item, nothing to collect, more
        than max_items), NotFound."""

    @abstractmethod
    def available_slots(self, uprn: str, *, start: date, end: date) -> list[BulkySlot]:
        """Slots serving the property's postcode district with space left, by day."""

    @abstractmethod
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
        """Book a slot and return the booking (reference BW-nnnnnn). Never books
        beyond capacity, even when two residents take the last place at once.
        Repeating a key returns the first booking. Raises SlotFull,
        PaymentRequired (price above zero and no payment reference),
        InvalidRequest (slot not in the future, or not for this area), NotFound."""

    @abstractmethod
    def get_booking(self, reference: str) -> BulkyBooking:
        """Raises InvalidReference, NotFound."""

    @abstractmethod
    def bookings_for_property(self, uprn: str) -> list[BulkyBooking]:
        """Bookings newest collection day first."""

    @abstractmethod
    def cancel_booking(self, reference: str, *, now: datetime) -> BulkyBooking:
        """Cancel before the collection day and free the place; cancelling twice
        is harmless. Raises InvalidRequest on or after the collection day."""

    # --- a place held while the resident pays (issue #16) ---------------------

    @abstractmethod
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
        """Take one place in ``slot_id`` until ``expires_at`` (it counts against
        capacity at once), priced as :meth:`quote` prices it. Expired holds on
        the slot are given back first. Repeating a key returns the first hold.
        Raises SlotFull, InvalidRequest, NotFound."""

    @abstractmethod
    def get_hold(self, hold_id: str) -> BulkyHold:
        """Raises NotFound."""

    @abstractmethod
    def book_held(self, hold_id: str, *, payment_reference: str, now: datetime) -> BulkyBooking:
        """Turn a held place into a confirmed booking (the place is already
        counted, so this cannot overbook). Still held past its expiry counts as
        held: nobody else took the place. Repeating returns the same booking.
        Raises HoldReleased (the place was given back), NotFound."""

    @abstractmethod
    def release_hold(self, hold_id: str) -> BulkyHold:
        """Give a held place back; harmless on a released hold; a booked hold
        stays booked (cancel the booking instead). Raises NotFound."""

    @abstractmethod
    def release_expired_holds(self, *, now: datetime) -> list[str]:
        """Give back every place held past its expiry; returns their hold ids."""


@dataclass(frozen=True)
class BackOffice:
    """One adapter per back-office system: what the bot and the console receive."""

    properties: Properties
    waste: WasteRounds
    cases: Cases
    council_tax: CouncilTax
    rents: Rents
    planning: Planning
    bulky: BulkyWaste


def _fold(text: str) -> str:
    return " ".join(text.casefold().replace("\u2019", "'").split())
