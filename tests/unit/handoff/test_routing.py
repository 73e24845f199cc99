from datetime import UTC, datetime, timedelta

from handoff.routing import (
    AdvisorInfo,
    Availability,
    Priority,
    QueueEntry,
    RoutingMode,
    Serviceable,
    TeamInfo,
    available_now,
    choose_advisor,
    estimate_wait,
    lost_advisors,
    plan,
    positions,
    serviceable,
    team_for,
    welsh_speakers,
)

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
TEAMS = [
    TeamInfo("waste", "Waste", frozenset({"waste", "bins"})),
    TeamInfo("revenues", "Council tax and benefits", frozenset({"council_tax", "benefits"})),
    TeamInfo("housing", "Housing", frozenset({"housing", "rent"})),
    TeamInfo("planning", "Planning", frozenset({"planning"})),
    TeamInfo("general", "General", frozenset({"general"})),
]


def entry(cid, team="waste", minutes_ago=5, **kw):
    return QueueEntry(cid, team, NOW - timedelta(minutes=minutes_ago), **kw)


def advisor(uid, teams=("waste",), **kw):
    return AdvisorInfo(uid, frozenset(teams), **kw)


def test_team_for_service_area():
    assert team_for("benefits", TEAMS) == "revenues"
    assert team_for("housing", TEAMS) == "housing"
    assert team_for("elections", TEAMS) == "general"
    assert team_for(None, TEAMS) == "general"


def test_queue_order_urgent_then_requeued_then_oldest():
    entries = [
        entry("old", minutes_ago=10),
        entry("new", minutes_ago=1),
        entry("urgent", minutes_ago=0, priority=Priority.URGENT),
        entry("back", minutes_ago=2, requeued=True),
        entry("other-team", team="housing"),
    ]
    assert positions(entries) == {"urgent": 1, "back": 2, "old": 3, "new": 4, "other-team": 1}


def test_least_busy_available_advisor_with_the_skill():
    advisors = [
        advisor(1, active=2),
        advisor(2, active=1),
        advisor(3, active=0, availability=Availability.AWAY),
        advisor(4, teams=("housing",), active=0),
        advisor(5, active=0, connected=False),
    ]
    assert choose_advisor(entry("x"), advisors, now=NOW).user_id == 2


def test_cap_is_per_advisor_and_offers_hold_slots():
    advisors = [advisor(1, cap=1, active=1), advisor(2, cap=5, active=2, offers=2)]
    assert choose_advisor(entry("x"), advisors, now=NOW).user_id == 2
    advisors = [advisor(1, cap=3, active=2, offers=1)]
    assert choose_advisor(entry("x"), advisors, now=NOW) is None


def test_plan_never_exceeds_a_cap():
    entries = [entry(f"c{i}", minutes_ago=10 - i) for i in range(5)]
    result = plan(entries, [advisor(1, cap=2), advisor(2, cap=1)], TEAMS, now=NOW)
    assert len(result.offers) == 3
    per_advisor = {}
    for _, uid in result.offers:
        per_advisor[uid] = per_advisor.get(uid, 0) + 1
    assert per_advisor == {1: 2, 2: 1}
    assert [cid for cid, _ in result.offers] == ["c0", "c1", "c2"]  # queue order


def test_lapsed_offer_goes_back_to_the_front_for_someone_else():
    lapsed = entry("slow", minutes_ago=1, offered_to=1, offer_expires_at=NOW - timedelta(seconds=1))
    waiting = entry("older", minutes_ago=9)
    result = plan([lapsed, waiting], [advisor(1, offers=1), advisor(2, cap=1)], TEAMS, now=NOW)
    assert [e.conversation_id for e in result.lapsed] == ["slow"]
    assert result.offers[0] == ("slow", 2)  # requeued first, and not back to advisor 1
    assert result.offers[1] == ("older", 1)


def test_lapsed_offer_returns_to_the_only_advisor_rather_than_nobody():
    lapsed = entry("slow", offered_to=1, offer_expires_at=NOW - timedelta(seconds=1))
    result = plan([lapsed], [advisor(1, offers=1)], TEAMS, now=NOW)
    assert result.offers == [("slow", 1)]


def test_pending_offers_and_pool_teams_and_closed_teams_are_left_alone():
    teams = [
        TeamInfo("waste", "Waste", frozenset(), mode=RoutingMode.POOL),
        TeamInfo("housing", "Housing", frozenset(), is_open=False),
        TeamInfo("planning", "Planning", frozenset()),
    ]
    entries = [
        entry("pool", team="waste"),
        entry("closed", team="housing"),
        entry(
            "pending", team="planning", offered_to=9, offer_expires_at=NOW + timedelta(seconds=5)
        ),
    ]
    advisors = [advisor(1, teams=("waste", "housing", "planning"))]
    assert plan(entries, advisors, teams, now=NOW).offers == []


def test_serviceable_is_honest():
    waste = TEAMS[0]
    assert serviceable(waste, [advisor(1)]) is Serviceable.OPEN
    assert (
        serviceable(waste, [advisor(1, availability=Availability.AWAY)]) is Serviceable.NO_ADVISORS
    )
    assert serviceable(waste, []) is Serviceable.NO_ADVISORS
    closed = TeamInfo("waste", "Waste", frozenset(), is_open=False)
    assert serviceable(closed, [advisor(1)]) is Serviceable.OUT_OF_HOURS


def test_estimated_wait():
    busy = [advisor(1, cap=3, active=3), advisor(2, cap=3, active=3)]
    assert estimate_wait(1, "waste", busy, handle_seconds=480) == 90  # 480/6 rounded to 30 s
    assert estimate_wait(6, "waste", busy, handle_seconds=480) == 480
    assert estimate_wait(1, "waste", [advisor(1, active=0)]) == 30  # a free slot
    assert estimate_wait(1, "waste", [advisor(1, availability=Availability.AWAY)]) is None


def test_lost_advisors():
    seen = {1: NOW - timedelta(seconds=5), 2: NOW - timedelta(seconds=40), 3: None}
    assert lost_advisors(seen, now=NOW, grace=timedelta(seconds=20)) == [2, 3]


# --- Welsh first (issue #18) ------------------------------------------------

WELSH_TEAMS = [*TEAMS, TeamInfo("cymraeg", "Welsh speakers", frozenset({"cy"}))]


def test_a_welsh_conversation_is_offered_to_a_welsh_speaker_first():
    busy_speaker = advisor(1, teams=("waste", "cymraeg"), active=2)
    idle_other = advisor(2, teams=("waste",))
    welsh = welsh_speakers(WELSH_TEAMS, [busy_speaker, idle_other])
    assert welsh == frozenset({1})
    chosen = choose_advisor(
        entry("c1", language="cy"), [idle_other, busy_speaker], now=NOW, welsh=welsh
    )
    assert chosen.user_id == 1
    english = choose_advisor(entry("c2"), [idle_other, busy_speaker], now=NOW, welsh=welsh)
    assert english.user_id == 2


def test_a_welsh_conversation_still_goes_to_someone_when_no_speaker_is_free():
    speaker = advisor(1, teams=("waste", "cymraeg"), cap=1, active=1)
    other = advisor(2, teams=("waste",))
    result = plan([entry("c1", language="cy")], [speaker, other], WELSH_TEAMS, now=NOW)
    assert result.offers == [("c1", 2)]


def test_plan_offers_welsh_chats_to_speakers_in_queue_order():
    speaker = advisor(1, teams=("waste", "cymraeg"))
    other = advisor(2, teams=("waste",))
    result = plan(
        [entry("welsh", language="cy", minutes_ago=1), entry("english", minutes_ago=9)],
        [other, speaker],
        WELSH_TEAMS,
        now=NOW,
    )
    assert dict(result.offers) == {"english": 2, "welsh": 1}


def test_available_now_says_whether_and_for_welsh_whether_a_speaker_is_there():
    speaker = advisor(1, teams=("housing", "cymraeg"))
    other = advisor(2, teams=("housing",))
    found = available_now("rent", "cy", WELSH_TEAMS, [speaker, other])
    assert (found.verdict, found.team, found.welsh_speaker) == (Serviceable.OPEN, "housing", True)
    assert available_now("rent", "cy", WELSH_TEAMS, [other]).welsh_speaker is False
    assert available_now("rent", "en", WELSH_TEAMS, [speaker]).welsh_speaker is False
    closed = [TeamInfo("housing", "Housing", frozenset({"rent"}), is_open=False)]
    assert available_now("rent", "en", closed, [other]).verdict is Serviceable.OUT_OF_HOURS
    away = advisor(3, teams=("housing",), availability=Availability.AWAY)
    assert available_now("rent", "en", WELSH_TEAMS, [away]).verdict is Serviceable.NO_ADVISORS
