"""Only the handoff service talks to the bot, proven on the real Rasa + action server.

Issue 10, findings 2 and 3: a second client posting to Rasa's REST webhook
with the sender id of a verified conversation got that resident's balance; a
forged call to the action server's ``/webhook`` returned a verified session.
Both now refuse anyone without the installation's bot secret.
"""

from __future__ import annotations

import httpx
import pytest

from backoffice.seed import DEMO_IDENTITIES
from tests.e2e.bot.stack import BotStack, Chat
from tests.unit.bot.harness import domain

pytestmark = [pytest.mark.rasa, pytest.mark.slow]

ANN = DEMO_IDENTITIES["council_tax"]


def test_a_second_client_with_a_verified_sender_id_gets_nothing(bot_stack: BotStack) -> None:
    resident = bot_stack.chat(
        frontdoor_identity_token=bot_stack.token(council_tax=(ANN["reference"],))
    )
    assert "Council tax account CT40012345" in resident.say("how much council tax do i owe").text
    intruder = Chat(bot_stack.rasa_url, sender=resident.sender)  # same sender id, no secret
    for text in ("how much council tax do i owe", "/ask_balance"):
        answer = intruder.post(text)
        assert answer.status_code == 401
        assert "CT40012345" not in answer.text and "£" not in answer.text
    # the resident's own conversation carries on, untouched by the refused posts
    assert "Council tax account CT40012345" in resident.say("council tax balance").text


def test_the_action_server_refuses_rasa_impostors(bot_stack: BotStack) -> None:
    forged = {
        "next_action": "action_verify",
        "sender_id": "forged",
        "version": "3.6.21",
        "domain": domain(),
        "tracker": {
            "sender_id": "forged",
            "slots": {"verify_reference": "CT40000005", "verify_postcode": "BF3 2QX"},
            "latest_message": {"text": "yes", "intent": {"name": "affirm"}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }
    answer = httpx.post(f"{bot_stack.actions_url}/webhook", json=forged, timeout=10)
    assert answer.status_code == 401
    assert "verified_session" not in answer.text
    assert httpx.get(f"{bot_stack.actions_url}/healthz", timeout=10).status_code == 200
