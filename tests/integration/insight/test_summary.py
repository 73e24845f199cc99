"""The summary API, dashboard pages and history against hand-computed figures,
on SQLite and PostgreSQL (the ``database`` fixture runs each test on both)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from frontdoor.accounts.roles import Role
from frontdoor.accounts.service import create_user, start_session
from frontdoor.contracts.understanding import Understood
from handoff import lifecycle
from handoff.bot import BotReply
from handoff.lifecycle import Limits
from insight import models as im
from insight import store as insight_store
from tests.integration.handoff.conftest import World, build_world

MAR2 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
MAR3 = datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def _row(n: int, started: datetime, outcome: str, **values: Any) -> dict[str, Any]:
    base = {
        "conversation_id": f"purged{n:026d}",
        "started_at": started,
        "closed_at": started,
        "language": "en",
        "team": None,
        "topic": "general",
        "outcome": outcome,
        "reason": None,
        "resident_messages": 1,
        "bot_answers": 0,
        "helpful_yes": 0,
        "helpful_no": 0,
        "out_of_hours": False,
        "wait_seconds": None,
        "abandon_seconds": None,
        "handle_seconds": None,
        "advisor_messages": 0,
        "rating": None,
        "case_created": False,
        "demo": False,
        "advisor_peak_chats": None,
        "advisor_chat_ms": None,
        "advisor_busy_ms": None,
    }
    return {**base, **values}


# Nine outcomes whose conversations the retention purge has removed, and (below) one
# conversation still open and stored, which insight derives on the fly.
FIXTURE = [
    _row(1, MAR2, "contained", helpful_yes=1, topic="bins", bot_answers=1),
    _row(2, MAR2, "contained", helpful_yes=1, topic="bins", bot_answers=1),
    _row(3, MAR2, "handed_over", reason="asked", wait_seconds=30, handle_seconds=300,
         rating=5, team="waste", advisor_peak_chats=2, advisor_chat_ms=300_000,
         advisor_busy_ms=200_000),
    _row(4, MAR2, "handed_over", reason="at_risk", wait_seconds=90, handle_seconds=600,
         rating=3, team="housing", advisor_peak_chats=1, advisor_chat_ms=600_000,
         advisor_busy_ms=600_000),
    _row(5, MAR2, "abandoned_in_queue", abandon_seconds=200, team="waste"),
    _row(6, MAR2, "left_message", out_of_hours=True, case_created=True, team="waste"),
    _row(7, MAR2, "unresolved", helpful_no=1),
    _row(8, MAR3, "contained", language="cy", helpful_yes=1),
    _row(9, MAR3, "handed_over", language="cy", reason="asked", wait_seconds=60,
         handle_seconds=120, team="general", advisor_peak_chats=3, advisor_chat_ms=120_000,
         advisor_busy_ms=40_000),
]  # fmt: skip

# What the bot's NLU read in those purged conversations (intent, messages, sum of
# confidences in thousandths); the open conversation below adds ask_bin_day at 0.8.
INTENTS = [
    (1, "ask_bin_day", 1, 900), (1, "affirm", 1, 1000), (2, "ask_bin_day", 2, 1600),
    (3, "human", 1, 950), (4, "at_risk", 1, 700), (7, "nlu_fallback", 1, 300),
]  # fmt: skip


@dataclass
class Reader:
    world: World
    cookies: dict[str, str]

    def get(self, who: str, path: str) -> Any:
        headers = {"cookie": f"fd_session={self.cookies[who]}"} if who else {}
        return self.world.client.get(path, headers=headers, follow_redirects=False)


@pytest.fixture
def reader(database) -> Iterator[Reader]:  # type: ignore[no-untyped-def]
    with contextlib.ExitStack() as stack:
        world = build_world(database, stack)
        with Session(database.engine) as session:
            manager = create_user(
                session, email="dana@example.gov.uk", display_name="Dana Ellis",
                password="correct horse battery staple", roles=(Role.MANAGER,),
            )  # fmt: skip
            cookies = {
                key: start_session(session, user_id=user_id).token
                for key, user_id in {**world.ids, "dana": manager.id}.items()
            }
            session.commit()
        with database.engine.begin() as conn:
            conn.execute(insert(im.conversation_outcomes), FIXTURE)
            conn.execute(
                insert(im.conversation_intents),
                [
                    {"conversation_id": f"purged{n:026d}", "intent": name, "messages": k,
                     "confidence_milli": milli}
                    for n, name, k, milli in INTENTS
                ],
            )  # fmt: skip
            insight_store.rebuild_rollup(conn)
        store = world.app.state.handoff.store
        clock = store.clock
        store.clock = lambda: MAR3
        open_one = store.create_conversation(language="en", page_url="", identity_token=None)
        lifecycle.resident_message(store, open_one.id, client_id="c1", text="bins?", payload=None)
        link = {"title": "Bins", "url": "http://localhost:8000/articles/bin-collection-days"}
        understood = Understood(intent="ask_bin_day", confidence=0.8)
        lifecycle.bot_answered(
            store, open_one.id, relayed_seq=1,
            replies=[BotReply(understood=understood), BotReply("Here.", links=(link,))],
            limits=Limits(),
        )  # fmt: skip
        store.clock = clock
        yield Reader(world, cookies)


def summary(reader: Reader, query: str = "", who: str = "morgan") -> dict[str, Any]:
    response = reader.get(who, f"/api/v1/insight/summary{query}")
    assert response.status_code == 200, response.text
    return response.json()


def test_figures_match_the_hand_computed_fixture(reader: Reader) -> None:
    s = summary(reader, "?from=2026-03-02&to=2026-03-03")
    assert s["conversations"] == 10
    assert (s["contained"], s["handed_over"], s["abandoned_in_queue"]) == (4, 3, 1)
    assert (s["left_message"], s["unresolved"]) == (1, 1)
    assert (s["containment_rate"], s["handover_rate"], s["abandonment_rate"]) == (0.4, 0.3, 0.25)
    assert s["handover_reasons"] == {"asked": 2, "failed_twice": 0, "at_risk": 1, "out_of_scope": 0}
    assert (s["csat_advisor_mean"], s["csat_advisor_ratings"]) == (4.0, 2)
    assert (s["bot_answer_helpful_rate"], s["bot_answer_votes"]) == (0.75, 4)
    assert (s["wait_p50_s"], s["wait_p90_s"]) == (60, 90)
    assert s["cost_avoided_gbp"] == 11.96  # 4 * (0.8 * £2.68 + 0.1 * £8.47)
    assert s["contacts_moved"] == {"phone": 3.2, "face_to_face": 0.4}
    assert s["out_of_hours_messages"] == 1
    assert s["handle_mean_s"] == 340.0
    assert "SOCITM" in s["cost_assumption"]
    welsh = s["by_language"]["cy"]
    assert (welsh["conversations"], welsh["contained"], welsh["containment_rate"]) == (2, 1, 0.5)
    assert (welsh["wait_p50_s"], s["by_language"]["en"]["conversations"]) == (60, 8)
    assert [p["period"] for p in s["series"]] == ["2026-03-02", "2026-03-03"]
    assert [p["conversations"] for p in s["series"]] == [7, 3]
    assert [(t["topic"], t["conversations"]) for t in s["top_topics"]] == [
        ("general", 7), ("bins", 2), ("bin-collection-days", 1),
    ]  # fmt: skip
    assert s["top_topics"][1]["containment_rate"] == 1.0


def test_top_intents_match_the_hand_computed_fixture(reader: Reader) -> None:
    s = summary(reader, "?from=2026-03-02&to=2026-03-03")
    assert s["intent_messages"] == 8
    assert [
        (i["intent"], i["kind"], i["conversations"], i["messages"], i["mean_confidence"])
        for i in s["top_intents"]
    ] == [
        ("ask_bin_day", "request", 3, 4, 0.825),  # (0.9 + 1.6 + 0.8) / 4
        ("affirm", "conversation", 1, 1, 1.0),
        ("at_risk", "request", 1, 1, 0.7),
        ("human", "request", 1, 1, 0.95),
        ("nlu_fallback", "not_understood", 1, 1, 0.3),
    ]  # fmt: skip
    second_day = summary(reader, "?from=2026-03-03&to=2026-03-03")
    assert [(i["intent"], i["messages"]) for i in second_day["top_intents"]] == [
        ("ask_bin_day", 1)  # only the open conversation, derived from its events
    ]
    assert summary(reader, "?from=2030-01-01&to=2030-01-31")["top_intents"] == []
    csv = reader.get("morgan", "/console/insight/export/intents.csv?from=2026-03-02&to=2026-03-03")
    assert csv.status_code == 200
    assert csv.text.splitlines()[:2] == [
        "Intent,Name in the bot,Kind,Messages,Conversations,Share of messages,Mean confidence",
        "Ask bin day,ask_bin_day,Request,4,3,50.0%,82.5%",
    ]


def test_advisor_concurrency_comes_from_the_recorded_outcomes(reader: Reader) -> None:
    # the conversations are purged (no assignments left): their load was recorded
    both = summary(reader, "?from=2026-03-02&to=2026-03-03")
    assert both["advisor_concurrency_mean"] == 1.21  # (300 + 600 + 120) / (200 + 600 + 40)
    assert summary(reader, "?from=2026-03-03&to=2026-03-03")["advisor_concurrency_mean"] == 3.0
    insight = reader.world.app.state.insight
    assert insight.concurrency(insight_store.Filters())["peak_concurrent"] == 3
    mar2 = insight_store.Filters(MAR2.replace(hour=0), MAR3.replace(hour=0))
    assert insight.concurrency(mar2)["peak_concurrent"] == 2
    # a range that starts mid-day reads that day's rows, not the rollup
    assert insight.concurrency(insight_store.Filters(MAR2, MAR3))["peak_concurrent"] == 2
    page = reader.get("morgan", "/console/insight?from=2026-03-03&to=2026-03-03")
    assert "chats at once: mean 3.0, peak 3" in page.text


def test_the_service_area_filter_counts_the_bots_chats_too(reader: Reader) -> None:
    # "bins" (two purged) and "bin-collection-days" (the open one) are waste topics
    waste = summary(reader, "?area=waste")
    assert (waste["conversations"], waste["contained"]) == (3, 3)
    assert [(i["intent"], i["messages"]) for i in waste["top_intents"]] == [
        ("ask_bin_day", 4), ("affirm", 1),
    ]  # fmt: skip
    assert summary(reader, "?area=planning")["conversations"] == 0
    assert summary(reader, "?area=general&team=waste")["conversations"] == 3  # 3, 5, 6
    assert summary(reader, "?area=waste&team=waste")["conversations"] == 0
    page = reader.get("morgan", "/console/insight?area=waste&from=2026-03-01&to=2026-03-31")
    assert page.status_code == 200 and '<option value="waste" selected>' in page.text


def test_all_time_counts_stored_and_purged_conversations(reader: Reader) -> None:
    s = summary(reader)
    assert s["conversations"] == 10 and s["from"] is None
    with reader.world.engine.connect() as conn:
        assert insight_store.count_all(conn) == 10  # 9 recorded (purged) + 1 stored, open


def test_filters_by_team_day_and_granularity(reader: Reader) -> None:
    waste = summary(reader, "?team=waste")
    assert (waste["conversations"], waste["handed_over"], waste["left_message"]) == (3, 1, 1)
    one_day = summary(reader, "?from=2026-03-02&to=2026-03-02&granularity=month")
    assert one_day["conversations"] == 7
    assert one_day["series"] == [{**one_day["series"][0], "period": "2026-03"}]


def test_an_empty_range_is_zero_and_no_data_never_an_error(reader: Reader) -> None:
    s = summary(reader, "?from=2030-01-01&to=2030-01-31")
    assert s["conversations"] == 0 and s["series"] == []
    assert s["containment_rate"] is None and s["wait_p90_s"] is None
    assert s["csat_advisor_mean"] is None and s["cost_avoided_gbp"] == 0


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("?from=2026-05-01&to=2026-04-01", "swap the dates"),
        ("?from=1066-10-14", "between"),
        ("?to=tomorrow", "YYYY-MM-DD"),
        ("?team=nowhere", "no team 'nowhere'"),
        ("?area=moon", "no service area 'moon'"),
        ("?granularity=hourly", "granularity"),
    ],
)
def test_bad_input_is_a_clear_400(reader: Reader, query: str, words: str) -> None:
    response = reader.get("morgan", f"/api/v1/insight/summary{query}")
    assert response.status_code == 400
    assert words in response.json()["message"]


def test_who_may_read(reader: Reader) -> None:
    assert reader.get("", "/api/v1/insight/summary").status_code == 401
    assert reader.get("sam", "/api/v1/insight/summary").status_code == 403
    assert reader.get("dana", "/api/v1/insight/summary").status_code == 200
    assert reader.get("", "/console/insight").status_code == 303
    assert reader.get("sam", "/console/insight").status_code == 403
    assert reader.get("dana", "/console/insight").status_code == 200
    # history and left messages hold personal data: supervisors only
    assert reader.get("dana", "/console/insight/history").status_code == 403
    assert reader.get("dana", "/console/insight/messages").status_code == 403


def test_dashboard_pages_and_csv(reader: Reader) -> None:
    page = reader.get("morgan", "/console/insight?from=2026-03-02&to=2026-03-03&granularity=week")
    assert page.status_code == 200
    assert "£11.96" in page.text and "Welsh (Cymraeg)" in page.text
    assert 'role="img"' in page.text and 'id="table-series"' in page.text
    bad = reader.get("morgan", "/console/insight?from=2026-05-01&to=2026-04-01")
    assert bad.status_code == 400 and "swap the dates" in bad.text
    unknown = reader.get("morgan", "/console/insight?team=nowhere")
    assert unknown.status_code == 400 and "There is no team" in unknown.text
    csv = reader.get("morgan", "/console/insight/export/outcomes.csv?from=2026-03-02&to=2026-03-03")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[:2] == [
        "Outcome,Conversations,Share",
        "Contained by the bot,4,40.0%",
    ]
    assert reader.get("morgan", "/console/insight/export/nothing.csv").status_code == 404
    assert reader.get("morgan", "/console/insight/export/outcomes.csv?to=x").status_code == 400
    report = reader.get("morgan", "/console/insight/report?month=2026-03")
    assert report.status_code == 200 and "March 2026" in report.text
    assert reader.get("morgan", "/console/insight/report?month=March").status_code == 400


def test_history_search_transcript_and_inbox(reader: Reader) -> None:
    page = reader.get("morgan", "/console/insight/history?from=2026-03-03&to=2026-03-03")
    assert page.status_code == 200 and "/console/insight/history/" in page.text
    assert reader.get("morgan", "/console/insight/history?rating=9").status_code == 400
    assert reader.get("morgan", "/console/insight/history?outcome=won").status_code == 400
    assert reader.get("morgan", "/console/insight/history?advisor=x").status_code == 400
    none = reader.get("morgan", "/console/insight/history?outcome=handed_over&rating=5")
    assert "No chats match." in none.text
    with reader.world.engine.connect() as conn:
        rows = insight_store.history(conn, insight_store.HistoryQuery())
    assert len(rows) == 1
    chat = reader.get("morgan", f"/console/insight/history/{rows[0]['id']}")
    assert chat.status_code == 200 and "bins?" in chat.text
    assert "the bot read it as “Ask bin day” (80% sure)" in chat.text
    assert reader.get("morgan", "/console/insight/history/nope").status_code == 404
    inbox = reader.get("morgan", "/console/insight/messages")
    assert inbox.status_code == 200 and "No messages left." in inbox.text


def test_messages_left_and_how_soon_their_cases_were_picked_up(reader: Reader) -> None:
    from backoffice.models import CaseEventRow, CaseRow
    from handoff import models as ho

    with reader.world.engine.connect() as conn:
        (open_id,) = [r["id"] for r in insight_store.history(conn, insight_store.HistoryQuery())]
    with Session(reader.world.engine) as session:
        case = CaseRow(
            reference="BDC-000777", case_type="general_enquiry", status="in_progress",
            summary="Message left in chat", owning_team="Customer Services", created_at=MAR3,
            target_date=MAR3.date(), channel="bot",
        )  # fmt: skip
        session.add(case)
        session.flush()
        session.add_all([
            CaseEventRow(case_id=case.id, status="received", at=MAR3, note="", by="bot"),
            CaseEventRow(case_id=case.id, status="in_progress", at=MAR3.replace(hour=16),
                         note="", by="sam"),
        ])  # fmt: skip
        session.execute(
            insert(ho.transcripts).values(
                conversation_id=open_id, created_at=MAR3, text="t", case_reference="BDC-000777"
            )
        )
        session.commit()
    insight = reader.world.app.state.insight
    whole = insight_store.Filters(MAR2.replace(hour=0), MAR3.replace(hour=23))
    pickup = insight.out_of_hours_pickup(whole)
    assert (pickup["left_messages"], pickup["picked_up"], pickup["pickup_p50_h"]) == (1, 1, 6)
    waste = insight.out_of_hours_pickup(insight_store.Filters(team="waste"))
    assert waste["left_messages"] == 0  # the open chat has no team
    later = insight.out_of_hours_pickup(insight_store.Filters(MAR3.replace(hour=11), None))
    assert later["left_messages"] == 0
    inbox = reader.get("morgan", "/console/insight/messages")
    assert "BDC-000777" in inbox.text and "in_progress" in inbox.text.replace(
        "in progress", "in_progress"
    )

    # two more: one moved on after 2 h 30 min (halves round up: 3), one not yet, for
    # waste; counted in one query, never a list of references (65,535 at most)
    with Session(reader.world.engine) as session:
        for n, status in ((1, "in_progress"), (2, "received")):
            ident = f"p{n:031d}"
            session.execute(
                insert(ho.conversations).values(
                    id=ident, created_at=MAR3, updated_at=MAR3, state="closed", last_seq=0,
                    language="en", page_url="", verified_refs="", priority="normal",
                    requeued=False, declined_by="", team="waste", closed_at=MAR3,
                )
            )  # fmt: skip
            other = CaseRow(
                reference=f"BDC-00088{n}", case_type="general_enquiry", status=status,
                summary="Message left in chat", owning_team="Waste", created_at=MAR3,
                target_date=MAR3.date(), channel="bot",
            )  # fmt: skip
            session.add(other)
            session.flush()
            later = MAR3 + timedelta(hours=2, minutes=30)
            session.add(CaseEventRow(case_id=other.id, status=status, at=later, by="sam"))
            session.execute(
                insert(ho.transcripts).values(
                    conversation_id=ident, created_at=MAR3, text="t",
                    case_reference=f"BDC-00088{n}",
                )
            )  # fmt: skip
        session.commit()
    with reader.world.engine.connect() as conn:
        found = insight_store.left_message_pickups(conn, whole)
        assert sorted(found, key=str) == [(3, 1), (6, 1), (None, 1)]
        in_waste = insight_store.left_message_pickups(conn, insight_store.Filters(team="waste"))
        assert sorted(in_waste, key=str) == [(3, 1), (None, 1)]
    assert insight.out_of_hours_pickup(whole)["left_messages"] == 3
