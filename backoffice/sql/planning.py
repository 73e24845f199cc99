"""Planning over bo_planning_applications."""

from __future__ import annotations

from sqlalchemy import func, select

from backoffice import references
from backoffice.exceptions import NotFound
from backoffice.models import PlanningApplicationRow
from backoffice.ports import (
    Planning,
    PlanningApplication,
    PlanningDecision,
    PlanningStatus,
)
from backoffice.search import planning_search_criteria
from backoffice.sql.base import SqlPort


def application_from_row(row: PlanningApplicationRow) -> PlanningApplication:
    return PlanningApplication(
        reference=row.reference,
        application_type=row.application_type,
        site_address=row.site_address,
        postcode=row.postcode,
        description=row.description,
        status=PlanningStatus(row.status),
        received_on=row.received_on,
        validated_on=row.validated_on,
        target_decision_on=row.target_decision_on,
        decision=PlanningDecision(row.decision) if row.decision else None,
        decided_on=row.decided_on,
        case_officer=row.case_officer,
        ward=row.ward,
        uprn=row.uprn,
    )


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlPlanning(SqlPort, Planning):
    def get_application(self, reference: str) -> PlanningApplication:
        key = references.planning_reference(reference)
        with self._reading() as session:
            row = session.get(PlanningApplicationRow, key)
            if row is None:
                raise NotFound("planning application", key)
            return application_from_row(row)

    def search(
        self, *, text: str | None = None, postcode: str | None = None, limit: int = 20
    ) -> list[PlanningApplication]:
        criteria = planning_search_criteria(text=text, postcode=postcode)
        table = PlanningApplicationRow
        statement = select(table)
        for word in criteria.words:
            pattern = f"%{_like_escape(word)}%"
            statement = statement.where(func.lower(table.site_address).like(pattern, escape="\\"))
        if criteria.postcode is not None:
            statement = statement.where(table.postcode == criteria.postcode)
        elif criteria.area is not None:
            # "BF3" must not match "BF31 ...": a district is followed by the space.
            prefix = criteria.area if " " in criteria.area else f"{criteria.area} "
            statement = statement.where(
                table.postcode.like(f"{_like_escape(prefix)}%", escape="\\")
            )
        statement = statement.order_by(table.received_on.desc(), table.reference.desc())
        with self._reading() as session:
            return [application_from_row(row) for row in session.scalars(statement.limit(limit))]
