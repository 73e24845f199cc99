"""Shared fixtures: databases on SQLite and (when configured) PostgreSQL.

``make test`` runs the suite twice: once on SQLite, once with
``FRONTDOOR_TEST_POSTGRES_URL`` set, which adds the PostgreSQL parameter to
every ``database_url``-based fixture. Each PostgreSQL test database is a
fresh schema, dropped afterwards, so runs never see each other's data.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from frontdoor.db import make_engine
from frontdoor.migrate import upgrade

POSTGRES_URL = os.environ.get("FRONTDOOR_TEST_POSTGRES_URL", "")
REDIS_URL = os.environ.get("FRONTDOOR_TEST_REDIS_URL", "")


def _backends() -> list[str]:
    only = os.environ.get("FRONTDOOR_TEST_DATABASE", "")
    if only:
        return [only]
    return ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def _postgres_schema_url(schema: str) -> str:
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


class DatabaseHandle:
    """A throwaway database: its URL and a migrated engine."""

    def __init__(self, backend: str, tmp_path: Path) -> None:
        self.backend = backend
        self._schema = ""
        if backend == "sqlite":
            self.url = f"sqlite:///{(tmp_path / 'frontdoor-test.db').as_posix()}"
        else:
            if not POSTGRES_URL:
                pytest.skip("FRONTDOOR_TEST_POSTGRES_URL is not set")
            self._schema = f"t_{uuid.uuid4().hex[:12]}"
            admin = make_engine(POSTGRES_URL)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{self._schema}"'))
            admin.dispose()
            self.url = _postgres_schema_url(self._schema)
        self.engine: Engine = make_engine(self.url)

    def migrate(self) -> DatabaseHandle:
        upgrade(self.engine)
        return self

    def drop(self) -> None:
        self.engine.dispose()
        if self._schema:
            admin = make_engine(POSTGRES_URL)
            with admin.begin() as connection:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{self._schema}" CASCADE'))
            admin.dispose()


@pytest.fixture(params=_backends())
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DatabaseHandle]:
    """A migrated, empty database on every configured backend."""
    handle = DatabaseHandle(request.param, tmp_path).migrate()
    try:
        yield handle
    finally:
        handle.drop()


@pytest.fixture
def sqlite_database(tmp_path: Path) -> Iterator[DatabaseHandle]:
    handle = DatabaseHandle("sqlite", tmp_path).migrate()
    try:
        yield handle
    finally:
        handle.drop()


@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        pytest.skip("FRONTDOOR_TEST_REDIS_URL is not set")
    return REDIS_URL
