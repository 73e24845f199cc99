"""Reminders and updates from the bot: "remind me about my bin day" → postcode →
address → an email address or a mobile number → "check your inbox (or phone)
to confirm".

The subscription itself goes through core's subscriptions port
(``frontdoor.subscriptions``, provided by the registry): the bot never imports
notify. Nothing is sent but the confirmation until its link is followed, so a
mistyped address costs the resident one message that asks them to confirm.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages
from actions.addresses import AddressValidation
from actions.base import FrontdoorAction, FrontdoorFormValidation, chosen_language, finish_task
from frontdoor.subscriptions import SubscriptionRefused, SubscriptionRequest

_EMAIL_IN_TEXT = re.compile(r"[^@\s<>()]+@[^@\s<>()]+\.[A-Za-z]{2,}")
_PHONE_IN_TEXT = re.compile(r"(?:\+44\s?|0)7[\d\s-]{9,13}")


def contact_in(text: str) -> tuple[str, str] | None:
    """(channel, contact) for the first email address or UK mobile number in ``text``."""
    if not isinstance(text, str):
        return None
    email = _EMAIL_IN_TEXT.search(text[:500])
    if email:
        return "email", email.group(0).rstrip(".,")
    phone = _PHONE_IN_TEXT.search(text[:500])
    if phone:
        digits = re.sub(r"[\s-]", "", phone.group(0)).replace("+44", "0")
        if re.fullmatch(r"07\d{9}", digits):
            return "sms", digits
    return None


class ValidateSubscribeForm(AddressValidation, FrontdoorFormValidation):
    FORM = "subscribe_form"

    def validate_subscribe_contact(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        found = contact_in(str(slot_value or ""))
        if found is None:
            dispatcher.utter_message(text=messages.SUBSCRIBE_BAD_CONTACT)
            return {"subscribe_contact": None}
        return {"subscribe_contact": f"{found[0]}:{found[1]}"}


class AskSubscribeContact(FrontdoorAction):
    NAME = "action_ask_subscribe_contact"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=messages.SUBSCRIBE_ASK_CONTACT)
        return []


class Subscribe(FrontdoorAction):
    """``action_subscribe``: the pending subscription and its confirmation message."""

    NAME = "action_subscribe"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        subscriptions = self.services.subscriptions
        contact = str(tracker.get_slot("subscribe_contact") or "")
        channel, _, value = contact.partition(":")
        if subscriptions is None or channel not in ("email", "sms") or not value:
            dispatcher.utter_message(text=messages.SUBSCRIBE_UNAVAILABLE)
            return self._done(dispatcher, tracker)
        request = SubscriptionRequest(
            channel="sms" if channel == "sms" else "email",
            contact=value,
            topics=frozenset({"bins", "disruptions"}),
            uprn=tracker.get_slot("uprn"),
            language="cy" if chosen_language(tracker) == "cy" else "en",
        )
        try:
            subscriptions.request(request, now=self.services.clock())
        except SubscriptionRefused as exc:
            wording = {
                "unknown_address": messages.SUBSCRIBE_UNKNOWN_ADDRESS,
                "address_needed": messages.SUBSCRIBE_UNKNOWN_ADDRESS,
            }.get(exc.reason, messages.SUBSCRIBE_BAD_CONTACT)
            dispatcher.utter_message(text=wording)
            return self._done(dispatcher, tracker)
        template = messages.SUBSCRIBE_CHECK_INBOX
        if channel == "sms":
            template = messages.SUBSCRIBE_CHECK_PHONE
        dispatcher.utter_message(text=template.format(contact=value))
        return self._done(dispatcher, tracker)

    @staticmethod
    def _done(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
        # the contact is personal data: not kept in the conversation once used
        return [SlotSet("subscribe_contact", None), *finish_task(dispatcher, tracker)]
