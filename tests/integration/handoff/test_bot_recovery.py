"""A relay that dies with its process is picked up again; a later answer never hides it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from handoff import lifecycle
from handoff import models as m
from handoff.live import claim_unrelayed
from tests.integration.handoff.conftest import is_event, message, receive, until


def test_a_message_whose_relay_died_is_relayed_again(world):
    store = world.app.state.handoff.store
    started = world.start()
    cid = started["conversation_id"]
    # stored by an instance that died before asking the bot: claimed long ago, still pending
    stored = lifecycle.resident_message(store, cid, client_id="lost-1", text="hello?", payload=None)
    with store.writing() as conn:
        conn.execute(
            update(m.events)
            .where(m.events.c.conversation_id == cid, m.events.c.seq == stored.event.seq)
            .values(bot_claimed_at=store.clock() - timedelta(minutes=2))
        )
    with world.resident_socket(started) as ws:
        receive(ws)
        reply, _ = until(ws, is_event("message", author="bot", text="You said: hello?"), timeout=10)
    assert reply["seq"] == 2
    assert claim_unrelayed(store, stale_claim=0) == []  # answered: nothing left to claim


def test_answering_a_later_message_does_not_hide_an_earlier_one(world):
    store = world.app.state.handoff.store
    started = world.start()
    cid = started["conversation_id"]
    lifecycle.resident_message(store, cid, client_id="early", text="first", payload=None)
    with world.resident_socket(started) as ws:
        receive(ws)
        ws.send_json(message("second", client_id="late"))
        until(ws, is_event("message", author="bot", text="You said: second"))
    with store.engine.connect() as conn:
        pending = (
            conn.execute(
                select(m.events.c.client_id).where(
                    m.events.c.conversation_id == cid, m.events.c.bot_pending.is_(True)
                )
            )
            .scalars()
            .all()
        )
    assert pending == ["early"]  # still waiting for the recovery, not silently dropped
    assert [text for _cid, _seq, text in claim_unrelayed(store, stale_claim=0)] == ["first"]


def test_nothing_is_relayed_once_an_advisor_is_in_charge(world):
    store = world.app.state.handoff.store
    sam = world.advisor("sam")
    sam.available()
    started = world.start()
    cid = started["conversation_id"]
    lifecycle.resident_message(store, cid, client_id="early", text="first", payload=None)
    with world.resident_socket(started) as ws:
        receive(ws)
        ws.send_json(message("human please"))
        until(ws, is_event("state", state="waiting"))
    assert claim_unrelayed(store, stale_claim=0) == []
