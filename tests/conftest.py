"""Shared fixtures: databases on SQLite and (when configured) PostgreSQL.

``make test`` runs the suite twice: once on SQLite, once with
``FRONTDOOR_TEST_POSTGRES_URL`` set, which adds the PostgreSQL parameter to
every ``database_url``-based fixture. Each PostgreSQL test database is a
fresh schema, dropped afterwards, so runs never see each other's data.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from frontdoor.db import make_engine
from frontdoor.migrate import upgrade
from tests.required_suites import (  # noqa: F401 - hooks: in CI a skipped required suite fails
    pytest_runtest_makereport,
    pytest_sessionstart,
)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Cancel every pending ``threading.Timer`` before the interpreter joins them.

    The rate limiter's memory storage (the ``limits`` library) keeps a non-daemon
    Timer armed to expire old hits. Under faketime (``make test-time``) a timed
    wait never ends, so the run would print its result and then hang at exit
    until the hang guard killed it. A cancelled Timer ends at once and re-arms
    nothing."""
    for thread in threading.enumerate():
        if isinstance(thread, threading.Timer):
            thread.cancel()


POSTGRES_URL = os.environ.get("FRONTDOOR_TEST_POSTGRES_URL", "")


def worker_redis_url(url: str, worker: str) -> str:
    """The Redis database of one pytest-xdist worker (``make test`` runs two): worker
    ``gwN`` uses database N past the configured one (N before it when that would pass
    15: Redis has databases 0-15 unless configured otherwise), so the workers'
    rate-limit counters and channels never meet. PostgreSQL needs nothing of the kind
    (every test database is a fresh, uniquely named schema or database)."""
    number = worker.removeprefix("gw")
    if not url or not number.isdigit() or number == "0":
        return url
    base, _, database = url.rpartition("/")
    if not base.startswith("redis") or not database.isdigit() or base.endswith("/"):
        raise pytest.UsageError(
            f"FRONTDOOR_TEST_REDIS_URL must end in a database number to run on workers: {url}"
        )
    chosen = int(database) + int(number)
    return f"{base}/{chosen if chosen <= 15 else int(database) - int(number)}"


REDIS_URL = worker_redis_url(
    os.environ.get("FRONTDOOR_TEST_REDIS_URL", ""), os.environ.get("PYTEST_XDIST_WORKER", "")
)


def _backends() -> list[str]:
    only = os.environ.get("FRONTDOOR_TEST_DATABASE", "")
    if only:
        return [only]
    return ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def _postgres_schema_url(schema: str) -> str:
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


class DatabaseHandle:
    """A throwaway database: its URL and an engine.

    ``DatabaseHandle(backend, tmp_path).migrate()`` builds one from scratch;
    the ``database`` fixture clones a template migrated once per session
    instead (a file copy for SQLite, CREATE DATABASE ... TEMPLATE for
    PostgreSQL), which is many times faster than migrating for every test.
    """

    def __init__(self, backend: str, tmp_path: Path, *, template: str = "") -> None:
        self.backend = backend
        self._schema = ""
        self._database = ""
        if backend == "sqlite":
            path = tmp_path / "frontdoor-test.db"
            if template:
                shutil.copy(template, path)
            self.url = f"sqlite:///{path.as_posix()}"
        else:
            if not POSTGRES_URL:
                pytest.skip("FRONTDOOR_TEST_POSTGRES_URL is not set")
            if template:
                self._database = f"fdt_{uuid.uuid4().hex[:12]}"
                _postgres_admin(f'CREATE DATABASE "{self._database}" TEMPLATE "{template}"')
                self.url = _postgres_database_url(self._database)
            else:
                self._schema = f"t_{uuid.uuid4().hex[:12]}"
                _postgres_admin(f'CREATE SCHEMA "{self._schema}"')
                self.url = _postgres_schema_url(self._schema)
        self.engine: Engine = make_engine(self.url)

    def migrate(self) -> DatabaseHandle:
        upgrade(self.engine)
        return self

    def drop(self) -> None:
        self.engine.dispose()
        if self._schema:
            _postgres_admin(f'DROP SCHEMA IF EXISTS "{self._schema}" CASCADE')
        if self._database:
            _postgres_admin(f'DROP DATABASE IF EXISTS "{self._database}" WITH (FORCE)')


def _postgres_admin(statement: str) -> None:
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(statement))
    finally:
        admin.dispose()


def _postgres_database_url(name: str) -> str:
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


class _Templates:
    """Migrated template databases, built on first use and dropped at the end."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._sqlite = ""
        self._postgres = ""

    def for_backend(self, backend: str) -> str:
        if backend == "sqlite":
            if not self._sqlite:
                path = self._folder / "template.db"
                engine = make_engine(f"sqlite:///{path.as_posix()}")
                upgrade(engine)
                with engine.connect() as connection:
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                engine.dispose()
                self._sqlite = str(path)
            return self._sqlite
        if not POSTGRES_URL:
            pytest.skip("FRONTDOOR_TEST_POSTGRES_URL is not set")
        if not self._postgres:
            name = f"fdtmpl_{uuid.uuid4().hex[:12]}"
            _postgres_admin(f'CREATE DATABASE "{name}"')
            engine = make_engine(_postgres_database_url(name))
            upgrade(engine)
            engine.dispose()
            self._postgres = name
        return self._postgres

    def drop(self) -> None:
        if self._postgres:
            _postgres_admin(f'DROP DATABASE IF EXISTS "{self._postgres}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Templates]:
    templates = _Templates(tmp_path_factory.mktemp("database-templates"))
    try:
        yield templates
    finally:
        templates.drop()


@pytest.fixture(params=_backends())
def database(
    request: pytest.FixtureRequest, tmp_path: Path, database_templates: _Templates
) -> Iterator[DatabaseHandle]:
    """A migrated, empty database on every configured backend."""
    handle = DatabaseHandle(
        request.param, tmp_path, template=database_templates.for_backend(request.param)
    )
    try:
        yield handle
    finally:
        handle.drop()


@pytest.fixture
def sqlite_database(tmp_path: Path, database_templates: _Templates) -> Iterator[DatabaseHandle]:
    handle = DatabaseHandle("sqlite", tmp_path, template=database_templates.for_backend("sqlite"))
    try:
        yield handle
    finally:
        handle.drop()


@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        pytest.skip("FRONTDOOR_TEST_REDIS_URL is not set")
    return REDIS_URL
