"""Outcomes recorded by the handoff service's own transactions equal a recomputation.

Hypothesis drives real handoff flows (``handoff.lifecycle``, ``handoff.assignment``)
on a real database: random sequences of resident messages, bot answers, "Did
that help?" answers, handovers, accepts, queue exits, left messages, closes
and ratings. Whatever happened, the row written at close (and again at rating)
equals the outcome recomputed from the stored events.
"""

from __future__ import annotations

import contextlib
import itertools
import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from frontdoor.contracts.understanding import Understood
from handoff import assignment, lifecycle
from handoff import models as m
from handoff.assignment import Actor
from handoff.bot import BotReply, HandoffRequest
from handoff.delivery import Kind
from handoff.exceptions import HandoffError
from handoff.lifecycle import Limits
from handoff.store import SqlStore, Store
from insight import store as insight_store
from insight.outcomes import OUTCOMES

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
LIMITS = Limits(default_cap=50)
ADVISOR = Actor(user_id=7, first_name="Sam")
ACTIONS = (
    "say",
    "answer",
    "understood",
    "ask",
    "yes",
    "no",
    "fail",
    "human",
    "bot_handoff",
    "accept",
    "advisor_say",
    "leave_queue",
    "left_message",
    "close_by_advisor",
)


def _world(engine) -> Store:  # type: ignore[no-untyped-def]
    ticks = itertools.count()
    store = SqlStore(engine, clock=lambda: T0 + timedelta(seconds=13 * next(ticks)))
    with engine.begin() as conn:
        conn.execute(
            insert(m.teams).values(
                slug="general", name="Customer services", skills="general,waste",
                opening_hours="always", routing_mode="direct", sort_order=0,
            )
        )  # fmt: skip
        conn.execute(insert(m.team_members).values(team_slug="general", user_id=ADVISOR.user_id))
        conn.execute(
            insert(m.advisors).values(
                user_id=ADVISOR.user_id, display_name="Sam Okafor", availability="available",
                connected=True, last_seen_at=T0 + timedelta(days=3650),
            )
        )  # fmt: skip
    return store


def _apply(store: Store, cid: str, action: str) -> None:
    client = uuid.uuid4().hex
    link = {"title": "Bins", "url": "http://localhost:8000/articles/bin-collection-days"}
    help_buttons = ({"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"})
    if action == "say":
        lifecycle.resident_message(store, cid, client_id=client, text="hello", payload=None)
    elif action in ("yes", "no"):
        payload = "/affirm" if action == "yes" else "/deny"
        lifecycle.resident_message(store, cid, client_id=client, text=action, payload=payload)
    elif action == "understood":  # what the bot's channel adds to its replies
        read = Understood(intent="ask_bin_day" if len(client) % 2 else "deny", confidence=0.64)
        replies = [BotReply(understood=read), BotReply(text="Here is what I found.", links=(link,))]
        lifecycle.bot_answered(store, cid, relayed_seq=0, replies=replies, limits=LIMITS)
    elif action in ("answer", "ask", "bot_handoff"):
        reply = {
            "answer": BotReply(text="Here is what I found.", links=(link,)),
            "ask": BotReply(text="Did that help?", buttons=help_buttons),
            "bot_handoff": BotReply(
                text="Passing you on.",
                handoff=HandoffRequest(reason="repeated_failure", service_area="waste"),
            ),
        }[action]
        lifecycle.bot_answered(store, cid, relayed_seq=0, replies=[reply], limits=LIMITS)
    elif action == "fail":
        lifecycle.bot_failed(store, cid, relayed_seq=0)
    elif action == "human":
        lifecycle.request_human(store, cid, limits=LIMITS)
    elif action == "accept":
        assignment.accept(store, cid, ADVISOR, LIMITS)
    elif action == "advisor_say":
        assignment.advisor_write(
            store, cid, ADVISOR, kind=Kind.MESSAGE, client_id=client, text="Hi"
        )
    elif action == "leave_queue":
        lifecycle.leave_queue(store, cid)
    elif action == "left_message":
        lifecycle.left_message(
            store, cid, client_id=client, text="call me", reference="BDC-000123", transcript="t"
        )
    elif action == "close_by_advisor":
        assignment.close(store, cid, ADVISOR, outcome="resolved")


@seed(20261206)
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    actions=st.lists(st.sampled_from(ACTIONS), min_size=0, max_size=10),
    stars=st.one_of(st.none(), st.integers(min_value=1, max_value=5)),
)
def test_recorded_outcome_equals_recomputed(
    database, actions: list[str], stars: int | None
) -> None:  # type: ignore[no-untyped-def]
    engine = database.engine
    if not getattr(database, "_insight_world", None):
        database._insight_world = _world(engine)
    store: Store = database._insight_world
    cid = store.create_conversation(language="en", page_url="", identity_token=None).id
    for action in actions:
        with contextlib.suppress(HandoffError):  # an illegal move now: refused, nothing written
            _apply(store, cid, action)
    lifecycle.close_by_resident(store, cid)
    if stars is not None:
        lifecycle.rate(store, cid, stars=stars, comment="")
    with engine.connect() as conn:
        recorded = insight_store.recorded(conn, cid)
        recomputed = insight_store.recompute(conn, cid)
        assert insight_store.recompute_many(conn, [cid]) == [recomputed]  # the batched way
    assert recorded is not None and recomputed is not None
    assert recorded == recomputed
    assert recorded["outcome"] in OUTCOMES
    assert recorded["rating"] == stars
