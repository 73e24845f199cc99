"""The insight pages in a real browser: dashboard with charts and tables, CSV
export, the printable monthly report, chat history with a transcript, the
left-message inbox; axe-core finds no serious or critical issue on any."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert

from frontdoor.clock import london_today
from handoff import models as ho
from insight import models as im
from insight import store as insight_store
from insight.demo import generate
from insight.outcomes import EventFact, derive
from insight.store import outcome_row
from tests.e2e.browser import axe_violations
from tests.e2e.handoff.conftest import sign_in
from tests.e2e.handoff.harness import Stack

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _history(stack: Stack, today: date) -> None:
    """Twenty days of demo conversations, stored and recorded like the seeder does."""
    engine = stack.app.state.engine
    conversations, events, outcomes, intents = [], [], [], []
    for conv in generate(today, rng_seed=5, advisors=[stack.ids["morgan"]], days=20):
        if conv.case_reference is not None:
            continue  # no back office cases here
        conversations.append({
            "id": conv.id, "created_at": conv.created_at, "updated_at": conv.created_at,
            "state": "closed", "last_seq": len(conv.events), "language": conv.language,
            "page_url": "", "verified_refs": "", "team": conv.team, "priority": "normal",
            "requeued": False, "declined_by": "", "closed_at": conv.closed_at,
            "rating": conv.rating,
        })  # fmt: skip
        events.extend(conv.events)
        derived = derive(EventFact(e["seq"], e["kind"], e["at"], e["data"]) for e in conv.events)
        row = outcome_row(conv.id, derived, started_at=conv.created_at,
                          closed_at=conv.closed_at, language=conv.language,
                          team=conv.team, demo=True)  # fmt: skip
        intents += [
            {"conversation_id": conv.id, "intent": name, "messages": n, "confidence_milli": milli}
            for name, n, milli in row.pop("intents")
        ]
        outcomes.append(row)
    with engine.begin() as conn:
        conn.execute(insert(ho.conversations), conversations)
        conn.execute(insert(ho.events), events)
        conn.execute(insert(im.conversation_outcomes), outcomes)
        conn.execute(insert(im.conversation_intents), intents)
        insight_store.rebuild_rollup(conn)  # the summary reads the daily rollup


def test_the_dashboard_report_and_history(stack: Stack, advisor: Any) -> None:
    _history(stack, london_today())
    sign_in(advisor, stack, "morgan", "/console/insight")
    expect(advisor.get_by_role("heading", name="Insight", exact=True)).to_be_visible()
    expect(advisor.get_by_role("img", name="Conversations by outcome (chart")).to_be_visible()
    expect(advisor.locator("#table-series tbody tr").first).to_be_visible()
    expect(advisor.get_by_text("SOCITM cost per contact")).to_be_visible()
    intents = advisor.get_by_role("img", name="What residents asked for (top intents) (chart")
    expect(intents).to_be_visible()
    expect(
        advisor.get_by_role("table", name="Top intents (what the bot understood)")
    ).to_contain_text("Ask bin day")
    assert axe_violations(advisor) == []

    with advisor.expect_download() as download:
        advisor.get_by_role("link", name="Download “Outcomes” as CSV").click()
    csv = download.value.path().read_text(encoding="utf-8")
    assert csv.startswith("Outcome,Conversations,Share")

    advisor.get_by_label("View by").select_option("week")
    advisor.get_by_label("Service area", exact=True).select_option("Waste and recycling")
    advisor.get_by_role("button", name="Show").click()
    expect(advisor.get_by_role("table", name="Conversations by week")).to_be_visible()
    expect(advisor.get_by_label("Service area", exact=True)).to_have_value("waste")

    advisor.get_by_label("From", exact=True).fill("2026-05-01")
    advisor.get_by_label("To", exact=True).fill("2026-04-01")
    advisor.get_by_role("button", name="Show").click()
    expect(advisor.get_by_role("alert")).to_contain_text("swap the dates")
    assert axe_violations(advisor) == []

    advisor.get_by_role("link", name="Printable monthly report").click()
    expect(advisor.get_by_role("heading", level=1)).to_contain_text("digital front door")
    advisor.emulate_media(media="print")
    expect(advisor.get_by_role("navigation", name="Console")).to_be_hidden()
    advisor.emulate_media(media="screen")
    assert axe_violations(advisor) == []

    advisor.get_by_role("link", name="Chat history").click()
    advisor.get_by_label("Outcome").select_option("handed_over")
    advisor.get_by_role("button", name="Search").click()
    assert axe_violations(advisor) == []
    advisor.locator("table tbody tr th a").first.click()
    expect(advisor.get_by_role("heading", level=1)).to_contain_text("Chat of")
    expect(advisor.get_by_text("Handed to a person")).to_be_visible()
    assert axe_violations(advisor) == []

    advisor.get_by_role("link", name="Left messages").click()
    expect(advisor.get_by_role("table", name="Inbox")).to_be_visible()
    assert axe_violations(advisor) == []


def test_an_advisor_cannot_open_insight(stack: Stack, advisor: Any) -> None:
    sign_in(advisor, stack, "sam")
    response = advisor.goto(f"{stack.handoff_url}/console/insight")
    assert response is not None and response.status == 403
    expect(advisor.get_by_role("heading", name="Not for your role")).to_be_visible()
    assert axe_violations(advisor) == []
