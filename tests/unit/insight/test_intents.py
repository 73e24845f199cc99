"""The bot's NLU intents: read from Rasa's replies, stored by the relay, counted per
conversation, ranked per period; and the advisors' load each outcome records."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from actions.understanding import ActedOn, acted_on, decision_metadata
from frontdoor.contracts.understanding import UNDERSTOOD_KEY, Understood
from handoff import lifecycle
from handoff.bot import BotReply, parse_rasa_replies
from handoff.delivery import Audience, Kind, audience_of
from handoff.lifecycle import Limits
from insight import report
from insight.outcomes import EventFact, derive
from tests.contract.handoff_kit import memory_kit

ROOT = Path(__file__).resolve().parents[3]
T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _understood(seq: int, intent: object, confidence: object) -> EventFact:
    return EventFact(seq, "understood", T0, {"intent": intent, "confidence": confidence})


def test_rasas_replies_carry_what_it_understood_beside_the_answer() -> None:
    body = [
        {"recipient_id": "c1", "text": "Your bin day is Tuesday."},
        {"recipient_id": "c1", "custom": {UNDERSTOOD_KEY: {"intent": "ask_bin_day",
                                                           "confidence": 0.9312}}},
    ]  # fmt: skip
    replies = parse_rasa_replies(body)
    assert [r.text for r in replies] == ["Your bin day is Tuesday.", ""]
    assert replies[1].understood == Understood(intent="ask_bin_day", confidence=0.9312)
    assert replies[0].understood is None


@pytest.mark.parametrize(
    "payload",
    [
        {"intent": "ask bin day", "confidence": 0.5},  # not a name
        {"intent": "ask_bin_day", "confidence": 1.5},
        {"intent": "", "confidence": 0.5},
        {"confidence": 0.5},
        "ask_bin_day",
        {"intent": "human", "confidence": 0.5, "language": "fr"},  # not a language it speaks
        {"intent": "human", "confidence": 0.5, "language": "CY"},
        {"intent": "human", "confidence": 0.5, "language": ["cy"]},
    ],
)
def test_a_malformed_understanding_is_ignored_and_logged(
    payload: object, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="handoff.bot"):
        replies = parse_rasa_replies([{"text": "Hello.", "custom": {UNDERSTOOD_KEY: payload}}])
    assert [(r.text, r.understood) for r in replies] == [("Hello.", None)]
    assert UNDERSTOOD_KEY in caplog.text


def test_the_relay_stores_it_for_advisors_only_before_the_bots_replies() -> None:
    kit = memory_kit()
    cid = kit.store.create_conversation(language="en", page_url="/", identity_token=None).id
    stored = lifecycle.resident_message(kit.store, cid, client_id="m1", text="bins", payload=None)
    replies = [
        BotReply(text="Tuesday."),
        BotReply(understood=Understood(intent="ask_bin_day", confidence=0.93)),
    ]
    lifecycle.bot_answered(
        kit.store, cid, relayed_seq=stored.event.seq, replies=replies, limits=Limits()
    )
    events = kit.store.events_after(cid, stored.event.seq)
    assert [(e.kind, e.audience) for e in events] == [
        ("understood", Audience.ADVISORS),
        ("message", Audience.ALL),
    ]
    assert events[0].data == {"intent": "ask_bin_day", "confidence": 0.93, "seq": 1}
    assert audience_of(Kind.UNDERSTOOD) == Audience.ADVISORS


def test_a_conversations_intents_are_counted_from_its_events() -> None:
    events = [
        _understood(2, "ask_bin_day", 0.9),
        _understood(5, "ask_bin_day", 0.8004),
        _understood(7, "affirm", 1.0),
        _understood(9, "nonsense", "high"),  # malformed: not counted
        _understood(10, "deny", True),  # a bool is not a confidence
        _understood(11, "deny", 1.7),  # clamped to 1
    ]
    assert derive(events).intents == (
        ("affirm", 1, 1000),
        ("ask_bin_day", 2, 1700),
        ("deny", 1, 1000),
    )
    assert derive([]).intents == ()


def test_top_intents_rank_by_messages_and_name_the_replies() -> None:
    found = report.top_intents(
        [("ask_bin_day", 2, 3, 2400), ("affirm", 3, 3, 3000), ("ask_bin_day", 1, 1, 500),
         ("human", 1, 1, 950)]
    )  # fmt: skip
    assert found["intent_messages"] == 8
    assert found["top_intents"] == [
        {"intent": "ask_bin_day", "kind": "request", "conversations": 3, "messages": 4,
         "mean_confidence": 0.725},
        {"intent": "affirm", "kind": "conversation", "conversations": 3, "messages": 3,
         "mean_confidence": 1.0},
        {"intent": "human", "kind": "request", "conversations": 1, "messages": 1,
         "mean_confidence": 0.95},
    ]  # fmt: skip
    assert report.top_intents([]) == {"intent_messages": 0, "top_intents": []}


def test_what_the_bot_acted_on_is_the_decision_policys_intent_when_it_overrode() -> None:
    ranking = [("human", 0.61), ("ask_question", 0.22), ("greet", 0.05)]
    # the decision policy answered a weak "human" from the knowledge base
    weak = acted_on("human", 0.61, ranking, decision_metadata("knowledge", "ask_question"))
    assert weak == ActedOn("ask_question", 0.22, read_as="human")
    # the risk patterns saw a risk the model did not rank: no confidence of its own
    risk = acted_on("greet", 0.9, [("greet", 0.9)], decision_metadata("at_risk", "at_risk"))
    assert risk == ActedOn("at_risk", 0.0, read_as="greet")
    # the policy followed the intent (no metadata: the rules acted), or agreed with it
    assert acted_on("ask_bin_day", 0.97, ranking, {"model_id": "x"}) == ActedOn("ask_bin_day", 0.97)
    same = acted_on("at_risk", 0.9, [("at_risk", 0.9)], decision_metadata("at_risk", "at_risk"))
    assert same == ActedOn("at_risk", 0.9)
    assert acted_on("greet", 0.9, [], None) == ActedOn("greet", 0.9)


def test_the_understood_event_keeps_the_models_reading_beside_what_the_bot_did() -> None:
    replies = parse_rasa_replies(
        [{"custom": {UNDERSTOOD_KEY: {"intent": "ask_question", "confidence": 0.22,
                                      "read_as": "human"}}}]
    )  # fmt: skip
    understood = replies[0].understood
    assert understood == Understood(intent="ask_question", confidence=0.22, read_as="human")
    assert understood.as_event(4) == {
        "intent": "ask_question", "confidence": 0.22, "seq": 4, "read_as": "human",
    }  # fmt: skip
    # insight counts what the bot did
    fact = EventFact(4, "understood", T0, understood.as_event(4))
    assert derive([fact]).intents == (("ask_question", 1, 220),)
    plain = Understood(intent="greet", confidence=1.0)
    assert plain.as_event(2) == {"intent": "greet", "confidence": 1.0, "seq": 2}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_understood_item_may_say_the_language_the_bot_answered_in(language: str) -> None:
    body = [
        {"text": "Gallaf eich trosglwyddo."},
        {"custom": {UNDERSTOOD_KEY: {"intent": "human", "confidence": 0.9,
                                     "language": language}}},
    ]  # fmt: skip
    understood = parse_rasa_replies(body)[1].understood
    assert understood == Understood(intent="human", confidence=0.9, language=language)
    # the advisors' event is what it was: insight counts intents, not languages
    assert understood.as_event(3) == {"intent": "human", "confidence": 0.9, "seq": 3}
    assert Understood(intent="human", confidence=0.9).language is None


def test_the_bots_channel_repeats_the_contracts_key() -> None:
    channel = (ROOT / "bot" / "secret_channel.py").read_text(encoding="utf-8")
    assert f'UNDERSTOOD_KEY = "{UNDERSTOOD_KEY}"' in channel


# --- advisors' load, recorded with each outcome ----------------------------------------


def _at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_each_conversations_share_of_its_advisors_time_adds_up_to_the_mean() -> None:
    # advisor 1: chat A 0-10 min, chat B 5-15 min; advisor 2: chat C 0-4 min alone
    spans = {"a": (1, _at(0), _at(10)), "b": (1, _at(5), _at(15)), "c": (2, _at(0), _at(4))}
    every = list(spans.values())
    loads = {name: report.advisor_load([span], every) for name, span in spans.items()}
    # A: 5 min alone, 5 min shared by two: 5 + 2.5 = 7.5 min of busy time
    assert loads["a"] == {
        "advisor_peak_chats": 2, "advisor_chat_ms": 600_000, "advisor_busy_ms": 450_000,
    }  # fmt: skip
    assert loads["b"]["advisor_busy_ms"] == 450_000 and loads["c"]["advisor_peak_chats"] == 1
    chat = sum(v["advisor_chat_ms"] or 0 for v in loads.values())
    busy = sum(v["advisor_busy_ms"] or 0 for v in loads.values())
    assert report.mean(chat, busy) == report.concurrency(every)["mean_concurrent"]  # 24/19
    assert report.advisor_load([], every)["advisor_peak_chats"] is None


def test_a_chat_still_open_counts_while_it_overlaps() -> None:
    own = (1, _at(0), _at(10))
    load = report.advisor_load([own], [own, (1, _at(8), None)])
    assert load["advisor_peak_chats"] == 2
    assert load["advisor_busy_ms"] == 8 * 60_000 + 60_000  # 8 min alone, 2 min shared
