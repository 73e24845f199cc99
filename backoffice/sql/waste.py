"""WasteRounds over the demo waste tables; the calendar is computed by
``backoffice.calendar`` from bin services and bo_bank_holidays."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import calendar, references
from backoffice.exceptions import NotFound
from backoffice.models import (
    BankHolidayRow,
    BinServiceRow,
    CrewLogRow,
    DisruptionRow,
    RoundRow,
    RoundRunRow,
)
from backoffice.ports import (
    BankHoliday,
    BinService,
    BinType,
    Collection,
    CrewLogEntry,
    CrewOutcome,
    Disruption,
    Frequency,
    Round,
    RoundState,
    RoundStatus,
    WasteRounds,
)
from backoffice.sql.base import SqlPort, require_property, split_list


def disruption_from_row(row: DisruptionRow) -> Disruption:
    return Disruption(
        disruption_id=row.disruption_id,
        title=row.title,
        description=row.description,
        areas=split_list(row.areas),
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        bin_types=tuple(BinType(value) for value in split_list(row.bin_types)),
        catch_up_day=row.catch_up_day,
    )


def service_from_row(row: BinServiceRow) -> BinService:
    return BinService(
        uprn=row.uprn,
        bin_type=BinType(row.bin_type),
        round_id=row.round_id,
        weekday=row.weekday,
        frequency=Frequency(row.frequency),
        week_parity=row.week_parity,
    )


def _holidays(session: Session, start: date, end: date) -> list[BankHoliday]:
    rows = session.scalars(
        select(BankHolidayRow)
        .where(BankHolidayRow.day >= start, BankHolidayRow.day <= end)
        .order_by(BankHolidayRow.day)
    )
    return [BankHoliday(day=row.day, name=row.name) for row in rows]


class SqlWasteRounds(SqlPort, WasteRounds):
    def get_round(self, round_id: str) -> Round:
        with self._reading() as session:
            row = session.get(RoundRow, round_id)
            if row is None:
                raise NotFound("round", round_id)
            return Round(
                round_id=row.round_id,
                name=row.name,
                weekday=row.weekday,
                bin_types=tuple(BinType(value) for value in split_list(row.bin_types)),
            )

    def _services(self, session: Session, uprn: str) -> list[BinService]:
        home = require_property(session, uprn)
        rows = session.scalars(select(BinServiceRow).where(BinServiceRow.uprn == home.uprn))
        order = list(BinType)
        return sorted(
            (service_from_row(row) for row in rows), key=lambda s: order.index(s.bin_type)
        )

    def services(self, uprn: str) -> list[BinService]:
        with self._reading() as session:
            return self._services(session, uprn)

    def collections(self, uprn: str, *, start: date, end: date) -> list[Collection]:
        with self._reading() as session:
            services = self._services(session, uprn)
            holidays = _holidays(session, start - timedelta(days=7), end + timedelta(days=7))
        return calendar.collections_between(services, holidays, start=start, end=end)

    def bank_holidays(self, *, start: date, end: date) -> list[BankHoliday]:
        with self._reading() as session:
            return _holidays(session, start, end)

    def disruptions(self, *, on: date, postcode: str | None = None) -> list[Disruption]:
        wanted = references.postcode(postcode) if postcode else None
        with self._reading() as session:
            rows = session.scalars(
                select(DisruptionRow)
                .where(DisruptionRow.starts_on <= on, DisruptionRow.ends_on >= on)
                .order_by(DisruptionRow.starts_on, DisruptionRow.disruption_id)
            )
            found = [disruption_from_row(row) for row in rows]
        if wanted is None:
            return found
        return [d for d in found if any(references.postcode_in_area(wanted, a) for a in d.areas)]

    def round_status(self, round_id: str, day: date) -> RoundStatus:
        with self._reading() as session:
            if session.get(RoundRow, round_id) is None:
                raise NotFound("round", round_id)
            row = session.get(RoundRunRow, (round_id, day))
            if row is None:
                return RoundStatus(round_id=round_id, day=day, state=RoundState.NOT_STARTED)
            return RoundStatus(
                round_id=round_id,
                day=day,
                state=RoundState(row.state),
                started_at=row.started_at,
                completed_at=row.completed_at,
            )

    def crew_logs(self, uprn: str, day: date) -> list[CrewLogEntry]:
        key = references.uprn(uprn)
        with self._reading() as session:
            rows = session.scalars(
                select(CrewLogRow)
                .where(CrewLogRow.uprn == key, CrewLogRow.day == day)
                .order_by(CrewLogRow.logged_at, CrewLogRow.id)
            )
            return [
                CrewLogEntry(
                    uprn=row.uprn,
                    day=row.day,
                    bin_type=BinType(row.bin_type),
                    round_id=row.round_id,
                    outcome=CrewOutcome(row.outcome),
                    logged_at=row.logged_at,
                    note=row.note,
                )
                for row in rows
            ]
