"""BackOfficeLoader for the demo database: bulk inserts inside the caller's session.

Used by the demo seed (``frontdoor seed`` owns the transaction: this flushes,
never commits) and by the contract tests. Rows go in with executemany-style
``insert()`` statements, so two thousand properties and their accounts load in
a second or two on SQLite.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from backoffice import calendar, references
from backoffice.loading import BackOfficeLoader, CouncilTaxRecord, TenancyRecord
from backoffice.models import (
    BankHolidayRow,
    BinServiceRow,
    BulkyBookingLineRow,
    BulkyBookingRow,
    BulkyItemTypeRow,
    BulkyPriceListRow,
    BulkySlotRow,
    CaseEventRow,
    CaseRow,
    CouncilTaxAccountRow,
    CouncilTaxHolderRow,
    CouncilTaxPaymentRow,
    CrewLogRow,
    DisruptionRow,
    PlanningApplicationRow,
    PropertyRow,
    RentAccountRow,
    RentTransactionRow,
    ResidentRow,
    RoundRow,
    RoundRunRow,
    TenantRow,
)
from backoffice.ports import (
    BankHoliday,
    BinService,
    BulkyBooking,
    BulkyItemType,
    BulkyPriceList,
    BulkySlot,
    Case,
    CrewLogEntry,
    Disruption,
    PlanningApplication,
    Property,
    Resident,
    Round,
    RoundStatus,
)
from backoffice.sql.base import raise_sequence


class SqlLoader(BackOfficeLoader):
    def __init__(self, session: Session) -> None:
        self._session = session

    def _insert(self, model: Any, rows: list[dict[str, Any]]) -> None:
        # Core executemany on the Table: the ORM bulk path is ~9x slower on PostgreSQL.
        if rows:
            self._session.execute(insert(model.__table__), rows)

    def add_properties(self, properties: Iterable[Property]) -> None:
        rows = []
        for item in properties:
            lines = [*item.address_lines, None, None]
            rows.append(
                {
                    "uprn": item.uprn,
                    "address_line_1": lines[0],
                    "address_line_2": lines[1],
                    "address_line_3": lines[2],
                    "town": item.town,
                    "postcode": item.postcode,
                    "ward": item.ward,
                    "sort_key": references.address_sort_key(item.address_lines),
                }
            )
        self._insert(PropertyRow, rows)

    def add_residents(self, residents: Iterable[Resident]) -> None:
        self._insert(
            ResidentRow,
            [
                {
                    "resident_id": r.resident_id,
                    "uprn": r.uprn,
                    "forename": r.forename,
                    "surname": r.surname,
                    "email": r.email,
                    "phone": r.phone,
                }
                for r in residents
            ],
        )

    def add_rounds(self, rounds: Iterable[Round]) -> None:
        self._insert(
            RoundRow,
            [
                {
                    "round_id": r.round_id,
                    "name": r.name,
                    "weekday": r.weekday,
                    "bin_types": ",".join(b.value for b in r.bin_types),
                }
                for r in rounds
            ],
        )

    def add_bin_services(self, services: Iterable[BinService]) -> None:
        self._insert(
            BinServiceRow,
            [
                {
                    "uprn": s.uprn,
                    "bin_type": s.bin_type.value,
                    "round_id": s.round_id,
                    "weekday": s.weekday,
                    "frequency": s.frequency.value,
                    "week_parity": s.week_parity,
                }
                for s in services
            ],
        )

    def add_bank_holidays(self, holidays: Iterable[BankHoliday]) -> None:
        wanted = list(holidays)  # national data: loading one twice replaces it
        if wanted:
            days = [h.day for h in wanted]
            self._session.execute(delete(BankHolidayRow).where(BankHolidayRow.day.in_(days)))
            self._insert(BankHolidayRow, [{"day": h.day, "name": h.name} for h in wanted])

    def add_disruptions(self, disruptions: Iterable[Disruption]) -> None:
        self._insert(
            DisruptionRow,
            [
                {
                    "disruption_id": d.disruption_id,
                    "title": d.title,
                    "description": d.description,
                    "areas": ",".join(d.areas),
                    "starts_on": d.starts_on,
                    "ends_on": d.ends_on,
                    "bin_types": ",".join(b.value for b in d.bin_types),
                    "catch_up_day": d.catch_up_day,
                }
                for d in disruptions
            ],
        )

    def set_round_statuses(self, statuses: Iterable[RoundStatus]) -> None:
        for status in statuses:
            self._session.execute(
                delete(RoundRunRow).where(
                    RoundRunRow.round_id == status.round_id, RoundRunRow.day == status.day
                )
            )
            self._insert(
                RoundRunRow,
                [
                    {
                        "round_id": status.round_id,
                        "day": status.day,
                        "state": status.state.value,
                        "started_at": status.started_at,
                        "completed_at": status.completed_at,
                    }
                ],
            )

    def add_crew_logs(self, entries: Iterable[CrewLogEntry]) -> None:
        self._insert(
            CrewLogRow,
            [
                {
                    "uprn": e.uprn,
                    "day": e.day,
                    "bin_type": e.bin_type.value,
                    "round_id": e.round_id,
                    "outcome": e.outcome.value,
                    "logged_at": calendar.london(e.logged_at),
                    "note": e.note,
                }
                for e in entries
            ],
        )

    def add_cases(self, cases: Iterable[Case]) -> None:
        wanted = list(cases)
        if not wanted:
            return
        self._insert(CaseRow, [_case_row(case) for case in wanted])
        loaded = self._session.execute(
            select(CaseRow.reference, CaseRow.id).where(
                CaseRow.reference.in_([case.reference for case in wanted])
            )
        )
        ids = {reference: case_id for reference, case_id in loaded}
        events = [
            {
                "case_id": ids[case.reference],
                "status": change.status.value,
                "at": change.at,
                "note": change.note,
                "by": change.by,
            }
            for case in wanted
            for change in case.history
        ]
        self._insert(CaseEventRow, events)
        highest = max(int(case.reference.removeprefix("BDC-")) for case in wanted)
        raise_sequence(self._session, "case", highest)

    def add_council_tax_accounts(self, records: Iterable[CouncilTaxRecord]) -> None:
        accounts, holders, payments = [], [], []
        for record in records:
            a = record.account
            instalment = a.next_instalment
            accounts.append(
                {
                    "reference": a.reference,
                    "uprn": a.uprn,
                    "band": a.band.value,
                    "financial_year": a.financial_year,
                    "annual_charge_pence": a.annual_charge_pence,
                    "balance_pence": a.balance_pence,
                    "payment_method": a.payment_method.value,
                    "recovery_stage": a.recovery_stage.value,
                    "next_instalment_on": instalment.due_on if instalment else None,
                    "next_instalment_pence": instalment.amount_pence if instalment else None,
                    "instalments_remaining": a.instalments_remaining,
                    "receives_support": a.receives_support,
                    "discounts": "; ".join(a.discounts),
                }
            )
            holders += [
                {"reference": a.reference, "resident_id": h.resident_id, "position": i}
                for i, h in enumerate(a.holders)
            ]
            payments += [
                {
                    "reference": a.reference,
                    "paid_on": p.paid_on,
                    "amount_pence": p.amount_pence,
                    "method": p.method.value,
                }
                for p in sorted(record.payments, key=lambda p: p.paid_on)
            ]
        self._insert(CouncilTaxAccountRow, accounts)
        self._insert(CouncilTaxHolderRow, holders)
        self._insert(CouncilTaxPaymentRow, payments)

    def add_tenancies(self, records: Iterable[TenancyRecord]) -> None:
        accounts, tenants, transactions = [], [], []
        for record in records:
            a = record.account
            accounts.append(
                {
                    "tenancy_reference": a.tenancy_reference,
                    "uprn": a.uprn,
                    "tenancy_start": a.tenancy_start,
                    "weekly_rent_pence": a.weekly_rent_pence,
                    "balance_pence": a.balance_pence,
                    "payment_method": a.payment_method.value,
                }
            )
            tenants += [
                {
                    "tenancy_reference": a.tenancy_reference,
                    "resident_id": t.resident_id,
                    "position": i,
                }
                for i, t in enumerate(a.tenants)
            ]
            transactions += [
                {
                    "tenancy_reference": a.tenancy_reference,
                    "posted_on": t.posted_on,
                    "kind": t.kind.value,
                    "amount_pence": t.amount_pence,
                    "balance_after_pence": t.balance_after_pence,
                    "description": t.description,
                }
                for t in record.transactions
            ]
        self._insert(RentAccountRow, accounts)
        self._insert(TenantRow, tenants)
        self._insert(RentTransactionRow, transactions)

    def add_planning_applications(self, applications: Iterable[PlanningApplication]) -> None:
        self._insert(
            PlanningApplicationRow,
            [
                {
                    "reference": a.reference,
                    "application_type": a.application_type,
                    "site_address": a.site_address,
                    "postcode": a.postcode,
                    "uprn": a.uprn,
                    "description": a.description,
                    "status": a.status.value,
                    "received_on": a.received_on,
                    "validated_on": a.validated_on,
                    "target_decision_on": a.target_decision_on,
                    "decision": a.decision.value if a.decision else None,
                    "decided_on": a.decided_on,
                    "case_officer": a.case_officer,
                    "ward": a.ward,
                }
                for a in applications
            ],
        )

    def set_bulky_catalogue(
        self, item_types: Iterable[BulkyItemType], price_list: BulkyPriceList
    ) -> None:
        self._session.execute(delete(BulkyPriceListRow))
        self._insert(
            BulkyItemTypeRow,
            [{"code": i.code, "name": i.name, "counts_as": i.counts_as} for i in item_types],
        )
        self._insert(
            BulkyPriceListRow,
            [
                {
                    "id": 1,
                    "base_pence": price_list.base_pence,
                    "base_items": price_list.base_items,
                    "extra_item_pence": price_list.extra_item_pence,
                    "max_items": price_list.max_items,
                    "concession_percent": price_list.concession_percent,
                }
            ],
        )

    def add_bulky_slots(self, slots: Iterable[BulkySlot]) -> None:
        self._insert(
            BulkySlotRow,
            [
                {
                    "slot_id": s.slot_id,
                    "day": s.day,
                    "area": s.area,
                    "capacity": s.capacity,
                    "booked": s.booked,
                }
                for s in slots
            ],
        )

    def add_bulky_bookings(self, bookings: Iterable[BulkyBooking]) -> None:
        wanted = list(bookings)
        if not wanted:
            return
        self._insert(BulkyBookingRow, [_booking_row(b) for b in wanted])
        self._insert(
            BulkyBookingLineRow,
            [
                {
                    "reference": b.reference,
                    "code": line.code,
                    "name": line.name,
                    "quantity": line.quantity,
                }
                for b in wanted
                for line in b.lines
            ],
        )
        highest = max(int(b.reference.removeprefix("BW-")) for b in wanted)
        raise_sequence(self._session, "bulky", highest)


def _case_row(case: Case) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "case_type": case.case_type.value,
        "status": case.status.value,
        "summary": case.summary,
        "description": case.description,
        "owning_team": case.owning_team,
        "created_at": case.created_at,
        "target_date": case.target_date,
        "uprn": case.uprn,
        "resident_id": case.resident_id,
        "idempotency_key": case.idempotency_key,
        "bin_type": case.bin_type.value if case.bin_type else None,
        "service_date": case.service_date,
        "channel": case.channel,
        "location": case.location,
        "latitude": case.latitude,
        "longitude": case.longitude,
        "external_reference": case.external_reference,
    }


def _booking_row(booking: BulkyBooking) -> dict[str, Any]:
    concession = booking.concession
    return {
        "reference": booking.reference,
        "uprn": booking.uprn,
        "resident_id": booking.resident_id,
        "slot_id": booking.slot_id,
        "collection_day": booking.collection_day,
        "price_pence": booking.price_pence,
        "status": booking.status.value,
        "booked_at": booking.booked_at,
        "idempotency_key": booking.idempotency_key,
        "concession_reason": concession.reason if concession else None,
        "concession_percent": concession.discount_percent if concession else None,
        "payment_reference": booking.payment_reference,
        "notes": "\n".join(booking.notes),
    }
