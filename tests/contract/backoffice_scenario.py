"""A small, fixed back-office world for the contract suite and the unit tests.

Juniper Close (BF2 4AA) around Easter 2026. Easter Monday is 6 April 2026, so
the Tuesday round (TUE-A) collects on Wednesday 8 April that week. Week
parity: week_index(6 April 2026) is even, so refuse (parity 0) is due in the
Easter week and recycling (parity 1) the weeks either side.

Loaded through ``BackOfficeLoader`` only, so any adapter with a loader can
run the contract suite against it.
"""

from __future__ import annotations

from datetime import date, datetime, time

from backoffice.loading import BackOfficeLoader, CouncilTaxRecord, TenancyRecord
from backoffice.ports import (
    LONDON,
    AccountHolder,
    BinService,
    BinType,
    BookingStatus,
    BulkyBooking,
    BulkyItemType,
    BulkyLine,
    BulkyPriceList,
    BulkySlot,
    Case,
    CaseStatus,
    CaseType,
    CouncilTaxAccount,
    CouncilTaxBand,
    CrewLogEntry,
    CrewOutcome,
    Disruption,
    Frequency,
    Instalment,
    Payment,
    PaymentMethod,
    PlanningApplication,
    PlanningDecision,
    PlanningStatus,
    Property,
    RecoveryStage,
    RentAccount,
    RentTransaction,
    RentTransactionKind,
    Resident,
    Round,
    RoundState,
    RoundStatus,
    StatusChange,
)

EASTER_MONDAY = date(2026, 4, 6)
TUESDAY_BEFORE = date(2026, 3, 31)  # recycling + food on the usual Tuesday
EASTER_WEDNESDAY = date(2026, 4, 8)  # the Tuesday round, moved by Easter Monday
TUESDAY_AFTER = date(2026, 4, 14)

HOME = "100000000001"  # 1 Juniper Close
FLAT_2 = "100000000002"  # Flat 2, 3 Juniper Close
FLAT_10 = "100000000003"  # Flat 10, 3 Juniper Close
NUMBER_10 = "100000000004"  # 10 Juniper Close
SORREL = "100000000005"  # 2 Sorrel Way, BF3 1BB
FAR_AWAY = "100000000006"  # 7 Orchard Rise, BF31 2CC (district BF31, not BF3)
JUNIPER_POSTCODE = "BF2 4AA"

ANN, TOM, PRIYA, DEV = "R-0001", "R-0002", "R-0003", "R-0004"
COUNCIL_TAX_REF = "CT40000001"
SUPPORTED_COUNCIL_TAX_REF = "CT40000002"  # receives council tax support (Priya, flat 2)
TENANCY_REF = "TEN-000101"
PLANNING_REF = "26/00110/HOU"
HISTORIC_CASE = "BDC-104000"
SLOT_OPEN = "BF2-20260421"
SLOT_LAST_PLACE = "BF2-20260422"
SLOT_FULL = "BF2-20260423"
SLOT_OTHER_AREA = "BF3-20260421"
SLOT_PAST = "BF2-20260331"
HISTORIC_BOOKING = "BW-200050"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def _property(uprn: str, lines: tuple[str, ...], postcode: str, ward: str = "Hollins") -> Property:
    return Property(
        uprn=uprn, address_lines=lines, town="Bramblefield", postcode=postcode, ward=ward
    )


PROPERTIES = (
    _property(NUMBER_10, ("10 Juniper Close",), JUNIPER_POSTCODE),
    _property(FLAT_10, ("Flat 10", "3 Juniper Close"), JUNIPER_POSTCODE),
    _property(HOME, ("1 Juniper Close",), JUNIPER_POSTCODE),
    _property(FLAT_2, ("Flat 2", "3 Juniper Close"), JUNIPER_POSTCODE),
    _property(SORREL, ("2 Sorrel Way",), "BF3 1BB", ward="Sorrel"),
    _property(FAR_AWAY, ("7 Orchard Rise",), "BF31 2CC", ward="Orchard"),
)

RESIDENTS = (
    Resident(TOM, HOME, "Tom", "Whitlock", email="tom@example.org"),
    Resident(ANN, HOME, "Ann", "Whitlock", phone="07700 900001"),
    Resident(PRIYA, FLAT_2, "Priya", "O'Neill"),
    Resident(DEV, SORREL, "Dev", "Marsh"),
)

ROUNDS = (
    Round("TUE-A", "Tuesday round A", 1, (BinType.REFUSE, BinType.RECYCLING, BinType.FOOD)),
    Round("WED-G", "Wednesday garden round", 2, (BinType.GARDEN,)),
)


def _services(uprn: str, *, garden: bool) -> list[BinService]:
    services = [
        BinService(uprn, BinType.REFUSE, "TUE-A", 1, Frequency.FORTNIGHTLY, 0),
        BinService(uprn, BinType.RECYCLING, "TUE-A", 1, Frequency.FORTNIGHTLY, 1),
        BinService(uprn, BinType.FOOD, "TUE-A", 1, Frequency.WEEKLY),
    ]
    if garden:
        services.append(BinService(uprn, BinType.GARDEN, "WED-G", 2, Frequency.FORTNIGHTLY, 1))
    return services


def _holder(resident: Resident) -> AccountHolder:
    return AccountHolder(resident.resident_id, resident.forename, resident.surname)


COUNCIL_TAX = (
    CouncilTaxRecord(
        CouncilTaxAccount(
            reference=COUNCIL_TAX_REF,
            uprn=HOME,
            holders=(_holder(RESIDENTS[1]), _holder(RESIDENTS[0])),  # Ann first, then Tom
            band=CouncilTaxBand.C,
            financial_year="2026/27",
            annual_charge_pence=189_912,
            balance_pence=170_912,
            payment_method=PaymentMethod.DIRECT_DEBIT,
            recovery_stage=RecoveryStage.NONE,
            next_instalment=Instalment(date(2026, 5, 1), 18_991),
            instalments_remaining=9,
            receives_support=False,
        ),
        payments=(
            Payment(date(2026, 4, 1), 19_000, PaymentMethod.DIRECT_DEBIT),
            Payment(date(2026, 2, 1), 17_500, PaymentMethod.DIRECT_DEBIT),
            Payment(date(2026, 3, 1), 17_500, PaymentMethod.DIRECT_DEBIT),
        ),
    ),
    CouncilTaxRecord(
        CouncilTaxAccount(
            reference=SUPPORTED_COUNCIL_TAX_REF,
            uprn=FLAT_2,
            holders=(_holder(RESIDENTS[2]),),
            band=CouncilTaxBand.A,
            financial_year="2026/27",
            annual_charge_pence=126_608,
            balance_pence=31_652,
            payment_method=PaymentMethod.CARD,
            recovery_stage=RecoveryStage.REMINDER,
            next_instalment=None,
            instalments_remaining=0,
            receives_support=True,
            discounts=("single person discount", "council tax support"),
        ),
    ),
)

TENANCIES = (
    TenancyRecord(
        RentAccount(
            tenancy_reference=TENANCY_REF,
            uprn=FLAT_2,
            tenants=(_holder(RESIDENTS[2]),),
            tenancy_start=date(2019, 9, 2),
            weekly_rent_pence=9_845,
            balance_pence=4_845,
            payment_method=PaymentMethod.STANDING_ORDER,
        ),
        transactions=(
            RentTransaction(date(2026, 3, 30), RentTransactionKind.CHARGE, 9_845, 9_845, "Rent"),
            RentTransaction(
                date(2026, 3, 30), RentTransactionKind.PAYMENT, -5_000, 4_845, "Standing order"
            ),
            RentTransaction(date(2026, 4, 6), RentTransactionKind.CHARGE, 9_845, 14_690, "Rent"),
            RentTransaction(
                date(2026, 4, 8), RentTransactionKind.PAYMENT, -9_845, 4_845, "Standing order"
            ),
        ),
    ),
)


def _application(reference: str, address: str, postcode: str, received: date, **extra):  # type: ignore[no-untyped-def]
    values = {
        "reference": reference,
        "application_type": reference.rsplit("/", 1)[1],
        "site_address": address,
        "postcode": postcode,
        "description": "Single storey rear extension",
        "status": PlanningStatus.UNDER_CONSIDERATION,
        "received_on": received,
        "validated_on": received,
        "target_decision_on": date(2026, 5, 20),
        "decision": None,
        "decided_on": None,
        "case_officer": "Hannah Kerr",
        "ward": "Hollins",
    }
    values.update(extra)
    return PlanningApplication(**values)


PLANNING = (
    _application(
        PLANNING_REF,
        "1 Juniper Close, Bramblefield",
        JUNIPER_POSTCODE,
        date(2026, 3, 25),
        uprn=HOME,
    ),
    _application(
        "26/00090/FUL",
        "Land east of Juniper Close, Bramblefield",
        JUNIPER_POSTCODE,
        date(2026, 2, 10),
        description="Erection of 4 dwellings",
        status=PlanningStatus.DECIDED,
        decision=PlanningDecision.REFUSED,
        decided_on=date(2026, 3, 30),
    ),
    _application("25/01999/LBC", "2 Sorrel Way, Bramblefield", "BF3 1BB", date(2025, 12, 1)),
    _application("26/00100/ADV", "7 Orchard Rise, Bramblefield", "BF31 2CC", date(2026, 3, 1)),
)

ITEM_TYPES = (
    BulkyItemType("sofa", "Sofa or settee"),
    BulkyItemType("fridge", "Fridge or freezer"),
    BulkyItemType("mattress", "Mattress"),
    BulkyItemType("wardrobe", "Wardrobe (dismantled)", counts_as=2),
)
PRICE_LIST = BulkyPriceList(
    base_pence=2_800, base_items=3, extra_item_pence=700, max_items=8, concession_percent=50
)

SLOTS = (
    BulkySlot(SLOT_OPEN, date(2026, 4, 21), "BF2", capacity=5, booked=1),
    BulkySlot(SLOT_LAST_PLACE, date(2026, 4, 22), "BF2", capacity=3, booked=2),
    BulkySlot(SLOT_FULL, date(2026, 4, 23), "BF2", capacity=2, booked=2),
    BulkySlot(SLOT_OTHER_AREA, date(2026, 4, 21), "BF3", capacity=5, booked=0),
    BulkySlot(SLOT_PAST, date(2026, 3, 31), "BF2", capacity=5, booked=1),
)

HISTORIC_BOOKINGS = (
    BulkyBooking(
        reference=HISTORIC_BOOKING,
        uprn=HOME,
        resident_id=ANN,
        slot_id=SLOT_PAST,
        collection_day=date(2026, 3, 31),
        lines=(BulkyLine("sofa", "Sofa or settee", 1),),
        price_pence=2_800,
        status=BookingStatus.COLLECTED,
        booked_at=at(date(2026, 3, 20), 10, 15),
        idempotency_key="historic-booking-1",
        payment_reference="PAY-778812",
    ),
)

HISTORIC_CASES = (
    Case(
        reference=HISTORIC_CASE,
        case_type=CaseType.FLY_TIPPING,
        status=CaseStatus.IN_PROGRESS,
        summary="Mattress dumped at the end of Juniper Close",
        description="Reported by phone.",
        owning_team="Environmental Enforcement",
        created_at=at(date(2026, 3, 30), 9, 5),
        target_date=date(2026, 4, 2),
        history=(
            StatusChange(CaseStatus.RECEIVED, at(date(2026, 3, 30), 9, 5), "case opened", "phone"),
            StatusChange(
                CaseStatus.IN_PROGRESS, at(date(2026, 3, 31), 8, 0), "crew assigned", "J. Ames"
            ),
        ),
        uprn=HOME,
        resident_id=ANN,
        idempotency_key="phone-2026-03-30-0905",
        channel="phone",
    ),
)

DISRUPTION = Disruption(
    disruption_id="D-1",
    title="Sorrel Way closed for resurfacing",
    description="Crews cannot reach Sorrel Way while it is resurfaced.",
    areas=("BF3 1",),
    starts_on=date(2026, 4, 7),
    ends_on=date(2026, 4, 9),
    bin_types=(),
    catch_up_day=date(2026, 4, 11),
)

ROUND_PROGRESS = (
    RoundStatus(
        "TUE-A",
        TUESDAY_BEFORE,
        RoundState.COMPLETED,
        at(TUESDAY_BEFORE, 6, 30),
        at(TUESDAY_BEFORE, 14, 40),
    ),
    RoundStatus("TUE-A", EASTER_WEDNESDAY, RoundState.IN_PROGRESS, at(EASTER_WEDNESDAY, 6, 35)),
)

CREW_LOGS = (
    CrewLogEntry(
        NUMBER_10,
        TUESDAY_BEFORE,
        BinType.RECYCLING,
        "TUE-A",
        CrewOutcome.NOT_PRESENTED,
        at(TUESDAY_BEFORE, 9, 42),
        "no bin out",
    ),
    CrewLogEntry(
        HOME,
        TUESDAY_BEFORE,
        BinType.RECYCLING,
        "TUE-A",
        CrewOutcome.COLLECTED,
        at(TUESDAY_BEFORE, 9, 40),
    ),
    CrewLogEntry(
        HOME,
        TUESDAY_BEFORE,
        BinType.FOOD,
        "TUE-A",
        CrewOutcome.COLLECTED,
        at(TUESDAY_BEFORE, 9, 39),
    ),
    CrewLogEntry(
        FLAT_10,
        TUESDAY_BEFORE,
        BinType.RECYCLING,
        "TUE-A",
        CrewOutcome.CONTAMINATED,
        at(TUESDAY_BEFORE, 9, 45),
        "black bags",
    ),
    CrewLogEntry(
        FLAT_2,
        EASTER_WEDNESDAY,
        BinType.REFUSE,
        "TUE-A",
        CrewOutcome.BLOCKED_ACCESS,
        at(EASTER_WEDNESDAY, 7, 5),
        "parked van",
    ),
)


def load_scenario(loader: BackOfficeLoader) -> None:
    loader.add_properties(PROPERTIES)
    loader.add_residents(RESIDENTS)
    loader.add_rounds(ROUNDS)
    everyone = (HOME, FLAT_2, FLAT_10, NUMBER_10, SORREL, FAR_AWAY)
    services = [s for uprn in everyone for s in _services(uprn, garden=uprn == HOME)]
    loader.add_bin_services(services)
    loader.add_disruptions([DISRUPTION])
    loader.set_round_statuses(ROUND_PROGRESS)
    loader.add_crew_logs(CREW_LOGS)
    loader.add_cases(HISTORIC_CASES)
    loader.add_council_tax_accounts(COUNCIL_TAX)
    loader.add_tenancies(TENANCIES)
    loader.add_planning_applications(PLANNING)
    loader.set_bulky_catalogue(ITEM_TYPES, PRICE_LIST)
    loader.add_bulky_slots(SLOTS)
    loader.add_bulky_bookings(HISTORIC_BOOKINGS)
