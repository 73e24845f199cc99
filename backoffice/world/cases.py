"""A few hundred CRM cases over the last 90 days, in every status.

Older cases are mostly resolved or closed, recent ones mostly open; each
status is reached through the legal workflow (``casework.TRANSITIONS``) with
increasing timestamps in office hours. References are numbered in creation
order so that the fixed demo case lands on BDC-104233.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from backoffice import calendar, casework
from backoffice.values import (
    BankHoliday,
    BinService,
    BinType,
    Case,
    CaseStatus,
    CaseType,
    StatusChange,
)
from backoffice.world.places import Household

DEMO_CASE = "BDC-104233"

_PATHS = {
    CaseStatus.RECEIVED: (CaseStatus.RECEIVED,),
    CaseStatus.IN_PROGRESS: (CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS),
    CaseStatus.AWAITING_RESIDENT: (
        CaseStatus.RECEIVED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.AWAITING_RESIDENT,
    ),
    CaseStatus.RESOLVED: (CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED),
    CaseStatus.CLOSED: (
        CaseStatus.RECEIVED,
        CaseStatus.IN_PROGRESS,
        CaseStatus.RESOLVED,
        CaseStatus.CLOSED,
    ),
    CaseStatus.CANCELLED: (CaseStatus.RECEIVED, CaseStatus.CANCELLED),
}
_NOTES = {
    CaseStatus.RECEIVED: "case opened",
    CaseStatus.IN_PROGRESS: "assigned to the team",
    CaseStatus.AWAITING_RESIDENT: "asked the resident for more detail",
    CaseStatus.RESOLVED: "work completed",
    CaseStatus.CLOSED: "closed after 5 days with no reply",
    CaseStatus.CANCELLED: "cancelled at the resident's request",
}
_SUMMARIES = {
    CaseType.MISSED_BIN: ("Missed {bin} on {day}",),
    CaseType.BULKY_WASTE: (
        "Bulky waste: items left after collection",
        "Bulky waste: change of items",
    ),
    CaseType.FLY_TIPPING: (
        "Fly-tipped mattress on the verge",
        "Bags of rubbish dumped by the recycling bank",
        "Builder's waste dumped in the lay-by",
        "Fridge left on the pavement",
    ),
    CaseType.REPAIR: (
        "Leaking kitchen tap",
        "Front door lock sticking",
        "Damp and mould in the bedroom",
        "Boiler not heating water",
        "Broken extractor fan in the bathroom",
    ),
    CaseType.GENERAL_ENQUIRY: (
        "Question about a council tax bill",
        "Request for a replacement recycling bin",
        "Asking how to register to vote",
        "Asking about assisted bin collections",
    ),
    CaseType.COMPLAINT: (
        "Complaint: bins repeatedly left unemptied",
        "Complaint: no reply to an earlier enquiry",
        "Complaint: crew left rubbish in the street",
    ),
}
_TYPE_WEIGHTS = {
    CaseType.MISSED_BIN: 35,
    CaseType.BULKY_WASTE: 8,
    CaseType.FLY_TIPPING: 15,
    CaseType.REPAIR: 15,
    CaseType.GENERAL_ENQUIRY: 17,
    CaseType.COMPLAINT: 10,
}
_CHANNELS = ("bot", "web", "phone", "advisor", "phone")
_STAFF = ("M. Ode", "J. Ames", "S. Patel", "L. Shaw", "K. Novak")


def _office_time(rng: random.Random, day: date) -> datetime:
    return calendar.at_london(day, time(rng.randint(8, 17), rng.randint(0, 59)))


def _status_for_age(rng: random.Random, age_days: int) -> CaseStatus:
    if age_days <= 3:
        weights = (50, 35, 5, 5, 0, 5)
    elif age_days <= 20:
        weights = (10, 35, 15, 25, 10, 5)
    else:
        weights = (2, 10, 8, 20, 55, 5)
    return rng.choices(list(_PATHS), weights=weights)[0]


def _case(
    rng: random.Random,
    home: Household,
    case_type: CaseType,
    status: CaseStatus,
    created_at: datetime,
    today: date,
    holidays: Sequence[BankHoliday],
    *,
    summary: str,
    bin_type: BinType | None = None,
    service_date: date | None = None,
    idempotency_key: str | None = None,
) -> Case:
    history = [StatusChange(CaseStatus.RECEIVED, created_at, _NOTES[CaseStatus.RECEIVED], "bot")]
    moment = created_at
    latest = max(calendar.at_london(today, time(8, 0)), created_at)
    for step in _PATHS[status][1:]:
        moment = min(moment + timedelta(hours=rng.randint(2, 72)), latest)
        history.append(StatusChange(step, moment, _NOTES[step], rng.choice(_STAFF)))
    resident = home.residents[0] if home.residents else None
    return Case(
        reference="",  # numbered once every case is made
        case_type=case_type,
        status=status,
        summary=summary,
        description=f"Reported for {home.property.single_line}.",
        owning_team=casework.OWNING_TEAMS[case_type],
        created_at=created_at,
        target_date=casework.target_date(
            case_type, created_at, holidays, service_date=service_date
        ),
        history=tuple(history),
        uprn=home.property.uprn,
        resident_id=resident.resident_id if resident else None,
        idempotency_key=idempotency_key,
        bin_type=bin_type,
        service_date=service_date,
        channel=rng.choice(_CHANNELS),
    )


def build_cases(
    rng: random.Random,
    households: Sequence[Household],
    today: date,
    holidays: Sequence[BankHoliday],
    *,
    services: Sequence[BinService],
    tenanted: set[str],
    count: int = 320,
) -> tuple[Case, ...]:
    everyone = households
    cases: list[Case] = []
    missed_keys: set[str] = set()
    # The demo streets keep only their scripted case, so their identities stay predictable.
    households = [h for h in households if h.sector not in ("BF3 2", "BF1 3")] or households
    tenants = [h for h in households if h.property.uprn in tenanted]
    by_uprn: dict[str, list[BinService]] = defaultdict(list)
    for service in services:
        by_uprn[service.uprn].append(service)
    for _ in range(count):
        case_type = rng.choices(list(_TYPE_WEIGHTS), weights=list(_TYPE_WEIGHTS.values()))[0]
        home = rng.choice(tenants if case_type is CaseType.REPAIR else households)
        age = min(int(rng.expovariate(1 / 25)), 90)
        day = today - timedelta(days=age)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        created_at = _office_time(rng, day)
        if created_at > calendar.at_london(today, time(8, 0)):
            created_at = calendar.at_london(today, time(8, 0))
        status = _status_for_age(rng, (today - day).days)
        template = rng.choice(_SUMMARIES[case_type])
        if case_type is CaseType.MISSED_BIN:
            recent = calendar.collections_between(
                by_uprn[home.property.uprn], holidays, start=day - timedelta(days=7), end=day
            )
            if not recent:
                continue
            missed = rng.choice(recent)
            key = casework.missed_bin_key(home.property.uprn, missed.bin_type, missed.day)
            if key in missed_keys:
                continue
            missed_keys.add(key)
            on = f"{missed.day:%A} {missed.day.day} {missed.day:%B}"
            summary = template.format(bin=missed.bin_type.label, day=on)
            cases.append(
                _case(
                    rng,
                    home,
                    case_type,
                    status,
                    created_at,
                    today,
                    holidays,
                    summary=summary,
                    bin_type=missed.bin_type,
                    service_date=missed.day,
                    idempotency_key=key,
                )
            )
        else:
            cases.append(
                _case(rng, home, case_type, status, created_at, today, holidays, summary=template)
            )
    cases.append(_demo_case(everyone, today, holidays))
    cases.extend(_street_cases(everyone, today, holidays))
    cases.sort(key=lambda c: (c.created_at, c.uprn or ""))
    first = int(DEMO_CASE[4:]) - next(i for i, c in enumerate(cases) if c.summary == _DEMO_SUMMARY)
    numbered = []
    for offset, case in enumerate(cases):
        reference = f"BDC-{first + offset:06d}"
        key = case.idempotency_key or f"{case.channel}:{reference}"
        numbered.append(replace(case, reference=reference, idempotency_key=key))
    return tuple(numbered)


_DEMO_SUMMARY = "Fly-tipped sofa and bags behind the Foxglove Lane garages"


def _demo_case(
    households: Sequence[Household], today: date, holidays: Sequence[BankHoliday]
) -> Case:
    """BDC-104233: Ann Whitlock's fly-tipping report, in progress, from 3 days ago."""
    home = next(h for h in households if h.property.address_lines == ("14 Foxglove Lane",))
    created = today - timedelta(days=3)
    created_at = calendar.at_london(created, time(8, 47))
    assigned = calendar.at_london(created + timedelta(days=1), time(9, 30))
    return Case(
        reference="",
        case_type=CaseType.FLY_TIPPING,
        status=CaseStatus.IN_PROGRESS,
        summary=_DEMO_SUMMARY,
        description="Reported with a photo through the online assistant.",
        owning_team=casework.OWNING_TEAMS[CaseType.FLY_TIPPING],
        created_at=created_at,
        target_date=casework.target_date(CaseType.FLY_TIPPING, created_at, holidays),
        history=(
            StatusChange(CaseStatus.RECEIVED, created_at, _NOTES[CaseStatus.RECEIVED], "bot"),
            StatusChange(CaseStatus.IN_PROGRESS, assigned, "clearance crew booked", "J. Ames"),
        ),
        uprn=home.property.uprn,
        resident_id=home.residents[0].resident_id,
        channel="bot",
    )


# Street problems reported since the report form arrived: one of each kind, older than
# every generated case, so they sort first and no other case's reference moves.
_STREET_REPORTS = (
    (CaseType.GRAFFITI, "Graffiti on the bus shelter", "Foxglove Lane, by the bus shelter"),
    (CaseType.DOG_FOULING, "Dog fouling on the footpath", "Campion Close, footpath to the park"),
    (CaseType.ABANDONED_VEHICLE, "Car with no tax left for weeks", "Foxglove Lane garages"),
    (CaseType.STREET_LIGHTING, "Street light out", "Campion Close, outside number 3"),
)


def _street_cases(
    households: Sequence[Household], today: date, holidays: Sequence[BankHoliday]
) -> list[Case]:
    """Resolved street reports from about 100 days ago (a place, not a property)."""
    cases = []
    for index, (case_type, summary, location) in enumerate(_STREET_REPORTS):
        day = today - timedelta(days=100 + index)
        created_at = calendar.at_london(day, time(10, 15))
        steps = _PATHS[CaseStatus.RESOLVED]
        history = tuple(
            StatusChange(step, created_at + timedelta(days=offset), _NOTES[step], who)
            for offset, (step, who) in enumerate(
                zip(steps, ("web", "J. Ames", "J. Ames"), strict=True)
            )
        )
        cases.append(
            Case(
                reference="",
                case_type=case_type,
                status=CaseStatus.RESOLVED,
                summary=summary,
                description="Reported on the website's report-a-problem form.",
                owning_team=casework.OWNING_TEAMS[case_type],
                created_at=created_at,
                target_date=casework.target_date(case_type, created_at, holidays),
                history=history,
                location=location,
                channel="web",
            )
        )
    return cases
