"""Core's one column type for moments: refuses naive values, stores UTC, returns aware."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select
from sqlalchemy.exc import StatementError

from frontdoor.clock import LONDON
from frontdoor.db import AwareDateTime, NaiveDatetimeError, make_engine
from tests.conftest import DatabaseHandle

metadata = MetaData()
moments = Table(
    "test_moments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at_utc", AwareDateTime(), nullable=True),
    Column("at_london", AwareDateTime(zone=LONDON), nullable=True),
)

# 14:30 in London during British Summer Time is 13:30 UTC.
SUMMER = datetime(2026, 7, 1, 14, 30, 15, 123000, tzinfo=LONDON)


@pytest.fixture
def table(database: DatabaseHandle) -> DatabaseHandle:
    metadata.create_all(database.engine)
    return database


def test_naive_datetimes_are_refused_with_a_clear_error() -> None:
    engine = make_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as connection, pytest.raises(StatementError) as caught:
        connection.execute(insert(moments).values(id=1, at_utc=datetime(2026, 7, 1, 13, 30)))
    assert isinstance(caught.value.orig, NaiveDatetimeError)
    assert "naive datetime 2026-07-01T13:30:00" in str(caught.value.orig)
    assert "timezone-aware" in str(caught.value.orig)


def test_a_naive_value_is_refused_in_a_comparison_too() -> None:
    engine = make_engine("sqlite://")
    metadata.create_all(engine)
    with engine.connect() as connection, pytest.raises(StatementError):
        connection.execute(select(moments).where(moments.c.at_utc < datetime(2026, 1, 1)))


def test_round_trip_returns_aware_moments_in_the_columns_zone(table: DatabaseHandle) -> None:
    with table.engine.begin() as connection:
        connection.execute(insert(moments).values(id=1, at_utc=SUMMER, at_london=SUMMER))
        connection.execute(insert(moments).values(id=2, at_utc=None, at_london=None))
    with table.engine.connect() as connection:
        rows = {row.id: row for row in connection.execute(select(moments))}
    at_utc, at_london = rows[1].at_utc, rows[1].at_london
    assert at_utc == SUMMER and at_london == SUMMER
    assert at_utc.tzinfo is UTC
    assert (at_utc.hour, at_utc.minute, at_utc.microsecond) == (13, 30, 123000)
    assert at_london.tzinfo is LONDON
    assert at_london.hour == 14
    assert at_london.utcoffset() == timedelta(hours=1)
    assert rows[2].at_utc is None and rows[2].at_london is None


def test_comparisons_use_the_moment_not_the_wall_clock(table: DatabaseHandle) -> None:
    with table.engine.begin() as connection:
        connection.execute(insert(moments).values(id=1, at_utc=SUMMER))
    just_before = (SUMMER - timedelta(seconds=1)).astimezone(LONDON)
    just_after = SUMMER.astimezone(UTC) + timedelta(seconds=1)
    with table.engine.connect() as connection:
        later = connection.execute(select(moments.c.id).where(moments.c.at_utc > just_before))
        earlier = connection.execute(select(moments.c.id).where(moments.c.at_utc < just_after))
        assert later.scalars().all() == [1]
        assert earlier.scalars().all() == [1]


def test_sqlite_stores_naive_utc(tmp_path: object) -> None:
    engine = make_engine("sqlite://")
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(moments).values(id=1, at_utc=SUMMER))
        stored = connection.exec_driver_sql("SELECT at_utc FROM test_moments").scalar_one()
    assert stored.startswith("2026-07-01 13:30:15")
