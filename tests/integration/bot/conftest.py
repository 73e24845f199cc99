"""The bot's actions against the demo back office on a real database.

Seeding Bramblefield takes a few seconds, so one seeded SQLite file is built
per session and each test gets its own copy. ``seeded_database`` gives the
copy's URL and engine.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from backoffice.seed import load_world
from backoffice.sql.loader import SqlLoader
from backoffice.world import build_world
from frontdoor.db import make_engine
from frontdoor.migrate import upgrade
from tests.unit.bot.harness import TODAY


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bot-db") / "template.db"
    engine = make_engine(f"sqlite:///{path.as_posix()}")
    upgrade(engine)
    with Session(engine) as session:
        load_world(SqlLoader(session), build_world(rng_seed=7, today=TODAY))
        session.commit()
    engine.dispose()
    return path


class SeededDatabase:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite:///{path.as_posix()}"
        self.engine: Engine = make_engine(self.url)


@pytest.fixture
def seeded_database(seeded_template: Path, tmp_path: Path) -> Iterator[SeededDatabase]:
    copy = tmp_path / "frontdoor.db"
    shutil.copyfile(seeded_template, copy)
    database = SeededDatabase(copy)
    try:
        yield database
    finally:
        database.engine.dispose()
