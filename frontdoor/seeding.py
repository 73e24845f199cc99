"""Seed the demo council: every component's seeder in ONE transaction."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from frontdoor.components import Seeder, components
from frontdoor.db import make_session_factory
from frontdoor.exceptions import SeedError
from frontdoor.settings import Environment


def available_seeders() -> list[tuple[str, Seeder]]:
    """(component, seeder) for every component that seeds, in the registry's order
    (accounts first)."""
    return [(c.name, c.seeder) for c in components() if c.seeder is not None]


def tqdm_progress(label: str, total: int | None = None) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=f"  {label}", leave=False, disable=not sys.stderr.isatty())


def seed_demo(
    engine: Engine,
    *,
    rng_seed: int,
    if_empty: bool = False,
    report: Callable[[str], None] = print,
    environment: Environment = Environment.DEVELOPMENT,
) -> bool:
    """Seed every component. Returns False when skipped because data exists.

    Refuses (SeedError) a database that already holds data unless ``if_empty``,
    and any environment but development: the demo staff accounts share the
    password the README publishes. Nothing is committed unless every seeder
    succeeds.
    """
    if environment != Environment.DEVELOPMENT:
        raise SeedError(
            f"the demo council is seeded only in development (FRONTDOOR_ENVIRONMENT is "
            f"{environment}): its staff accounts share the password the README publishes; "
            "create the first admin with `frontdoor user create`"
        )
    seeders = available_seeders()
    factory = make_session_factory(engine)
    with factory() as session:
        occupied = [name for name, seeder in seeders if not seeder.is_empty(session)]
        if occupied:
            if if_empty:
                return False
            raise SeedError(
                "the database already holds data (" + ", ".join(occupied) + "); "
                "seed only an empty database, or delete var/frontdoor.db to start afresh"
            )
        try:
            for _name, seeder in seeders:
                report(seeder.seed(session, rng_seed=rng_seed, progress=tqdm_progress))
            session.commit()
        except BaseException:
            session.rollback()
            raise
    return True
