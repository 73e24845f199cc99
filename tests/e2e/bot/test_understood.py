"""What the bot understood travels with its replies (real Rasa, real action server).

The bot's channel (``bot/secret_channel.py``) reads the intent Rasa's NLU gave the
message it has just handled from Rasa's tracker and adds it as one last item, which
the handoff relay reads with ``handoff.bot.parse_rasa_replies`` and insight counts
as the conversation's intents. No second parse, no text.
"""

from __future__ import annotations

import pytest

from frontdoor.contracts.understanding import UNDERSTOOD_KEY
from handoff.bot import parse_rasa_replies

pytestmark = [pytest.mark.rasa, pytest.mark.slow]


def test_each_message_comes_back_with_its_intent_and_confidence(chat) -> None:
    replies = chat.say("when is my bin day")
    assert "postcode" in replies.text  # the replies are what they were
    (found,) = replies.understood
    assert found["intent"] == "ask_bin_day" and 0.3 < found["confidence"] <= 1.0
    last = replies.body[-1]
    assert last == {"recipient_id": chat.sender, "custom": {UNDERSTOOD_KEY: found}}

    # the relay's parser reads it as the contract's model, beside the real replies
    parsed = parse_rasa_replies(replies.body)
    assert [r.understood.intent for r in parsed if r.understood] == ["ask_bin_day"]
    assert any(r.text for r in parsed)


def test_a_buttons_payload_is_read_with_full_confidence(chat) -> None:
    replies = chat.say("/greet")
    # with the conversation's language, which the widget's own words follow
    assert replies.understood == [{"intent": "greet", "confidence": 1.0, "language": "en"}]
    # each message its own: the next one is not mistaken for this one
    assert chat.say("thanks a lot").understood[0]["intent"] == "thank"


def test_what_is_recorded_is_what_the_bot_did_not_only_what_the_model_read(chat) -> None:
    # The risk patterns send this to a person whatever the intent model reads in it
    # ("talk to someone" reads as a request for a person): insight counts at_risk.
    replies = chat.say("can I talk to someone, my partner hits me and I'm scared to go home")
    assert replies.handoffs and replies.handoffs[0]["reason"] == "at_risk"
    (found,) = replies.understood
    assert found["intent"] == "at_risk"
    # the model's own reading is kept beside it only when it was another intent
    assert found.get("read_as") != "at_risk"
