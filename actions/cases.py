"""Where is my request? Status for anyone with the reference; history, target
date and next steps only for a resident verified for that case (a case check
of this very case, or a signed-in token for an account at its property)."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages
from actions.base import (
    FrontdoorAction,
    FrontdoorFormValidation,
    Services,
    current_identity,
    finish_task,
    remember_references,
)
from actions.formatting import day as nice_day
from actions.formatting import humanise, plain
from actions.verification import Identity, Purpose, ReferenceKind, classify_reference
from backoffice import references
from backoffice.exceptions import InvalidReference, NotFound
from backoffice.ports import Case

_CASE_IN_TEXT = re.compile(r"\b(bdc)\s*[-\u2013]?\s*(\d{3})\s*(\d{3})\b", re.I)
_BOOKING_IN_TEXT = re.compile(r"\b(bw)\s*[-\u2013]?\s*(\d{6})\b", re.I)


def find_case_reference(text: str) -> str | None:
    """A case (BDC-) or bulky booking (BW-) reference in what was typed, canonical."""
    if not isinstance(text, str):
        return None
    for normalise in (references.case_reference, references.booking_reference):
        try:
            return normalise(text)
        except InvalidReference:
            pass
    match = _CASE_IN_TEXT.search(text[:2000])
    if match:
        return references.case_reference("".join(match.groups()))
    match = _BOOKING_IN_TEXT.search(text[:2000])
    if match:
        return references.booking_reference("".join(match.groups()))
    return None


def case_exists(services: Services, reference: str) -> bool:
    try:
        if reference.startswith("BW-"):
            services.backoffice.bulky.get_booking(reference)
        else:
            services.backoffice.cases.get_case(reference)
    except (NotFound, InvalidReference):
        return False
    return True


def identity_covers_case(services: Services, identity: Identity, case: Case) -> bool:
    """Verified for this case's details (a case check of this very case), or signed in
    with a token for an account at the case's property. An account proved by a
    knowledge check is for its balance only, and a case check for that case only."""
    if identity.covers(case.reference, Purpose.CASE_DETAILS):
        return True
    if case.uprn is None:
        return False
    for grant in identity.token_accounts():
        try:
            if grant.kind is ReferenceKind.COUNCIL_TAX:
                uprn = services.backoffice.council_tax.get_account(grant.reference).uprn
            elif grant.kind is ReferenceKind.TENANCY:
                uprn = services.backoffice.rents.get_account(grant.reference).uprn
            else:
                continue
        except (NotFound, InvalidReference):
            continue
        if uprn == case.uprn:
            return True
    return False


class ValidateCaseForm(FrontdoorFormValidation):
    FORM = "case_form"

    def validate_case_reference(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        reference = find_case_reference(slot_value) if isinstance(slot_value, str) else None
        if reference is None:
            other = classify_reference(slot_value) if isinstance(slot_value, str) else None
            if other is not None and other[0] is not ReferenceKind.CASE:
                # An account reference where a request's is needed: say so.
                dispatcher.utter_message(
                    text=messages.WRONG_KIND_FOR_CASE.format(
                        kind=messages.REFERENCE_KIND_NAMES[other[0].value]
                    )
                )
            else:
                dispatcher.utter_message(text=messages.BAD_CASE_REFERENCE)
            return {"case_reference": None}
        if not case_exists(self.services, reference):
            dispatcher.utter_message(text=messages.CASE_NOT_FOUND)
            return {"case_reference": None}
        return {"case_reference": reference}


class AskCaseReference(FrontdoorAction):
    NAME = "action_ask_case_reference"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=messages.ASK_CASE_REFERENCE)
        return []


def case_kind(case: Case) -> str:
    return humanise(case.case_type.value)


class CaseStatus(FrontdoorAction):
    """``action_case_status``: the current status; the rest after verification."""

    NAME = "action_case_status"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        reference = tracker.get_slot("case_reference")
        if not reference:
            dispatcher.utter_message(text=messages.BAD_CASE_REFERENCE)
            return finish_task(dispatcher, tracker)
        if reference.startswith("BW-"):
            booking = self.services.backoffice.bulky.get_booking(reference)
            dispatcher.utter_message(
                text=messages.BOOKING_STATUS.format(
                    reference=booking.reference,
                    status=humanise(booking.status.value),
                    day=nice_day(booking.collection_day),
                )
            )
            return [*remember_references(tracker, reference), *finish_task(dispatcher, tracker)]
        case = self.services.backoffice.cases.get_case(reference)
        dispatcher.utter_message(
            text=messages.CASE_STATUS.format(
                reference=case.reference, kind=case_kind(case), status=humanise(case.status.value)
            )
        )
        events = remember_references(tracker, case.reference)
        identity = current_identity(self.services, tracker)
        if identity_covers_case(self.services, identity, case):
            show_case_details(self.services, dispatcher, case)
            return events + finish_task(dispatcher, tracker)
        if case.uprn is None:
            # a problem reported in the street: no property's postcode can prove it is yours
            return events + finish_task(dispatcher, tracker)
        dispatcher.utter_message(text=messages.CASE_OFFER_DETAILS, buttons=messages.YES_NO)
        return [
            *events,
            SlotSet("awaiting", "offer_case_verification"),
            *finish_task(dispatcher, tracker),
        ]


def show_case_details(services: Services, dispatcher: CollectingDispatcher, case: Case) -> None:
    today = services.today()
    lines = [
        messages.CASE_DETAILS_HEADER.format(reference=case.reference, summary=plain(case.summary))
    ]
    for change in case.history[-8:]:
        lines.append(
            messages.CASE_HISTORY_LINE.format(
                day=nice_day(change.at.date()), status=humanise(change.status.value)
            )
        )
    if case.is_open:
        lines.append(messages.CASE_TARGET.format(day=nice_day(case.target_date, today=today)))
    lines.append(messages.CASE_NEXT[case.status.value].format(team=case.owning_team))
    dispatcher.utter_message(text="\n".join(lines))


class CaseDetails(FrontdoorAction):
    """``action_case_details``: after verification, the full picture."""

    NAME = "action_case_details"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        reference = tracker.get_slot("case_reference") or tracker.get_slot("verify_reference")
        try:
            case = self.services.backoffice.cases.get_case(reference or "")
        except (InvalidReference, NotFound):
            dispatcher.utter_message(text=messages.CASE_NOT_FOUND)
            return finish_task(dispatcher, tracker)
        identity = current_identity(self.services, tracker)
        if not identity_covers_case(self.services, identity, case):
            dispatcher.utter_message(text=messages.NOT_VERIFIED)
            return finish_task(dispatcher, tracker)
        show_case_details(self.services, dispatcher, case)
        return finish_task(dispatcher, tracker)
