"""The planning register: two years of applications with status by age.

Householder and minor applications have an 8-week target, outline and major
full applications 13 weeks. An application is validated within about a week
of receipt, decided around its target, and 85% of decisions are approvals.
The fixed demo application 26/01234/FUL is under consideration.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta

from backoffice.values import PlanningApplication, PlanningDecision, PlanningStatus
from backoffice.world.names import CASE_OFFICERS
from backoffice.world.places import Household

DEMO_PLANNING = "26/01234/FUL"

_DESCRIPTIONS = {
    "HOU": (
        "Single storey rear extension",
        "Loft conversion with rear dormer",
        "Two storey side extension",
        "Replacement garage and new driveway",
        "Front porch",
    ),
    "FUL": (
        "Change of use from shop to cafe",
        "Erection of a detached dwelling in the rear garden",
        "Conversion of a house into two flats",
        "New shopfront and signage",
    ),
    "OUT": ("Outline application for up to 9 dwellings",),
    "LBC": ("Replacement of timber sash windows (listed building)",),
    "ADV": ("Illuminated fascia sign",),
    "TPO": ("Crown reduction of an oak protected by a tree preservation order",),
}
_TYPE_WEIGHTS = {"HOU": 55, "FUL": 20, "OUT": 5, "LBC": 7, "ADV": 6, "TPO": 7}


def _target_weeks(application_type: str) -> int:
    return 13 if application_type in ("OUT",) else 8


def build_planning(
    rng: random.Random, households: Sequence[Household], today: date, *, count: int = 300
) -> tuple[PlanningApplication, ...]:
    received_days = sorted(today - timedelta(days=rng.randint(1, 730)) for _ in range(count))
    per_year: dict[int, int] = {}
    applications = []
    for received in received_days:
        application_type = rng.choices(list(_TYPE_WEIGHTS), weights=list(_TYPE_WEIGHTS.values()))[0]
        number = per_year[received.year] = per_year.get(received.year, 0) + rng.randint(1, 4)
        reference = f"{received.year % 100:02d}/{number:05d}/{application_type}"
        home = rng.choice(households)
        on_land = application_type == "OUT"
        address = (
            f"Land adjacent to {home.property.single_line}"
            if on_land
            else home.property.single_line
        )
        applications.append(
            _application(
                rng,
                reference=reference,
                application_type=application_type,
                site_address=address,
                home=home,
                received=received,
                today=today,
                uprn=None if on_land else home.property.uprn,
            )
        )
    applications.append(_demo_application(households, today))
    return tuple(applications)


def _application(
    rng: random.Random,
    *,
    reference: str,
    application_type: str,
    site_address: str,
    home: Household,
    received: date,
    today: date,
    uprn: str | None,
) -> PlanningApplication:
    validated = received + timedelta(days=rng.randint(2, 9))
    target = validated + timedelta(weeks=_target_weeks(application_type))
    decided_on = target + timedelta(days=rng.randint(-14, 10))
    status, decision = PlanningStatus.UNDER_CONSIDERATION, None
    if validated > today:
        status, validated_on, target_on = PlanningStatus.RECEIVED, None, None
    else:
        validated_on, target_on = validated, target
    if validated_on and decided_on < today:
        roll = rng.random()
        if roll < 0.05:
            status = PlanningStatus.WITHDRAWN
        else:
            status = PlanningStatus.DECIDED
            decision = rng.choices(
                (
                    PlanningDecision.GRANTED,
                    PlanningDecision.GRANTED_WITH_CONDITIONS,
                    PlanningDecision.REFUSED,
                ),
                weights=(25, 60, 15),
            )[0]
            if decision is PlanningDecision.REFUSED and roll > 0.97:
                status = PlanningStatus.APPEAL
    return PlanningApplication(
        reference=reference,
        application_type=application_type,
        site_address=site_address,
        postcode=home.property.postcode,
        description=rng.choice(_DESCRIPTIONS[application_type]),
        status=status,
        received_on=received,
        validated_on=validated_on,
        target_decision_on=target_on,
        decision=decision,
        decided_on=decided_on if decision else None,
        case_officer=rng.choice(CASE_OFFICERS),
        ward=home.property.ward,
        uprn=uprn,
    )


def _demo_application(households: Sequence[Household], today: date) -> PlanningApplication:
    home = next(h for h in households if h.property.address_lines == ("12 Foxglove Lane",))
    received = today - timedelta(days=20)
    validated = received + timedelta(days=5)
    return PlanningApplication(
        reference=DEMO_PLANNING,
        application_type="FUL",
        site_address=f"Land rear of {home.property.single_line}",
        postcode=home.property.postcode,
        description="Erection of a single detached bungalow with parking",
        status=PlanningStatus.UNDER_CONSIDERATION,
        received_on=received,
        validated_on=validated,
        target_decision_on=validated + timedelta(weeks=8),
        decision=None,
        decided_on=None,
        case_officer="Hannah Kerr",
        ward=home.property.ward,
    )
