"""Database plumbing: engines, sessions, health and the unit of work.

SQLite (embedded default) runs in WAL mode with foreign keys on and a busy
timeout, so the services can share one file. PostgreSQL is the scale-out path.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, TypeDecorator, create_engine, event, text
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from frontdoor.exceptions import DatabaseError

SQLITE_BUSY_TIMEOUT_MS = 15_000

# Constraint and index names every component's tables share, so migrations written
# on SQLite name things exactly as PostgreSQL will.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class NaiveDatetimeError(ValueError):
    """A datetime without a time zone was given to an ``AwareDateTime`` column."""


class AwareDateTime(TypeDecorator[datetime]):
    """The one column type for moments in time, on every component's tables.

    Writes refuse naive datetimes (a naive value is ambiguous: UTC? London?)
    and store UTC: timestamptz on PostgreSQL, naive UTC on SQLite, which has no
    time zones. Reads always return aware datetimes in ``zone`` (UTC unless a
    component asks otherwise: the back office returns Europe/London). The impl
    is ``DateTime(timezone=True)``, so the migrations are those of the plain type.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def __init__(self, zone: tzinfo = UTC) -> None:
        super().__init__()
        self.zone = zone

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"AwareDateTime takes a datetime, not {type(value).__name__}")
        if value.tzinfo is None or value.utcoffset() is None:
            raise NaiveDatetimeError(
                f"naive datetime {value.isoformat()} given to an AwareDateTime column: "
                "give a timezone-aware datetime (for example datetime.now(UTC))"
            )
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # SQLite: stored as naive UTC
            value = value.replace(tzinfo=UTC)
        return value.astimezone(self.zone)


def new_metadata() -> MetaData:
    """A component's own MetaData, with the shared naming convention."""
    return MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str, *, echo: bool = False, **kwargs: Any) -> Engine:
    """Create an engine for a sqlite:// or postgresql:// URL.

    A relative SQLite path is created (with its folder) on first use.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"FRONTDOOR_DATABASE_URL is not a database URL: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            parsed,
            echo=echo,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **kwargs,
        )
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    if parsed.get_backend_name() == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(parsed, echo=echo, **kwargs)
    raise DatabaseError(
        f"FRONTDOOR_DATABASE_URL: unsupported database {parsed.get_backend_name()!r} "
        "(use sqlite:// or postgresql://)"
    )


def _configure_sqlite(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def check_database(engine: Engine) -> None:
    """Raise DatabaseError with a one-line reason unless the database answers.

    For SQLite this also runs ``PRAGMA quick_check`` so a corrupt file is caught
    at start-up rather than halfway through a request.
    """
    safe_url = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                result = connection.execute(text("PRAGMA quick_check")).scalar()
                if result != "ok":
                    raise DatabaseError(
                        f"FRONTDOOR_DATABASE_URL: the SQLite file {engine.url.database} is corrupt "
                        f"({result}); restore it from a backup or delete it to start afresh"
                    )
            else:
                connection.execute(text("SELECT 1"))
    except DatabaseError:
        raise
    except (OperationalError, DBAPIError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        if "file is not a database" in reason or "malformed" in reason:
            raise DatabaseError(
                f"FRONTDOOR_DATABASE_URL: {engine.url.database} is not a valid SQLite database "
                "(corrupt or another kind of file); restore it or delete it to start afresh"
            ) from None
        raise DatabaseError(f"FRONTDOOR_DATABASE_URL: cannot reach {safe_url}: {reason}") from None


def database_status(engine: Engine) -> dict[str, str]:
    """For health endpoints: {"status": "ok"} or {"status": "error", "detail": ...}."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # health must report, never raise
        return {"status": "error", "detail": type(exc).__name__}
    return {"status": "ok", "backend": engine.dialect.name}


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session that rolls back unless the block commits it explicitly."""
    session = factory()
    try:
        yield session
    finally:
        session.rollback()
        session.close()
