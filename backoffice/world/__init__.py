"""The fictional Bramblefield District Council, built as value objects.

``build_world(rng_seed=..., today=...)`` is a pure function: the same seed
and the same ``today`` give an identical ``World``. Dates are relative to
``today`` (recent crew logs, the coming weeks' slots, cases of the last 90
days); the demo identities (``backoffice.seed.DEMO_IDENTITIES``) are
fixed whatever the seed. ``seed.load_world`` puts a World into any adapter
through its ``BackOfficeLoader``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from backoffice.calendar import BANK_HOLIDAYS_ENGLAND_WALES
from backoffice.values import Case, PlanningApplication, Property, Resident
from backoffice.world.accounts import AccountsWorld, build_accounts
from backoffice.world.bulky import BulkyWorld, build_bulky
from backoffice.world.cases import build_cases
from backoffice.world.places import build_households
from backoffice.world.planning import build_planning
from backoffice.world.waste import WasteWorld, build_waste

__all__ = ["World", "build_world"]


@dataclass(frozen=True, slots=True)
class World:
    today: date
    properties: tuple[Property, ...]
    residents: tuple[Resident, ...]
    waste: WasteWorld
    cases: tuple[Case, ...]
    accounts: AccountsWorld
    planning: tuple[PlanningApplication, ...]
    bulky: BulkyWorld


def build_world(*, rng_seed: int, today: date, properties: int = 2000) -> World:
    # One generator per part, so that changing one part leaves the others as they were.
    def rng(part: str) -> random.Random:
        return random.Random(f"{rng_seed}:{part}")

    holidays = BANK_HOLIDAYS_ENGLAND_WALES
    households = build_households(rng("places"), target=properties)
    waste = build_waste(rng("waste"), households, today, holidays)
    accounts = build_accounts(rng("accounts"), households, today)
    tenanted = {record.account.uprn for record in accounts.tenancies}
    supported = {r.account.uprn for r in accounts.council_tax if r.account.receives_support}
    return World(
        today=today,
        properties=tuple(home.property for home in households),
        residents=tuple(resident for home in households for resident in home.residents),
        waste=waste,
        cases=build_cases(
            rng("cases"), households, today, holidays, services=waste.services, tenanted=tenanted
        ),
        accounts=accounts,
        planning=build_planning(rng("planning"), households, today),
        bulky=build_bulky(rng("bulky"), households, today, holidays, supported),
    )
