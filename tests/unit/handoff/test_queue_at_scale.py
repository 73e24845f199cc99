"""Routing and queue views at shared-service scale (issue 12): the free-advisor index
chooses exactly as the scan it replaced, and a queue view costs one pass per team,
not an estimate over every advisor for every waiting chat on every console."""

import random
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from handoff import views
from handoff.consoles import Snapshot
from handoff.delivery import iso
from handoff.routing import (
    AdvisorInfo,
    Availability,
    FreeAdvisors,
    Priority,
    QueueEntry,
    TeamInfo,
    capacities,
    choose_advisor,
    estimate_wait,
    plan,
    wait_from,
    welsh_speakers,
)
from handoff.store import Conversation

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
TEAMS = [
    TeamInfo("waste", "Waste", frozenset({"waste"})),
    TeamInfo("housing", "Housing", frozenset({"housing"})),
    TeamInfo("cymraeg", "Welsh speakers", frozenset({"cy"})),
]


def random_world(seed: int, advisors: int = 40, waiting: int = 120):
    rng = random.Random(seed)
    people = []
    for uid in range(1, advisors + 1):
        teams = rng.sample(["waste", "housing", "cymraeg"], rng.randint(1, 2))
        cap = rng.randint(1, 4)
        people.append(
            AdvisorInfo(
                uid,
                frozenset(teams),
                availability=rng.choice([Availability.AVAILABLE] * 4 + [Availability.AWAY]),
                connected=rng.random() > 0.1,
                cap=cap,
                active=rng.randint(0, cap),
                idle_since=NOW - timedelta(seconds=rng.randint(0, 3) * 60)
                if rng.random() > 0.3
                else None,
            )
        )
    entries = [
        QueueEntry(
            f"c{n:04d}",
            rng.choice(["waste", "housing"]),
            NOW - timedelta(seconds=rng.randint(0, 900)),
            priority=rng.choice([Priority.NORMAL] * 5 + [Priority.URGENT]),
            requeued=rng.random() < 0.1,
            declined_by=frozenset(rng.sample(range(1, advisors + 1), rng.randint(0, 3))),
            language=rng.choice(["en", "en", "cy"]),
        )
        for n in range(waiting)
    ]
    return people, entries


def scanning_plan(entries, advisors, teams):
    """The offers the old plan made: a scan of every advisor for every entry."""
    welsh = welsh_speakers(teams, advisors)
    loads = {a.user_id: a for a in advisors}
    offers = []
    for entry in sorted(
        entries,
        key=lambda e: (
            e.priority != Priority.URGENT,
            not e.requeued,
            e.queued_at,
            e.conversation_id,
        ),
    ):
        chosen = choose_advisor(entry, loads.values(), now=NOW, welsh=welsh)
        if chosen is None and entry.declined_by:
            chosen = choose_advisor(
                replace(entry, declined_by=frozenset()), loads.values(), now=NOW, welsh=welsh
            )
        if chosen is None:
            continue
        offers.append((entry.conversation_id, chosen.user_id))
        loads[chosen.user_id] = replace(chosen, offers=chosen.offers + 1)
    return offers


def test_the_free_advisor_index_makes_the_offers_the_scan_made():
    for seed in range(30):
        advisors, entries = random_world(seed)
        assert plan(entries, advisors, TEAMS, now=NOW).offers == scanning_plan(
            entries, advisors, TEAMS
        ), seed


def test_the_index_skips_who_declined_and_puts_them_back_for_the_next_chat():
    a, b = AdvisorInfo(1, frozenset({"waste"})), AdvisorInfo(2, frozenset({"waste"}), active=1)
    free = FreeAdvisors([a, b], welsh=frozenset(), now=NOW)
    first = QueueEntry("c1", "waste", NOW)
    assert free.choose(first, declined=frozenset({1})).user_id == 2
    assert free.choose(first, declined=frozenset()).user_id == 1
    free.take(free.choose(first, declined=frozenset()))  # 1 now has one offer: level with 2
    assert free.choose(first, declined=frozenset()).user_id == 1  # equal load: lower id
    free.take(free.choose(first, declined=frozenset()))
    assert free.choose(first, declined=frozenset()).user_id == 2
    assert free.choose(QueueEntry("c2", "housing", NOW), declined=frozenset()) is None


@dataclass(frozen=True)
class Counted(AdvisorInfo):
    """An advisor that counts how often routing asks whether they are free."""

    @property
    def free(self) -> int:
        ASKED[0] += 1
        return max(self.cap - self.load, 0)


ASKED = [0]


def test_a_tick_with_everyone_busy_does_not_scan_every_advisor_for_every_chat():
    advisors = [Counted(uid, frozenset({"waste"}), cap=3, active=3) for uid in range(200)]
    entries = [QueueEntry(f"c{n}", "waste", NOW - timedelta(seconds=n)) for n in range(600)]
    ASKED[0] = 0
    assert plan(entries, advisors, TEAMS, now=NOW).offers == []
    assert ASKED[0] <= 2 * len(advisors)  # the scan asked 600 x 200 times


def test_waits_from_team_capacities_are_the_estimates_per_chat():
    advisors, _ = random_world(7)
    capacity = capacities(advisors)
    for team in ("waste", "housing", "cymraeg", "planning"):
        for position in (1, 2, 5, 17, 60):
            assert wait_from(position, capacity.get(team), 300.0) == estimate_wait(
                position, team, advisors, 300.0
            )


def conversation(
    cid: str,
    team: str,
    minutes_ago: int,
    offered_to: int | None = None,
    seen: datetime | None = None,
):
    at = NOW - timedelta(minutes=minutes_ago)
    return Conversation(
        id=cid, created_at=at, updated_at=at, state="waiting", last_seq=3, language="en",
        page_url="/", identity_token=None, verified_resident_id=None, verified_name=None,
        verified_refs="", verified_method=None, team=team, service_area=team, priority="normal",
        reason=None, summary=None, queued_at=at, requeued=False, offered_to=offered_to,
        offer_expires_at=NOW + timedelta(seconds=30) if offered_to else None, declined_by="",
        assigned_to=None, last_notice=None, resident_seen_at=seen, closed_at=None, outcome=None,
        rating=None,
    )  # fmt: skip


def test_a_snapshot_builds_each_teams_queue_once_and_each_console_sees_its_own_offers():
    advisors = [AdvisorInfo(uid, frozenset({"waste", "housing"}), active=3) for uid in (1, 2)]
    waiting = [conversation(f"w{n}", "waste", n) for n in range(5)]
    waiting += [conversation("h0", "housing", 9, offered_to=2), conversation("w9", "waste", 20, 1)]
    snap = Snapshot(now=NOW, advisors=advisors, waiting=waiting, handle_seconds=480.0)
    for user_id in (1, 2):
        for teams in ({"waste"}, {"waste", "housing"}, {"housing", "planning"}):
            assert snap.queue_for(teams, user_id) == views.queue_from(
                waiting, teams, user_id=user_id, advisors=advisors, handle_seconds=480.0, now=NOW
            )
    assert snap.team_items("waste") is snap.team_items("waste")  # built once, shared
    assert snap.offered_to(1, {"waste", "housing"}) == ("w9",)
    assert snap.offered_to(2, {"waste"}) == ()
    assert snap.offered_to(2, {"housing"}) == ("h0",)
    later = Snapshot(
        now=NOW + timedelta(seconds=40), advisors=advisors, waiting=waiting, handle_seconds=480.0
    )
    # what a console shows leaves out the ticking wait: the same queue shows the same
    assert later.team_shown("waste") == snap.team_shown("waste")
    moved = Snapshot(now=NOW, advisors=advisors, waiting=waiting[1:], handle_seconds=480.0)
    assert moved.team_shown("waste") != snap.team_shown("waste")


@pytest.mark.parametrize(
    ("seen_ago", "away_seconds"),
    [(None, None), (5, None), (20, None), (21, 21), (185, 185)],
)
def test_a_queue_item_says_how_long_its_resident_has_been_away(
    seen_ago: int | None, away_seconds: int | None
) -> None:
    seen = None if seen_ago is None else NOW - timedelta(seconds=seen_ago)
    item = views.queue_item(
        conversation("w1", "waste", 15, seen=seen), 1, user_id=None, now=NOW, estimate=None
    )
    assert item["resident_away_seconds"] == away_seconds
    assert (item["resident_away_since"] is None) == (away_seconds is None)
    if away_seconds is not None:
        assert item["resident_away_since"] == iso(seen)


def test_a_resident_going_away_is_shown_once_not_every_second() -> None:
    advisors = [AdvisorInfo(1, frozenset({"waste"}))]
    seen = NOW - timedelta(seconds=5)
    waiting = [conversation("w1", "waste", 3, seen=seen)]
    here = Snapshot(now=NOW, advisors=advisors, waiting=waiting, handle_seconds=480.0)
    gone = Snapshot(
        now=NOW + timedelta(seconds=30), advisors=advisors, waiting=waiting, handle_seconds=480.0
    )
    longer = Snapshot(
        now=NOW + timedelta(seconds=90), advisors=advisors, waiting=waiting, handle_seconds=480.0
    )
    assert here.team_items("waste")[0]["resident_away_seconds"] is None
    assert gone.team_items("waste")[0]["resident_away_seconds"] == 35
    assert gone.team_shown("waste") != here.team_shown("waste")  # it went away: sent
    assert longer.team_shown("waste") == gone.team_shown("waste")  # only the seconds tick


def test_a_conversation_at_its_next_seq_is_a_copy_with_only_last_seq_changed():
    original = conversation("c1", "waste", 3, offered_to=2)
    moved = original.with_last_seq(4)
    assert moved == replace(original, last_seq=4)
    assert original.last_seq == 3 and moved is not original
    assert Conversation.from_mapping(vars(moved)) == moved
