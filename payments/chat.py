"""Tell the resident in the chat they paid from: "payment received, booked" (issue #16).

When a payment settles as booked, the journey posts one message into the
conversation the payment was started from (``order["conversation_id"]``), as
the assistant, in the payment's language, through the handoff service's
internal API (``frontdoor.contracts.conversation_messages``; payments imports no
other service). The message's key is the payment's reference, so a resend
stores nothing twice. If handoff cannot be reached the booking stands and the
return page says the same thing: the failure is logged, never raised.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Protocol

from frontdoor.contracts.conversation_messages import (
    ConversationMessage,
    MessageNotDelivered,
    PostedMessage,
)
from payments import store
from payments.text import day, money

logger = logging.getLogger("frontdoor.payments")

BOOKED = {
    "en": "Payment received: {amount}. Your bulky waste collection is booked for {day}. "
    "Your booking reference is {booking}.",
    "cy": "Taliad wedi'i dderbyn: {amount}. Mae eich casgliad gwastraff swmpus wedi'i drefnu "
    "ar gyfer {day}. Eich cyfeirnod archebu yw {booking}.",
}


class ChatMessages(Protocol):
    """Posts a message into a conversation (``ConversationMessages`` over HTTP)."""

    def post(self, conversation_id: str, message: ConversationMessage) -> PostedMessage: ...


def booked_text(record: store.PaymentRecord) -> str:
    language = "cy" if record.language == "cy" else "en"
    collection = date.fromisoformat(record.collection_day) if record.collection_day else None
    return BOOKED[language].format(
        amount=money(record.amount_pence),
        day=day(collection, language),
        booking=record.booking_reference or "",
    )


def confirm_booking(chat: ChatMessages | None, record: store.PaymentRecord) -> bool:
    """Post the confirmation of a booked payment; True when handoff stored it (or had)."""
    conversation_id = record.order.get("conversation_id")
    if chat is None or not conversation_id or record.status != "booked":
        return False
    message = ConversationMessage(key=f"payment:{record.reference}", text=booked_text(record))
    try:
        chat.post(str(conversation_id), message)
    except MessageNotDelivered as exc:
        logger.warning("payment %s: booked, not said in the chat (%s)", record.reference, exc.cause)
        return False
    return True
