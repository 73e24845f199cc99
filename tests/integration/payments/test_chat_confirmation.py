"""A booked payment is confirmed in the chat it was paid from, SQLite and PostgreSQL.

The journey (GOV.UK Pay adapter, local GOV.UK Pay server) settles a paid
payment; payments' client of ``frontdoor.contracts.conversation_messages``
posts through the handoff service's real app (same database) and the message
is in the resident's transcript, as the assistant's, once however often the
payment is settled. The handoff route refuses anyone without the bot secret.
"""

from __future__ import annotations

import contextlib

from starlette.testclient import TestClient

from backoffice import fake_backoffice
from frontdoor.contracts.conversation_messages import (
    ConversationMessage,
    ConversationMessages,
    MessageNotDelivered,
)
from handoff.app import create_app
from handoff.bot import FakeBot
from handoff.search import FakeKnowledgeSearch
from payments.journey import BulkyOrder, Payments
from tests.contract import backoffice_scenario as s
from tests.integration.handoff.conftest import ORIGIN, TEST_SECRETS, settings_for
from tests.integration.payments.conftest import RETURN, Kit

SECRET = TEST_SECRETS["FRONTDOOR_BOT_SECRET"]


def test_a_booked_payment_is_said_once_in_the_chat_it_was_paid_from(kit: Kit, database) -> None:  # type: ignore[no-untyped-def]
    app = create_app(settings_for(database.url), bot=FakeBot(), backoffice=fake_backoffice(),
                     search=FakeKnowledgeSearch([]), engine=database.engine)  # fmt: skip
    with contextlib.ExitStack() as stack:
        handoff = stack.enter_context(TestClient(app))
        body = {"language": "cy", "page_url": f"{ORIGIN}/bins"}
        started = handoff.post("/api/v1/conversations", headers={"origin": ORIGIN}, json=body)
        started = started.json()
        cid, token = started["conversation_id"], started["conversation_token"]
        chat = ConversationMessages("http://testserver", bot_secret=SECRET, client=handoff)
        payments = Payments(kit.engine, kit.payments.provider, kit.backoffice.bulky,
                            clock=kit.clock, return_url=RETURN, chat=chat)  # fmt: skip
        order = BulkyOrder(uprn=s.HOME, slot_id=s.SLOT_LAST_PLACE, items={"sofa": 1},
                           resident_id=s.ANN, conversation_id=cid, language="cy")  # fmt: skip
        paying = payments.start_bulky(order, idempotency_key="chat-1")
        kit.resident_chooses(paying.next_url, "pay")
        for _ in range(3):  # the return page reloaded, the sweep: settled once, said once
            outcome = payments.settle(paying.reference)
            assert outcome is not None and outcome.state == "booked"
        bearer = {"authorization": f"Bearer {token}"}
        transcript = handoff.get(f"/api/v1/conversations/{cid}/transcript", headers=bearer)
        events = transcript.json()["events"]
        said = [e["data"] for e in events if e["kind"] == "message"]
        assert len(said) == 1 and said[0]["author"] == "bot", said
        assert said[0]["text"].startswith("Taliad wedi'i dderbyn: £28.00.")
        assert f"Eich cyfeirnod archebu yw {outcome.booking_reference}." in said[0]["text"]

        # the same key again stores nothing; no secret, no entry; no such chat, a clear 404
        again = chat.post(cid, ConversationMessage(key=f"payment:{paying.reference}", text="x"))
        assert again.duplicate is True
        stranger = handoff.post(f"/api/v1/bot/conversations/{cid}/messages",
                                json={"key": "k", "text": "hello"})  # fmt: skip
        assert stranger.status_code == 403
        try:
            chat.post("nosuchconversation", ConversationMessage(key="k", text="hello"))
        except MessageNotDelivered as exc:
            assert exc.cause == "HTTP 404"
        else:
            raise AssertionError("an unknown conversation was accepted")
