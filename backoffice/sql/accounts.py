"""CouncilTax and Rents over the demo revenues and housing tables."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import references
from backoffice.exceptions import NotFound
from backoffice.models import (
    CouncilTaxAccountRow,
    CouncilTaxHolderRow,
    CouncilTaxPaymentRow,
    RentAccountRow,
    RentTransactionRow,
    ResidentRow,
    TenantRow,
)
from backoffice.ports import (
    AccountHolder,
    CouncilTax,
    CouncilTaxAccount,
    CouncilTaxBand,
    Instalment,
    Payment,
    PaymentMethod,
    RecoveryStage,
    RentAccount,
    Rents,
    RentTransaction,
    RentTransactionKind,
)
from backoffice.sql.base import SqlPort, split_list


def _holders(
    session: Session, references_: Sequence[str], *, tenants: bool
) -> dict[str, list[AccountHolder]]:
    """Account holders by account reference, in their position order."""
    link = TenantRow if tenants else CouncilTaxHolderRow
    key = TenantRow.tenancy_reference if tenants else CouncilTaxHolderRow.reference
    found: dict[str, list[AccountHolder]] = defaultdict(list)
    if not references_:
        return found
    rows = session.execute(
        select(key, ResidentRow)
        .join(ResidentRow, ResidentRow.resident_id == link.resident_id)
        .where(key.in_(references_))
        .order_by(key, link.position)
    )
    for reference, resident in rows:
        found[reference].append(
            AccountHolder(
                resident_id=resident.resident_id,
                forename=resident.forename,
                surname=resident.surname,
            )
        )
    return found


def _council_tax_accounts(
    session: Session, rows: Sequence[CouncilTaxAccountRow]
) -> list[CouncilTaxAccount]:
    holders = _holders(session, [row.reference for row in rows], tenants=False)
    accounts = []
    for row in rows:
        instalment = None
        if row.next_instalment_on is not None and row.next_instalment_pence is not None:
            instalment = Instalment(
                due_on=row.next_instalment_on, amount_pence=row.next_instalment_pence
            )
        accounts.append(
            CouncilTaxAccount(
                reference=row.reference,
                uprn=row.uprn,
                holders=tuple(holders[row.reference]),
                band=CouncilTaxBand(row.band),
                financial_year=row.financial_year,
                annual_charge_pence=row.annual_charge_pence,
                balance_pence=row.balance_pence,
                payment_method=PaymentMethod(row.payment_method),
                recovery_stage=RecoveryStage(row.recovery_stage),
                next_instalment=instalment,
                instalments_remaining=row.instalments_remaining,
                receives_support=row.receives_support,
                discounts=split_list(row.discounts, ";"),
            )
        )
    return sorted(accounts, key=lambda a: a.reference)


class SqlCouncilTax(SqlPort, CouncilTax):
    def get_account(self, reference: str) -> CouncilTaxAccount:
        key = references.council_tax_reference(reference)
        with self._reading() as session:
            row = session.get(CouncilTaxAccountRow, key)
            if row is None:
                raise NotFound("council tax account", key)
            return _council_tax_accounts(session, [row])[0]

    def accounts_for_property(self, uprn: str) -> list[CouncilTaxAccount]:
        key = references.uprn(uprn)
        with self._reading() as session:
            rows = session.scalars(
                select(CouncilTaxAccountRow).where(CouncilTaxAccountRow.uprn == key)
            ).all()
            return _council_tax_accounts(session, rows)

    def accounts_for_resident(self, resident_id: str) -> list[CouncilTaxAccount]:
        with self._reading() as session:
            rows = session.scalars(
                select(CouncilTaxAccountRow)
                .join(
                    CouncilTaxHolderRow,
                    CouncilTaxHolderRow.reference == CouncilTaxAccountRow.reference,
                )
                .where(CouncilTaxHolderRow.resident_id == resident_id)
            ).all()
            return _council_tax_accounts(session, rows)

    def payments(self, reference: str, *, limit: int = 12) -> list[Payment]:
        key = references.council_tax_reference(reference)
        with self._reading() as session:
            if session.get(CouncilTaxAccountRow, key) is None:
                raise NotFound("council tax account", key)
            rows = session.scalars(
                select(CouncilTaxPaymentRow)
                .where(CouncilTaxPaymentRow.reference == key)
                .order_by(CouncilTaxPaymentRow.paid_on.desc(), CouncilTaxPaymentRow.id.desc())
                .limit(limit)
            )
            return [
                Payment(
                    paid_on=row.paid_on,
                    amount_pence=row.amount_pence,
                    method=PaymentMethod(row.method),
                )
                for row in rows
            ]


def _rent_accounts(session: Session, rows: Sequence[RentAccountRow]) -> list[RentAccount]:
    tenants = _holders(session, [row.tenancy_reference for row in rows], tenants=True)
    accounts = [
        RentAccount(
            tenancy_reference=row.tenancy_reference,
            uprn=row.uprn,
            tenants=tuple(tenants[row.tenancy_reference]),
            tenancy_start=row.tenancy_start,
            weekly_rent_pence=row.weekly_rent_pence,
            balance_pence=row.balance_pence,
            payment_method=PaymentMethod(row.payment_method),
        )
        for row in rows
    ]
    return sorted(accounts, key=lambda a: a.tenancy_reference)


class SqlRents(SqlPort, Rents):
    def get_account(self, tenancy_reference: str) -> RentAccount:
        key = references.tenancy_reference(tenancy_reference)
        with self._reading() as session:
            row = session.get(RentAccountRow, key)
            if row is None:
                raise NotFound("tenancy", key)
            return _rent_accounts(session, [row])[0]

    def accounts_for_property(self, uprn: str) -> list[RentAccount]:
        key = references.uprn(uprn)
        with self._reading() as session:
            rows = session.scalars(select(RentAccountRow).where(RentAccountRow.uprn == key)).all()
            return _rent_accounts(session, rows)

    def accounts_for_resident(self, resident_id: str) -> list[RentAccount]:
        with self._reading() as session:
            rows = session.scalars(
                select(RentAccountRow)
                .join(TenantRow, TenantRow.tenancy_reference == RentAccountRow.tenancy_reference)
                .where(TenantRow.resident_id == resident_id)
            ).all()
            return _rent_accounts(session, rows)

    def transactions(
        self, tenancy_reference: str, *, since: date | None = None, limit: int = 50
    ) -> list[RentTransaction]:
        key = references.tenancy_reference(tenancy_reference)
        statement = select(RentTransactionRow).where(RentTransactionRow.tenancy_reference == key)
        if since is not None:
            statement = statement.where(RentTransactionRow.posted_on >= since)
        statement = statement.order_by(
            RentTransactionRow.posted_on.desc(), RentTransactionRow.id.desc()
        ).limit(limit)
        with self._reading() as session:
            if session.get(RentAccountRow, key) is None:
                raise NotFound("tenancy", key)
            return [
                RentTransaction(
                    posted_on=row.posted_on,
                    kind=RentTransactionKind(row.kind),
                    amount_pence=row.amount_pence,
                    balance_after_pence=row.balance_after_pence,
                    description=row.description,
                )
                for row in session.scalars(statement)
            ]
