"""assess_missed_bin against the fakes: every outcome, in the order it is checked."""

from __future__ import annotations

from datetime import date

import pytest

from backoffice.exceptions import InvalidRequest, NotFound
from backoffice.memory import MemoryLoader
from backoffice.missed_bin import (
    AlreadyReported,
    CrewLogged,
    MissedBinReported,
    NoSuchService,
    NotACollectionDay,
    ReportTooLate,
    RoundNotFinished,
    ServiceDisrupted,
    assess_missed_bin,
)
from backoffice.ports import (
    BackOffice,
    BinType,
    CaseStatus,
    CrewLogEntry,
    CrewOutcome,
    Disruption,
)
from tests.contract import backoffice_scenario as s

TUESDAY, WEDNESDAY = s.TUESDAY_BEFORE, s.EASTER_WEDNESDAY


def assess(fake: BackOffice, uprn: str, bin_type: BinType, day: date, now, **extra):  # type: ignore[no-untyped-def]
    return assess_missed_bin(fake, uprn=uprn, bin_type=bin_type, day=day, now=now, **extra)


def test_a_bin_the_household_does_not_have(fake: BackOffice) -> None:
    outcome = assess(fake, s.FLAT_2, BinType.GARDEN, WEDNESDAY, s.at(WEDNESDAY, 21))
    assert isinstance(outcome, NoSuchService)
    assert "garden waste subscription" in outcome.advice


def test_not_a_collection_day_points_to_the_next_one(fake: BackOffice) -> None:
    outcome = assess(fake, s.HOME, BinType.REFUSE, TUESDAY, s.at(date(2026, 4, 1), 9))
    assert isinstance(outcome, NotACollectionDay)
    assert outcome.next_collection is not None
    assert outcome.next_collection.day == WEDNESDAY
    assert outcome.advice == (
        "Your next black rubbish bin collection is Wednesday 8 April"
        " (moved because of Easter Monday)."
    )


def test_the_usual_day_in_a_bank_holiday_week_is_not_the_collection_day(fake: BackOffice) -> None:
    outcome = assess(fake, s.HOME, BinType.REFUSE, date(2026, 4, 7), s.at(date(2026, 4, 7), 18))
    assert isinstance(outcome, NotACollectionDay)
    assert outcome.next_collection.day == WEDNESDAY  # type: ignore[union-attr]


def test_a_day_in_the_future_is_refused(fake: BackOffice) -> None:
    with pytest.raises(InvalidRequest):
        assess(fake, s.HOME, BinType.REFUSE, WEDNESDAY, s.at(date(2026, 4, 7), 18))


def test_an_unknown_property(fake: BackOffice) -> None:
    with pytest.raises(NotFound):
        assess(fake, "999999999999", BinType.REFUSE, TUESDAY, s.at(TUESDAY, 21))


@pytest.mark.parametrize(
    ("uprn", "day", "bin_type", "outcome", "phrase"),
    [
        (s.NUMBER_10, TUESDAY, BinType.RECYCLING, CrewOutcome.NOT_PRESENTED, "not out"),
        (s.FLAT_10, TUESDAY, BinType.RECYCLING, CrewOutcome.CONTAMINATED, "wrong items"),
        (s.FLAT_2, WEDNESDAY, BinType.REFUSE, CrewOutcome.BLOCKED_ACCESS, "could not reach"),
    ],
)
def test_crew_logged_a_problem(  # type: ignore[no-untyped-def]
    fake: BackOffice, uprn, day, bin_type, outcome, phrase
) -> None:
    result = assess(fake, uprn, bin_type, day, s.at(day, 15))
    assert isinstance(result, CrewLogged)
    assert result.log.outcome is outcome
    assert phrase in result.explanation
    assert "you can still report it" in result.advice
    assert fake.cases.list_cases(uprn=uprn) == []


def test_the_explanation_gives_the_time_of_the_log(fake: BackOffice) -> None:
    result = assess(fake, s.NUMBER_10, BinType.RECYCLING, TUESDAY, s.at(TUESDAY, 15))
    assert result.explanation.startswith("At 09:42 the crew logged")  # type: ignore[union-attr]
    assert "next collection day" in result.advice  # type: ignore[union-attr]


def test_a_disputed_crew_log_still_makes_a_case(fake: BackOffice) -> None:
    logged = assess(fake, s.HOME, BinType.RECYCLING, TUESDAY, s.at(TUESDAY, 15))
    assert isinstance(logged, CrewLogged) and logged.log.outcome is CrewOutcome.COLLECTED
    disputed = assess(
        fake,
        s.HOME,
        BinType.RECYCLING,
        TUESDAY,
        s.at(TUESDAY, 15),
        resident_id=s.ANN,
        dispute_reason="  It was full at 7pm and still is. ",
    )
    assert isinstance(disputed, MissedBinReported) and disputed.created
    assert "Crew log: collected at 09:40." in disputed.case.description
    assert disputed.case.description.endswith("It was full at 7pm and still is.")
    assert disputed.case.resident_id == s.ANN


def test_round_still_running_before_8pm(fake: BackOffice) -> None:
    outcome = assess(fake, s.NUMBER_10, BinType.REFUSE, WEDNESDAY, s.at(WEDNESDAY, 12))
    assert isinstance(outcome, RoundNotFinished)
    assert outcome.report_after == s.at(WEDNESDAY, 20)
    assert outcome.explanation == "The crew is still working on your round."
    assert "8pm" in outcome.advice
    assert fake.cases.list_cases(uprn=s.NUMBER_10) == []


def test_round_still_running_after_8pm_means_tomorrow(fake: BackOffice) -> None:
    outcome = assess(fake, s.NUMBER_10, BinType.REFUSE, WEDNESDAY, s.at(WEDNESDAY, 20, 30))
    assert isinstance(outcome, RoundNotFinished)
    assert outcome.report_after == s.at(date(2026, 4, 9), 8)
    assert "tomorrow" in outcome.advice


def test_a_round_not_started_by_8pm_is_a_miss(fake: BackOffice) -> None:
    day = s.TUESDAY_AFTER  # no progress recorded for TUE-A that day
    early = assess(fake, s.NUMBER_10, BinType.FOOD, day, s.at(day, 10))
    assert isinstance(early, RoundNotFinished)
    assert early.explanation == "The crew has not started your round yet today."
    late = assess(fake, s.NUMBER_10, BinType.FOOD, day, s.at(day, 20, 1))
    assert isinstance(late, MissedBinReported)


def test_a_completed_round_lets_residents_report_straight_away(fake: BackOffice) -> None:
    outcome = assess(fake, s.NUMBER_10, BinType.FOOD, TUESDAY, s.at(TUESDAY, 15))
    assert isinstance(outcome, MissedBinReported)


def test_genuine_miss_creates_one_case_with_a_two_working_day_target(fake: BackOffice) -> None:
    now = s.at(date(2026, 4, 1), 9)
    outcome = assess(fake, s.NUMBER_10, BinType.FOOD, TUESDAY, now, resident_id=None)
    assert isinstance(outcome, MissedBinReported) and outcome.created
    case = outcome.case
    assert case.status is CaseStatus.RECEIVED and case.owning_team == "Waste Services"
    assert case.target_date == date(2026, 4, 7)  # Thursday, then Good Friday and Easter Monday
    assert (case.bin_type, case.service_date, case.uprn) == (BinType.FOOD, TUESDAY, s.NUMBER_10)
    assert case.summary == "Missed food caddy on Tuesday 31 March"
    assert case.reference in outcome.explanation and "Tuesday 7 April" in outcome.advice

    again = assess(fake, s.NUMBER_10, BinType.FOOD, TUESDAY, now)
    assert isinstance(again, AlreadyReported) and again.case == case
    assert case.reference in again.explanation
    assert len(fake.cases.list_cases(uprn=s.NUMBER_10)) == 1


def test_already_reported_wins_over_a_later_crew_log(
    loaded: tuple[BackOffice, MemoryLoader],
) -> None:
    fake, loader = loaded
    reported = assess(fake, s.NUMBER_10, BinType.FOOD, TUESDAY, s.at(TUESDAY, 15))
    loader.add_crew_logs(
        [
            CrewLogEntry(
                s.NUMBER_10,
                TUESDAY,
                BinType.FOOD,
                "TUE-A",
                CrewOutcome.COLLECTED,
                s.at(TUESDAY, 16),
            )
        ]
    )
    again = assess(fake, s.NUMBER_10, BinType.FOOD, TUESDAY, s.at(TUESDAY, 17))
    assert isinstance(again, AlreadyReported)
    assert again.case == reported.case  # type: ignore[union-attr]


def test_too_late_after_the_end_of_the_next_working_day(fake: BackOffice) -> None:
    outcome = assess(fake, s.NUMBER_10, BinType.FOOD, TUESDAY, s.at(date(2026, 4, 2), 9))
    assert isinstance(outcome, ReportTooLate)
    assert outcome.deadline == date(2026, 4, 1)
    assert "Wednesday 1 April" in outcome.explanation
    assert fake.cases.list_cases(uprn=s.NUMBER_10) == []


def test_disruption_in_the_area(fake: BackOffice) -> None:
    outcome = assess(fake, s.SORREL, BinType.REFUSE, WEDNESDAY, s.at(WEDNESDAY, 21))
    assert isinstance(outcome, ServiceDisrupted)
    assert outcome.disruption.disruption_id == "D-1"
    assert outcome.advice == "Leave your bin out: we plan to collect on Saturday 11 April."


def test_a_disruption_applies_only_to_its_bins(loaded: tuple[BackOffice, MemoryLoader]) -> None:
    fake, loader = loaded
    wednesday = date(2026, 4, 1)
    loader.add_disruptions(
        [
            Disruption(
                "D-2",
                "Garden lorry broken down",
                "Garden bins will be collected as soon as we can.",
                ("BF2",),
                TUESDAY,
                wednesday,
                bin_types=(BinType.GARDEN,),
            )
        ]
    )
    food = assess(fake, s.NUMBER_10, BinType.FOOD, TUESDAY, s.at(TUESDAY, 15))
    assert isinstance(food, MissedBinReported)
    garden = assess(fake, s.HOME, BinType.GARDEN, wednesday, s.at(wednesday, 21))
    assert isinstance(garden, ServiceDisrupted) and garden.disruption.disruption_id == "D-2"
    assert garden.advice == "You do not need to report it; we will collect as soon as we can."
