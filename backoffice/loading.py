"""Loading reference and historic data into a back office: the test-data port.

The ports in ``ports`` are what Frontdoor needs in production; none of them
lets Frontdoor invent properties, rounds or payments. Tests and the demo still
need such data, so each adapter that can hold it also offers a
``BackOfficeLoader``. The demo seed (``seed.py``) builds a world of value
objects once and loads it through this interface, so the in-memory fake and the
demo database hold exactly the same Bramblefield.

A council proving its own adapter with the contract suite implements a loader
against its test environment (or a recorded fixture set).

Every method takes an iterable and may be called more than once; adapters
insert in bulk. Loading a duplicate key is a programming error and raises.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from backoffice.values import (
    BankHoliday,
    BinService,
    BulkyBooking,
    BulkyItemType,
    BulkyPriceList,
    BulkySlot,
    Case,
    CouncilTaxAccount,
    CrewLogEntry,
    Disruption,
    Payment,
    PlanningApplication,
    Property,
    RentAccount,
    RentTransaction,
    Resident,
    Round,
    RoundStatus,
)


@dataclass(frozen=True, slots=True)
class CouncilTaxRecord:
    account: CouncilTaxAccount
    payments: Sequence[Payment] = ()  # any order


@dataclass(frozen=True, slots=True)
class TenancyRecord:
    account: RentAccount
    transactions: Sequence[RentTransaction] = ()  # oldest first


class BackOfficeLoader(ABC):
    """Bulk-load value objects. Residents and accounts refer to properties,
    services to rounds: load properties and rounds first."""

    @abstractmethod
    def add_properties(self, properties: Iterable[Property]) -> None: ...

    @abstractmethod
    def add_residents(self, residents: Iterable[Resident]) -> None: ...

    @abstractmethod
    def add_rounds(self, rounds: Iterable[Round]) -> None: ...

    @abstractmethod
    def add_bin_services(self, services: Iterable[BinService]) -> None: ...

    @abstractmethod
    def add_bank_holidays(self, holidays: Iterable[BankHoliday]) -> None: ...

    @abstractmethod
    def add_disruptions(self, disruptions: Iterable[Disruption]) -> None: ...

    @abstractmethod
    def set_round_statuses(self, statuses: Iterable[RoundStatus]) -> None:
        """Insert or replace a round's progress on a day (a crew tablet update)."""

    @abstractmethod
    def add_crew_logs(self, entries: Iterable[CrewLogEntry]) -> None: ...

    @abstractmethod
    def add_cases(self, cases: Iterable[Case]) -> None:
        """Historic cases, kept as given (reference, history, target date); new
        references continue after the highest loaded one."""

    @abstractmethod
    def add_council_tax_accounts(self, records: Iterable[CouncilTaxRecord]) -> None: ...

    @abstractmethod
    def add_tenancies(self, records: Iterable[TenancyRecord]) -> None: ...

    @abstractmethod
    def add_planning_applications(self, applications: Iterable[PlanningApplication]) -> None: ...

    @abstractmethod
    def set_bulky_catalogue(
        self, item_types: Iterable[BulkyItemType], price_list: BulkyPriceList
    ) -> None: ...

    @abstractmethod
    def add_bulky_slots(self, slots: Iterable[BulkySlot]) -> None: ...

    @abstractmethod
    def add_bulky_bookings(self, bookings: Iterable[BulkyBooking]) -> None:
        """Historic bookings, kept as given; slot counts are *not* changed (load
        slots with their ``booked`` figure already including these)."""
