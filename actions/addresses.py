"""Address questions shared by the waste forms: postcode, then which address."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages
from actions.base import FrontdoorAction, Services
from actions.parsing import choose_address
from backoffice import references
from backoffice.exceptions import InvalidReference, NotFound
from backoffice.ports import Property

MAX_ADDRESS_BUTTONS = 12
_POSTCODE_IN_TEXT = re.compile(r"\b([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*(\d[A-Za-z]{2})\b")


def find_postcode(text: str) -> str | None:
    """The first full postcode in ``text``, canonical, or None."""
    if not isinstance(text, str):
        return None
    try:
        return references.postcode(text)
    except InvalidReference:
        pass
    match = _POSTCODE_IN_TEXT.search(text[:2000])
    if not match:
        return None
    try:
        return references.postcode(match.group(1) + match.group(2))
    except InvalidReference:
        return None


def address_label(home: Property) -> str:
    return ", ".join(home.address_lines)


def addresses_at(services: Services, postcode: str | None) -> list[Property]:
    if not postcode:
        return []
    try:
        return services.backoffice.properties.find_by_postcode(postcode)
    except InvalidReference:
        return []


class AddressValidation:
    """Mixed into a form validation: ``validate_postcode`` and ``validate_uprn``."""

    services: Services

    def validate_postcode(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        postcode = find_postcode(slot_value) if isinstance(slot_value, str) else None
        if postcode is None:
            dispatcher.utter_message(text=self.services.say(messages.BAD_POSTCODE))
            return {"postcode": None}
        homes = addresses_at(self.services, postcode)
        if not homes:
            dispatcher.utter_message(text=self.services.say(messages.UNKNOWN_POSTCODE))
            return {"postcode": None, "uprn": None}
        result: dict[str, Any] = {"postcode": postcode}
        current = tracker.get_slot("uprn")
        if len(homes) == 1:
            result["uprn"] = homes[0].uprn
        elif current not in {home.uprn for home in homes}:
            result["uprn"] = None
        return result

    def validate_uprn(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        postcode = tracker.get_slot("postcode")
        homes = addresses_at(self.services, postcode)
        if not homes:
            return {"uprn": None}
        chosen = choose_address(str(slot_value or ""), homes)
        if chosen is None:
            dispatcher.utter_message(text=messages.NO_ADDRESS_MATCH.format(postcode=postcode))
            return {"uprn": None}
        return {"uprn": chosen.uprn}


class AskAddress(FrontdoorAction):
    """``action_ask_uprn``: the addresses at the postcode as buttons."""

    NAME = "action_ask_uprn"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        postcode = tracker.get_slot("postcode")
        homes = addresses_at(self.services, postcode)
        if len(homes) > MAX_ADDRESS_BUTTONS:
            dispatcher.utter_message(
                text=messages.ASK_ADDRESS_TYPED.format(count=len(homes), postcode=postcode)
            )
            return []
        buttons = [
            {"title": address_label(home), "payload": f'/inform{{"uprn":"{home.uprn}"}}'}
            for home in homes
        ]
        dispatcher.utter_message(text=messages.ASK_ADDRESS, buttons=buttons)
        return []


class AskPostcode(FrontdoorAction):
    NAME = "action_ask_postcode"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=self.services.say(messages.ASK_POSTCODE))
        return []


def property_for(services: Services, uprn: str | None) -> Property | None:
    if not uprn:
        return None
    try:
        return services.backoffice.properties.get_property(uprn)
    except (NotFound, InvalidReference):
        return None
