"""An advisor's chats are not taken away because the service had a fault (issue #12's
faults benchmark at 600 chats: 54 chats left consoles during a PostgreSQL crash and an
instance kill). Silence only counts as absence once the service could hear consoles
for a whole grace period; a chat requeued while its advisor could not be heard goes
back to them when they return, unless someone else accepted it meanwhile. A genuinely
gone advisor's chats are still requeued. On SQLite and PostgreSQL, with a clock the
test moves."""

from __future__ import annotations

from datetime import timedelta

import pytest

from handoff import assignment, dispatcher, lifecycle
from handoff.assignment import Actor
from handoff.bot import BotReply, HandoffRequest
from handoff.exceptions import AlreadyTaken, NotAssigned
from handoff.lifecycle import Limits
from handoff.states import State
from tests.contract.handoff_kit import NOW, Kit, sql_kit_sam_and_priya

SAM, PRIYA = 1, 2
LIMITS = Limits(default_cap=2, grace_seconds=20, accept_timeout_seconds=30)
sam, priya = Actor(SAM, "Sam"), Actor(PRIYA, "Priya")


@pytest.fixture
def kit(database) -> Kit:  # type: ignore[no-untyped-def]
    return sql_kit_sam_and_priya(database.engine)


def online(kit: Kit, *user_ids: int) -> None:
    if not user_ids:
        return
    for user_id in user_ids:
        kit.store.set_availability(user_id, "available")
    kit.store.touch_presence(list(user_ids), "instance-a")


def queued(kit: Kit) -> str:
    cid = kit.store.create_conversation(language="en", page_url="/", identity_token=None).id
    stored = lifecycle.resident_message(kit.store, cid, client_id="c1", text="hi", payload=None)
    reply = BotReply(text="Passing you on", handoff=HandoffRequest(service_area="general"))
    lifecycle.bot_answered(
        kit.store, cid, relayed_seq=stored.event.seq, replies=[reply], limits=LIMITS
    )
    return cid


def with_sam(kit: Kit) -> str:
    online(kit, SAM)
    cid = queued(kit)
    assignment.accept(kit.store, cid, sam, LIMITS)
    return cid


def lost_by_sam(kit: Kit, *heard: int) -> str:
    """Sam's chat, requeued after his console went unheard for longer than the grace
    (``heard``: other advisors' consoles are heard meanwhile)."""
    cid = with_sam(kit)
    kit.clock.advance(21)
    online(kit, *heard)
    dispatcher.dispatch(kit.store, LIMITS)
    assert kit.store.get(cid).state == State.WAITING
    return cid


def say(kit: Kit, cid: str, actor: Actor, client_id: str) -> int:
    seq, _duplicate, _tx = assignment.advisor_write(
        kit.store, cid, actor, kind=assignment.Kind.MESSAGE, client_id=client_id, text="Hello"
    )
    return seq


def test_presence_lost_to_a_database_outage_does_not_count_against_the_grace(kit: Kit) -> None:
    cid = with_sam(kit)  # presence written at NOW, then the database goes for 15 s
    kit.clock.advance(15)
    back = kit.clock()
    kit.clock.advance(6)  # 21 s since Sam's presence, 6 s since the database came back
    assert not dispatcher.needs_dispatch(kit.store, LIMITS, presence_from=back)
    dispatcher.dispatch(kit.store, LIMITS, presence_from=back)
    kept = kit.store.get(cid)
    assert (kept.state, kept.assigned_to) == (State.WITH_ADVISOR, SAM)
    # without the outage's floor the same silence is an absence
    assert dispatcher.needs_dispatch(kit.store, LIMITS, presence_from=NOW)

    kit.clock.advance(15)  # 21 s after the return and still nothing: Sam is gone
    assert dispatcher.needs_dispatch(kit.store, LIMITS, presence_from=back)
    dispatcher.dispatch(kit.store, LIMITS, presence_from=back)
    assert kit.store.get(cid).state == State.WAITING


def test_while_the_database_is_away_nobody_is_judged(kit: Kit) -> None:
    cid = with_sam(kit)
    kit.clock.advance(60)
    dispatcher.dispatch(kit.store, LIMITS, presence_from=kit.clock())  # its return unseen
    assert kit.store.get(cid).assigned_to == SAM


def test_an_advisor_back_before_anyone_took_the_chat_gets_it_back(kit: Kit) -> None:
    cid = lost_by_sam(kit)
    online(kit, SAM)  # his console is heard again
    dispatcher.dispatch(kit.store, LIMITS)
    back = kit.store.get(cid)
    assert (back.state, back.assigned_to, back.requeued) == (State.WITH_ADVISOR, SAM, False)
    kinds = [(e.kind, e.data.get("reason")) for e in kit.store.events_after(cid, 0)]
    assert ("state", "advisor_lost") in kinds
    assert kinds[-2:] == [("state", "advisor_back"), ("advisor_joined", None)]
    assert say(kit, cid, sam, "after") > 0


def test_an_offer_made_to_someone_else_meanwhile_is_withdrawn(kit: Kit) -> None:
    cid = lost_by_sam(kit, PRIYA)  # the same tick offered it to Priya, who had room
    assert kit.store.get(cid).offered_to == PRIYA
    online(kit, SAM, PRIYA)
    tx = dispatcher.dispatch(kit.store, LIMITS)
    back = kit.store.get(cid)
    assert (back.state, back.assigned_to, back.offered_to) == (State.WITH_ADVISOR, SAM, None)
    assert PRIYA in tx.touched_advisors  # her console drops the offer
    with pytest.raises(AlreadyTaken):
        assignment.accept(kit.store, cid, priya, LIMITS)


def test_a_chat_someone_else_accepted_stays_with_them(kit: Kit) -> None:
    cid = lost_by_sam(kit, PRIYA)
    assignment.accept(kit.store, cid, priya, LIMITS)
    online(kit, SAM, PRIYA)
    dispatcher.dispatch(kit.store, LIMITS)
    assert kit.store.get(cid).assigned_to == PRIYA
    with pytest.raises(NotAssigned):
        assignment.take_back(kit.store, cid, sam, LIMITS)


def test_the_advisor_writing_in_it_takes_it_back_before_the_next_tick(kit: Kit) -> None:
    cid = lost_by_sam(kit)
    with pytest.raises(NotAssigned):
        say(kit, cid, sam, "first")
    with pytest.raises(NotAssigned):  # only the advisor who lost it
        assignment.take_back(kit.store, cid, priya, LIMITS)
    assignment.take_back(kit.store, cid, sam, LIMITS)
    back = kit.store.get(cid)
    assert (back.state, back.assigned_to) == (State.WITH_ADVISOR, SAM)
    assert say(kit, cid, sam, "first") == back.last_seq + 1
    assignment.take_back(kit.store, cid, sam, LIMITS)  # again: harmless


def test_a_genuinely_gone_advisor_stays_gone(kit: Kit) -> None:
    cid = lost_by_sam(kit)  # nobody else is there
    kit.clock.advance(5)
    online(kit, PRIYA)
    dispatcher.dispatch(kit.store, LIMITS)  # Sam never comes back: Priya is offered it
    assert kit.store.get(cid).offered_to == PRIYA
    assignment.accept(kit.store, cid, priya, LIMITS)
    assert kit.store.get(cid).assigned_to == PRIYA
    assert kit.clock() - NOW == timedelta(seconds=26)
