"""Value types returned by the back-office ports.

Every type is a frozen dataclass built from plain Python values, never an ORM
object, so any adapter (the demo database, the in-memory fake, a council's own
CRM client) can produce them. Conventions:

- money is integer pence (``*_pence``); a positive account balance is owed to the
  council, a negative one is in credit;
- calendar days are ``date``; moments are timezone-aware ``datetime`` in
  Europe/London (``LONDON``); adapters convert on the way out;
- identifiers are strings in the canonical forms of ``references``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from frontdoor.clock import LONDON as LONDON  # the council's zone, re-exported for adapters


class BinType(StrEnum):
    REFUSE = "refuse"
    RECYCLING = "recycling"
    GARDEN = "garden"
    FOOD = "food"

    @property
    def label(self) -> str:
        return _BIN_LABELS[self]


_BIN_LABELS = {
    BinType.REFUSE: "black rubbish bin",
    BinType.RECYCLING: "blue recycling bin",
    BinType.GARDEN: "green garden waste bin",
    BinType.FOOD: "food caddy",
}


class Frequency(StrEnum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"


class CrewOutcome(StrEnum):
    """What the crew logged on the in-cab tablet at one address for one bin."""

    COLLECTED = "collected"
    NOT_PRESENTED = "not_presented"
    BLOCKED_ACCESS = "blocked_access"
    CONTAMINATED = "contaminated"


class RoundState(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class CaseType(StrEnum):
    MISSED_BIN = "missed_bin"
    BULKY_WASTE = "bulky_waste"
    FLY_TIPPING = "fly_tipping"
    GRAFFITI = "graffiti"
    DOG_FOULING = "dog_fouling"
    ABANDONED_VEHICLE = "abandoned_vehicle"
    STREET_LIGHTING = "street_lighting"
    REPAIR = "repair"
    GENERAL_ENQUIRY = "general_enquiry"
    COMPLAINT = "complaint"


class CaseStatus(StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    AWAITING_RESIDENT = "awaiting_resident"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self in {CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS, CaseStatus.AWAITING_RESIDENT}


class CouncilTaxBand(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"
    G = "G"
    H = "H"


class RecoveryStage(StrEnum):
    NONE = "none"
    REMINDER = "reminder"
    FINAL_NOTICE = "final_notice"
    SUMMONS = "summons"


class PaymentMethod(StrEnum):
    DIRECT_DEBIT = "direct_debit"
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    STANDING_ORDER = "standing_order"
    HOUSING_BENEFIT = "housing_benefit"
    CASH = "cash"


class RentTransactionKind(StrEnum):
    CHARGE = "charge"
    PAYMENT = "payment"
    HOUSING_BENEFIT = "housing_benefit"
    ADJUSTMENT = "adjustment"


class PlanningStatus(StrEnum):
    RECEIVED = "received"  # not yet validated
    UNDER_CONSIDERATION = "under_consideration"  # validated, consultation and assessment
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"
    APPEAL = "appeal"  # decided, and the applicant has appealed


class PlanningDecision(StrEnum):
    GRANTED = "granted"
    GRANTED_WITH_CONDITIONS = "granted_with_conditions"
    REFUSED = "refused"


class BookingStatus(StrEnum):
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    COLLECTED = "collected"


class HoldStatus(StrEnum):
    """A place held while the resident pays: it becomes a booking or is given back."""

    HELD = "held"
    BOOKED = "booked"
    RELEASED = "released"  # payment failed, cancelled, or the hold expired


# --- properties and people -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Property:
    uprn: str
    address_lines: tuple[str, ...]  # e.g. ("Flat 2", "14 Foxglove Lane")
    town: str
    postcode: str  # canonical, "BF3 2QX"
    ward: str

    @property
    def single_line(self) -> str:
        return ", ".join((*self.address_lines, self.town, self.postcode))


@dataclass(frozen=True, slots=True)
class Resident:
    resident_id: str
    uprn: str
    forename: str
    surname: str
    email: str | None = None
    phone: str | None = None

    @property
    def full_name(self) -> str:
        return f"{self.forename} {self.surname}"


@dataclass(frozen=True, slots=True)
class AccountHolder:
    """A named person on a council tax account or a tenancy."""

    resident_id: str
    forename: str
    surname: str


# --- waste ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Round:
    round_id: str  # "MON-A"
    name: str  # "Monday round A"
    weekday: int  # 0 = Monday
    bin_types: tuple[BinType, ...]


@dataclass(frozen=True, slots=True)
class BinService:
    """One bin at one property: its round, usual weekday and fortnightly week."""

    uprn: str
    bin_type: BinType
    round_id: str
    weekday: int  # 0 = Monday .. 4 = Friday
    frequency: Frequency
    week_parity: int = 0  # fortnightly: collected when calendar.week_index(day) % 2 == parity


@dataclass(frozen=True, slots=True)
class BankHoliday:
    day: date
    name: str


@dataclass(frozen=True, slots=True)
class Collection:
    """A scheduled collection, after bank-holiday shifts."""

    uprn: str
    bin_type: BinType
    round_id: str
    day: date
    usual_day: date
    reason: str | None = None  # why it moved, e.g. "Easter Monday"

    @property
    def shifted(self) -> bool:
        return self.day != self.usual_day


@dataclass(frozen=True, slots=True)
class Disruption:
    disruption_id: str
    title: str
    description: str
    areas: tuple[str, ...]  # postcode districts ("BF3") or sectors ("BF3 2")
    starts_on: date
    ends_on: date
    bin_types: tuple[BinType, ...] = ()  # empty: every bin
    catch_up_day: date | None = None


@dataclass(frozen=True, slots=True)
class RoundStatus:
    round_id: str
    day: date
    state: RoundState
    started_at: datetime | None = None
    completed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CrewLogEntry:
    uprn: str
    day: date
    bin_type: BinType
    round_id: str
    outcome: CrewOutcome
    logged_at: datetime
    note: str = ""


# --- cases -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StatusChange:
    status: CaseStatus
    at: datetime
    note: str = ""
    by: str = "system"


@dataclass(frozen=True, slots=True, kw_only=True)
class NewCase:
    """What a caller supplies to open a case; the system assigns the rest."""

    case_type: CaseType
    summary: str
    idempotency_key: str
    uprn: str | None = None
    resident_id: str | None = None
    description: str = ""
    bin_type: BinType | None = None
    service_date: date | None = None  # the missed collection, the bulky collection day
    channel: str = "bot"  # bot, advisor, web, phone
    # Where a reported problem is (issue #16): words ("by the bench on Mill Lane"),
    # and the point when the resident shared it; the id the council's own system
    # (Open311) gave the request, when it was sent there.
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    external_reference: str | None = None


@dataclass(frozen=True, slots=True)
class Case:
    reference: str
    case_type: CaseType
    status: CaseStatus
    summary: str
    description: str
    owning_team: str
    created_at: datetime
    target_date: date
    history: tuple[StatusChange, ...]  # oldest first; the last is the current status
    uprn: str | None = None
    resident_id: str | None = None
    idempotency_key: str | None = None
    bin_type: BinType | None = None
    service_date: date | None = None
    channel: str = "bot"
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    external_reference: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status.is_open


@dataclass(frozen=True, slots=True)
class CaseReceipt:
    case: Case
    created: bool  # False: the idempotency key matched an existing case


# --- council tax and rents --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Instalment:
    due_on: date
    amount_pence: int


@dataclass(frozen=True, slots=True)
class Payment:
    paid_on: date
    amount_pence: int
    method: PaymentMethod


@dataclass(frozen=True, slots=True)
class CouncilTaxAccount:
    reference: str
    uprn: str
    holders: tuple[AccountHolder, ...]
    band: CouncilTaxBand
    financial_year: str  # "2026/27"
    annual_charge_pence: int
    balance_pence: int
    payment_method: PaymentMethod
    recovery_stage: RecoveryStage
    next_instalment: Instalment | None
    instalments_remaining: int
    receives_support: bool  # council tax support (the means-tested reduction)
    discounts: tuple[str, ...] = ()  # e.g. ("single person discount",)


@dataclass(frozen=True, slots=True)
class RentAccount:
    tenancy_reference: str
    uprn: str
    tenants: tuple[AccountHolder, ...]
    tenancy_start: date
    weekly_rent_pence: int
    balance_pence: int  # positive: arrears
    payment_method: PaymentMethod

    @property
    def in_arrears(self) -> bool:
        return self.balance_pence > 0


@dataclass(frozen=True, slots=True)
class RentTransaction:
    posted_on: date
    kind: RentTransactionKind
    amount_pence: int  # charges positive, payments and credits negative
    balance_after_pence: int
    description: str


# --- planning ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanningApplication:
    reference: str
    application_type: str  # the reference suffix: FUL, HOU, OUT, ...
    site_address: str
    postcode: str
    description: str
    status: PlanningStatus
    received_on: date
    validated_on: date | None
    target_decision_on: date | None
    decision: PlanningDecision | None
    decided_on: date | None
    case_officer: str
    ward: str
    uprn: str | None = None


# --- bulky waste ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BulkyItemType:
    code: str  # "sofa"
    name: str  # "Sofa or settee"
    counts_as: int = 1  # items it uses up towards the booking limit


@dataclass(frozen=True, slots=True)
class BulkyPriceList:
    base_pence: int  # the price for up to base_items
    base_items: int
    extra_item_pence: int
    max_items: int
    concession_percent: int  # discount for eligible residents, 50 = half price


@dataclass(frozen=True, slots=True)
class Concession:
    reason: str  # "council tax support"
    discount_percent: int


@dataclass(frozen=True, slots=True)
class BulkyLine:
    code: str
    name: str
    quantity: int


@dataclass(frozen=True, slots=True)
class BulkyQuote:
    lines: tuple[BulkyLine, ...]
    item_count: int  # after counts_as
    full_price_pence: int
    price_pence: int  # after any concession
    concession: Concession | None = None


@dataclass(frozen=True, slots=True)
class BulkySlot:
    slot_id: str
    day: date
    area: str  # postcode district served, "BF3"
    capacity: int
    booked: int

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked, 0)


@dataclass(frozen=True, slots=True)
class BulkyBooking:
    reference: str
    uprn: str
    resident_id: str | None
    slot_id: str
    collection_day: date
    lines: tuple[BulkyLine, ...]
    price_pence: int
    status: BookingStatus
    booked_at: datetime
    idempotency_key: str
    concession: Concession | None = None
    payment_reference: str | None = None
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class BulkyHold:
    """One place in a slot, taken while the resident pays (issue #16).

    The place counts against the slot's capacity from the moment it is held,
    so nobody else can take it mid-payment; ``expires_at`` is when it may be
    given back if the payment has not succeeded by then.
    """

    hold_id: str
    uprn: str
    resident_id: str | None
    slot_id: str
    collection_day: date
    lines: tuple[BulkyLine, ...]
    price_pence: int
    status: HoldStatus
    held_at: datetime
    expires_at: datetime
    idempotency_key: str
    concession: Concession | None = None
    booking_reference: str | None = None
