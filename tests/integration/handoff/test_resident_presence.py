"""A resident who asked for a person and closed the tab does not wait for ever (issue
#12, deliverable 3): their presence is written while they wait, their place is given
up once no instance has heard them for ``resident_gone_seconds``, any offer of the
chat is withdrawn, and the queue shows advisors who is away. Never judged while the
service could not hear residents that long. On SQLite and PostgreSQL, with a clock
the test moves."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from handoff import assignment, dispatcher, views
from handoff.assignment import Actor
from handoff.delivery import iso
from handoff.exceptions import AlreadyTaken, ConversationClosed
from handoff.lifecycle import Limits
from handoff.states import State
from tests.contract.handoff_kit import NOW, Clock, Kit, sql_kit_sam_and_priya, waiting_for
from tests.integration.handoff.conftest import World, build_world, is_event, receive, until

SAM = 1
LIMITS = Limits(default_cap=2, grace_seconds=20, accept_timeout_seconds=30)
GONE = LIMITS.resident_gone_seconds
sam = Actor(SAM, "Sam")


@pytest.fixture
def kit(database) -> Kit:  # type: ignore[no-untyped-def]
    return sql_kit_sam_and_priya(database.engine)


def queued(kit: Kit) -> str:
    """A resident the bot passed on, while Sam is there to serve them."""
    return waiting_for(kit, SAM, LIMITS)


def offered_to_sam(kit: Kit) -> str:
    cid = queued(kit)
    dispatcher.dispatch(kit.store, LIMITS)
    assert kit.store.get(cid).offered_to == SAM
    return cid


def test_asking_for_a_person_is_being_heard(kit: Kit) -> None:
    cid = queued(kit)
    assert kit.store.get(cid).resident_seen_at == NOW


def test_an_unheard_resident_gives_up_their_place_and_the_offer_is_withdrawn(kit: Kit) -> None:
    cid = offered_to_sam(kit)
    behind = queued(kit)
    kit.clock.advance(GONE + 1)
    kit.store.touch_presence([SAM], "instance-a")  # Sam is still here
    kit.store.touch_residents([behind])  # and so is the resident behind
    tx = dispatcher.dispatch(kit.store, LIMITS)

    gone = kit.store.get(cid)
    assert (gone.state, gone.offered_to, gone.outcome) == (State.CLOSED, None, "resident_left")
    assert gone.closed_at == kit.clock()
    last = kit.store.events_after(cid, 0)[-1]
    assert (last.kind, last.data) == (
        "state",
        {
            "state": "closed",
            "previous": "waiting",
            "reason": "expired",
            "resident_last_heard": iso(NOW),  # insight counts the wait to here
        },
    )
    assert SAM in tx.touched_advisors and "general" in tx.touched_teams
    assert kit.outcome_recorded(cid)
    with pytest.raises((AlreadyTaken, ConversationClosed)):
        assignment.accept(kit.store, cid, sam, LIMITS)
    # the one behind keeps waiting, now first, and is offered to Sam in the same tick
    assert [c.id for c in kit.store.waiting()] == [behind]
    assert kit.store.get(behind).offered_to == SAM


def test_a_resident_heard_again_within_the_limit_keeps_their_place(kit: Kit) -> None:
    cid = queued(kit)
    kit.clock.advance(GONE - 60)
    kit.store.touch_residents([cid])  # their socket came back
    kit.clock.advance(GONE - 60)  # long since asking, not since being heard
    dispatcher.dispatch(kit.store, LIMITS)
    kept = kit.store.get(cid)
    assert (kept.state, kept.queued_at) == (State.WAITING, NOW)
    kit.clock.advance(61)
    dispatcher.dispatch(kit.store, LIMITS)
    assert kit.store.get(cid).state == State.CLOSED


def test_nobody_expires_while_the_service_could_not_hear_residents(kit: Kit) -> None:
    cid = queued(kit)
    kit.clock.advance(GONE - 100)
    back = kit.clock()  # the database came back then: nothing written before says much
    kit.clock.advance(200)  # unheard for longer than the limit, but only 200 s since
    dispatcher.dispatch(kit.store, LIMITS, presence_from=back)
    assert kit.store.get(cid).state == State.WAITING
    dispatcher.dispatch(kit.store, LIMITS, presence_from=kit.clock())  # still away
    assert kit.store.get(cid).state == State.WAITING
    kit.clock.advance(GONE - 199)  # a whole limit since its return, and still unheard
    dispatcher.dispatch(kit.store, LIMITS, presence_from=back)
    assert kit.store.get(cid).state == State.CLOSED


def test_a_chat_back_in_the_queue_is_judged_from_its_return(kit: Kit) -> None:
    cid = offered_to_sam(kit)
    assignment.accept(kit.store, cid, sam, LIMITS)
    kit.clock.advance(GONE + 5)  # a long chat with Sam, then he transfers it
    assignment.transfer(kit.store, cid, sam, limits=LIMITS, team="general")
    dispatcher.dispatch(kit.store, LIMITS)
    assert kit.store.get(cid).state != State.CLOSED


def test_the_queue_item_says_how_long_the_resident_has_been_away(kit: Kit) -> None:
    cid = queued(kit)

    def item() -> dict:
        advisors = kit.store.advisors(default_cap=2, grace_seconds=20)
        items = views.queue_items(
            kit.store,
            ["general"],
            user_id=None,
            advisors=advisors,
            handle_seconds=300,
            now=kit.clock(),
        )
        return next(i for i in items if i["conversation_id"] == cid)

    kit.clock.advance(15)
    assert (item()["resident_away_seconds"], item()["resident_away_since"]) == (None, None)
    kit.clock.advance(165)
    assert item()["resident_away_seconds"] == 180
    assert item()["resident_away_since"] == iso(NOW)
    kit.store.touch_residents([cid])
    assert item()["resident_away_seconds"] is None


# --- through the service's sockets ------------------------------------------------------


@pytest.fixture
def clocked(database) -> Iterator[tuple[World, Clock]]:  # type: ignore[no-untyped-def]
    clock = Clock(datetime.now(UTC))
    with contextlib.ExitStack() as stack:
        yield build_world(database, stack, clock=clock), clock


def waiting_resident(world: World) -> tuple[dict, str]:
    started = world.start()
    with world.resident_socket(started) as ws:
        assert receive(ws)["type"] == "welcome"
        ws.send_json({"type": "request_human"})
        until(ws, is_event("state", state="waiting"))
    return started, started["conversation_id"]


def seen(world: World, cid: str) -> datetime | None:
    return world.app.state.handoff.store.get(cid).resident_seen_at


def test_presence_is_written_on_connect_and_by_the_presence_loop(
    clocked: tuple[World, Clock],
) -> None:
    world, clock = clocked
    live = world.app.state.live
    sam_ = world.advisor("sam")
    sam_.available()
    with sam_.socket() as console:  # someone to ask for
        assert receive(console)["type"] == "welcome"
        started, cid = waiting_resident(world)
    assert seen(world, cid) == clock()
    clock.advance(30)
    world.client.portal.call(live.presence_once)  # nobody's socket is open here
    assert seen(world, cid) == clock() - timedelta(seconds=30)
    with world.resident_socket(started) as ws:
        assert receive(ws)["type"] == "welcome"
        ws.send_json({"type": "ping"})  # answered after the socket's opening work
        until(ws, lambda f: f["type"] == "pong")
        assert seen(world, cid) == clock()  # heard on connect
        clock.advance(30)
        world.client.portal.call(live.presence_once)
        assert seen(world, cid) == clock()  # heard by the loop


def test_a_resident_back_after_the_limit_reads_that_their_place_was_given_up(
    clocked: tuple[World, Clock],
) -> None:
    world, clock = clocked
    sam_ = world.advisor("sam")
    sam_.available()
    metrics = world.app.state.handoff.metrics
    with sam_.socket() as console:
        assert receive(console)["type"] == "welcome"
        started, cid = waiting_resident(world)  # and the tab is closed
        offer, _ = until(console, lambda f: f["type"] == "offer")
        assert offer["conversation_id"] == cid
        clock.advance(GONE + 1)
        world.client.portal.call(world.app.state.live.dispatch_once)
        withdrawn, _ = until(console, lambda f: f["type"] == "offer_withdrawn")
        assert withdrawn["conversation_id"] == cid
    assert world.app.state.handoff.store.get(cid).state == State.CLOSED
    assert metrics.expired._value.get() == 1
    with world.resident_socket(started) as ws:
        welcome = receive(ws)
        assert (welcome["type"], welcome["state"]) == ("welcome", "closed")
        closed, _ = until(ws, is_event("state", state="closed"))
        assert closed["data"]["reason"] == "expired"
