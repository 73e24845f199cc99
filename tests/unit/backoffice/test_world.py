"""The demo world: deterministic, internally consistent, with fixed identities."""

from __future__ import annotations

import collections
import itertools
from datetime import date, datetime, time
from pathlib import Path

import pytest

from backoffice import casework, references
from backoffice.calendar import BANK_HOLIDAYS_ENGLAND_WALES, at_london
from backoffice.missed_bin import (
    CrewLogged,
    MissedBinReported,
    RoundNotFinished,
    assess_missed_bin,
)
from backoffice.ports import (
    BinType,
    BookingStatus,
    CaseStatus,
    CaseType,
    CrewOutcome,
    PlanningStatus,
    RoundState,
)
from backoffice.seed import DEMO_IDENTITIES, seeded_fake
from backoffice.world import World, build_world
from backoffice.world.accounts import financial_year_start

TODAY = date(2026, 11, 18)  # a Wednesday
DOCS = Path(__file__).resolve().parents[3] / "docs" / "demo-identities.md"


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(rng_seed=11, today=TODAY)


def test_the_same_seed_and_day_build_the_same_world(world: World) -> None:
    assert build_world(rng_seed=11, today=TODAY) == world
    other = build_world(rng_seed=12, today=TODAY)
    assert other.properties != world.properties
    assert other.properties[:21] == world.properties[:21]  # the fixed demo streets


def test_places(world: World) -> None:
    uprns = [p.uprn for p in world.properties]
    assert len(set(uprns)) == len(uprns) and 1_900 <= len(uprns) <= 2_100
    per_postcode = collections.Counter(p.postcode for p in world.properties)
    assert all(references.postcode(code) == code for code in per_postcode)
    assert min(per_postcode.values()) >= 5
    sectors = {code[:-2] for code in per_postcode}
    assert len(sectors) == 20 and all(s.startswith("BF") for s in sectors)
    ids = [r.resident_id for r in world.residents]
    assert len(set(ids)) == len(ids) and set(r.uprn for r in world.residents) <= set(uprns)


def test_cases_cover_every_status_and_type_through_legal_moves(world: World) -> None:
    assert {c.status for c in world.cases} == set(CaseStatus)
    assert {c.case_type for c in world.cases} == set(CaseType)
    assert 250 <= len(world.cases) <= 400
    assert len({c.reference for c in world.cases}) == len(world.cases)
    assert len({c.idempotency_key for c in world.cases}) == len(world.cases)
    for case in world.cases:
        steps = [change.status for change in case.history]
        assert steps[0] is CaseStatus.RECEIVED and steps[-1] is case.status
        for before, after in itertools.pairwise(steps):
            casework.check_transition(case.reference, before, after)
        times = [change.at for change in case.history]
        assert times == sorted(times) and times[0] == case.created_at
    demo = next(c for c in world.cases if c.reference == "BDC-104233")
    assert demo.status is CaseStatus.IN_PROGRESS


def test_council_tax_balances_add_up(world: World) -> None:
    year_start = financial_year_start(TODAY)
    stages = collections.Counter()
    for record in world.accounts.council_tax:
        account = record.account
        paid = sum(p.amount_pence for p in record.payments if p.paid_on >= year_start)
        assert account.balance_pence == account.annual_charge_pence - paid
        if account.next_instalment:
            assert account.next_instalment.due_on >= TODAY
        stages[account.recovery_stage] += 1
    assert len(stages) == 4  # none, reminder, final notice and summons all occur


def test_rent_statements_run_to_the_balance(world: World) -> None:
    assert 150 <= len(world.accounts.tenancies) <= 350
    for record in world.accounts.tenancies:
        entries = record.transactions
        for before, after in itertools.pairwise(entries):
            assert after.balance_after_pence == before.balance_after_pence + after.amount_pence
        assert entries[-1].balance_after_pence == record.account.balance_pence
    assert any(r.account.in_arrears for r in world.accounts.tenancies)


def test_bulky_slots_match_their_bookings(world: World) -> None:
    per_slot = collections.Counter(b.slot_id for b in world.bulky.bookings)
    for slot in world.bulky.slots:
        assert per_slot[slot.slot_id] == slot.booked <= slot.capacity
        assert 1 <= slot.day.weekday() <= 4
    assert any(s.booked == s.capacity for s in world.bulky.slots if s.day > TODAY)
    assert any(s.booked < s.capacity for s in world.bulky.slots if s.day > TODAY)
    for booking in world.bulky.bookings:
        expected = (
            BookingStatus.COLLECTED if booking.collection_day < TODAY else BookingStatus.CONFIRMED
        )
        assert booking.status is expected and booking.booked_at.date() < booking.collection_day


def test_waste_progress_logs_and_disruption(world: World) -> None:
    outcomes = collections.Counter(log.outcome for log in world.waste.crew_logs)
    assert set(outcomes) == set(CrewOutcome)
    today = {s.state for s in world.waste.statuses if s.day == TODAY}
    assert today == {RoundState.IN_PROGRESS}
    earlier = [s for s in world.waste.statuses if s.day < TODAY]
    assert earlier and all(s.completed_at for s in earlier)
    assert len(world.waste.disruptions) == 1 and world.waste.disruptions[0].starts_on == TODAY


def test_planning_register(world: World) -> None:
    statuses = collections.Counter(a.status for a in world.planning)
    assert {
        PlanningStatus.DECIDED,
        PlanningStatus.UNDER_CONSIDERATION,
        PlanningStatus.WITHDRAWN,
    } <= set(statuses)
    assert all(references.planning_reference(a.reference) == a.reference for a in world.planning)
    assert len({a.reference for a in world.planning}) == len(world.planning)


@pytest.mark.parametrize(
    "today",
    [
        date(2026, 11, 16),  # Monday: "yesterday" is Friday
        date(2026, 11, 18),
        date(2026, 11, 21),  # Saturday: no round today
        date(2026, 4, 7),  # the day after Easter Monday
        date(2026, 12, 29),  # after the Boxing Day substitute
    ],
)
def test_demo_identities_hold_on_any_day(today: date) -> None:
    backoffice, world = seeded_fake(rng_seed=3, today=today, properties=300)
    ids = DEMO_IDENTITIES
    tax = ids["council_tax"]
    account = backoffice.council_tax.get_account(tax["reference"])
    assert account.holders[0].surname == tax["surname"] and account.uprn == tax["uprn"]
    assert (
        backoffice.council_tax.last_payment(tax["reference"]).amount_pence
        == tax["last_payment_pence"]
    )
    tenancy = backoffice.rents.get_account(ids["tenancy"]["reference"])
    assert tenancy.tenants[0].surname == ids["tenancy"]["surname"]
    assert tenancy.weekly_rent_pence == ids["tenancy"]["weekly_rent_pence"] and tenancy.in_arrears
    concession = ids["bulky_concession"]
    assert backoffice.bulky.concession_for(concession["uprn"]) is None  # never by address alone
    assert (
        backoffice.bulky.concession_for(concession["uprn"], resident_id=concession["resident_id"])
        is not None
    )
    case = backoffice.cases.get_case(ids["case_in_progress"]["reference"])
    assert case.status is CaseStatus.IN_PROGRESS and case.uprn == ids["case_in_progress"]["uprn"]
    planning = backoffice.planning.get_application(ids["planning"]["reference"])
    assert planning.status.value == ids["planning"]["status"]
    found = backoffice.properties.find_by_postcode(ids["postcode"]["postcode"])
    assert len(found) == ids["postcode"]["addresses"]
    for key in (
        "council_tax",
        "tenancy",
        "bin_not_presented",
        "genuine_missed_bin",
        "round_in_progress",
    ):
        facts = ids[key]
        home = backoffice.properties.get_property(facts["uprn"])
        assert home.single_line == facts["address"]
        assert backoffice.properties.match_resident(home.uprn, facts["surname"]) is not None

    last_day, morning = world.waste.last_collection_day, at_london(today, time(11, 0))
    not_presented = assess_missed_bin(
        backoffice,
        uprn=ids["bin_not_presented"]["uprn"],
        bin_type=BinType.RECYCLING,
        day=last_day,
        now=morning,
    )
    assert isinstance(not_presented, CrewLogged)
    assert not_presented.log.outcome is CrewOutcome.NOT_PRESENTED
    genuine = assess_missed_bin(
        backoffice,
        uprn=ids["genuine_missed_bin"]["uprn"],
        bin_type=BinType.RECYCLING,
        day=last_day,
        now=morning,
    )
    assert isinstance(genuine, MissedBinReported) and genuine.created
    progress_day = world.waste.in_progress_day
    if progress_day == today:
        running = assess_missed_bin(
            backoffice,
            uprn=ids["round_in_progress"]["uprn"],
            bin_type=BinType.REFUSE,
            day=today,
            now=morning,
        )
        assert isinstance(running, RoundNotFinished)
        assert running.status.state is RoundState.IN_PROGRESS
    else:
        assert today.weekday() >= 5 or today in {h.day for h in BANK_HOLIDAYS_ENGLAND_WALES}
        due = backoffice.waste.collections(
            ids["round_in_progress"]["uprn"], start=progress_day, end=progress_day
        )
        assert BinType.REFUSE in {c.bin_type for c in due}


def test_the_docs_page_matches_the_identities() -> None:
    page = DOCS.read_text(encoding="utf-8")
    for facts in DEMO_IDENTITIES.values():
        for name in ("reference", "postcode", "surname", "council_tax_reference"):
            if name in facts:
                assert str(facts[name]) in page, f"{facts[name]} missing from {DOCS.name}"
    assert f"£{DEMO_IDENTITIES['council_tax']['last_payment_pence'] / 100:.2f}" in page
    assert f"£{DEMO_IDENTITIES['tenancy']['weekly_rent_pence'] / 100:.2f}" in page


def test_timestamps_are_london_aware(world: World) -> None:
    moments: list[datetime] = [c.created_at for c in world.cases]
    moments += [log.logged_at for log in world.waste.crew_logs]
    assert all(m.tzinfo is not None and m.utcoffset() is not None for m in moments)
