"""Missed bin: check round progress and crew logs before anything reaches a crew.

``assess_missed_bin`` replaces the phone call where an advisor checks the round,
checks the property's logs, then keys a report. It asks the ports, in order:

1. does the property have this bin, and was ``day`` a collection day for it
   (bank-holiday shifts included)?                      -> NoSuchService / NotACollectionDay
2. has this bin already been reported for that day?    -> AlreadyReported
3. is it too late (after the end of the next working day)? -> ReportTooLate
4. is a service disruption in force for the area?       -> ServiceDisrupted
5. did the crew log a problem at the address?           -> CrewLogged (unless the
   resident disputes the log, which goes on to a case)
6. is the round still running (before 8pm)?             -> RoundNotFinished
7. otherwise it is a genuine miss: open a case, idempotently -> MissedBinReported

Every outcome is a frozen dataclass with a resident-facing ``explanation`` and
``advice``; the bot may word them its own way using the typed fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from backoffice.calendar import add_working_days, at_london, london
from backoffice.casework import missed_bin_key
from backoffice.exceptions import InvalidRequest
from backoffice.ports import (
    BackOffice,
    BinType,
    Case,
    CaseType,
    Collection,
    CrewLogEntry,
    CrewOutcome,
    Disruption,
    NewCase,
    RoundState,
    RoundStatus,
)

REPORT_AFTER = time(20, 0)  # rounds may run until 8pm
NEXT_MORNING = time(8, 0)


def _nice(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


@dataclass(frozen=True, slots=True)
class NoSuchService:
    bin_type: BinType

    @property
    def explanation(self) -> str:
        return f"There is no {self.bin_type.label} collection at this address."

    @property
    def advice(self) -> str:
        if self.bin_type is BinType.GARDEN:
            return "Garden waste is collected for households with a garden waste subscription."
        return "Ask us for a new or replacement bin if you should have one."


@dataclass(frozen=True, slots=True)
class NotACollectionDay:
    bin_type: BinType
    day: date
    next_collection: Collection | None

    @property
    def explanation(self) -> str:
        return f"{_nice(self.day)} was not a collection day for your {self.bin_type.label}."

    @property
    def advice(self) -> str:
        upcoming = self.next_collection
        if upcoming is None:
            return "Check your collection days with the bin day checker."
        moved = f" (moved because of {upcoming.reason})" if upcoming.shifted else ""
        return f"Your next {self.bin_type.label} collection is {_nice(upcoming.day)}{moved}."


@dataclass(frozen=True, slots=True)
class AlreadyReported:
    case: Case

    @property
    def explanation(self) -> str:
        return f"This missed bin has already been reported: reference {self.case.reference}."

    @property
    def advice(self) -> str:
        return f"We aim to collect it by {_nice(self.case.target_date)}. Leave your bin out."


@dataclass(frozen=True, slots=True)
class ReportTooLate:
    collection_day: date
    deadline: date

    @property
    def explanation(self) -> str:
        return (
            f"Missed bins must be reported by the end of the next working day "
            f"({_nice(self.deadline)})."
        )

    @property
    def advice(self) -> str:
        return "Put your bin out again on your next collection day."


@dataclass(frozen=True, slots=True)
class ServiceDisrupted:
    disruption: Disruption

    @property
    def explanation(self) -> str:
        return f"{self.disruption.title}: {self.disruption.description}"

    @property
    def advice(self) -> str:
        if self.disruption.catch_up_day:
            return (
                f"Leave your bin out: we plan to collect on {_nice(self.disruption.catch_up_day)}."
            )
        return "You do not need to report it; we will collect as soon as we can."


_CREW_EXPLANATIONS = {
    CrewOutcome.NOT_PRESENTED: (
        "At {time} the crew logged that your bin was not out when they passed.",
        "We will not return for it. Put it out by 6am on your next collection day.",
    ),
    CrewOutcome.BLOCKED_ACCESS: (
        "At {time} the crew logged that they could not reach your bin "
        "(for example because of parked cars or roadworks).",
        "We will usually come back within 2 working days; you do not need to report it.",
    ),
    CrewOutcome.CONTAMINATED: (
        "At {time} the crew left your bin because it had the wrong items in it, and tagged it.",
        "Take out the wrong items and put it out again on your next collection day.",
    ),
    CrewOutcome.COLLECTED: (
        "The crew recorded your bin as emptied at {time}.",
        "If it was not emptied, you can still report it and tell us why.",
    ),
}


@dataclass(frozen=True, slots=True)
class CrewLogged:
    log: CrewLogEntry

    @property
    def explanation(self) -> str:
        when = f"{london(self.log.logged_at):%H:%M}"
        return _CREW_EXPLANATIONS[self.log.outcome][0].format(time=when)

    @property
    def advice(self) -> str:
        advice = _CREW_EXPLANATIONS[self.log.outcome][1]
        if self.log.outcome is CrewOutcome.COLLECTED:
            return advice
        return f"{advice} If you think the log is wrong, you can still report it and tell us why."


@dataclass(frozen=True, slots=True)
class RoundNotFinished:
    status: RoundStatus
    report_after: datetime

    @property
    def explanation(self) -> str:
        if self.status.state is RoundState.NOT_STARTED:
            return "The crew has not started your round yet today."
        return "The crew is still working on your round."

    @property
    def advice(self) -> str:
        after = london(self.report_after)
        if after.time() == REPORT_AFTER:
            return "Please leave your bin out. If it has not been emptied by 8pm, report it then."
        return "Please leave your bin out. If it has not been emptied, report it tomorrow."


@dataclass(frozen=True, slots=True)
class MissedBinReported:
    case: Case
    created: bool

    @property
    def explanation(self) -> str:
        return f"We have sent your report to the crew. Your reference is {self.case.reference}."

    @property
    def advice(self) -> str:
        return f"We aim to collect it by {_nice(self.case.target_date)}. Leave your bin out."


MissedBinOutcome = (
    NoSuchService
    | NotACollectionDay
    | AlreadyReported
    | ReportTooLate
    | ServiceDisrupted
    | CrewLogged
    | RoundNotFinished
    | MissedBinReported
)


def assess_missed_bin(
    ports: BackOffice,
    *,
    uprn: str,
    bin_type: BinType,
    day: date,
    now: datetime,
    resident_id: str | None = None,
    dispute_reason: str | None = None,
) -> MissedBinOutcome:
    """Decide what a missed-bin report for ``bin_type`` at ``uprn`` on ``day``
    means, creating a case only for a genuine miss. ``dispute_reason`` is the
    resident's account when they contest a crew log. Raises NotFound,
    InvalidReference, InvalidRequest (a day in the future)."""
    local_now = london(now)
    home = ports.properties.get_property(uprn)
    if day > local_now.date():
        raise InvalidRequest("a bin cannot be missed on a day that has not happened yet")
    if not any(service.bin_type is bin_type for service in ports.waste.services(home.uprn)):
        return NoSuchService(bin_type)
    collection = _collection_on(ports, home.uprn, bin_type, day)
    if collection is None:
        upcoming = ports.waste.next_collections(home.uprn, on_or_after=local_now.date())
        following = next((c for c in upcoming if c.bin_type is bin_type), None)
        return NotACollectionDay(bin_type, day, following)

    existing = ports.cases.find_by_idempotency_key(missed_bin_key(home.uprn, bin_type, day))
    if existing is not None:
        return AlreadyReported(existing)
    holidays = ports.waste.bank_holidays(start=day, end=day + timedelta(days=14))
    deadline = add_working_days(day, 1, holidays)
    if local_now.date() > deadline:
        return ReportTooLate(day, deadline)
    for disruption in ports.waste.disruptions(on=day, postcode=home.postcode):
        if not disruption.bin_types or bin_type in disruption.bin_types:
            return ServiceDisrupted(disruption)

    logs = [entry for entry in ports.waste.crew_logs(home.uprn, day) if entry.bin_type is bin_type]
    if logs and not dispute_reason:
        return CrewLogged(logs[-1])
    if not logs:
        status = ports.waste.round_status(collection.round_id, day)
        waiting = _still_waiting(status, day, local_now)
        if waiting is not None:
            return RoundNotFinished(status, waiting)

    receipt = ports.cases.create_case(
        NewCase(
            case_type=CaseType.MISSED_BIN,
            summary=f"Missed {bin_type.label} on {_nice(day)}",
            description=_describe(home.single_line, logs[-1] if logs else None, dispute_reason),
            idempotency_key=missed_bin_key(home.uprn, bin_type, day),
            uprn=home.uprn,
            resident_id=resident_id,
            bin_type=bin_type,
            service_date=day,
        ),
        now=local_now,
    )
    return MissedBinReported(receipt.case, receipt.created)


def _collection_on(ports: BackOffice, uprn: str, bin_type: BinType, day: date) -> Collection | None:
    for collection in ports.waste.collections(uprn, start=day, end=day):
        if collection.bin_type is bin_type:
            return collection
    return None


def _still_waiting(status: RoundStatus, day: date, now: datetime) -> datetime | None:
    """When the resident should report instead, or None if it is time now.

    A round that is not finished before 8pm may still reach the bin; one still
    running after 8pm on the day may finish late, so report the next morning.
    A round that never started by 8pm is a miss like any other."""
    if status.state is RoundState.COMPLETED or day < now.date():
        return None
    evening = at_london(day, REPORT_AFTER)
    if now < evening:
        return evening
    if status.state is RoundState.IN_PROGRESS:
        return at_london(day + timedelta(days=1), NEXT_MORNING)
    return None


def _describe(address: str, log: CrewLogEntry | None, dispute_reason: str | None) -> str:
    parts = [f"Reported missed at {address}."]
    if log is not None:
        parts.append(f"Crew log: {log.outcome.value} at {london(log.logged_at):%H:%M}.")
    if dispute_reason:
        parts.append(f"Resident disputes the log: {dispute_reason.strip()}")
    return " ".join(parts)
