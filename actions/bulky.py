"""Bulky waste: prices, then book a slot (items, day, then a payment through the payments
port for a paid collection: the slot is held while the resident pays)."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages
from actions.addresses import AddressValidation, property_for
from actions.base import (
    FrontdoorAction,
    FrontdoorFormValidation,
    Services,
    button,
    current_identity,
    finish_task,
    language,
    remember_references,
    resume_active_form,
)
from actions.formatting import day as nice_day
from actions.formatting import join_words, money, short_day
from actions.localise import localise
from actions.parsing import choose_slot, parse_bulky_items
from actions.verification import Purpose
from backoffice.exceptions import (
    BackOfficeError,
    InvalidRequest,
    PaymentRequired,
    SlotFull,
)
from backoffice.ports import BulkyQuote, BulkySlot
from frontdoor.clock import LONDON
from payments.journey import BulkyOrder, PaymentUnavailable

SLOT_HORIZON_DAYS = 28
MAX_SLOT_BUTTONS = 6


def catalogue_names(services: Services) -> str:
    return join_words([item.name.lower() for item in services.backoffice.bulky.item_types()])


def describe_quote(quote: BulkyQuote, *, verified: bool = True) -> str:
    lines = join_words([f"{line.quantity} {line.name.lower()}" for line in quote.lines])
    text = messages.BULKY_QUOTE.format(lines=lines, price=money(quote.price_pence))
    if quote.concession is not None and quote.price_pence != quote.full_price_pence:
        text += messages.BULKY_CONCESSION.format(
            reason=quote.concession.reason,
            percent=quote.concession.discount_percent,
            full=money(quote.full_price_pence),
        )
    elif not verified and quote.price_pence > 0:
        text += messages.BULKY_CONCESSION_NEEDS_VERIFICATION
    return text


def verified_resident(services: Services, tracker: Tracker, uprn: str | None) -> str | None:
    """The verified resident at ``uprn``, if this conversation is verified for one.

    Whether a household receives council tax support is personal data, so the
    concession is only priced in for a resident whose identity was checked
    (a token or the knowledge check), never from an address alone.
    """
    if not uprn:
        return None
    identity = current_identity(services, tracker)
    backoffice = services.backoffice
    # Support with council tax is account data: only an account proved for that use counts.
    for reference in identity.references_for(Purpose.BALANCE):
        try:
            if reference.startswith("CT"):
                account = backoffice.council_tax.get_account(reference)
                holders, home = account.holders, account.uprn
            else:
                rent = backoffice.rents.get_account(reference)
                holders, home = rent.tenants, rent.uprn
        except BackOfficeError:
            continue
        if home == uprn and holders:
            return holders[0].resident_id
    return None


def open_slots(services: Services, uprn: str) -> list[BulkySlot]:
    """Days with a place left. Places held for payments that ran out are given
    back first, so an abandoned payment never hides a day (a payment that
    still succeeds later is rebooked or refunded: see payments.journey)."""
    today = services.today()
    services.backoffice.bulky.release_expired_holds(now=services.now())
    return services.backoffice.bulky.available_slots(
        uprn, start=today + timedelta(days=1), end=today + timedelta(days=SLOT_HORIZON_DAYS)
    )


class BulkyPrices(FrontdoorAction):
    """``action_bulky_prices``: what we collect and what it costs."""

    NAME = "action_bulky_prices"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        bulky = self.services.backoffice.bulky
        prices = bulky.price_list()
        dispatcher.utter_message(
            text=messages.BULKY_PRICES.format(
                max_items=prices.max_items,
                base=money(prices.base_pence),
                base_items=prices.base_items,
                extra=money(prices.extra_item_pence),
                concession=prices.concession_percent,
                items=catalogue_names(self.services),
            )
        )
        if tracker.active_loop_name:
            return resume_active_form(dispatcher, tracker)
        dispatcher.utter_message(text=messages.BULKY_OFFER, buttons=messages.YES_NO)
        return [SlotSet("awaiting", "offer_bulky_booking")]


class ValidateBulkyWasteForm(AddressValidation, FrontdoorFormValidation):
    FORM = "bulky_waste_form"

    def validate_bulky_items(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        bulky = self.services.backoffice.bulky
        if isinstance(slot_value, dict):
            items = {str(k): int(v) for k, v in slot_value.items() if isinstance(v, int)}
            unknown: tuple[str, ...] = ()
        else:
            parsed = parse_bulky_items(str(slot_value or "")[:1000], bulky.item_types())
            items, unknown = parsed.items, parsed.unknown
        if unknown or not items:
            dispatcher.utter_message(
                text=messages.BULKY_UNKNOWN_ITEMS.format(items=catalogue_names(self.services))
            )
            return {"bulky_items": None}
        uprn = tracker.get_slot("uprn")
        if uprn:
            try:
                bulky.quote(uprn=uprn, items=items)
            except InvalidRequest as exc:
                dispatcher.utter_message(text=f"Sorry, {exc.message}. Please tell me again.")
                return {"bulky_items": None}
        return {"bulky_items": items}

    def validate_bulky_slot(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        uprn = tracker.get_slot("uprn")
        offered = [s for s in open_slots(self.services, uprn) if s.slot_id in _offered(tracker)]
        chosen = choose_slot(str(slot_value or "")[:200], offered, today=self.services.today())
        if chosen is None:
            dispatcher.utter_message(text=messages.BAD_BULKY_SLOT)
            return {"bulky_slot": None}
        return {"bulky_slot": chosen.slot_id}

    def validate_payment_confirmed(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return {"payment_confirmed": bool(slot_value)}


def _offered(tracker: Tracker) -> list[str]:
    value = tracker.get_slot("offered_slots")
    return [str(v) for v in value] if isinstance(value, list) else []


class AskBulkyItems(FrontdoorAction):
    NAME = "action_ask_bulky_items"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(
            text=f"{messages.ASK_BULKY_ITEMS} We collect: {catalogue_names(self.services)}."
        )
        return []


class AskBulkySlot(FrontdoorAction):
    """``action_ask_bulky_slot``: the next days with space, as buttons."""

    NAME = "action_ask_bulky_slot"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        slots = open_slots(self.services, tracker.get_slot("uprn"))[:MAX_SLOT_BUTTONS]
        if not slots:
            dispatcher.utter_message(text=messages.NO_BULKY_SLOTS, buttons=[messages.HUMAN_BUTTON])
            return [
                ActiveLoop(None),
                SlotSet("requested_slot", None),
                *finish_task(dispatcher, tracker),
            ]
        buttons = [
            button(short_day(slot.day), f'/inform{{"slot_id":"{slot.slot_id}"}}') for slot in slots
        ]
        items = tracker.get_slot("bulky_items")
        if isinstance(items, dict) and items:
            uprn = tracker.get_slot("uprn")
            resident = verified_resident(self.services, tracker, uprn)
            quote = self.services.backoffice.bulky.quote(
                uprn=uprn, items=items, resident_id=resident
            )
            dispatcher.utter_message(text=describe_quote(quote, verified=resident is not None))
        dispatcher.utter_message(text=messages.ASK_BULKY_SLOT, buttons=buttons)
        return [SlotSet("offered_slots", [slot.slot_id for slot in slots])]


class AskPaymentConfirmed(FrontdoorAction):
    """``action_ask_payment_confirmed``: the price, and whether to go on to pay."""

    NAME = "action_ask_payment_confirmed"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        bulky = self.services.backoffice.bulky
        uprn = tracker.get_slot("uprn")
        resident = verified_resident(self.services, tracker, uprn)
        quote = bulky.quote(uprn=uprn, items=tracker.get_slot("bulky_items"), resident_id=resident)
        slot = _slot_by_id(self.services, tracker)
        when = nice_day(slot.day) if slot else "that day"
        if quote.price_pence > 0:
            price = money(quote.price_pence)
            dispatcher.utter_message(
                text=messages.ASK_PAYMENT.format(day=when, price=price),
                buttons=[button(messages.PAY_BUTTON, "/affirm"), button("Cancel", "/deny")],
            )
        else:
            dispatcher.utter_message(
                text=messages.ASK_CONFIRM_FREE.format(day=when), buttons=messages.YES_NO
            )
        return []


def _slot_by_id(services: Services, tracker: Tracker) -> BulkySlot | None:
    wanted = tracker.get_slot("bulky_slot")
    uprn = tracker.get_slot("uprn")
    if not wanted or not uprn:
        return None
    return next((s for s in open_slots(services, uprn) if s.slot_id == wanted), None)


class BookBulky(FrontdoorAction):
    """``action_book_bulky``: book a free collection, or hold the slot and send the
    resident to pay (the payment's return page books it once the provider says
    the payment succeeded: nothing is confirmed here before that)."""

    NAME = "action_book_bulky"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        clear = [
            SlotSet(name, None) for name in ("bulky_slot", "payment_confirmed", "offered_slots")
        ]
        if not tracker.get_slot("payment_confirmed"):
            dispatcher.utter_message(text=messages.BULKY_NOT_BOOKED)
            return [*clear, SlotSet("bulky_items", None), *finish_task(dispatcher, tracker)]
        home = property_for(self.services, tracker.get_slot("uprn"))
        items = tracker.get_slot("bulky_items") or {}
        slot_id = tracker.get_slot("bulky_slot")
        if home is None or not items or not slot_id:
            dispatcher.utter_message(text=messages.SOMETHING_WENT_WRONG)
            return [*clear, *finish_task(dispatcher, tracker)]
        bulky = self.services.backoffice.bulky
        resident = verified_resident(self.services, tracker, home.uprn)
        quote = bulky.quote(uprn=home.uprn, items=items, resident_id=resident)
        key = _booking_key(tracker.sender_id, home.uprn, slot_id, items)
        if quote.price_pence > 0:
            return self._pay(dispatcher, tracker, home.uprn, slot_id, items, resident, key, clear)
        try:
            booking = bulky.book(
                uprn=home.uprn,
                slot_id=slot_id,
                items=items,
                idempotency_key=key,
                now=self.services.now(),
                resident_id=resident,
            )
        except SlotFull:
            dispatcher.utter_message(text=messages.SLOT_TAKEN)
            return [*clear, FollowupAction("bulky_waste_form")]
        except (InvalidRequest, PaymentRequired):
            dispatcher.utter_message(text=messages.BAD_BULKY_SLOT)
            return [*clear, FollowupAction("bulky_waste_form")]
        text = messages.BULKY_BOOKED.format(
            reference=booking.reference, day=nice_day(booking.collection_day)
        )
        dispatcher.utter_message(text=text)
        return [
            *clear,
            SlotSet("bulky_items", None),
            *remember_references(tracker, booking.reference),
            *finish_task(dispatcher, tracker),
        ]

    def _pay(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        uprn: str,
        slot_id: str,
        items: dict[str, int],
        resident: str | None,
        key: str,
        clear: list[EventType],
    ) -> list[EventType]:
        """Hold the slot, start the payment and give the resident its page."""
        lang = language(tracker)
        payments = self.services.payments
        if payments is None:
            dispatcher.utter_message(text=messages.SOMETHING_WENT_WRONG)
            return [*clear, *finish_task(dispatcher, tracker)]
        order = BulkyOrder(uprn, slot_id, items, resident, tracker.sender_id, lang)
        try:
            started = payments.start_bulky(order, idempotency_key=key)
        except SlotFull:
            dispatcher.utter_message(text=messages.SLOT_TAKEN)
            return [*clear, FollowupAction("bulky_waste_form")]
        except (InvalidRequest, PaymentRequired):
            dispatcher.utter_message(text=messages.BAD_BULKY_SLOT)
            return [*clear, FollowupAction("bulky_waste_form")]
        except PaymentUnavailable:
            dispatcher.utter_message(text=messages.PAYMENT_UNAVAILABLE)
            return [*clear, SlotSet("bulky_items", None), *finish_task(dispatcher, tracker)]
        price = money(started.amount_pence)
        until = started.expires_at.astimezone(LONDON).strftime("%H:%M")
        text = messages.BULKY_PAY_LINK.format(
            day=nice_day(started.collection_day), until=until, price=price
        )
        title = localise(messages.PAY_LINK_TITLE.format(price=price), lang) or ""
        link = {"title": title, "url": started.next_url, "section": "", "language": lang}
        dispatcher.utter_message(json_message={"text": text, "links": [link]})
        return [
            *clear,
            SlotSet("bulky_items", None),
            *finish_task(dispatcher, tracker),
        ]


def _booking_key(conversation_id: str, uprn: str, slot_id: str, items: dict[str, int]) -> str:
    """The same resident pressing "pay" twice holds and pays once."""
    material = "|".join(
        [conversation_id, uprn, slot_id, *(f"{k}={v}" for k, v in sorted(items.items()))]
    )
    return "bot-bulky-" + hashlib.sha256(material.encode()).hexdigest()[:32]
