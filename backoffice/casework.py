"""Case rules shared by every Cases adapter: workflow, owning teams, target dates.

Workflow (an illegal move raises IllegalTransition)::

    received ──> in_progress <──> awaiting_resident
       │              │                  │
       │              v                  │
       │          resolved ──> closed    │
       │              │ (reopen)         │
       │              └──> in_progress   │
       └──────────────┴───> cancelled <──┘   (any open case)

Target dates count working days (calendar.add_working_days) from the day the
case is created, London time: a missed bin is collected within 2 working days,
fly-tipping cleared within 3, and so on (TARGET_WORKING_DAYS).

The problems residents report from the street (issue #16) are ``PROBLEM_TYPES``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from backoffice.calendar import add_working_days, london
from backoffice.exceptions import IllegalTransition
from backoffice.values import BankHoliday, BinType, CaseStatus, CaseType

TRANSITIONS: dict[CaseStatus, frozenset[CaseStatus]] = {
    CaseStatus.RECEIVED: frozenset(
        {CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED, CaseStatus.CANCELLED}
    ),
    CaseStatus.IN_PROGRESS: frozenset(
        {CaseStatus.AWAITING_RESIDENT, CaseStatus.RESOLVED, CaseStatus.CANCELLED}
    ),
    CaseStatus.AWAITING_RESIDENT: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.CANCELLED}),
    CaseStatus.RESOLVED: frozenset({CaseStatus.CLOSED, CaseStatus.IN_PROGRESS}),
    CaseStatus.CLOSED: frozenset(),
    CaseStatus.CANCELLED: frozenset(),
}

OWNING_TEAMS: dict[CaseType, str] = {
    CaseType.MISSED_BIN: "Waste Services",
    CaseType.BULKY_WASTE: "Waste Services",
    CaseType.FLY_TIPPING: "Environmental Enforcement",
    CaseType.GRAFFITI: "Street Cleansing",
    CaseType.DOG_FOULING: "Environmental Enforcement",
    CaseType.ABANDONED_VEHICLE: "Environmental Enforcement",
    CaseType.STREET_LIGHTING: "Street Lighting",
    CaseType.REPAIR: "Housing Repairs",
    CaseType.GENERAL_ENQUIRY: "Customer Services",
    CaseType.COMPLAINT: "Complaints and Feedback",
}

TARGET_WORKING_DAYS: dict[CaseType, int] = {
    CaseType.MISSED_BIN: 2,
    CaseType.BULKY_WASTE: 10,
    CaseType.FLY_TIPPING: 3,
    CaseType.GRAFFITI: 5,  # offensive graffiti is cleaned sooner, by the team's own rule
    CaseType.DOG_FOULING: 3,
    CaseType.ABANDONED_VEHICLE: 10,  # checks, a notice on the vehicle, then removal
    CaseType.STREET_LIGHTING: 5,
    CaseType.REPAIR: 20,
    CaseType.GENERAL_ENQUIRY: 10,
    CaseType.COMPLAINT: 10,  # stage 1 complaint response
}


PROBLEM_TYPES: tuple[CaseType, ...] = (
    CaseType.FLY_TIPPING,
    CaseType.GRAFFITI,
    CaseType.DOG_FOULING,
    CaseType.ABANDONED_VEHICLE,
    CaseType.STREET_LIGHTING,
)


def check_transition(reference: str, current: CaseStatus, requested: CaseStatus) -> None:
    if requested not in TRANSITIONS[current]:
        raise IllegalTransition(reference, current.value, requested.value)


def target_date(
    case_type: CaseType,
    created_at: datetime,
    holidays: Iterable[BankHoliday],
    *,
    service_date: date | None = None,
) -> date:
    """When the council aims to finish. A bulky-waste case is due on its
    collection day when one is booked."""
    if case_type is CaseType.BULKY_WASTE and service_date is not None:
        return service_date
    return add_working_days(london(created_at).date(), TARGET_WORKING_DAYS[case_type], holidays)


def missed_bin_key(uprn: str, bin_type: BinType, day: date) -> str:
    """The idempotency key of a missed-bin report: one case per property, bin and
    collection day, however many times it is reported and by whom."""
    return f"missed-bin:{uprn}:{bin_type.value}:{day.isoformat()}"
