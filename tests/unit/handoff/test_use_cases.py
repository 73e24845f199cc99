"""Handoff's use cases on the in-memory Store: the resident's side
(``lifecycle``), the advisor's (``assignment``), routing ticks (``dispatcher``)
and the console's views, with no database and a clock the test moves. The same
store contract holds on SQL (``tests/contract/test_handoff_store_contract.py``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

import pytest

from frontdoor.contracts.understanding import Understood
from handoff import assignment, dispatcher, lifecycle, views
from handoff.assignment import Actor
from handoff.bot import BotReply, HandoffRequest
from handoff.exceptions import (
    AlreadyTaken,
    AtCapacity,
    ConversationClosed,
    IllegalTransition,
    InvalidRequest,
    NotAssigned,
    NotFound,
)
from handoff.lifecycle import Limits
from handoff.states import State
from tests.contract.handoff_kit import NOW, MemoryKit, memory_kit

SAM, PRIYA, MORGAN = 1, 2, 3
LIMITS = Limits(default_cap=2, grace_seconds=20, accept_timeout_seconds=30)
sam, priya = Actor(SAM, "Sam"), Actor(PRIYA, "Priya")
morgan = Actor(MORGAN, "Morgan", supervisor=True)


@pytest.fixture
def kit() -> MemoryKit:
    kit = memory_kit()
    kit.add_team("waste", skills="waste,bins", members=(SAM,))
    kit.add_team("housing", skills="housing", members=(PRIYA,))
    kit.add_team("general", members=(SAM, PRIYA, MORGAN))
    kit.add_team("planning", skills="planning", hours="never", members=(PRIYA,))
    for user_id, name in ((SAM, "Sam Okafor"), (PRIYA, "Priya Nair"), (MORGAN, "Morgan Hale")):
        kit.store.ensure_advisor(user_id, name)
    return kit


def online(kit: MemoryKit, *user_ids: int) -> None:
    for user_id in user_ids:
        kit.store.set_availability(user_id, "available")
    kit.store.touch_presence(list(user_ids), "instance-a")


def kinds(kit: MemoryKit, cid: str, after: int = 0) -> list[str]:
    return [e.kind for e in kit.store.events_after(cid, after)]


def queued(kit: MemoryKit, area: str = "waste") -> str:
    cid = kit.store.create_conversation(language="en", page_url="/", identity_token=None).id
    stored = lifecycle.resident_message(kit.store, cid, client_id="c1", text="my bin", payload=None)
    reply = BotReply(text="Passing you on", handoff=HandoffRequest(service_area=area))
    lifecycle.bot_answered(
        kit.store, cid, relayed_seq=stored.event.seq, replies=[reply], limits=LIMITS
    )
    return cid


def with_sam(kit: MemoryKit) -> str:
    online(kit, SAM)
    cid = queued(kit)
    assignment.accept(kit.store, cid, sam, LIMITS)
    return cid


# --- the resident's side -------------------------------------------------------------------


def test_a_resident_message_is_stored_once_and_awaits_the_bot(kit: MemoryKit) -> None:
    cid = kit.store.create_conversation(language="en", page_url="/", identity_token=None).id
    first = lifecycle.resident_message(kit.store, cid, client_id="m1", text="hi", payload="/hi")
    again = lifecycle.resident_message(kit.store, cid, client_id="m1", text="hi", payload="/hi")
    assert (first.duplicate, again.duplicate, again.event.seq) == (False, True, 1)
    assert first.tx is not None and [e.seq for e in first.tx.appended] == [1]
    assert first.event.data["payload"] == "/hi"
    claimed = kit.store.claim_unrelayed(stale_claim=0, recent=600, limit=5)
    assert claimed == []  # claimed by the instance that stored it, just now
    kit.clock.advance(31)
    (relay,) = kit.store.claim_unrelayed(stale_claim=30, recent=600, limit=5)
    assert (relay.seq, relay.text) == (1, "/hi")  # the payload is what the bot is asked


def test_another_components_message_is_the_assistants_stored_once_never_in_a_closed_chat(
    kit: MemoryKit,
) -> None:
    cid = kit.store.create_conversation(language="en", page_url="/", identity_token=None).id
    first = lifecycle.service_message(kit.store, cid, client_id="service:payment:FD1", text="Paid")
    again = lifecycle.service_message(kit.store, cid, client_id="service:payment:FD1", text="Paid")
    assert (first.duplicate, again.duplicate, again.event.seq) == (False, True, first.event.seq)
    assert (first.event.data["author"], first.event.data["text"]) == ("bot", "Paid")
    assert kit.store.claim_unrelayed(stale_claim=0, recent=600, limit=5) == []  # never to the bot
    kit.clock.advance(31)
    assert kit.store.claim_unrelayed(stale_claim=30, recent=600, limit=5) == []
    lifecycle.close_by_resident(kit.store, cid)
    with pytest.raises(ConversationClosed):
        lifecycle.service_message(kit.store, cid, client_id="service:payment:FD2", text="Paid")


def test_the_bot_hands_over_to_an_open_team_with_someone_free(kit: MemoryKit) -> None:
    online(kit, SAM)
    cid = queued(kit)
    conversation = kit.store.get(cid)
    assert (conversation.state, conversation.team, conversation.queued_at) == (
        State.WAITING,
        "waste",
        NOW,
    )
    assert kinds(kit, cid) == ["message", "message", "handoff", "state"]


def test_nobody_free_is_said_honestly_and_the_bot_stays(kit: MemoryKit) -> None:
    cid = queued(kit)
    conversation = kit.store.get(cid)
    assert (conversation.state, conversation.last_notice) == (State.BOT, "no_advisors")
    notice = kit.store.events_after(cid, 0)[-1]
    assert notice.kind == "notice" and notice.data["can_leave_message"] is True
    assert "Nobody from Waste" in notice.data["text"]


def test_out_of_hours_says_when_the_team_opens(kit: MemoryKit) -> None:
    online(kit, PRIYA)
    cid = queued(kit, area="planning")
    notice = kit.store.events_after(cid, 0)[-1]
    assert (notice.data["code"], notice.data["team"]) == ("out_of_hours", "planning")
    assert kit.store.get(cid).state == State.BOT


def test_the_bot_stays_silent_once_someone_else_is_in_charge(kit: MemoryKit) -> None:
    cid = with_sam(kit)
    stored = lifecycle.resident_message(kit.store, cid, client_id="m9", text="hi", payload=None)
    before = kit.store.get(cid).last_seq
    tx = lifecycle.bot_answered(
        kit.store, cid, relayed_seq=stored.event.seq, replies=[BotReply(text="hi")], limits=LIMITS
    )
    assert tx.appended == [] and kit.store.get(cid).last_seq == before


@pytest.mark.parametrize(
    ("spoken", "expected"),
    [("cy", "cy"), ("en", "en"), (None, None)],
    ids=["welsh", "english", "not said"],
)
def test_the_bots_messages_say_the_language_it_answered_the_turn_in(
    kit: MemoryKit, spoken: Literal["en", "cy"] | None, expected: str | None
) -> None:
    cid = kit.store.create_conversation(language="en", page_url="/", identity_token=None).id
    text = "Rwyf eisiau siarad â pherson am fy nhreth gyngor"
    stored = lifecycle.resident_message(kit.store, cid, client_id="m1", text=text, payload=None)
    replies = [
        BotReply(text="Gallaf eich trosglwyddo.", buttons=({"title": "Ie", "payload": "/affirm"},)),
        BotReply(links=({"title": "Treth gyngor", "url": "/cy/treth-gyngor"},)),
        BotReply(understood=Understood(intent="human", confidence=0.9, language=spoken)),
    ]
    lifecycle.bot_answered(
        kit.store, cid, relayed_seq=stored.event.seq, replies=replies, limits=LIMITS
    )
    messages = [e for e in kit.store.events_after(cid, stored.event.seq) if e.kind == "message"]
    assert len(messages) == 2
    assert [m.data.get("language") for m in messages] == [expected, expected]
    assert all(("language" in m.data) == (expected is not None) for m in messages)


def test_a_bot_that_fails_offers_a_person(kit: MemoryKit) -> None:
    cid = kit.store.create_conversation(language="en", page_url="/", identity_token=None).id
    stored = lifecycle.resident_message(kit.store, cid, client_id="m1", text="hi", payload=None)
    lifecycle.bot_failed(kit.store, cid, relayed_seq=stored.event.seq)
    notice = kit.store.events_after(cid, 1)[0]
    assert notice.data["code"] == "bot_unavailable" and notice.data["can_request_human"]
    kit.clock.advance(60)
    assert kit.store.claim_unrelayed(stale_claim=30, recent=600, limit=5) == []


def test_asking_for_a_person_twice_changes_nothing(kit: MemoryKit) -> None:
    online(kit, SAM)
    cid = kit.store.create_conversation(language="en", page_url="/", identity_token=None).id
    lifecycle.request_human(kit.store, cid, limits=LIMITS)
    assert kit.store.get(cid).team == "general"
    again = lifecycle.request_human(kit.store, cid, limits=LIMITS)
    assert again.appended == [] and kinds(kit, cid) == ["handoff", "state"]


def test_accounts_the_bot_verified_make_the_resident_verified_at_handover(
    kit: MemoryKit,
) -> None:
    online(kit, SAM)
    cid = kit.store.create_conversation(language="en", page_url="/", identity_token=None).id
    kit.grant(cid, "CT40012345", expires_at=NOW + timedelta(minutes=30))
    kit.grant(cid, "TE99", expires_at=NOW - timedelta(minutes=1))  # expired: not used
    lifecycle.request_human(kit.store, cid, limits=LIMITS)
    conversation = kit.store.get(cid)
    assert conversation.references == ("CT40012345",) and conversation.verified
    assert conversation.verified_method == "bot:knowledge_check"


def test_leaving_the_queue_and_leaving_a_message(kit: MemoryKit) -> None:
    online(kit, SAM)
    cid = queued(kit)
    lifecycle.leave_queue(kit.store, cid)
    assert kit.store.get(cid).state == State.BOT
    lifecycle.request_human(kit.store, cid, limits=LIMITS)
    left = lifecycle.left_message(
        kit.store, cid, client_id="l1", text="call me", reference="CASE-9", transcript="..."
    )
    again = lifecycle.left_message(
        kit.store, cid, client_id="l1", text="call me", reference="CASE-9", transcript="..."
    )
    assert (left.state, again.duplicate) == (State.BOT, True)
    assert kinds(kit, cid)[-3:] == ["state", "message", "case_created"]
    assert kit.store.tables.transcripts[cid][2] == "CASE-9"


def test_closing_refuses_more_messages_and_asks_for_a_rating(kit: MemoryKit) -> None:
    cid = with_sam(kit)
    lifecycle.close_by_resident(kit.store, cid)
    assert lifecycle.close_by_resident(kit.store, cid).appended == []  # closing twice
    closed = kit.store.get(cid)
    assert (closed.state, closed.outcome, closed.closed_at) == (State.CLOSED, "resident_left", NOW)
    with pytest.raises(ConversationClosed):
        lifecycle.resident_message(kit.store, cid, client_id="late", text="hi", payload=None)
    assert kit.store.tables.outcomes[cid].outcome == "resident_left"  # insight's record
    lifecycle.rate(kit.store, cid, stars=5, comment="great")
    assert kit.store.get(cid).rating == 5 and kinds(kit, cid)[-2:] == ["rating_request", "rating"]
    assert kit.store.tables.outcomes[cid].rating == 5  # the stars belong in its outcome
    assert kit.store.read_seq(cid, SAM) == 0  # the assignment ended


# --- the advisor's side --------------------------------------------------------------------


def test_accepting_a_chat_and_accepting_it_twice(kit: MemoryKit) -> None:
    cid = with_sam(kit)
    again = assignment.accept(kit.store, cid, sam, LIMITS)
    assert again.appended == []
    assert kit.store.get(cid).assigned_to == SAM
    assert kinds(kit, cid)[-2:] == ["state", "advisor_joined"]
    with pytest.raises(AlreadyTaken):
        assignment.accept(kit.store, cid, priya, LIMITS)


def test_accepting_needs_the_team_and_room_under_the_cap(kit: MemoryKit) -> None:
    online(kit, SAM, PRIYA)
    chats = [queued(kit) for _ in range(3)]
    with pytest.raises(NotAssigned):
        assignment.accept(kit.store, chats[0], priya, LIMITS)  # not in waste
    assignment.accept(kit.store, chats[0], sam, LIMITS)
    assignment.accept(kit.store, chats[1], sam, LIMITS)
    with pytest.raises(AtCapacity):
        assignment.accept(kit.store, chats[2], sam, LIMITS)
    assert kit.store.get(chats[2]).state == State.WAITING  # nothing half-written
    assignment.accept(kit.store, chats[2], morgan, LIMITS)  # a supervisor takes any team's


def test_an_offer_to_someone_else_is_theirs_until_it_lapses(kit: MemoryKit) -> None:
    online(kit, PRIYA, MORGAN)
    cid = queued(kit, area="housing")
    dispatcher.dispatch(kit.store, LIMITS)
    assert kit.store.get(cid).offered_to == PRIYA
    with pytest.raises(AlreadyTaken):
        assignment.accept(kit.store, cid, morgan, LIMITS)
    kit.clock.advance(31)
    assignment.accept(kit.store, cid, morgan, LIMITS)
    assert kit.store.get(cid).assigned_to == MORGAN


def test_declining_puts_the_chat_back_for_someone_else(kit: MemoryKit) -> None:
    online(kit, PRIYA)
    cid = queued(kit, area="housing")
    dispatcher.dispatch(kit.store, LIMITS)
    assert assignment.decline(kit.store, cid, sam).appended == []  # not Sam's offer
    assignment.decline(kit.store, cid, priya)
    conversation = kit.store.get(cid)
    assert (conversation.offered_to, conversation.requeued, conversation.declined) == (
        None,
        True,
        {PRIYA},
    )


def test_transfers_to_a_team_or_an_advisor(kit: MemoryKit) -> None:
    cid = with_sam(kit)
    with pytest.raises(InvalidRequest):
        assignment.transfer(kit.store, cid, sam, limits=LIMITS)
    last = kit.store.get(cid).last_seq
    with pytest.raises(NotFound):
        assignment.transfer(kit.store, cid, sam, limits=LIMITS, team="nope")
    assert kit.store.get(cid).last_seq == last  # the transfer event rolled back too
    with pytest.raises(InvalidRequest):
        assignment.transfer(kit.store, cid, sam, limits=LIMITS, advisor_id=PRIYA)  # away
    online(kit, PRIYA)
    assignment.transfer(kit.store, cid, sam, limits=LIMITS, advisor_id=PRIYA, note="rent")
    assert kit.store.get(cid).assigned_to == PRIYA
    assert kinds(kit, cid, last) == ["transfer", "advisor_left", "advisor_joined"]
    assignment.transfer(kit.store, cid, priya, limits=LIMITS, team="housing")
    moved = kit.store.get(cid)
    assert (moved.state, moved.team, moved.requeued) == (State.WAITING, "housing", True)


def test_a_transfer_to_a_full_advisor_is_refused(kit: MemoryKit) -> None:
    online(kit, SAM, PRIYA)
    kit.store.set_cap(PRIYA, 1, display_name="Priya Nair")
    mine = queued(kit)
    theirs = queued(kit, area="housing")
    assignment.accept(kit.store, mine, sam, LIMITS)
    assignment.accept(kit.store, theirs, priya, LIMITS)
    with pytest.raises(AtCapacity):
        assignment.transfer(kit.store, mine, sam, limits=LIMITS, advisor_id=PRIYA)


def test_handing_back_to_the_bot_and_closing(kit: MemoryKit) -> None:
    cid = with_sam(kit)
    with pytest.raises(NotAssigned):
        assignment.hand_back(kit.store, cid, priya)
    assignment.hand_back(kit.store, cid, sam, note="sorted")
    assert kit.store.get(cid).state == State.BOT
    assert kinds(kit, cid)[-3:] == ["note", "advisor_left", "state"]
    with pytest.raises(IllegalTransition):
        assignment.close(kit.store, cid, morgan, outcome="resolved")  # the bot has it
    other = queued(kit)
    assignment.accept(kit.store, other, sam, LIMITS)
    with pytest.raises(InvalidRequest):
        assignment.close(kit.store, other, morgan, outcome="bored")
    assignment.close(kit.store, other, morgan, outcome="resolved")  # a supervisor may
    assert kit.store.get(other).outcome == "resolved"
    assert kit.store.tables.outcomes[other].outcome == "resolved"
    assert cid not in kit.store.tables.outcomes  # handed back, not closed
    assert kinds(kit, other)[-4:] == ["closed_outcome", "advisor_left", "state", "rating_request"]
    with pytest.raises(NotAssigned):
        assignment.close(kit.store, other, morgan, outcome="resolved")


def test_advisor_messages_are_idempotent_and_mark_everything_read(kit: MemoryKit) -> None:
    cid = with_sam(kit)
    lifecycle.resident_message(kit.store, cid, client_id="r2", text="still there?", payload=None)
    assert views.chats(kit.store, SAM)[0]["unread"] == 1
    seq, duplicate, _ = assignment.advisor_write(
        kit.store, cid, sam, kind=assignment.Kind.MESSAGE, client_id="a1", text="yes"
    )
    again, duplicate_again, _ = assignment.advisor_write(
        kit.store, cid, sam, kind=assignment.Kind.MESSAGE, client_id="a1", text="yes"
    )
    assert (seq, duplicate, duplicate_again) == (again, False, True)
    assert views.chats(kit.store, SAM)[0]["unread"] == 0
    with pytest.raises(NotAssigned):
        assignment.advisor_write(
            kit.store, cid, priya, kind=assignment.Kind.NOTE, client_id="n1", text="psst"
        )
    assignment.advisor_write(
        kit.store, cid, morgan, kind=assignment.Kind.NOTE, client_id="n2", text="watch"
    )
    assignment.case_created(kit.store, cid, sam, "CASE-1")
    assert kinds(kit, cid)[-2:] == ["note", "case_created"]
    lifecycle.resident_message(kit.store, cid, client_id="r3", text="ok", payload=None)
    assignment.mark_read(kit.store, cid, sam, kit.store.get(cid).last_seq)
    assert views.detail(kit.store, kit.store.get(cid), user_id=SAM)["unread"] == 0


# --- routing ticks -------------------------------------------------------------------------


def test_an_idle_tick_needs_no_dispatch(kit: MemoryKit) -> None:
    assert not dispatcher.needs_dispatch(kit.store, LIMITS)


def test_a_tick_offers_waiting_chats_within_caps(kit: MemoryKit) -> None:
    online(kit, SAM)
    chats = []
    for _ in range(3):
        chats.append(queued(kit))
        kit.clock.advance(1)  # first come, first offered
    assert dispatcher.needs_dispatch(kit.store, LIMITS)
    tx = dispatcher.dispatch(kit.store, LIMITS, instance_id="a")
    offered = [kit.store.get(cid).offered_to for cid in chats]
    assert offered == [SAM, SAM, None] and tx.touched_advisors == {SAM}
    assert kit.store.get(chats[0]).offer_expires_at == kit.clock() + timedelta(seconds=30)


def test_a_lost_advisors_chats_go_back_to_the_front(kit: MemoryKit) -> None:
    cid = with_sam(kit)
    kit.clock.advance(21)  # no presence for longer than the grace
    assert dispatcher.needs_dispatch(kit.store, LIMITS)
    dispatcher.dispatch(kit.store, LIMITS)
    requeued = kit.store.get(cid)
    assert (requeued.state, requeued.requeued, requeued.assigned_to) == (
        State.WAITING,
        True,
        None,
    )
    notices = [e.data["code"] for e in kit.store.events_after(cid, 0) if e.kind == "notice"]
    assert notices == ["advisor_lost", "no_advisors"]  # and nobody else is there: told, once
    before = kit.store.get(cid).last_seq
    dispatcher.dispatch(kit.store, LIMITS)
    assert kit.store.get(cid).last_seq == before


def test_an_advisor_this_instance_still_hears_is_not_lost_when_presence_lags(
    kit: MemoryKit,
) -> None:
    # a loaded instance wrote no presence for longer than the grace, but Sam's console
    # answers on this instance: his chat stays, a new chat for his team is queued
    cid = with_sam(kit)
    kit.clock.advance(21)
    dispatcher.dispatch(kit.store, LIMITS, live=frozenset({SAM}))
    kept = kit.store.get(cid)
    assert (kept.state, kept.assigned_to) == (State.WITH_ADVISOR, SAM)
    asking = kit.store.create_conversation(language="en", page_url="/", identity_token=None).id
    lifecycle.request_human(kit.store, asking, limits=LIMITS, live=frozenset({SAM}))
    assert kit.store.get(asking).state == State.WAITING
    unheard = kit.store.create_conversation(language="en", page_url="/", identity_token=None).id
    lifecycle.request_human(kit.store, unheard, limits=LIMITS, live=frozenset({PRIYA}))
    assert kit.store.get(unheard).state == State.BOT  # told nobody is there
    dispatcher.dispatch(kit.store, LIMITS)  # and once the console is not heard: lost
    assert kit.store.get(cid).state == State.WAITING


def test_a_lost_advisor_who_comes_back_gets_the_chat_back_unless_it_was_his(
    kit: MemoryKit,
) -> None:
    online(kit, SAM)
    hers, his = queued(kit, "general"), queued(kit, "general")
    for cid in (hers, his):
        assignment.accept(kit.store, cid, sam, LIMITS)
    kit.clock.advance(21)
    online(kit, PRIYA)
    dispatcher.dispatch(kit.store, LIMITS)  # both requeued; one offered to Priya
    assert kit.store.get(hers).offered_to == PRIYA
    assignment.accept(kit.store, hers, priya, LIMITS)  # she takes the first
    online(kit, SAM)
    dispatcher.dispatch(kit.store, LIMITS)
    assert (kit.store.get(hers).assigned_to, kit.store.get(his).assigned_to) == (PRIYA, SAM)
    assert kinds(kit, his)[-2:] == ["state", "advisor_joined"]


def test_after_a_database_outage_the_grace_counts_from_its_return(kit: MemoryKit) -> None:
    cid = with_sam(kit)
    kit.clock.advance(25)  # silent 25 s, but the database came back 10 s ago
    back = kit.clock() - timedelta(seconds=10)
    assert not dispatcher.needs_dispatch(kit.store, LIMITS, presence_from=back)
    dispatcher.dispatch(kit.store, LIMITS, presence_from=back)
    assert kit.store.get(cid).assigned_to == SAM
    kit.clock.advance(11)
    dispatcher.dispatch(kit.store, LIMITS, presence_from=back)
    assert kit.store.get(cid).state == State.WAITING


def test_an_offer_to_a_lost_advisor_is_taken_back(kit: MemoryKit) -> None:
    online(kit, SAM)
    busy = queued(kit)
    assignment.accept(kit.store, busy, sam, LIMITS)
    offered = queued(kit)
    dispatcher.dispatch(kit.store, LIMITS)
    assert kit.store.get(offered).offered_to == SAM
    kit.clock.advance(21)
    dispatcher.dispatch(kit.store, LIMITS)
    assert kit.store.get(offered).offered_to is None and SAM in kit.store.get(offered).declined


# --- the console's views -------------------------------------------------------------------


def test_the_console_views(kit: MemoryKit) -> None:
    cid = with_sam(kit)
    waiting = queued(kit)
    staff = views.Staff(SAM, "Sam Okafor")
    me = views.me(kit.store, staff, default_cap=3)
    assert (me["active"], me["availability"], me["cap"]) == (1, "available", 3)
    assert [t["slug"] for t in me["teams"]] == ["waste", "general"]
    assert views.chat_statuses(kit.store, SAM) == {cid: "active"}
    (chat,) = views.chats(kit.store, SAM)
    assert (chat["conversation_id"], chat["last_message_preview"]) == (cid, "Passing you on")
    assert views.chats(kit.store, SAM, only=set()) == []
    detail = views.detail(kit.store, kit.store.get(cid), user_id=SAM)
    assert detail["assigned_advisor"] == {"user_id": SAM, "display_name": "Sam Okafor"}
    advisors = kit.store.advisors(default_cap=3, grace_seconds=20)
    kit.clock.advance(90)
    overview = views.overview(kit.store, advisors=advisors, now=kit.clock())
    waste = next(t for t in overview["teams"] if t["slug"] == "waste")
    assert (waste["queue_length"], waste["longest_wait_seconds"]) == (1, 90)
    items = views.queue_items(
        kit.store, ["waste"], user_id=SAM, advisors=advisors, handle_seconds=300, now=kit.clock()
    )
    assert [i["conversation_id"] for i in items] == [waiting]
    directory = views.team_directory(kit.store, advisors=advisors, now=kit.clock())
    assert next(t for t in directory if t["slug"] == "waste")["available_advisors"] == 1
    assert views.open_offers(kit.store, []) == set()
