"""Seed the demo back office with the fictional Bramblefield District Council.

``frontdoor seed`` calls ``is_empty(session)`` and ``seed(session, rng_seed=...,
progress=...)`` inside its own transaction (this module flushes, never
commits). The same seed and the same ``today`` always give the same data
(``world.build_world`` is pure); about 2,000 properties load in a few seconds
on SQLite through ``SqlLoader``'s bulk inserts.

``DEMO_IDENTITIES`` lists the fixed people, references and addresses that exist
in every seeded database whatever the seed, for the README, the demo script
and the bot's tests (also in docs/demo-identities.md). Dates that move with
``today`` are described in words; ``seeded_fake`` returns the ``World`` too so
tests can read them (``world.waste.last_collection_day``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from types import MappingProxyType
from typing import Any, Protocol

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from backoffice.loading import BackOfficeLoader
from backoffice.memory import MemoryLoader, MemoryStore, fake_backoffice
from backoffice.models import PropertyRow
from backoffice.ports import BackOffice
from backoffice.sql.loader import SqlLoader
from backoffice.world import World, build_world
from frontdoor.clock import london_today
from frontdoor.exceptions import SeedError

DEFAULT_RNG_SEED = 20260105

_FOXGLOVE = "Foxglove Lane, Bramblefield, BF3 2QX"
_IDENTITY_FACTS: dict[str, dict[str, Any]] = {
    "postcode": {
        "postcode": "BF3 2QX",
        "addresses": 12,
        "detail": "Foxglove Lane: numbers 2 to 16 (even) and flats 1 to 4 at number 9",
    },
    "council_tax": {
        "reference": "CT40012345",
        "forename": "Ann",
        "surname": "Whitlock",
        "resident_id": "R000001",
        "uprn": "990000000001",
        "address": f"14 {_FOXGLOVE}",
        "last_payment_pence": 16_875,
        "detail": "Band D, single person discount, 10 direct debits of £168.75 on the 1st",
    },
    "tenancy": {
        "reference": "TEN-004512",
        "forename": "Grace",
        "surname": "Okafor",
        "resident_id": "R000002",
        "uprn": "990000000002",
        "address": f"Flat 2, 9 {_FOXGLOVE}",
        "weekly_rent_pence": 10_650,
        "detail": "two missed weeks in the last twelve, so in arrears",
    },
    "bulky_concession": {
        "council_tax_reference": "CT40012346",
        "resident_id": "R000002",
        "uprn": "990000000002",
        "address": f"Flat 2, 9 {_FOXGLOVE}",
        "detail": "receives council tax support: bulky waste is half price",
    },
    "case_in_progress": {
        "reference": "BDC-104233",
        "surname": "Whitlock",
        "resident_id": "R000001",
        "uprn": "990000000001",
        "case_type": "fly_tipping",
        "detail": "opened 3 days before the seed date, assigned the next day",
    },
    "planning": {
        "reference": "26/01234/FUL",
        "postcode": "BF3 2QX",
        "site_address": f"Land rear of 12 {_FOXGLOVE}",
        "status": "under_consideration",
        "detail": "received 20 days before the seed date, 8-week target",
    },
    "bin_not_presented": {
        "uprn": "990000000003",
        "address": f"6 {_FOXGLOVE}",
        "surname": "Marsh",
        "bin_type": "recycling",
        "day": "the last working day before the seed date",
        "detail": "crew logged 'not presented' at 09:42; the round completed",
    },
    "genuine_missed_bin": {
        "uprn": "990000000004",
        "address": f"8 {_FOXGLOVE}",
        "surname": "Adeyemi",
        "bin_type": "recycling",
        "day": "the last working day before the seed date",
        "detail": "round completed, no crew log, not yet reported: a case is created",
    },
    "round_in_progress": {
        "uprn": "990000000005",
        "address": "3 Campion Close, Bramblefield, BF1 3NW",
        "surname": "Hallam",
        "bin_type": "refuse",
        "day": "the seed date (or the next collection day when it has none)",
        "detail": "the round is in progress and has not reached this address",
    },
}
DEMO_IDENTITIES: MappingProxyType[str, MappingProxyType[str, Any]] = MappingProxyType(
    {name: MappingProxyType(facts) for name, facts in _IDENTITY_FACTS.items()}
)


class _ProgressBar(Protocol):
    def update(self, n: int = 1) -> object: ...

    def close(self) -> object: ...


Progress = Callable[[str, int], _ProgressBar]


def is_empty(session: Session) -> bool:
    return not session.execute(select(exists().where(PropertyRow.uprn.is_not(None)))).scalar()


def load_world(loader: BackOfficeLoader, world: World, progress: Progress | None = None) -> None:
    """Load every part of ``world`` through ``loader`` (bank holidays ship with
    the schema and the fake, so they are not loaded again)."""
    steps: list[tuple[str, Callable[[], None]]] = [
        ("properties", lambda: loader.add_properties(world.properties)),
        ("residents", lambda: loader.add_residents(world.residents)),
        ("rounds", lambda: loader.add_rounds(world.waste.rounds)),
        ("bin services", lambda: loader.add_bin_services(world.waste.services)),
        ("disruptions", lambda: loader.add_disruptions(world.waste.disruptions)),
        ("round progress", lambda: loader.set_round_statuses(world.waste.statuses)),
        ("crew logs", lambda: loader.add_crew_logs(world.waste.crew_logs)),
        ("cases", lambda: loader.add_cases(world.cases)),
        ("council tax", lambda: loader.add_council_tax_accounts(world.accounts.council_tax)),
        ("tenancies", lambda: loader.add_tenancies(world.accounts.tenancies)),
        ("planning", lambda: loader.add_planning_applications(world.planning)),
        (
            "bulky catalogue",
            lambda: loader.set_bulky_catalogue(world.bulky.item_types, world.bulky.price_list),
        ),
        ("bulky slots", lambda: loader.add_bulky_slots(world.bulky.slots)),
        ("bulky bookings", lambda: loader.add_bulky_bookings(world.bulky.bookings)),
    ]
    bar = progress("back office", len(steps)) if progress else None
    for _label, step in steps:
        step()
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()


def summary(world: World) -> str:
    return (
        f"back office: {len(world.properties):,} properties, {len(world.residents):,} residents, "
        f"{len(world.cases):,} cases, {len(world.accounts.council_tax):,} council tax accounts, "
        f"{len(world.accounts.tenancies):,} tenancies, {len(world.planning):,} planning "
        f"applications, {len(world.bulky.slots):,} bulky slots, "
        f"{len(world.waste.crew_logs):,} crew logs"
    )


def seed(session: Session, *, rng_seed: int, progress: Progress, today: date | None = None) -> str:
    """Load Bramblefield into an empty back office; returns a one-line summary."""
    if not is_empty(session):
        raise SeedError("the back office already holds data; seed an empty database")
    world = build_world(rng_seed=rng_seed, today=today or london_today())
    load_world(SqlLoader(session), world, progress)
    session.flush()
    return summary(world)


def seeded_fake(
    *, rng_seed: int = DEFAULT_RNG_SEED, today: date | None = None, properties: int = 2000
) -> tuple[BackOffice, World]:
    """In-memory fakes holding the same Bramblefield as a seeded database (pass
    fewer ``properties`` for quicker tests; the demo identities are always there)."""
    world = build_world(rng_seed=rng_seed, today=today or london_today(), properties=properties)
    store = MemoryStore()
    load_world(MemoryLoader(store), world)
    return fake_backoffice(store), world
