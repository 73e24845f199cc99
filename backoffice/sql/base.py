"""Plumbing shared by the demo database adapters.

Each port method is one unit of work: reads use a plain session, writes a
``sessionmaker.begin()`` block that commits on success and rolls back on any
error. Driver failures that mean "the system is not answering" become
``BackOfficeUnavailable``; integrity errors are handled where they carry
meaning (idempotency keys) and otherwise propagate as programming errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from backoffice import references
from backoffice.exceptions import BackOfficeUnavailable, NotFound
from backoffice.models import PropertyRow, SequenceRow
from backoffice.values import Property


@contextmanager
def translate_errors() -> Iterator[None]:
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise BackOfficeUnavailable(f"the back-office database did not answer: {reason}") from exc


class SqlPort:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @contextmanager
    def _reading(self) -> Iterator[Session]:
        with translate_errors(), self._sessions() as session:
            yield session

    @contextmanager
    def _writing(self) -> Iterator[Session]:
        with translate_errors(), self._sessions.begin() as session:
            yield session


def property_from_row(row: PropertyRow) -> Property:
    lines = tuple(
        line for line in (row.address_line_1, row.address_line_2, row.address_line_3) if line
    )
    return Property(
        uprn=row.uprn, address_lines=lines, town=row.town, postcode=row.postcode, ward=row.ward
    )


def require_property(session: Session, uprn: str) -> PropertyRow:
    key = references.uprn(uprn)
    row = session.get(PropertyRow, key)
    if row is None:
        raise NotFound("property", key)
    return row


def next_number(session: Session, name: str) -> int:
    """Bump a reference counter. The UPDATE takes a row lock (PostgreSQL) or the
    write lock (SQLite), so concurrent writers never get the same number."""
    statement = (
        update(SequenceRow)
        .where(SequenceRow.name == name)
        .values(value=SequenceRow.value + 1)
        .returning(SequenceRow.value)
    )
    return int(session.execute(statement).scalar_one())


def raise_sequence(session: Session, name: str, at_least: int) -> None:
    session.execute(
        update(SequenceRow)
        .where(SequenceRow.name == name, SequenceRow.value < at_least)
        .values(value=at_least)
    )


def current_sequence(session: Session, name: str) -> int:
    statement = select(SequenceRow.value).where(SequenceRow.name == name)
    return int(session.execute(statement).scalar_one())


def split_list(text: str, separator: str = ",") -> tuple[str, ...]:
    return tuple(part for part in (piece.strip() for piece in text.split(separator)) if part)
