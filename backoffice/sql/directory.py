"""Properties over bo_properties and bo_residents."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from backoffice import references
from backoffice.exceptions import NotFound
from backoffice.models import PropertyRow, ResidentRow
from backoffice.ports import Properties, Property, Resident
from backoffice.search import address_search_words
from backoffice.sql.base import SqlPort, property_from_row, require_property


def resident_from_row(row: ResidentRow) -> Resident:
    return Resident(
        resident_id=row.resident_id,
        uprn=row.uprn,
        forename=row.forename,
        surname=row.surname,
        email=row.email,
        phone=row.phone,
    )


class SqlProperties(SqlPort, Properties):
    def get_property(self, uprn: str) -> Property:
        with self._reading() as session:
            return property_from_row(require_property(session, uprn))

    def find_by_postcode(self, postcode: str) -> list[Property]:
        wanted = references.postcode(postcode)
        with self._reading() as session:
            rows = session.scalars(select(PropertyRow).where(PropertyRow.postcode == wanted))
            # Sorted here, not by the database: collations differ between backends.
            ordered = sorted(rows, key=lambda row: (row.sort_key, row.uprn))
            return [property_from_row(row) for row in ordered]

    def search_addresses(self, text: str, *, limit: int = 20) -> list[Property]:
        words = address_search_words(text)
        columns = (
            PropertyRow.address_line_1,
            PropertyRow.address_line_2,
            PropertyRow.address_line_3,
            PropertyRow.town,
            PropertyRow.postcode,
        )
        statement = select(PropertyRow)
        for word in words:
            pattern = f"%{_escape(word)}%"
            statement = statement.where(
                or_(*(func.lower(c).like(pattern, escape="\\") for c in columns))
            )
        with self._reading() as session:
            rows = session.scalars(statement.limit(500)).all()
            ordered = sorted(rows, key=lambda row: (row.sort_key, row.uprn))
            return [property_from_row(row) for row in ordered[: max(limit, 0)]]

    def residents_at(self, uprn: str) -> list[Resident]:
        with self._reading() as session:
            home = require_property(session, uprn)
            rows = session.scalars(select(ResidentRow).where(ResidentRow.uprn == home.uprn))
            residents = [resident_from_row(row) for row in rows]
            return sorted(residents, key=lambda r: (r.surname, r.forename, r.resident_id))

    def get_resident(self, resident_id: str) -> Resident:
        with self._reading() as session:
            row = session.get(ResidentRow, resident_id)
            if row is None:
                raise NotFound("resident", resident_id)
            return resident_from_row(row)


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
