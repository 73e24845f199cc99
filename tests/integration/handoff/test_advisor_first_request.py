"""An advisor's first requests may arrive together on two connections: the console's
socket and "Available for chats" each make sure the advisor has a row. Both read
"no row", both inserted, and the later one failed on the duplicate key: a 500 on
``PUT /api/v1/advisor/availability`` (seen when ``make test`` first ran on two
workers). Here the other request's insert lands, committed, between the store's
read and its insert, on PostgreSQL (SQLite's writers queue on the store's lock and
the database's own, so the window is PostgreSQL's).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select

from frontdoor.db import make_engine
from handoff import models as m
from handoff.store import SqlStore
from tests.conftest import DatabaseHandle, _Templates
from tests.contract.handoff_kit import sql_kit

pytestmark = [pytest.mark.postgres]
PRIYA = 2


@pytest.fixture
def postgres(tmp_path: Path, database_templates: _Templates) -> Iterator[DatabaseHandle]:
    handle = DatabaseHandle(
        "postgresql", tmp_path, template=database_templates.for_backend("postgresql")
    )
    try:
        yield handle
    finally:
        handle.drop()


@pytest.fixture
def other_connection(postgres: DatabaseHandle) -> Iterator[Engine]:
    engine = make_engine(postgres.url)
    try:
        yield engine
    finally:
        engine.dispose()


def the_other_request_inserts_first(store: SqlStore, other: Engine) -> list[str]:
    """Just before the store inserts Priya's row, another request's insert of it commits."""
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not seen and statement.lstrip().upper().startswith("INSERT INTO HO_ADVISORS"):
            seen.append(statement)
            with other.begin() as conn:
                conn.execute(
                    insert(m.advisors).values(
                        user_id=PRIYA,
                        display_name="Priya Nair",
                        availability="available",
                        connected=True,
                    )
                )

    event.listen(store.engine, "before_cursor_execute", before)
    return seen


def advisor_rows(engine: Engine) -> list[tuple[Any, ...]]:
    a = m.advisors.c
    with engine.connect() as conn:
        query = select(a.user_id, a.display_name, a.availability, a.cap)
        return [tuple(row) for row in conn.execute(query.order_by(a.user_id))]


@pytest.mark.parametrize(
    ("first_request", "expected_cap"),
    [
        (lambda store: store.ensure_advisor(PRIYA, "Priya Nair"), None),
        (lambda store: store.set_cap(PRIYA, 4, display_name="Priya Nair"), 4),
    ],
    ids=["console-or-availability", "supervisor-sets-the-cap"],
)
def test_the_later_of_two_first_requests_finds_the_row(
    postgres: DatabaseHandle,
    other_connection: Engine,
    first_request: Callable[[SqlStore], None],
    expected_cap: int | None,
) -> None:
    store = sql_kit(postgres.engine).store
    seen = the_other_request_inserts_first(store, other_connection)

    first_request(store)  # raised IntegrityError (duplicate key) before

    assert len(seen) == 1  # the race really happened
    (row,) = advisor_rows(postgres.engine)
    # the other request's row stands; the supervisor's cap is on it
    assert row[:3] == (PRIYA, "Priya Nair", "available")
    if expected_cap is not None:
        assert row[3] == expected_cap
