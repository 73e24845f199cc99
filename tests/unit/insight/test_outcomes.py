"""The outcome of a conversation from its events, and the figures built on outcomes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from insight import charts, report, tables
from insight.demo import generate
from insight.helpfulness import helpful_votes
from insight.outcomes import OUTCOMES, EventFact, derive
from insight.report import Costs, percentile
from insight.web import BadInput, day_range, parse_day

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class Script:
    def __init__(self) -> None:
        self.events: list[EventFact] = []
        self.t = T0

    def add(self, kind: str, after: int = 0, **data: Any) -> Script:
        self.t += timedelta(seconds=after)
        self.events.append(EventFact(len(self.events) + 1, kind, self.t, data))
        return self

    def say(self, text: str = "hello", after: int = 0, **extra: Any) -> Script:
        return self.add("message", after, author="resident", text=text, **extra)

    def answer(self, after: int = 1) -> Script:
        link = {"title": "Bins", "url": "http://localhost:8000/articles/bin-collection-days"}
        return self.add("message", after, author="bot", text="Here.", links=[link])

    def ask_help(self) -> Script:
        buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
        return self.add("message", 1, author="bot", text="Did that help?", buttons=buttons)

    def queue(self, reason: str = "requested", area: str = "waste", after: int = 0) -> Script:
        self.add("handoff", after, reason=reason, service_area=area)
        return self.add("state", 0, state="waiting", previous="bot", reason="bot_handoff")

    def state(self, state: str, previous: str, reason: str, after: int = 0) -> Script:
        return self.add("state", after, state=state, previous=previous, reason=reason)


def test_contained_answer_with_a_yes() -> None:
    s = Script().say().answer().ask_help().say("Yes", 5, payload="/affirm")
    outcome = derive(s.events)
    assert outcome.outcome == "contained"
    assert (outcome.helpful_yes, outcome.helpful_no, outcome.bot_answers) == (1, 0, 1)
    assert outcome.topic == "bin-collection-days"


def test_a_finished_task_counts_as_contained() -> None:
    s = Script().say("my bin").add("message", 2, author="bot", text="Reported: BDC-104233.")
    assert derive(s.events).outcome == "contained"


def test_a_no_as_the_last_word_is_unresolved() -> None:
    s = Script().say().answer().ask_help().say("No", 5, payload="/deny")
    outcome = derive(s.events)
    assert (outcome.outcome, outcome.helpful_no) == ("unresolved", 1)


def test_handed_over_with_reason_wait_and_handling_time() -> None:
    s = (
        Script()
        .say()
        .queue("repeated_failure", "housing", after=3)
        .state("with_advisor", "waiting", "accepted", after=45)
        .add("message", 30, author="advisor", text="Hi")
        .state("closed", "with_advisor", "closed_by_advisor", after=270)
        .add("rating", 10, stars=4)
    )
    outcome = derive(s.events)
    assert outcome.outcome == "handed_over"
    assert (outcome.reason, outcome.topic) == ("failed_twice", "housing")
    assert (outcome.wait_seconds, outcome.handle_seconds, outcome.rating) == (45, 300, 4)
    assert outcome.advisor_messages == 1


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("requested", "asked"),
        ("resident_request", "asked"),
        ("at_risk", "at_risk"),
        ("repeated_failure", "failed_twice"),
        ("out_of_scope", "out_of_scope"),
        ("something_new", "out_of_scope"),
    ],
)
def test_handover_reasons(raw: str, reason: str) -> None:
    s = Script().say().queue(raw).state("with_advisor", "waiting", "accepted", after=5)
    assert derive(s.events).reason == reason


def test_abandoned_in_queue_by_leaving_or_closing() -> None:
    left = Script().say().queue().state("bot", "waiting", "left_queue", after=200)
    closed = Script().say().queue().state("closed", "waiting", "closed_by_resident", after=90)
    assert (derive(left.events).outcome, derive(left.events).abandon_seconds) == (
        "abandoned_in_queue",
        200,
    )
    assert derive(closed.events).abandon_seconds == 90


@pytest.mark.parametrize(
    ("last_heard", "abandon_seconds"),
    [
        ("2026-03-02T10:02:00.000Z", 120),  # heard 2 min after asking, expired at 12
        ("2026-03-02T09:00:00Z", 0),  # before it was queued (a clock moved): from queueing
        ("2026-03-02T11:00:00+00:00", 720),  # after it closed: when it closed
        ("2026-03-02T10:02:00", 720),  # no time zone: not trusted
        ("yesterday", 720),  # malformed: when it closed
        (None, 720),  # an event from before the field existed
    ],
)
def test_an_expired_chat_counts_its_wait_to_when_the_resident_was_last_heard(
    last_heard: str | None, abandon_seconds: int
) -> None:
    s = Script().say().queue()
    extra = {} if last_heard is None else {"resident_last_heard": last_heard}
    s.add("state", 720, state="closed", previous="waiting", reason="expired", **extra)
    outcome = derive(s.events)
    assert (outcome.outcome, outcome.abandon_seconds) == ("abandoned_in_queue", abandon_seconds)


def test_only_an_expiry_reads_the_last_heard_time() -> None:
    s = Script().say().queue()
    heard = {"resident_last_heard": "2026-03-02T10:01:00Z"}
    s.add("state", 90, state="closed", previous="waiting", reason="closed_by_resident", **heard)
    assert derive(s.events).abandon_seconds == 90


def test_left_message_out_of_hours() -> None:
    s = (
        Script()
        .say()
        .add("notice", 1, code="out_of_hours", team="waste")
        .say("call me", 30, left_message=True)
        .add("case_created", 0, reference="BDC-000001")
    )
    outcome = derive(s.events)
    assert (outcome.outcome, outcome.out_of_hours, outcome.case_created) == (
        "left_message",
        True,
        True,
    )
    assert outcome.topic == "waste"


def test_left_message_from_the_queue_is_not_abandonment() -> None:
    s = (
        Script()
        .say()
        .queue()
        .state("bot", "waiting", "left_message", after=60)
        .say("call me", 0, left_message=True)
        .add("case_created", 0, reference="BDC-000002")
    )
    outcome = derive(s.events)
    assert (outcome.outcome, outcome.abandon_seconds) == ("left_message", None)


def test_no_person_available_and_no_message_is_unresolved() -> None:
    s = Script().say().answer().add("notice", 1, code="no_advisors", team="general")
    assert derive(s.events).outcome == "unresolved"


def test_an_empty_conversation_is_unresolved() -> None:
    assert derive([]).outcome == "unresolved"


def test_events_in_any_order_give_the_same_outcome() -> None:
    s = Script().say().answer().ask_help().say("Yes", 5, payload="/affirm")
    assert derive(reversed(s.events)) == derive(s.events)


def test_helpful_votes_need_the_question_first() -> None:
    s = Script().say("/affirm", payload="/affirm").ask_help().say("No", 1, payload="/deny")
    votes = helpful_votes(s.events)
    assert (votes.yes, votes.no, votes.last_was_no) == (0, 1, True)


def test_percentile_is_nearest_rank_and_none_when_empty() -> None:
    assert percentile({}, 0.5) is None
    hist = {10: 1, 20: 1, 30: 1, 40: 1}
    assert (percentile(hist, 0.5), percentile(hist, 0.9), percentile(hist, 1.0)) == (20, 40, 40)
    assert percentile({5: 9, 100: 1}, 0.9) == 5


def test_costs_default_to_socitm_and_say_so() -> None:
    costs = Costs()
    assert costs.per_contained() == pytest.approx(0.8 * 2.68 + 0.1 * 8.47)
    assert "£8.62" in costs.assumption() and "£2.83" in costs.assumption()


def test_an_empty_summary_has_no_rates_and_no_division() -> None:
    s = report.summarise([], [], [], costs=Costs())
    assert s["conversations"] == 0
    assert s["containment_rate"] is None and s["wait_p50_s"] is None
    assert s["csat_advisor_mean"] is None and s["bot_answer_helpful_rate"] is None
    assert s["cost_avoided_gbp"] == 0
    assert s["by_language"]["cy"]["conversations"] == 0
    built = tables.build(
        s, {"knowledge": {"unanswered": [], "least_helpful": []}, "editor_url": ""}
    )
    assert built["outcomes"].rows[0][2] == "no data"


def test_periods_group_days_into_weeks_and_months() -> None:
    assert report.period_of("2026-03-04", "week") == "2026-03-02"
    assert report.period_of("2026-03-04", "month") == "2026-03"
    assert report.period_of("2026-03-04", "day") == "2026-03-04"


def test_concurrency_peak_and_mean() -> None:
    a = T0
    spans = [
        (1, a, a + timedelta(minutes=10)),
        (1, a + timedelta(minutes=5), a + timedelta(minutes=15)),
    ]
    figures = report.concurrency(spans)
    assert figures["peak_concurrent"] == 2
    # 5 min alone, 5 min with two, 5 min alone: (5 + 10 + 5) / 15
    assert figures["mean_concurrent"] == pytest.approx(1.33, abs=0.01)
    assert report.concurrency([])["peak_concurrent"] is None


def test_csv_never_starts_a_formula() -> None:
    table = tables.Table("t", "T", ("Question", "n"), [("=HYPERLINK(1)", 3), ("-x", None)])
    lines = table.csv().splitlines()
    assert lines[1] == "'=HYPERLINK(1),3" and lines[2] == "'-x,"


def test_charts_escape_labels_and_point_at_their_table() -> None:
    svg = charts.stacked_bars(
        "Outcomes", ["<b>"], [charts.Series("a&b", [3])], table_id="table-series"
    )
    assert "<b>" not in svg and "&lt;b&gt;" in svg and 'data-table="table-series"' in svg
    line = charts.lines("Rates", ["d1", "d2", "d3"], [charts.Series("x", [0.5, None, 0.2])],
                        table_id="t", percent=True)  # fmt: skip
    assert line.count("<circle") == 2 and "50%" in line  # two points cut by a gap


def test_dates_are_checked() -> None:
    assert parse_day("", "from") is None
    with pytest.raises(BadInput, match="YYYY-MM-DD"):
        parse_day("yesterday", "from")
    with pytest.raises(BadInput, match="between"):
        parse_day("1066-10-14", "from")
    with pytest.raises(BadInput, match="swap"):
        day_range(date(2026, 5, 1), date(2026, 4, 1))
    start, end = day_range(date(2026, 7, 1), date(2026, 7, 1))
    assert start is not None and end is not None
    assert (end - start) == timedelta(days=1) and start.hour == 23  # BST midnight in UTC


def test_demo_history_is_deterministic_with_every_outcome() -> None:
    first = list(generate(date(2026, 12, 6), rng_seed=3, advisors=[1, 2], days=30))
    again = list(generate(date(2026, 12, 6), rng_seed=3, advisors=[1, 2], days=30))
    assert [c.id for c in first] == [c.id for c in again]
    outcomes = {
        derive(EventFact(e["seq"], e["kind"], e["at"], e["data"]) for e in c.events).outcome
        for c in first
    }
    assert outcomes == set(OUTCOMES)
    mondays = [c for c in first if c.created_at.weekday() == 0]
    sundays = [c for c in first if c.created_at.weekday() == 6]
    assert len(mondays) > 2 * len(sundays)
    assert any(c.language == "cy" for c in first)
