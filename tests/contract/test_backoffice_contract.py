"""The back-office contract: what every adapter of every port must do.

``BackOfficeContract`` holds the tests; each ``Test...`` subclass supplies a
``kit`` fixture (the ``BackOffice`` bundle plus a way to load test data). Here
it runs against the in-memory fake and the demo database on every backend of
the ``database`` fixture (SQLite, and PostgreSQL when
FRONTDOOR_TEST_POSTGRES_URL is set).

A council proving its own adapter subclasses ``BackOfficeContract`` in its own
test module and provides a ``kit`` whose ``load`` puts ``backoffice_scenario``
into its test system.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from backoffice import references
from backoffice.exceptions import (
    HoldReleased,
    IllegalTransition,
    InvalidReference,
    InvalidRequest,
    NotFound,
    PaymentRequired,
    SlotFull,
)
from backoffice.loading import BackOfficeLoader
from backoffice.memory import fake_with_loader
from backoffice.ports import (
    BackOffice,
    BinType,
    BookingStatus,
    CaseStatus,
    CaseType,
    CrewOutcome,
    HoldStatus,
    NewCase,
    RentTransactionKind,
    RoundState,
)
from backoffice.sql import SqlLoader, demo_backoffice
from frontdoor.db import make_session_factory
from tests.contract import backoffice_scenario as s

NOW = s.at(s.EASTER_WEDNESDAY, 10, 0)


@dataclass
class Kit:
    backoffice: BackOffice
    load: Callable[[Callable[[BackOfficeLoader], None]], None]


def _race(count: int, action: Callable[[int], object]) -> list[object]:
    """Run ``action(i)`` in ``count`` threads released together; results or errors."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = action(index)
        except Exception as exc:  # collected and asserted on by the caller
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


class BackOfficeContract:
    @pytest.fixture
    def kit(self) -> Kit:
        raise NotImplementedError("subclasses provide the adapter under test")

    @pytest.fixture
    def bo(self, kit: Kit) -> BackOffice:
        kit.load(s.load_scenario)
        return kit.backoffice

    # --- properties -----------------------------------------------------------

    def test_get_property_normalises_the_uprn(self, bo: BackOffice) -> None:
        home = bo.properties.get_property(f" {s.HOME} ")
        assert home.uprn == s.HOME
        assert home.single_line == "1 Juniper Close, Bramblefield, BF2 4AA"

    def test_unknown_and_malformed_uprns_are_told_apart(self, bo: BackOffice) -> None:
        with pytest.raises(NotFound):
            bo.properties.get_property("999999999999")
        with pytest.raises(InvalidReference):
            bo.properties.get_property("12-A")

    def test_find_by_postcode_lists_addresses_in_street_order(self, bo: BackOffice) -> None:
        found = bo.properties.find_by_postcode("bf24aa")
        assert [p.uprn for p in found] == [s.HOME, s.FLAT_2, s.FLAT_10, s.NUMBER_10]
        assert bo.properties.find_by_postcode("BF9 9ZZ") == []
        with pytest.raises(InvalidReference):
            bo.properties.find_by_postcode("not a postcode")

    def test_address_search_by_street_words_or_postcode(self, bo: BackOffice) -> None:
        street = bo.properties.search_addresses("juniper close")
        assert [p.uprn for p in street] == [s.HOME, s.FLAT_2, s.FLAT_10, s.NUMBER_10]
        assert [p.uprn for p in bo.properties.search_addresses("3 JUNIPER")] == [
            s.FLAT_2,
            s.FLAT_10,
        ]
        assert [p.uprn for p in bo.properties.search_addresses("bf31bb")] == [s.SORREL]
        assert [p.uprn for p in bo.properties.search_addresses("BF3 1BB")] == [s.SORREL]
        assert len(bo.properties.search_addresses("juniper", limit=2)) == 2
        assert bo.properties.search_addresses("Nowhere Street") == []
        assert bo.properties.search_addresses("100%_") == []  # wildcards are literal
        with pytest.raises(InvalidRequest):
            bo.properties.search_addresses(" a ")

    def test_residents_and_surname_matching(self, bo: BackOffice) -> None:
        names = [r.full_name for r in bo.properties.residents_at(s.HOME)]
        assert names == ["Ann Whitlock", "Tom Whitlock"]
        assert bo.properties.match_resident(s.FLAT_2, " o\u2019neill ").resident_id == s.PRIYA
        assert bo.properties.match_resident(s.FLAT_2, "Whitlock") is None
        assert bo.properties.get_resident(s.TOM).email == "tom@example.org"
        with pytest.raises(NotFound):
            bo.properties.get_resident("R-9999")
        with pytest.raises(NotFound):
            bo.properties.residents_at("999999999999")

    # --- waste ------------------------------------------------------------------

    def test_services_in_bin_type_order(self, bo: BackOffice) -> None:
        services = bo.waste.services(s.HOME)
        assert [x.bin_type for x in services] == list(BinType)
        assert [x.bin_type for x in bo.waste.services(s.FLAT_2)] == [
            BinType.REFUSE,
            BinType.RECYCLING,
            BinType.FOOD,
        ]
        with pytest.raises(NotFound):
            bo.waste.services("999999999999")

    def test_calendar_alternates_fortnightly_and_moves_for_easter_monday(
        self, bo: BackOffice
    ) -> None:
        found = bo.waste.collections(s.HOME, start=date(2026, 3, 30), end=date(2026, 4, 19))
        assert [(c.day.isoformat(), c.bin_type.value) for c in found] == [
            ("2026-03-31", "recycling"),
            ("2026-03-31", "food"),
            ("2026-04-01", "garden"),
            ("2026-04-08", "refuse"),
            ("2026-04-08", "food"),
            ("2026-04-14", "recycling"),
            ("2026-04-14", "food"),
            ("2026-04-15", "garden"),
        ]
        moved = found[3]
        assert moved.shifted and moved.usual_day == date(2026, 4, 7)
        assert moved.reason == "Easter Monday" and moved.round_id == "TUE-A"
        assert not found[0].shifted and found[0].reason is None

    def test_a_collection_moved_into_the_range_is_included(self, bo: BackOffice) -> None:
        on_wednesday = bo.waste.collections(
            s.HOME, start=s.EASTER_WEDNESDAY, end=s.EASTER_WEDNESDAY
        )
        assert {c.bin_type for c in on_wednesday} == {BinType.REFUSE, BinType.FOOD}
        assert bo.waste.collections(s.HOME, start=date(2026, 4, 7), end=date(2026, 4, 7)) == []

    def test_next_collections_one_per_bin(self, bo: BackOffice) -> None:
        upcoming = bo.waste.next_collections(s.HOME, on_or_after=date(2026, 4, 9))
        assert [(c.bin_type.value, c.day.isoformat()) for c in upcoming] == [
            ("recycling", "2026-04-14"),
            ("food", "2026-04-14"),
            ("garden", "2026-04-15"),
            ("refuse", "2026-04-21"),
        ]

    def test_bank_holidays_in_range(self, bo: BackOffice) -> None:
        holidays = bo.waste.bank_holidays(start=date(2026, 4, 1), end=date(2026, 4, 30))
        assert [(h.day, h.name) for h in holidays] == [
            (date(2026, 4, 3), "Good Friday"),
            (date(2026, 4, 6), "Easter Monday"),
        ]

    def test_disruptions_by_day_and_postcode_area(self, bo: BackOffice) -> None:
        assert [d.disruption_id for d in bo.waste.disruptions(on=s.EASTER_WEDNESDAY)] == ["D-1"]
        hit = bo.waste.disruptions(on=s.EASTER_WEDNESDAY, postcode="bf3 1bb")
        assert hit == [s.DISRUPTION]
        assert bo.waste.disruptions(on=s.EASTER_WEDNESDAY, postcode=s.JUNIPER_POSTCODE) == []
        assert bo.waste.disruptions(on=date(2026, 4, 10), postcode="BF3 1BB") == []

    def test_round_status_and_progress_times(self, bo: BackOffice) -> None:
        running = bo.waste.round_status("TUE-A", s.EASTER_WEDNESDAY)
        assert running.state is RoundState.IN_PROGRESS
        assert running.started_at == s.at(s.EASTER_WEDNESDAY, 6, 35)
        assert running.started_at.utcoffset() == timedelta(hours=1)  # BST, London time
        assert running.completed_at is None
        done = bo.waste.round_status("TUE-A", s.TUESDAY_BEFORE)
        assert done.state is RoundState.COMPLETED
        assert done.completed_at == s.at(s.TUESDAY_BEFORE, 14, 40)
        idle = bo.waste.round_status("TUE-A", date(2026, 4, 14))
        assert (idle.state, idle.started_at) == (RoundState.NOT_STARTED, None)
        assert bo.waste.get_round("TUE-A").weekday == 1
        with pytest.raises(NotFound):
            bo.waste.round_status("NOPE", s.EASTER_WEDNESDAY)

    def test_crew_logs_oldest_first(self, bo: BackOffice) -> None:
        logs = bo.waste.crew_logs(s.HOME, s.TUESDAY_BEFORE)
        assert [(e.bin_type, e.outcome) for e in logs] == [
            (BinType.FOOD, CrewOutcome.COLLECTED),
            (BinType.RECYCLING, CrewOutcome.COLLECTED),
        ]
        assert logs[0].logged_at == s.at(s.TUESDAY_BEFORE, 9, 39)
        blocked = bo.waste.crew_logs(s.FLAT_2, s.EASTER_WEDNESDAY)
        assert blocked[0].outcome is CrewOutcome.BLOCKED_ACCESS and blocked[0].note == "parked van"
        assert bo.waste.crew_logs(s.SORREL, s.TUESDAY_BEFORE) == []

    # --- cases ------------------------------------------------------------------

    def _missed_bin(self, key: str = "k-1", **overrides: object) -> NewCase:
        values: dict[str, object] = {
            "case_type": CaseType.MISSED_BIN,
            "summary": "Missed refuse",
            "idempotency_key": key,
            "uprn": s.HOME,
            "resident_id": s.ANN,
            "bin_type": BinType.REFUSE,
            "service_date": s.EASTER_WEDNESDAY,
        }
        values.update(overrides)
        return NewCase(**values)  # type: ignore[arg-type]

    def test_create_case_assigns_reference_team_and_target(self, bo: BackOffice) -> None:
        receipt = bo.cases.create_case(self._missed_bin(), now=NOW)
        case = receipt.case
        assert receipt.created
        assert references.case_reference(case.reference) == case.reference
        assert int(case.reference[4:]) > int(s.HISTORIC_CASE[4:])
        assert case.status is CaseStatus.RECEIVED and case.is_open
        assert case.owning_team == "Waste Services"
        assert case.target_date == date(2026, 4, 10)  # 2 working days after Wednesday
        assert case.created_at == NOW
        assert [h.status for h in case.history] == [CaseStatus.RECEIVED]
        assert (case.bin_type, case.service_date) == (BinType.REFUSE, s.EASTER_WEDNESDAY)
        assert bo.cases.get_case(case.reference.lower().replace("-", " ")) == case

    def test_a_reported_problem_keeps_where_it_is(self, bo: BackOffice) -> None:
        new = NewCase(
            case_type=CaseType.GRAFFITI,
            summary="Graffiti at the bus shelter",
            idempotency_key="report:1",
            channel="web",
            location="Bus shelter, Juniper Close",
            latitude=52.123456,
            longitude=-1.5,
            external_reference="638001",
        )
        case = bo.cases.create_case(new, now=NOW).case
        assert case.owning_team == "Street Cleansing"
        assert case.target_date == date(2026, 4, 15)  # 5 working days after Wednesday
        again = bo.cases.get_case(case.reference)
        assert (again.location, again.external_reference) == (new.location, "638001")
        assert again.latitude == pytest.approx(52.123456)
        assert again.longitude == pytest.approx(-1.5)
        assert again.uprn is None and again.channel == "web"

    def test_target_dates_skip_bank_holidays(self, bo: BackOffice) -> None:
        before_easter = s.at(date(2026, 4, 2), 16, 0)  # Thursday; Friday and Monday are off
        case = bo.cases.create_case(self._missed_bin(), now=before_easter).case
        assert case.target_date == date(2026, 4, 8)  # Tuesday is day 1, Wednesday day 2

    def test_create_case_is_idempotent(self, bo: BackOffice) -> None:
        first = bo.cases.create_case(self._missed_bin("same"), now=NOW)
        again = bo.cases.create_case(self._missed_bin("same", summary="other"), now=NOW)
        assert not again.created
        assert again.case == first.case
        assert bo.cases.find_by_idempotency_key("same") == first.case
        assert bo.cases.find_by_idempotency_key("never-used") is None
        mine = bo.cases.list_cases(uprn=s.HOME)
        assert [c.reference for c in mine].count(first.case.reference) == 1

    def test_concurrent_duplicate_reports_make_one_case(self, bo: BackOffice) -> None:
        results = _race(4, lambda _: bo.cases.create_case(self._missed_bin("race"), now=NOW))
        assert not [r for r in results if isinstance(r, Exception)]
        assert len({r.case.reference for r in results}) == 1  # type: ignore[attr-defined]
        assert sum(r.created for r in results) == 1  # type: ignore[attr-defined]

    def test_create_case_checks_property_resident_and_clock(self, bo: BackOffice) -> None:
        with pytest.raises(NotFound):
            bo.cases.create_case(self._missed_bin(uprn="999999999999"), now=NOW)
        with pytest.raises(NotFound):
            bo.cases.create_case(self._missed_bin(resident_id="R-9999"), now=NOW)
        with pytest.raises(ValueError, match="naive"):
            bo.cases.create_case(self._missed_bin(), now=datetime(2026, 4, 8, 10))
        assert bo.cases.find_by_idempotency_key("k-1") is None

    def test_case_lookups_tell_malformed_from_unknown(self, bo: BackOffice) -> None:
        with pytest.raises(InvalidReference):
            bo.cases.get_case("BDC-12")
        with pytest.raises(NotFound):
            bo.cases.get_case("BDC-999999")

    def test_historic_case_keeps_its_history(self, bo: BackOffice) -> None:
        case = bo.cases.get_case(s.HISTORIC_CASE)
        assert case == s.HISTORIC_CASES[0]

    def test_list_cases_filters_newest_first(self, bo: BackOffice) -> None:
        new = bo.cases.create_case(self._missed_bin(), now=NOW).case
        other = bo.cases.create_case(
            self._missed_bin("k-2", uprn=s.SORREL, resident_id=s.DEV), now=NOW
        ).case
        assert [c.reference for c in bo.cases.list_cases(uprn=s.HOME)] == [
            new.reference,
            s.HISTORIC_CASE,
        ]
        assert [c.reference for c in bo.cases.list_cases(resident_id=s.DEV)] == [other.reference]
        assert bo.cases.list_cases(uprn=s.HOME, resident_id=s.DEV) == []
        assert len(bo.cases.list_cases(uprn=s.HOME, limit=1)) == 1
        bo.cases.update_status(new.reference, status=CaseStatus.CANCELLED, at=NOW, by="advisor")
        assert [c.reference for c in bo.cases.list_cases(uprn=s.HOME, open_only=True)] == [
            s.HISTORIC_CASE
        ]
        with pytest.raises(InvalidRequest):
            bo.cases.list_cases()

    def test_status_changes_follow_the_workflow(self, bo: BackOffice) -> None:
        later = NOW + timedelta(hours=2)
        resolved = bo.cases.update_status(
            s.HISTORIC_CASE, status=CaseStatus.RESOLVED, at=later, note="cleared", by="J. Ames"
        )
        assert resolved.status is CaseStatus.RESOLVED and not resolved.is_open
        assert resolved.history[-1].note == "cleared" and resolved.history[-1].at == later
        assert len(resolved.history) == 3
        closed = bo.cases.update_status(s.HISTORIC_CASE, status=CaseStatus.CLOSED, at=later, by="x")
        assert bo.cases.get_case(s.HISTORIC_CASE) == closed
        with pytest.raises(IllegalTransition):
            bo.cases.update_status(s.HISTORIC_CASE, status=CaseStatus.IN_PROGRESS, at=later, by="x")
        fresh = bo.cases.create_case(self._missed_bin(), now=NOW).case
        with pytest.raises(IllegalTransition):
            bo.cases.update_status(
                fresh.reference, status=CaseStatus.AWAITING_RESIDENT, at=later, by="x"
            )

    # --- council tax ------------------------------------------------------------

    def test_council_tax_account(self, bo: BackOffice) -> None:
        account = bo.council_tax.get_account("ct 4000 0001")
        assert account == s.COUNCIL_TAX[0].account
        assert [h.forename for h in account.holders] == ["Ann", "Tom"]
        with pytest.raises(InvalidReference):
            bo.council_tax.get_account("CT123")
        with pytest.raises(NotFound):
            bo.council_tax.get_account("CT99999999")

    def test_payments_newest_first_and_last_payment(self, bo: BackOffice) -> None:
        payments = bo.council_tax.payments(s.COUNCIL_TAX_REF)
        assert [p.paid_on.month for p in payments] == [4, 3, 2]
        assert [p.amount_pence for p in bo.council_tax.payments(s.COUNCIL_TAX_REF, limit=2)] == [
            19_000,
            17_500,
        ]
        assert bo.council_tax.last_payment(s.COUNCIL_TAX_REF).amount_pence == 19_000
        assert bo.council_tax.last_payment(s.SUPPORTED_COUNCIL_TAX_REF) is None
        with pytest.raises(NotFound):
            bo.council_tax.payments("CT99999999")

    def test_council_tax_accounts_by_property_and_resident(self, bo: BackOffice) -> None:
        assert [a.reference for a in bo.council_tax.accounts_for_property(s.HOME)] == [
            s.COUNCIL_TAX_REF
        ]
        assert [a.reference for a in bo.council_tax.accounts_for_resident(s.TOM)] == [
            s.COUNCIL_TAX_REF
        ]
        supported = bo.council_tax.accounts_for_resident(s.PRIYA)[0]
        assert supported.receives_support and supported.next_instalment is None
        assert supported.discounts == ("single person discount", "council tax support")
        assert bo.council_tax.accounts_for_resident(s.DEV) == []

    # --- rents --------------------------------------------------------------------

    def test_rent_account_and_statement(self, bo: BackOffice) -> None:
        account = bo.rents.get_account("ten000101")
        assert account == s.TENANCIES[0].account and account.in_arrears
        statement = bo.rents.transactions(s.TENANCY_REF)
        assert [(t.posted_on.day, t.kind) for t in statement] == [
            (8, RentTransactionKind.PAYMENT),
            (6, RentTransactionKind.CHARGE),
            (30, RentTransactionKind.PAYMENT),
            (30, RentTransactionKind.CHARGE),
        ]
        assert statement[0].balance_after_pence == account.balance_pence
        assert len(bo.rents.transactions(s.TENANCY_REF, since=date(2026, 4, 1))) == 2
        assert len(bo.rents.transactions(s.TENANCY_REF, limit=1)) == 1

    def test_rent_lookups(self, bo: BackOffice) -> None:
        assert [a.tenancy_reference for a in bo.rents.accounts_for_resident(s.PRIYA)] == [
            s.TENANCY_REF
        ]
        assert [a.tenancy_reference for a in bo.rents.accounts_for_property(s.FLAT_2)] == [
            s.TENANCY_REF
        ]
        assert bo.rents.accounts_for_property(s.HOME) == []
        with pytest.raises(InvalidReference):
            bo.rents.get_account("TEN-1")
        with pytest.raises(NotFound):
            bo.rents.transactions("TEN-999999")

    # --- planning ---------------------------------------------------------------

    def test_planning_application_by_reference(self, bo: BackOffice) -> None:
        application = bo.planning.get_application(" 26/00110/hou ")
        assert application == s.PLANNING[0]
        with pytest.raises(InvalidReference):
            bo.planning.get_application("26/110/HOU")
        with pytest.raises(NotFound):
            bo.planning.get_application("26/99999/FUL")

    @pytest.mark.parametrize(
        ("criteria", "expected"),
        [
            ({"text": "juniper"}, [s.PLANNING_REF, "26/00090/FUL"]),
            ({"text": "JUNIPER close, 1"}, [s.PLANNING_REF]),
            ({"postcode": "bf2 4aa"}, [s.PLANNING_REF, "26/00090/FUL"]),
            ({"postcode": "BF3"}, ["25/01999/LBC"]),
            ({"postcode": "bf31"}, ["26/00100/ADV"]),
            ({"postcode": "BF3 1"}, ["25/01999/LBC"]),
            ({"text": "land", "postcode": "BF2"}, ["26/00090/FUL"]),
            ({"text": "sorrel", "postcode": "BF2 4AA"}, []),
            ({"text": "juniper", "limit": 1}, [s.PLANNING_REF]),
        ],
    )
    def test_planning_search(self, bo: BackOffice, criteria: dict, expected: list[str]) -> None:
        assert [a.reference for a in bo.planning.search(**criteria)] == expected

    def test_planning_search_needs_valid_criteria(self, bo: BackOffice) -> None:
        with pytest.raises(InvalidRequest):
            bo.planning.search(text="  ")
        with pytest.raises(InvalidReference):
            bo.planning.search(postcode="nowhere at all")

    # --- bulky waste ------------------------------------------------------------

    def test_catalogue(self, bo: BackOffice) -> None:
        assert [i.code for i in bo.bulky.item_types()] == ["fridge", "mattress", "sofa", "wardrobe"]
        assert bo.bulky.price_list() == s.PRICE_LIST

    def test_quotes_and_concessions(self, bo: BackOffice) -> None:
        three = bo.bulky.quote(uprn=s.HOME, items={"sofa": 1, "fridge": 1, "mattress": 1})
        assert (three.item_count, three.price_pence, three.concession) == (3, 2_800, None)
        items = {"sofa": 2, "wardrobe": 1, "fridge": 1}
        anonymous = bo.bulky.quote(uprn=s.FLAT_2, items=items)
        # Support is personal data: an address alone never reveals it through the price.
        assert (anonymous.price_pence, anonymous.concession) == (4_200, None)
        assert bo.bulky.concession_for(s.FLAT_2) is None
        five = bo.bulky.quote(uprn=s.FLAT_2, items=items, resident_id=s.PRIYA)
        assert (five.item_count, five.full_price_pence, five.price_pence) == (5, 4_200, 2_100)
        assert five.concession.reason == "council tax support"
        assert [line.code for line in five.lines] == ["fridge", "sofa", "wardrobe"]
        moved_in = bo.bulky.concession_for(s.HOME, resident_id=s.PRIYA)
        assert moved_in is not None and moved_in.discount_percent == 50
        assert bo.bulky.concession_for(s.HOME, resident_id=s.ANN) is None

    @pytest.mark.parametrize(
        "items", [{"piano": 1}, {}, {"sofa": 0}, {"sofa": -1}, {"wardrobe": 4, "sofa": 1}]
    )
    def test_quotes_refuse_bad_items(self, bo: BackOffice, items: dict[str, int]) -> None:
        with pytest.raises(InvalidRequest):
            bo.bulky.quote(uprn=s.HOME, items=items)

    def test_available_slots_for_the_district_with_space(self, bo: BackOffice) -> None:
        april = {"start": date(2026, 4, 1), "end": date(2026, 4, 30)}
        assert [x.slot_id for x in bo.bulky.available_slots(s.HOME, **april)] == [
            s.SLOT_OPEN,
            s.SLOT_LAST_PLACE,
        ]
        assert [x.remaining for x in bo.bulky.available_slots(s.HOME, **april)] == [4, 1]
        assert [x.slot_id for x in bo.bulky.available_slots(s.SORREL, **april)] == [
            s.SLOT_OTHER_AREA
        ]
        assert bo.bulky.available_slots(s.FAR_AWAY, **april) == []

    def _book(self, bo: BackOffice, key: str, slot: str = s.SLOT_OPEN, **extra: object):  # type: ignore[no-untyped-def]
        values: dict[str, object] = {
            "uprn": s.HOME,
            "slot_id": slot,
            "items": {"sofa": 1, "mattress": 2},
            "idempotency_key": key,
            "now": NOW,
            "resident_id": s.ANN,
            "payment_reference": "PAY-1",
        }
        values.update(extra)
        return bo.bulky.book(**values)  # type: ignore[arg-type]

    def test_booking_takes_a_place(self, bo: BackOffice) -> None:
        booking = self._book(bo, "b-1")
        assert references.booking_reference(booking.reference) == booking.reference
        assert int(booking.reference[3:]) > int(s.HISTORIC_BOOKING[3:])
        assert booking.status is BookingStatus.CONFIRMED
        assert (booking.collection_day, booking.price_pence) == (date(2026, 4, 21), 2_800)
        assert [(x.code, x.quantity) for x in booking.lines] == [("mattress", 2), ("sofa", 1)]
        assert booking.booked_at == NOW
        assert bo.bulky.get_booking(booking.reference.lower()) == booking
        slots = bo.bulky.available_slots(s.HOME, start=date(2026, 4, 21), end=date(2026, 4, 21))
        assert slots[0].booked == 2
        assert [b.reference for b in bo.bulky.bookings_for_property(s.HOME)] == [
            booking.reference,
            s.HISTORIC_BOOKING,
        ]

    def test_booking_is_idempotent(self, bo: BackOffice) -> None:
        first = self._book(bo, "b-1")
        assert self._book(bo, "b-1", items={"fridge": 1}) == first
        slots = bo.bulky.available_slots(s.HOME, start=date(2026, 4, 21), end=date(2026, 4, 21))
        assert slots[0].booked == 2

    def test_booking_rules(self, bo: BackOffice) -> None:
        with pytest.raises(SlotFull):
            self._book(bo, "b-full", slot=s.SLOT_FULL)
        with pytest.raises(InvalidRequest):
            self._book(bo, "b-area", slot=s.SLOT_OTHER_AREA)
        with pytest.raises(InvalidRequest):
            self._book(bo, "b-past", slot=s.SLOT_PAST)
        with pytest.raises(NotFound):
            self._book(bo, "b-none", slot="BF2-20990101")
        with pytest.raises(PaymentRequired) as unpaid:
            self._book(bo, "b-unpaid", uprn=s.FLAT_2, resident_id=s.PRIYA, payment_reference=None)
        assert unpaid.value.amount_pence == 1_400
        assert bo.bulky.bookings_for_property(s.FLAT_2) == []

    def test_two_residents_racing_for_the_last_place(self, bo: BackOffice) -> None:
        results = _race(2, lambda i: self._book(bo, f"race-{i}", slot=s.SLOT_LAST_PLACE))
        booked = [r for r in results if not isinstance(r, Exception)]
        refused = [r for r in results if isinstance(r, SlotFull)]
        assert (len(booked), len(refused)) == (1, 1), results
        remaining = bo.bulky.available_slots(s.HOME, start=date(2026, 4, 22), end=date(2026, 4, 22))
        assert remaining == []

    def test_cancelling_frees_the_place(self, bo: BackOffice) -> None:
        booking = self._book(bo, "b-1", slot=s.SLOT_LAST_PLACE)
        assert (
            bo.bulky.available_slots(s.HOME, start=date(2026, 4, 22), end=date(2026, 4, 22)) == []
        )
        cancelled = bo.bulky.cancel_booking(booking.reference, now=NOW)
        assert cancelled.status is BookingStatus.CANCELLED
        assert bo.bulky.cancel_booking(booking.reference, now=NOW) == cancelled
        slots = bo.bulky.available_slots(s.HOME, start=date(2026, 4, 22), end=date(2026, 4, 22))
        assert [x.booked for x in slots] == [2]

    def test_cancelling_too_late_is_refused(self, bo: BackOffice) -> None:
        booking = self._book(bo, "b-1")
        on_the_day = s.at(booking.collection_day, 7, 0)
        with pytest.raises(InvalidRequest):
            bo.bulky.cancel_booking(booking.reference, now=on_the_day)
        with pytest.raises(InvalidRequest):
            bo.bulky.cancel_booking(s.HISTORIC_BOOKING, now=NOW)  # already collected

    # --- a place held while the resident pays (issue #16) ------------------------

    def _hold(self, bo: BackOffice, key: str, slot: str = s.SLOT_LAST_PLACE, **extra: object):  # type: ignore[no-untyped-def]
        values: dict[str, object] = {
            "uprn": s.HOME,
            "slot_id": slot,
            "items": {"sofa": 1, "mattress": 2},
            "idempotency_key": key,
            "now": NOW,
            "expires_at": NOW + timedelta(minutes=30),
            "resident_id": s.ANN,
        }
        values.update(extra)
        return bo.bulky.hold(**values)  # type: ignore[arg-type]

    def _last_place_left(self, bo: BackOffice) -> bool:
        day = date(2026, 4, 22)
        return bool(bo.bulky.available_slots(s.HOME, start=day, end=day))

    def test_a_hold_takes_the_place_and_booking_it_takes_no_second(self, bo: BackOffice) -> None:
        held = self._hold(bo, "h-1")
        assert (held.status, held.price_pence, held.collection_day) == (
            HoldStatus.HELD,
            2_800,
            date(2026, 4, 22),
        )
        assert held.expires_at == NOW + timedelta(minutes=30)
        assert not self._last_place_left(bo)  # nobody else can take it mid-payment
        assert self._hold(bo, "h-1", items={"fridge": 1}) == held  # same key, same hold
        with pytest.raises(SlotFull):
            self._hold(bo, "h-2")
        booking = bo.bulky.book_held(held.hold_id, payment_reference="PAY-9", now=NOW)
        assert (booking.status, booking.payment_reference) == (BookingStatus.CONFIRMED, "PAY-9")
        assert [(x.code, x.quantity) for x in booking.lines] == [("mattress", 2), ("sofa", 1)]
        assert bo.bulky.book_held(held.hold_id, payment_reference="PAY-9", now=NOW) == booking
        assert bo.bulky.get_hold(held.hold_id).booking_reference == booking.reference
        assert bo.bulky.release_hold(held.hold_id).status is HoldStatus.BOOKED  # stays booked
        slot = bo.bulky.get_booking(booking.reference)
        assert slot.slot_id == s.SLOT_LAST_PLACE and not self._last_place_left(bo)

    def test_releasing_gives_the_place_back_once(self, bo: BackOffice) -> None:
        held = self._hold(bo, "h-1")
        assert bo.bulky.release_hold(held.hold_id).status is HoldStatus.RELEASED
        assert bo.bulky.release_hold(held.hold_id).status is HoldStatus.RELEASED
        day = date(2026, 4, 22)
        assert [x.booked for x in bo.bulky.available_slots(s.HOME, start=day, end=day)] == [2]
        with pytest.raises(HoldReleased):
            bo.bulky.book_held(held.hold_id, payment_reference="PAY-9", now=NOW)
        with pytest.raises(NotFound):
            bo.bulky.get_hold("BH-NOSUCHHOLD")

    def test_expired_holds_are_given_back(self, bo: BackOffice) -> None:
        held = self._hold(bo, "h-1")
        assert bo.bulky.release_expired_holds(now=NOW + timedelta(minutes=29)) == []
        # held past its expiry but not yet released: the place is still the payer's
        late = self._hold(bo, "h-late", slot=s.SLOT_OPEN)
        assert bo.bulky.book_held(late.hold_id, payment_reference="P", now=NOW + timedelta(hours=2))
        assert bo.bulky.release_expired_holds(now=NOW + timedelta(minutes=30)) == [held.hold_id]
        assert self._last_place_left(bo)
        # a new hold on a slot sweeps that slot's expired holds first
        again = self._hold(bo, "h-2")
        later = NOW + timedelta(hours=1)
        other = self._hold(bo, "h-3", now=later, expires_at=later + timedelta(minutes=30))
        assert bo.bulky.get_hold(again.hold_id).status is HoldStatus.RELEASED
        assert other.status is HoldStatus.HELD

    def test_hold_rules(self, bo: BackOffice) -> None:
        with pytest.raises(InvalidRequest):
            self._hold(bo, "h-past", slot=s.SLOT_PAST)
        with pytest.raises(InvalidRequest):
            self._hold(bo, "h-area", slot=s.SLOT_OTHER_AREA)
        with pytest.raises(InvalidRequest):
            self._hold(bo, "h-exp", expires_at=NOW)
        with pytest.raises(InvalidRequest):
            self._hold(bo, "h-items", items={"piano": 1})
        with pytest.raises(NotFound):
            self._hold(bo, "h-none", slot="BF2-20990101")
        assert self._last_place_left(bo)

    def test_two_residents_racing_to_hold_the_last_place(self, bo: BackOffice) -> None:
        results = _race(2, lambda i: self._hold(bo, f"race-{i}"))
        held = [r for r in results if not isinstance(r, Exception)]
        refused = [r for r in results if isinstance(r, SlotFull)]
        assert (len(held), len(refused)) == (1, 1), results

    def test_paying_twice_at_once_books_once(self, bo: BackOffice) -> None:
        held = self._hold(bo, "h-1")
        results = _race(
            2, lambda i: bo.bulky.book_held(held.hold_id, payment_reference="P", now=NOW)
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        assert results[0] == results[1]
        refs = [b.reference for b in bo.bulky.bookings_for_property(s.HOME)]
        assert refs.count(results[0].reference) == 1  # type: ignore[union-attr]


class TestFakeBackOffice(BackOfficeContract):
    @pytest.fixture
    def kit(self) -> Kit:
        backoffice, loader = fake_with_loader()
        return Kit(backoffice, lambda fill: fill(loader))


class TestDemoBackOffice(BackOfficeContract):
    @pytest.fixture
    def kit(self, database) -> Kit:  # type: ignore[no-untyped-def]
        sessions = make_session_factory(database.engine)

        def load(fill: Callable[[BackOfficeLoader], None]) -> None:
            with sessions.begin() as session:
                fill(SqlLoader(session))

        return Kit(demo_backoffice(database.engine), load)
