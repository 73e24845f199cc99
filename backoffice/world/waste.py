"""Bramblefield's waste service: rounds, bins, round progress and crew logs.

Each postcode sector is collected on one weekday by one of two crews (A, B);
refuse and recycling alternate fortnightly by postcode, food is weekly, and a
third of houses subscribe to garden waste (collected in their recycling weeks
by the garden round). Rounds that ran in the last week are completed; today's
are in progress. Crews log exceptions (not presented, blocked, contaminated)
and the odd assisted-collection confirmation; most bins get no log at all.

The two demo sectors are moved onto the days the demo identities need:
Foxglove Lane's recycling on the last collection day before ``today``, Campion
Close's refuse ``today`` (or the next collection day when today has none).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from backoffice import calendar
from backoffice.values import (
    BankHoliday,
    BinService,
    BinType,
    Collection,
    CrewLogEntry,
    CrewOutcome,
    Disruption,
    Frequency,
    Round,
    RoundState,
    RoundStatus,
)
from backoffice.world.places import (
    CAMPION_POSTCODE,
    FOXGLOVE_POSTCODE,
    SECTORS,
    Household,
)

DAY_CODES = ("MON", "TUE", "WED", "THU", "FRI")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
NOT_PRESENTED_ADDRESS = ("6 Foxglove Lane",)
GENUINE_MISS_ADDRESS = ("8 Foxglove Lane",)
IN_PROGRESS_ADDRESS = ("3 Campion Close",)
LOG_WINDOW_DAYS = 7

_NOTES = {
    CrewOutcome.NOT_PRESENTED: "Bin not at kerbside",
    CrewOutcome.BLOCKED_ACCESS: "Parked cars blocking access",
    CrewOutcome.CONTAMINATED: "Wrong items in bin, tagged",
    CrewOutcome.COLLECTED: "Assisted collection",
}


@dataclass(frozen=True, slots=True)
class WasteWorld:
    rounds: tuple[Round, ...]
    services: tuple[BinService, ...]
    statuses: tuple[RoundStatus, ...]
    crew_logs: tuple[CrewLogEntry, ...]
    disruptions: tuple[Disruption, ...]
    last_collection_day: date  # the "yesterday" of the not-presented identity
    in_progress_day: date  # today, or the next collection day


def previous_working_day(today: date, holidays: Sequence[BankHoliday]) -> date:
    day = today - timedelta(days=1)
    while not calendar.is_working_day(day, holidays):
        day -= timedelta(days=1)
    return day


def _standard_services(
    uprn: str, round_id: str, weekday: int, parity: int, garden: bool
) -> list[BinService]:
    services = [
        BinService(uprn, BinType.REFUSE, round_id, weekday, Frequency.FORTNIGHTLY, parity),
        BinService(uprn, BinType.RECYCLING, round_id, weekday, Frequency.FORTNIGHTLY, 1 - parity),
        BinService(uprn, BinType.FOOD, round_id, weekday, Frequency.WEEKLY),
    ]
    if garden:
        garden_round = f"{DAY_CODES[weekday]}-G"
        services.append(
            BinService(
                uprn, BinType.GARDEN, garden_round, weekday, Frequency.FORTNIGHTLY, 1 - parity
            )
        )
    return services


def _schedule_for(
    bin_type: BinType, target: date, holidays: Sequence[BankHoliday]
) -> tuple[int, int] | None:
    """A (weekday, refuse parity) that puts ``bin_type`` on ``target``."""
    for weekday in range(5):
        for parity in (0, 1):
            services = _standard_services("0", "X", weekday, parity, garden=False)
            due = calendar.collections_between(services, holidays, start=target, end=target)
            if any(c.bin_type is bin_type for c in due):
                return weekday, parity
    return None


def _in_progress_day(today: date, holidays: Sequence[BankHoliday]) -> date:
    day = today
    while _schedule_for(BinType.REFUSE, day, holidays) is None:
        day += timedelta(days=1)
    return day


def build_waste(
    rng: random.Random,
    households: Sequence[Household],
    today: date,
    holidays: Sequence[BankHoliday],
) -> WasteWorld:
    last_day = previous_working_day(today, holidays)
    progress_day = _in_progress_day(today, holidays)
    sector_days = {sector: index % 5 for index, sector in enumerate(SECTORS)}
    crews = {sector: "AB"[(index // 5) % 2] for index, sector in enumerate(SECTORS)}
    unit_parity: dict[str, int] = {}
    fox = _schedule_for(BinType.RECYCLING, last_day, holidays)
    camp = _schedule_for(BinType.REFUSE, progress_day, holidays)
    if fox is None or camp is None:  # cannot happen: every working day has a round
        raise RuntimeError(f"no collection slot for the demo identities around {today}")
    sector_days["BF3 2"], unit_parity[FOXGLOVE_POSTCODE] = fox
    sector_days["BF1 3"], unit_parity[CAMPION_POSTCODE] = camp

    rounds = [
        Round(
            f"{code}-{crew}",
            f"{name} round {crew}",
            weekday,
            (BinType.REFUSE, BinType.RECYCLING, BinType.FOOD),
        )
        for weekday, (code, name) in enumerate(zip(DAY_CODES, DAY_NAMES, strict=True))
        for crew in "AB"
    ] + [
        Round(f"{code}-G", f"{name} garden round", weekday, (BinType.GARDEN,))
        for weekday, (code, name) in enumerate(zip(DAY_CODES, DAY_NAMES, strict=True))
    ]
    services: list[BinService] = []
    for home in households:
        postcode = home.property.postcode
        parity = unit_parity.setdefault(postcode, rng.randint(0, 1))
        weekday = sector_days[home.sector]
        garden = not home.is_flat and rng.random() < 0.35
        round_id = f"{DAY_CODES[weekday]}-{crews[home.sector]}"
        services += _standard_services(home.property.uprn, round_id, weekday, parity, garden)

    statuses = _round_statuses(rng, rounds, today, holidays)
    logs = _crew_logs(rng, households, services, statuses, today, last_day, holidays)
    disruption = _disruption(rng, rounds, statuses, today, holidays, sector_days)
    return WasteWorld(
        rounds=tuple(rounds),
        services=tuple(services),
        statuses=tuple(statuses),
        crew_logs=tuple(logs),
        disruptions=(disruption,),
        last_collection_day=last_day,
        in_progress_day=progress_day,
    )


def _round_statuses(
    rng: random.Random, rounds: Sequence[Round], today: date, holidays: Sequence[BankHoliday]
) -> list[RoundStatus]:
    statuses = []
    for offset in range(LOG_WINDOW_DAYS + 3, -1, -1):
        day = today - timedelta(days=offset)
        for item in rounds:
            usual = calendar.monday_of(day) + timedelta(days=item.weekday)
            if calendar.shifted_day(usual, holidays)[0] != day:
                continue
            started = calendar.at_london(day, time(6, 30 + rng.randint(0, 20)))
            if day == today:
                statuses.append(RoundStatus(item.round_id, day, RoundState.IN_PROGRESS, started))
                continue
            finished = started + timedelta(hours=6, minutes=rng.randint(0, 240))
            statuses.append(
                RoundStatus(item.round_id, day, RoundState.COMPLETED, started, finished)
            )
    return statuses


def _crew_logs(
    rng: random.Random,
    households: Sequence[Household],
    services: Sequence[BinService],
    statuses: Sequence[RoundStatus],
    today: date,
    last_day: date,
    holidays: Sequence[BankHoliday],
) -> list[CrewLogEntry]:
    runs = {(s.round_id, s.day): s for s in statuses}
    by_uprn: dict[str, list[BinService]] = defaultdict(list)
    for service in services:
        by_uprn[service.uprn].append(service)
    start = today - timedelta(days=LOG_WINDOW_DAYS)
    due_by_round_day: dict[tuple[str, date], list[Collection]] = defaultdict(list)
    for home in households:
        for due in calendar.collections_between(
            by_uprn[home.property.uprn], holidays, start=start, end=today
        ):
            due_by_round_day[(due.round_id, due.day)].append(due)
    special = {
        home.property.uprn: home.property.address_lines
        for home in households
        if home.property.postcode in (FOXGLOVE_POSTCODE, CAMPION_POSTCODE)
    }
    logs: list[CrewLogEntry] = []
    for (round_id, day), dues in sorted(due_by_round_day.items()):
        run = runs.get((round_id, day))
        if run is None or run.started_at is None:
            continue
        dues.sort(key=lambda c: c.uprn)
        end = run.completed_at or run.started_at + timedelta(hours=3)  # today: first part only
        for position, due in enumerate(dues):
            lines = special.get(due.uprn)
            if (
                lines == NOT_PRESENTED_ADDRESS
                and day == last_day
                and due.bin_type is BinType.RECYCLING
            ):
                outcome: CrewOutcome | None = CrewOutcome.NOT_PRESENTED
                logged_at = calendar.at_london(day, time(9, 42))
            elif lines is not None:
                continue  # the other demo homes keep a clean log
            else:
                outcome = _random_outcome(rng, due.bin_type)
                fraction = position / max(len(dues), 1)
                if run.state is RoundState.IN_PROGRESS and fraction > 0.4:
                    continue
                logged_at = run.started_at + (end - run.started_at) * fraction
            if outcome is not None:
                logged_at = logged_at.replace(second=0, microsecond=0)
                logs.append(
                    CrewLogEntry(
                        due.uprn, day, due.bin_type, round_id, outcome, logged_at, _NOTES[outcome]
                    )
                )
    return logs


def _random_outcome(rng: random.Random, bin_type: BinType) -> CrewOutcome | None:
    roll = rng.random()
    if roll < 0.03:
        return CrewOutcome.NOT_PRESENTED
    if roll < 0.04:
        return CrewOutcome.BLOCKED_ACCESS
    if roll < 0.06 and bin_type is not BinType.REFUSE:
        return CrewOutcome.CONTAMINATED
    if roll < 0.08:
        return CrewOutcome.COLLECTED
    return None


def _disruption(
    rng: random.Random,
    rounds: Sequence[Round],
    statuses: Sequence[RoundStatus],
    today: date,
    holidays: Sequence[BankHoliday],
    sector_days: dict[str, int],
) -> Disruption:
    """A garden round broken down today (or, with no round today, the next one)."""
    running = sorted({s.round_id for s in statuses if s.day == today and s.round_id.endswith("-G")})
    weekday = (
        next(r.weekday for r in rounds if r.round_id == running[0])
        if running
        else today.weekday() % 5
    )
    candidates = [
        sector
        for sector, day in sector_days.items()
        if day == weekday and sector not in ("BF3 2", "BF1 3")
    ] or [sector for sector in SECTORS if sector not in ("BF3 2", "BF1 3")]
    area = rng.choice(sorted(candidates))
    catch_up = calendar.add_working_days(today, 1, holidays)
    return Disruption(
        disruption_id="D-0001",
        title="Garden waste collections delayed",
        description=(
            f"A garden waste lorry has broken down. Garden bins in {area} postcodes due today "
            "will be collected on the catch-up day instead."
        ),
        areas=(area,),
        starts_on=today,
        ends_on=today,
        bin_types=(BinType.GARDEN,),
        catch_up_day=catch_up,
    )
