"""Council tax accounts and council tenancies with believable money.

Council tax: 2026/27 Band D is £2,250.00 and the other bands follow the
statutory ninths (A 6/9 ... H 18/9). A single person discount takes 25% off;
council tax support takes a means-tested 25% to 80% off. The charge is paid in
10 monthly instalments (April to January) on the 1st, 15th or 28th; payments
from the last twelve months are on file, so every account that pays has a
"last payment" even in April. One account in twelve has missed instalments
and is at the matching recovery stage.

Rents: about one home in eight is a council tenancy, £85 to £135 a week,
charged on Mondays, with 12 weeks of transactions; a fifth of tenants are in
arrears and some get housing benefit paid direct.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from backoffice.loading import CouncilTaxRecord, TenancyRecord
from backoffice.values import (
    AccountHolder,
    CouncilTaxAccount,
    CouncilTaxBand,
    Instalment,
    Payment,
    PaymentMethod,
    RecoveryStage,
    RentAccount,
    RentTransaction,
    RentTransactionKind,
    Resident,
)
from backoffice.world.places import Household

BAND_D_PENCE = 225_000
BAND_NINTHS = {"A": 6, "B": 7, "C": 8, "D": 9, "E": 11, "F": 13, "G": 15, "H": 18}
BAND_WEIGHTS = (20, 20, 22, 16, 10, 6, 5, 1)
INSTALMENTS = 10
DEMO_COUNCIL_TAX = "CT40012345"
DEMO_TENANCY = "TEN-004512"
DEMO_WEEKLY_RENT = 10_650


@dataclass(frozen=True, slots=True)
class AccountsWorld:
    council_tax: tuple[CouncilTaxRecord, ...]
    tenancies: tuple[TenancyRecord, ...]


def financial_year_start(today: date) -> date:
    return date(today.year if today.month >= 4 else today.year - 1, 4, 1)


def instalment_dates(year_start: date, day_of_month: int) -> list[date]:
    """Ten monthly instalment dates, April to January."""
    dates = []
    for index in range(INSTALMENTS):
        month = (year_start.month - 1 + index) % 12 + 1
        year = year_start.year + (year_start.month - 1 + index) // 12
        dates.append(date(year, month, day_of_month))
    return dates


def split_into_instalments(annual_pence: int) -> list[int]:
    """Equal instalments; the first carries the odd pence, as councils bill."""
    each = annual_pence // INSTALMENTS
    return [annual_pence - each * (INSTALMENTS - 1)] + [each] * (INSTALMENTS - 1)


def _holder(resident: Resident) -> AccountHolder:
    return AccountHolder(resident.resident_id, resident.forename, resident.surname)


def council_tax_record(
    *,
    reference: str,
    home: Household,
    today: date,
    band: str,
    single_person: bool,
    support_percent: int,
    method: PaymentMethod,
    day_of_month: int,
    missed: int,
) -> CouncilTaxRecord:
    """An account whose balance, payments and recovery stage agree with each other."""
    annual = BAND_D_PENCE * BAND_NINTHS[band] // 9
    discounts = []
    if single_person:
        annual = annual * 75 // 100
        discounts.append("single person discount")
    if support_percent:
        annual = annual * (100 - support_percent) // 100
        discounts.append("council tax support")
    amounts = split_into_instalments(annual)
    year_start = financial_year_start(today)
    this_year = instalment_dates(year_start, day_of_month)
    last_year = instalment_dates(date(year_start.year - 1, 4, 1), day_of_month)
    due_now = [i for i, due in enumerate(this_year) if due < today]
    paid_now = due_now[: max(len(due_now) - missed, 0)]
    payments = [
        Payment(due, amounts[i], method)
        for i, due in enumerate(last_year)
        if due >= today - timedelta(days=365)
    ] + [Payment(this_year[i], amounts[i], method) for i in paid_now]
    upcoming = [i for i, due in enumerate(this_year) if due >= today]
    stage = (RecoveryStage.NONE, RecoveryStage.REMINDER, RecoveryStage.FINAL_NOTICE)
    account = CouncilTaxAccount(
        reference=reference,
        uprn=home.property.uprn,
        holders=tuple(_holder(r) for r in home.residents[: 1 if single_person else 2]),
        band=CouncilTaxBand(band),
        financial_year=f"{year_start.year}/{(year_start.year + 1) % 100:02d}",
        annual_charge_pence=annual,
        balance_pence=annual - sum(amounts[i] for i in paid_now),
        payment_method=method,
        recovery_stage=stage[missed] if missed < len(stage) else RecoveryStage.SUMMONS,
        next_instalment=(
            Instalment(this_year[upcoming[0]], amounts[upcoming[0]]) if upcoming else None
        ),
        instalments_remaining=len(upcoming),
        receives_support=support_percent > 0,
        discounts=tuple(discounts),
    )
    return CouncilTaxRecord(account, tuple(payments))


def tenancy_record(
    *,
    reference: str,
    home: Household,
    today: date,
    weekly_rent: int,
    opening_balance: int,
    missed_weeks: frozenset[int],
    method: PaymentMethod,
    start: date,
) -> TenancyRecord:
    """12 weeks of Monday rent charges and payments, oldest first."""
    monday = today - timedelta(days=today.weekday())
    balance = opening_balance
    entries = []
    kind = (
        RentTransactionKind.HOUSING_BENEFIT
        if method is PaymentMethod.HOUSING_BENEFIT
        else RentTransactionKind.PAYMENT
    )
    label = "Housing benefit" if kind is RentTransactionKind.HOUSING_BENEFIT else "Rent payment"
    for week in range(11, -1, -1):
        charged_on = monday - timedelta(weeks=week)
        if charged_on > today:
            continue
        balance += weekly_rent
        entries.append(
            RentTransaction(
                charged_on, RentTransactionKind.CHARGE, weekly_rent, balance, "Weekly rent"
            )
        )
        paid_on = charged_on + timedelta(days=3)
        if week in missed_weeks or paid_on >= today:
            continue
        balance -= weekly_rent
        entries.append(RentTransaction(paid_on, kind, -weekly_rent, balance, label))
    account = RentAccount(
        tenancy_reference=reference,
        uprn=home.property.uprn,
        tenants=tuple(_holder(r) for r in home.residents[:2]),
        tenancy_start=start,
        weekly_rent_pence=weekly_rent,
        balance_pence=balance,
        payment_method=method,
    )
    return TenancyRecord(account, tuple(entries))


def build_accounts(
    rng: random.Random, households: Sequence[Household], today: date
) -> AccountsWorld:
    council_tax: list[CouncilTaxRecord] = []
    tenancies: list[TenancyRecord] = []
    methods = (
        PaymentMethod.DIRECT_DEBIT,
        PaymentMethod.CARD,
        PaymentMethod.BANK_TRANSFER,
        PaymentMethod.CASH,
    )
    for index, home in enumerate(households):
        lines = home.property.address_lines
        if lines == ("14 Foxglove Lane",):
            council_tax.append(
                council_tax_record(
                    reference=DEMO_COUNCIL_TAX,
                    home=home,
                    today=today,
                    band="D",
                    single_person=True,
                    support_percent=0,
                    method=PaymentMethod.DIRECT_DEBIT,
                    day_of_month=1,
                    missed=0,
                )
            )
            continue
        if lines == ("Flat 2", "9 Foxglove Lane"):
            council_tax.append(
                council_tax_record(
                    reference="CT40012346",
                    home=home,
                    today=today,
                    band="A",
                    single_person=True,
                    support_percent=60,
                    method=PaymentMethod.DIRECT_DEBIT,
                    day_of_month=15,
                    missed=0,
                )
            )
            tenancies.append(
                tenancy_record(
                    reference=DEMO_TENANCY,
                    home=home,
                    today=today,
                    weekly_rent=DEMO_WEEKLY_RENT,
                    opening_balance=0,
                    missed_weeks=frozenset({3, 7}),
                    method=PaymentMethod.STANDING_ORDER,
                    start=date(2021, 6, 7),
                )
            )
            continue
        band = rng.choices("ABCDEFGH", weights=BAND_WEIGHTS)[0]
        if home.is_flat and band > "C":
            band = rng.choice("ABC")
        single = len(home.residents) == 1
        support = rng.choice((25, 40, 60, 80)) if rng.random() < 0.12 else 0
        missed = rng.choice((1, 1, 2, 3)) if rng.random() < 0.08 else 0
        method = rng.choices(methods, weights=(70, 15, 10, 5))[0]
        council_tax.append(
            council_tax_record(
                reference=f"CT4{index + 1:07d}",
                home=home,
                today=today,
                band=band,
                single_person=single,
                support_percent=support,
                method=method,
                day_of_month=rng.choice((1, 15, 28)),
                missed=missed,
            )
        )
        if rng.random() < 0.125:
            tenancies.append(_random_tenancy(rng, home, today, len(tenancies)))
    return AccountsWorld(tuple(council_tax), tuple(tenancies))


def _random_tenancy(rng: random.Random, home: Household, today: date, index: int) -> TenancyRecord:
    arrears = rng.random() < 0.2
    method = rng.choices(
        (
            PaymentMethod.DIRECT_DEBIT,
            PaymentMethod.STANDING_ORDER,
            PaymentMethod.HOUSING_BENEFIT,
            PaymentMethod.CARD,
        ),
        weights=(40, 20, 30, 10),
    )[0]
    weeks = frozenset(rng.sample(range(12), rng.randint(1, 4))) if arrears else frozenset()
    return tenancy_record(
        reference=f"TEN-{index + 100:06d}",
        home=home,
        today=today,
        weekly_rent=rng.randrange(8_500, 13_500, 5),
        opening_balance=rng.randrange(0, 40_000, 50) if arrears else -rng.randrange(0, 5_000, 50),
        missed_weeks=weeks,
        method=method,
        start=today - timedelta(days=rng.randint(200, 9_000)),
    )
