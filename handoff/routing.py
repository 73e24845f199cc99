"""Queues and assignment without I/O.

Given snapshots of the teams, the advisors and the waiting conversations, these
functions say who is where in the queue, how long they will wait, which offers
have lapsed and who should be offered which chat next. The dispatcher loads the
snapshots from the database, calls :func:`plan` and stores the result.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from frontdoor.contracts.service_areas import DEFAULT_TEAM

DEFAULT_HANDLE_SECONDS = 480  # a typical chat, until there is history to average
# A team with this skill is a list of Welsh speakers: its members are offered
# Welsh conversations first, whichever team the conversation queues for.
WELSH_SKILL = "cy"


class Priority(StrEnum):
    URGENT = "urgent"  # a resident at risk: first in the queue
    NORMAL = "normal"


class RoutingMode(StrEnum):
    DIRECT = "direct"  # offered to the least-busy advisor with the skill
    POOL = "pool"  # shown to the whole team; the first to accept takes it


class Availability(StrEnum):
    AVAILABLE = "available"
    AWAY = "away"


class Serviceable(StrEnum):
    OPEN = "open"
    OUT_OF_HOURS = "out_of_hours"
    NO_ADVISORS = "no_advisors"


@dataclass(frozen=True)
class TeamInfo:
    slug: str
    name: str
    skills: frozenset[str]
    is_open: bool = True
    mode: RoutingMode = RoutingMode.DIRECT


@dataclass(frozen=True)
class AdvisorInfo:
    user_id: int
    teams: frozenset[str]
    availability: Availability = Availability.AVAILABLE
    connected: bool = True
    cap: int = 3
    active: int = 0  # chats in progress
    offers: int = 0  # offers awaiting an answer (each holds a slot)
    idle_since: datetime | None = None  # when their load last dropped

    @property
    def load(self) -> int:
        return self.active + self.offers

    @property
    def free(self) -> int:
        return max(self.cap - self.load, 0)

    @property
    def takes_chats(self) -> bool:
        return self.availability is Availability.AVAILABLE and self.connected


@dataclass(frozen=True)
class QueueEntry:
    conversation_id: str
    team: str
    queued_at: datetime
    priority: Priority = Priority.NORMAL
    requeued: bool = False  # came back (offer lapsed, advisor lost): goes to the front
    offered_to: int | None = None
    offer_expires_at: datetime | None = None
    declined_by: frozenset[int] = frozenset()
    language: str = "en"


def sort_key(entry: QueueEntry) -> tuple[int, int, datetime, str]:
    return (
        0 if entry.priority is Priority.URGENT else 1,
        0 if entry.requeued else 1,
        entry.queued_at,
        entry.conversation_id,
    )


def team_for(service_area: str | None, teams: Iterable[TeamInfo]) -> str:
    """The team whose skills include the service area; ``DEFAULT_TEAM`` otherwise.

    Skills are seeded from ``frontdoor.contracts.service_areas`` (the bot's list
    too) and may be changed per installation, so routing reads the teams' own."""
    wanted = (service_area or "").strip().lower()
    for team in sorted(teams, key=lambda t: t.slug):
        if wanted and (wanted == team.slug or wanted in team.skills):
            return team.slug
    return DEFAULT_TEAM


def queue_of(team: str, entries: Iterable[QueueEntry]) -> list[QueueEntry]:
    return sorted((e for e in entries if e.team == team), key=sort_key)


def positions(entries: Iterable[QueueEntry]) -> dict[str, int]:
    """1-based position of every waiting conversation within its team's queue."""
    by_team: dict[str, list[QueueEntry]] = {}
    for entry in entries:
        by_team.setdefault(entry.team, []).append(entry)
    found = {}
    for team_entries in by_team.values():
        for index, entry in enumerate(sorted(team_entries, key=sort_key), start=1):
            found[entry.conversation_id] = index
    return found


def members(team: str, advisors: Iterable[AdvisorInfo]) -> list[AdvisorInfo]:
    return [a for a in advisors if team in a.teams]


def serviceable(team: TeamInfo, advisors: Iterable[AdvisorInfo]) -> Serviceable:
    """Whether to queue a resident for ``team`` now, or tell them honestly why not."""
    if not team.is_open:
        return Serviceable.OUT_OF_HOURS
    if not any(a.takes_chats for a in members(team.slug, advisors)):
        return Serviceable.NO_ADVISORS
    return Serviceable.OPEN


def welsh_speakers(teams: Iterable[TeamInfo], advisors: Iterable[AdvisorInfo]) -> frozenset[int]:
    """Advisors in a team that has the Welsh skill."""
    welsh = {t.slug for t in teams if WELSH_SKILL in t.skills}
    return frozenset(a.user_id for a in advisors if a.teams & welsh)


@dataclass(frozen=True)
class AvailableNow:
    """What the bot is told before it promises a person (``frontdoor.contracts.availability``)."""

    verdict: Serviceable
    team: str
    welsh_speaker: bool = False


def available_now(
    service_area: str | None,
    language: str,
    teams: Sequence[TeamInfo],
    advisors: Sequence[AdvisorInfo],
) -> AvailableNow:
    """Whether the team that would take this chat can take it now, and for a
    Welsh chat whether a Welsh speaker in that team is taking chats."""
    slug = team_for(service_area, teams)
    team = next((t for t in teams if t.slug == slug), None)
    verdict = serviceable(team, advisors) if team else Serviceable.NO_ADVISORS
    speaking = False
    if language == "cy" and verdict is Serviceable.OPEN:
        speakers = welsh_speakers(teams, advisors)
        speaking = any(a.user_id in speakers and a.takes_chats for a in members(slug, advisors))
    return AvailableNow(verdict, slug, speaking)


@dataclass(frozen=True)
class TeamCapacity:
    """A team's slots (the caps of its members taking chats) and how many are free."""

    slots: int = 0
    free: int = 0


def capacities(advisors: Iterable[AdvisorInfo]) -> dict[str, TeamCapacity]:
    """Every team's capacity in one pass over the advisors (a team with nobody
    taking chats is absent). Queue views estimate hundreds of waits from this,
    instead of scanning every advisor for each waiting chat."""
    slots: dict[str, int] = {}
    free: dict[str, int] = {}
    for advisor in advisors:
        if not advisor.takes_chats:
            continue
        for team in advisor.teams:
            slots[team] = slots.get(team, 0) + advisor.cap
            free[team] = free.get(team, 0) + advisor.free
    return {team: TeamCapacity(slots[team], free[team]) for team in slots}


def wait_from(
    position: int, capacity: TeamCapacity | None, handle_seconds: float = DEFAULT_HANDLE_SECONDS
) -> int | None:
    """Seconds until someone takes the chat at ``position``; None when nobody can.

    Free slots take the first few at once; beyond them each slot frees up every
    ``handle_seconds`` on average, so the wait grows by handle time per slot.
    """
    if capacity is None or capacity.slots == 0:
        return None
    ahead = max(position - capacity.free, 0)
    if ahead == 0:
        return 30  # an offer is being answered
    return int(round(ahead * handle_seconds / capacity.slots / 30.0) * 30) or 30


def estimate_wait(
    position: int,
    team: str,
    advisors: Iterable[AdvisorInfo],
    handle_seconds: float = DEFAULT_HANDLE_SECONDS,
) -> int | None:
    """:func:`wait_from` for one chat (many chats: :func:`capacities` once)."""
    return wait_from(position, capacities(members(team, advisors)).get(team), handle_seconds)


def choose_advisor(
    entry: QueueEntry,
    advisors: Iterable[AdvisorInfo],
    *,
    now: datetime,
    welsh: frozenset[int] = frozenset(),
) -> AdvisorInfo | None:
    """The least-busy available team member with a free slot, longest idle first;
    for a Welsh conversation, a Welsh speaker (``welsh``) before anyone else, and
    for others, among the equally free, someone who is not."""
    candidates = [
        a
        for a in advisors
        if entry.team in a.teams
        and a.takes_chats
        and a.free > 0
        and a.user_id not in entry.declined_by
    ]
    if not candidates:
        return None
    first = entry.language == "cy"
    return min(candidates, key=lambda a: _preference(a, welsh_first=first, welsh=welsh, now=now))


def _preference(
    advisor: AdvisorInfo, *, welsh_first: bool, welsh: frozenset[int], now: datetime
) -> tuple[int, float, int, int, datetime, int]:
    """The order :func:`choose_advisor` picks in (smallest first)."""
    speaks = advisor.user_id in welsh
    return (
        0 if welsh_first and speaks else 1,
        advisor.load / advisor.cap,
        # Equally free: an English chat goes to someone else, keeping the speaker.
        1 if not welsh_first and speaks else 0,
        advisor.load,
        advisor.idle_since or now,
        advisor.user_id,
    )


class FreeAdvisors:
    """Advisors with a free slot, per team, in the order :func:`choose_advisor`
    would pick them: a heap per team and language, updated as offers are made.

    :func:`plan` asks it once per waiting chat; scanning every advisor for each
    chat made a tick with 600 waiting and 200 advisors cost 120,000 checks. Entries
    are replaced lazily: taking a slot pushes the advisor again with a new version,
    and stale versions are dropped when they reach the top.
    """

    def __init__(
        self, advisors: Iterable[AdvisorInfo], *, welsh: frozenset[int], now: datetime
    ) -> None:
        self._welsh, self._now = welsh, now
        self._current: dict[int, tuple[AdvisorInfo, int]] = {}
        self._heaps: dict[tuple[str, bool], list[tuple[Any, ...]]] = {}
        for advisor in advisors:
            self._put(advisor, 0)

    def _put(self, advisor: AdvisorInfo, version: int) -> None:
        self._current[advisor.user_id] = (advisor, version)
        if not (advisor.takes_chats and advisor.free > 0):
            return
        for team in advisor.teams:
            for welsh_first in (False, True):
                key = _preference(
                    advisor, welsh_first=welsh_first, welsh=self._welsh, now=self._now
                )
                heap = self._heaps.setdefault((team, welsh_first), [])
                heapq.heappush(heap, (key, version, advisor.user_id))

    def choose(self, entry: QueueEntry, *, declined: frozenset[int]) -> AdvisorInfo | None:
        """Who :func:`choose_advisor` would choose for ``entry`` among them, not
        anyone in ``declined``."""
        heap = self._heaps.get((entry.team, entry.language == "cy"))
        if not heap:
            return None
        skipped = []
        chosen = None
        while heap:
            _, version, user_id = heap[0]
            advisor, current = self._current[user_id]
            if version != current:
                heapq.heappop(heap)  # taken a slot since: pushed again with its new load
                continue
            if user_id in declined:
                skipped.append(heapq.heappop(heap))
                continue
            chosen = advisor
            break
        for item in skipped:
            heapq.heappush(heap, item)
        return chosen

    def take(self, advisor: AdvisorInfo) -> AdvisorInfo:
        """One more offer for ``advisor``; their new record."""
        _, version = self._current[advisor.user_id]
        busier = replace(advisor, offers=advisor.offers + 1)
        self._put(busier, version + 1)
        return busier


@dataclass
class Plan:
    """What the dispatcher should store."""

    lapsed: list[QueueEntry] = field(default_factory=list)  # offers that timed out
    offers: list[tuple[str, int]] = field(default_factory=list)  # (conversation, advisor)


def plan(
    entries: Sequence[QueueEntry],
    advisors: Sequence[AdvisorInfo],
    teams: Sequence[TeamInfo],
    *,
    now: datetime,
) -> Plan:
    """Lapse overdue offers (back to the front, not to the same advisor) and make
    new offers in queue order, never beyond an advisor's cap."""
    result = Plan()
    team_by_slug = {t.slug: t for t in teams}
    welsh = welsh_speakers(teams, advisors)
    loads = {a.user_id: a for a in advisors}
    current: list[QueueEntry] = []
    for entry in entries:
        if (
            entry.offered_to is not None
            and entry.offer_expires_at
            and entry.offer_expires_at <= now
        ):
            result.lapsed.append(entry)
            holder = loads.get(entry.offered_to)
            if holder is not None:
                loads[holder.user_id] = replace(holder, offers=max(holder.offers - 1, 0))
            entry = replace(
                entry,
                requeued=True,
                offered_to=None,
                offer_expires_at=None,
                declined_by=entry.declined_by | {entry.offered_to},
            )
        current.append(entry)
    free = FreeAdvisors(loads.values(), welsh=welsh, now=now)
    for entry in sorted(current, key=sort_key):
        team = team_by_slug.get(entry.team)
        if entry.offered_to is not None or team is None or team.mode is RoutingMode.POOL:
            continue
        if not team.is_open:
            continue
        chosen = free.choose(entry, declined=entry.declined_by)
        if chosen is None and entry.declined_by:
            # Everyone free has let it lapse once: better offered again than left.
            chosen = free.choose(entry, declined=frozenset())
        if chosen is None:
            continue
        result.offers.append((entry.conversation_id, chosen.user_id))
        free.take(chosen)
    return result


def with_live(advisors: list[AdvisorInfo], live: frozenset[int]) -> list[AdvisorInfo]:
    """``advisors``, counting as connected those with a live console on this instance.

    Presence in the store is refreshed every few seconds by a background write,
    which a loaded instance can delay past the grace period; a console whose
    socket this instance has heard from within its heartbeat timeout (measured
    on this server's monotonic clock, ``Hub.live_advisors``) is there whatever
    that write says. Consoles on other instances still count by the store.
    """
    if not live:
        return advisors
    return [
        replace(a, connected=True) if a.user_id in live and not a.connected else a for a in advisors
    ]


def lost_advisors(
    last_seen: dict[int, datetime | None], *, now: datetime, grace: timedelta
) -> list[int]:
    """Advisors whose consoles have been silent for longer than ``grace``."""
    return sorted(
        user_id for user_id, seen in last_seen.items() if seen is None or now - seen > grace
    )
