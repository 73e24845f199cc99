"""Bins: when is my bin day, and report a missed bin (checked before raising)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages
from actions.addresses import AddressValidation, address_label, property_for
from actions.base import (
    FrontdoorAction,
    FrontdoorFormValidation,
    button,
    finish_task,
    remember_references,
)
from actions.formatting import day as nice_day
from actions.formatting import plain
from actions.parsing import parse_bin_type, parse_day
from backoffice.exceptions import InvalidRequest
from backoffice.missed_bin import (
    AlreadyReported,
    CrewLogged,
    MissedBinOutcome,
    MissedBinReported,
    assess_missed_bin,
)
from backoffice.ports import BinType, Disruption

MAX_DAYS_BACK = 14


class ValidateBinDayForm(AddressValidation, FrontdoorFormValidation):
    FORM = "bin_day_form"


class BinDay(FrontdoorAction):
    """``action_bin_day``: the next collection of each bin, with changes."""

    NAME = "action_bin_day"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        home = property_for(self.services, tracker.get_slot("uprn"))
        if home is None:
            dispatcher.utter_message(text=messages.SOMETHING_WENT_WRONG)
            return [SlotSet("uprn", None), *finish_task(dispatcher, tracker)]
        today = self.services.today()
        waste = self.services.backoffice.waste
        upcoming = waste.next_collections(home.uprn, on_or_after=today)
        label = f"{address_label(home)}, {home.postcode}"
        if not upcoming:
            dispatcher.utter_message(
                text=messages.BIN_DAY_NONE.format(address=label), buttons=[messages.HUMAN_BUTTON]
            )
            return finish_task(dispatcher, tracker)
        lines = [messages.BIN_DAY_HEADER.format(address=label)]
        for collection in upcoming:
            line = messages.BIN_DAY_LINE.format(
                label=collection.bin_type.label.capitalize(),
                day=nice_day(collection.day, today=today),
            )
            if collection.shifted:
                line += messages.BIN_DAY_MOVED.format(
                    usual=nice_day(collection.usual_day),
                    reason=collection.reason or "a bank holiday",
                )
            lines.append(line)
        lines.append(messages.BIN_DAY_PUT_OUT)
        horizon = max(c.day for c in upcoming)
        for holiday in waste.bank_holidays(
            start=today, end=max(horizon, today + timedelta(days=7))
        ):
            if holiday.day.weekday() < 5:
                lines.append(
                    messages.BANK_HOLIDAY_NOTE.format(name=holiday.name, day=nice_day(holiday.day))
                )
        seen: set[str] = set()
        for on in sorted({today, *(c.day for c in upcoming)}):
            for disruption in waste.disruptions(on=on, postcode=home.postcode):
                if disruption.disruption_id not in seen:
                    seen.add(disruption.disruption_id)
                    lines.append(_disruption_note(disruption))
        dispatcher.utter_message(text="\n".join(lines))
        return finish_task(dispatcher, tracker)


def _disruption_note(disruption: Disruption) -> str:
    note = messages.DISRUPTION_NOTE.format(
        title=plain(disruption.title, limit=120), description=plain(disruption.description)
    )
    if disruption.catch_up_day:
        note += messages.DISRUPTION_CATCH_UP.format(day=nice_day(disruption.catch_up_day))
    return note


# --- missed bin ------------------------------------------------


class ValidateMissedBinForm(AddressValidation, FrontdoorFormValidation):
    FORM = "missed_bin_form"

    def validate_bin_type(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        bin_type = parse_bin_type(slot_value) if isinstance(slot_value, str) else None
        if bin_type is None:
            dispatcher.utter_message(text=messages.BAD_BIN_TYPE)
            return {"bin_type": None}
        return {"bin_type": bin_type.value}

    def validate_missed_day(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        today = self.services.today()
        found = _as_day(slot_value, today)
        if found is None:
            dispatcher.utter_message(text=messages.BAD_MISSED_DAY)
            return {"missed_day": None}
        if found > today:
            dispatcher.utter_message(text=messages.FUTURE_MISSED_DAY)
            return {"missed_day": None}
        if (today - found).days > MAX_DAYS_BACK:
            dispatcher.utter_message(text=messages.OLD_MISSED_DAY)
            return {"missed_day": None}
        return {"missed_day": found.isoformat()}


def _as_day(value: Any, today: date) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return parse_day(value[:200], today=today)


class AskBinType(FrontdoorAction):
    """``action_ask_bin_type``: the bins this property actually has."""

    NAME = "action_ask_bin_type"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        uprn = tracker.get_slot("uprn")
        kinds = list(BinType)
        if uprn:
            kinds = [s.bin_type for s in self.services.backoffice.waste.services(uprn)] or kinds
        buttons = [
            button(kind.label.capitalize(), f'/inform{{"bin_type":"{kind.value}"}}')
            for kind in kinds
        ]
        dispatcher.utter_message(text=messages.ASK_BIN_TYPE, buttons=buttons)
        return []


class AskMissedDay(FrontdoorAction):
    NAME = "action_ask_missed_day"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        today = self.services.today()
        buttons = [
            button("Today", "today"),
            button("Yesterday", "yesterday"),
        ]
        earlier = today - timedelta(days=2)
        buttons.append(button(f"{earlier:%A}", f"{earlier:%A}"))
        dispatcher.utter_message(text=messages.ASK_MISSED_DAY, buttons=buttons)
        return []


def explain_outcome(
    outcome: MissedBinOutcome, dispatcher: CollectingDispatcher, today: date
) -> list[EventType]:
    """Tell the resident what the check found; return slot events."""
    if isinstance(outcome, MissedBinReported):
        case = outcome.case
        dispatcher.utter_message(
            text=messages.MISSED_REPORTED.format(
                reference=case.reference, target=nice_day(case.target_date, today=today)
            )
        )
        return [SlotSet("awaiting", None)]
    if isinstance(outcome, AlreadyReported):
        case = outcome.case
        dispatcher.utter_message(
            text=messages.MISSED_ALREADY.format(
                reference=case.reference, target=nice_day(case.target_date, today=today)
            )
        )
        return [SlotSet("awaiting", None)]
    text = f"{outcome.explanation} {outcome.advice}"
    if isinstance(outcome, CrewLogged):
        text = f"{outcome.explanation} {outcome.advice.split(' If you think')[0]}"
        dispatcher.utter_message(text=text)
        dispatcher.utter_message(
            text=messages.MISSED_CREW_LOGGED_OFFER, buttons=messages.DISPUTE_BUTTONS
        )
        return [SlotSet("awaiting", "dispute_offer")]
    dispatcher.utter_message(text=text)
    return [SlotSet("awaiting", None)]


class SubmitMissedBin(FrontdoorAction):
    """``action_submit_missed_bin``: check the round and logs, raise only a real miss."""

    NAME = "action_submit_missed_bin"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return self.assess(dispatcher, tracker, dispute_reason=None)

    def assess(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, *, dispute_reason: str | None
    ) -> list[EventType]:
        home = property_for(self.services, tracker.get_slot("uprn"))
        bin_type = parse_bin_type(tracker.get_slot("bin_type") or "")
        today = self.services.today()
        day = _as_day(tracker.get_slot("missed_day"), today)
        if home is None or bin_type is None or day is None:
            dispatcher.utter_message(text=messages.SOMETHING_WENT_WRONG)
            return [SlotSet("missed_day", None), *finish_task(dispatcher, tracker)]
        try:
            outcome = assess_missed_bin(
                self.services.backoffice,
                uprn=home.uprn,
                bin_type=bin_type,
                day=day,
                now=self.services.now(),
                dispute_reason=dispute_reason,
            )
        except InvalidRequest:
            dispatcher.utter_message(text=messages.FUTURE_MISSED_DAY)
            return [SlotSet("missed_day", None), *finish_task(dispatcher, tracker)]
        events = explain_outcome(outcome, dispatcher, today)
        if isinstance(outcome, MissedBinReported | AlreadyReported):
            events += remember_references(tracker, outcome.case.reference)
        events.append(SlotSet("dispute_reason", None))
        return events + finish_task(dispatcher, tracker)


class ValidateDisputeForm(FrontdoorFormValidation):
    FORM = "dispute_form"

    def validate_dispute_reason(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        text = plain(slot_value if isinstance(slot_value, str) else "", limit=500)
        if len(text) < 2:
            dispatcher.utter_message(text=messages.BAD_DISPUTE_REASON)
            return {"dispute_reason": None}
        return {"dispute_reason": text}


class AskDisputeReason(FrontdoorAction):
    NAME = "action_ask_dispute_reason"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=messages.ASK_DISPUTE_REASON)
        return []


class SubmitDispute(SubmitMissedBin):
    """``action_submit_dispute``: the resident contests the crew's log; raise a case."""

    NAME = "action_submit_dispute"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        reason = tracker.get_slot("dispute_reason") or "The resident says the bin was out."
        return self.assess(dispatcher, tracker, dispute_reason=plain(reason, limit=500))
