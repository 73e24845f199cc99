"""Cases over bo_cases and bo_case_events (the status history).

Creation is idempotent on the unique ``idempotency_key``: the common path
finds the existing case first; when two callers race past that check, the
database's unique constraint rejects the second insert and the loser returns
the winner's case.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backoffice import calendar, casework, references
from backoffice.exceptions import InvalidRequest, NotFound
from backoffice.models import BankHolidayRow, CaseEventRow, CaseRow, ResidentRow
from backoffice.ports import (
    BankHoliday,
    BinType,
    Case,
    CaseReceipt,
    Cases,
    CaseStatus,
    CaseType,
    NewCase,
    StatusChange,
)
from backoffice.sql.base import SqlPort, next_number, require_property


def _cases_from_rows(session: Session, rows: Sequence[CaseRow]) -> list[Case]:
    if not rows:
        return []
    events: dict[int, list[StatusChange]] = defaultdict(list)
    for event in session.scalars(
        select(CaseEventRow)
        .where(CaseEventRow.case_id.in_([row.id for row in rows]))
        .order_by(CaseEventRow.at, CaseEventRow.id)
    ):
        events[event.case_id].append(
            StatusChange(status=CaseStatus(event.status), at=event.at, note=event.note, by=event.by)
        )
    return [
        Case(
            reference=row.reference,
            case_type=CaseType(row.case_type),
            status=CaseStatus(row.status),
            summary=row.summary,
            description=row.description,
            owning_team=row.owning_team,
            created_at=row.created_at,
            target_date=row.target_date,
            history=tuple(events[row.id]),
            uprn=row.uprn,
            resident_id=row.resident_id,
            idempotency_key=row.idempotency_key,
            bin_type=BinType(row.bin_type) if row.bin_type else None,
            service_date=row.service_date,
            channel=row.channel,
            location=row.location,
            latitude=row.latitude,
            longitude=row.longitude,
            external_reference=row.external_reference,
        )
        for row in rows
    ]


def _holidays_from(session: Session, start: date) -> list[BankHoliday]:
    rows = session.scalars(
        select(BankHolidayRow).where(
            BankHolidayRow.day >= start, BankHolidayRow.day <= start + timedelta(days=90)
        )
    )
    return [BankHoliday(day=row.day, name=row.name) for row in rows]


class SqlCases(SqlPort, Cases):
    def create_case(self, new: NewCase, *, now: datetime) -> CaseReceipt:
        existing = self.find_by_idempotency_key(new.idempotency_key)
        if existing is not None:
            return CaseReceipt(case=existing, created=False)
        created_at = calendar.london(now)
        try:
            with self._writing() as session:
                uprn = require_property(session, new.uprn).uprn if new.uprn else None
                if new.resident_id and session.get(ResidentRow, new.resident_id) is None:
                    raise NotFound("resident", new.resident_id)
                holidays = _holidays_from(session, created_at.date())
                row = CaseRow(
                    reference=f"BDC-{next_number(session, 'case'):06d}",
                    case_type=new.case_type.value,
                    status=CaseStatus.RECEIVED.value,
                    summary=new.summary,
                    description=new.description,
                    owning_team=casework.OWNING_TEAMS[new.case_type],
                    created_at=created_at,
                    target_date=casework.target_date(
                        new.case_type, created_at, holidays, service_date=new.service_date
                    ),
                    uprn=uprn,
                    resident_id=new.resident_id,
                    idempotency_key=new.idempotency_key,
                    bin_type=new.bin_type.value if new.bin_type else None,
                    service_date=new.service_date,
                    channel=new.channel,
                    location=new.location,
                    latitude=new.latitude,
                    longitude=new.longitude,
                    external_reference=new.external_reference,
                )
                session.add(row)
                session.flush()
                session.add(
                    CaseEventRow(
                        case_id=row.id,
                        status=CaseStatus.RECEIVED.value,
                        at=created_at,
                        note="case opened",
                        by=new.channel,
                    )
                )
                session.flush()
                reference = row.reference
        except IntegrityError:
            winner = self.find_by_idempotency_key(new.idempotency_key)
            if winner is None:
                raise
            return CaseReceipt(case=winner, created=False)
        return CaseReceipt(case=self.get_case(reference), created=True)

    def get_case(self, reference: str) -> Case:
        key = references.case_reference(reference)
        with self._reading() as session:
            row = session.scalars(select(CaseRow).where(CaseRow.reference == key)).one_or_none()
            if row is None:
                raise NotFound("case", key)
            return _cases_from_rows(session, [row])[0]

    def find_by_idempotency_key(self, idempotency_key: str) -> Case | None:
        with self._reading() as session:
            row = session.scalars(
                select(CaseRow).where(CaseRow.idempotency_key == idempotency_key)
            ).one_or_none()
            return _cases_from_rows(session, [row])[0] if row else None

    def list_cases(
        self,
        *,
        uprn: str | None = None,
        resident_id: str | None = None,
        open_only: bool = False,
        limit: int = 50,
    ) -> list[Case]:
        if uprn is None and resident_id is None:
            raise InvalidRequest("list_cases needs a uprn or a resident_id")
        statement = select(CaseRow)
        if uprn is not None:
            statement = statement.where(CaseRow.uprn == references.uprn(uprn))
        if resident_id is not None:
            statement = statement.where(CaseRow.resident_id == resident_id)
        if open_only:
            open_statuses = [status.value for status in CaseStatus if status.is_open]
            statement = statement.where(CaseRow.status.in_(open_statuses))
        statement = statement.order_by(CaseRow.created_at.desc(), CaseRow.reference.desc())
        with self._reading() as session:
            rows = session.scalars(statement.limit(limit)).all()
            return _cases_from_rows(session, rows)

    def update_status(
        self, reference: str, *, status: CaseStatus, at: datetime, note: str = "", by: str
    ) -> Case:
        key = references.case_reference(reference)
        with self._writing() as session:
            row = session.scalars(
                select(CaseRow).where(CaseRow.reference == key).with_for_update()
            ).one_or_none()
            if row is None:
                raise NotFound("case", key)
            casework.check_transition(key, CaseStatus(row.status), status)
            row.status = status.value
            session.add(
                CaseEventRow(
                    case_id=row.id, status=status.value, at=calendar.london(at), note=note, by=by
                )
            )
        return self.get_case(key)
