"""Planning applications from the public register, by reference or place."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages
from actions.addresses import find_postcode
from actions.base import (
    FrontdoorAction,
    FrontdoorFormValidation,
    button,
    finish_task,
    remember_references,
)
from actions.formatting import day as nice_day
from actions.formatting import humanise, plain
from backoffice import references
from backoffice.exceptions import InvalidReference, InvalidRequest, NotFound
from backoffice.ports import PlanningApplication

_PLANNING_IN_TEXT = re.compile(r"\b(\d{2})\s*/\s*(\d{5})\s*/\s*([A-Za-z]{2,3})\b")
_DISTRICT = re.compile(r"^\s*([A-Za-z]{1,2}\d[A-Za-z\d]?)\s*$")
_PLACE_WORDS = re.compile(r"[A-Za-z0-9']+")
_NOISE = frozenset(
    [
        "planning",
        "application",
        "applications",
        "permission",
        "status",
        "for",
        "on",
        "at",
        "in",
        "near",
        "the",
        "my",
        "a",
        "is",
        "there",
        "any",
        "what",
        "whats",
        "what's",
        "check",
        "search",
        "look",
        "up",
        "decision",
        "has",
        "been",
        "of",
        "street",
        "road",
    ]
)
MAX_LISTED = 5


def find_planning_reference(text: str) -> str | None:
    try:
        return references.planning_reference(text)
    except InvalidReference:
        pass
    match = _PLANNING_IN_TEXT.search(text[:2000])
    if not match:
        return None
    try:
        return references.planning_reference("/".join(match.groups()))
    except InvalidReference:
        return None


def planning_query_from(text: str) -> str | None:
    """A reference, a postcode, a district or the words of a place; None if nothing."""
    if not isinstance(text, str) or not text.strip():
        return None
    reference = find_planning_reference(text)
    if reference:
        return reference
    postcode = find_postcode(text)
    if postcode:
        return postcode
    district = _DISTRICT.match(text)
    if district:
        return district.group(1).upper()
    words = [w for w in _PLACE_WORDS.findall(text[:200].lower()) if w not in _NOISE]
    if not words or sum(len(w) for w in words) < 3:
        return None
    return " ".join(words[:6])


class ValidatePlanningForm(FrontdoorFormValidation):
    FORM = "planning_form"

    def validate_planning_query(
        self,
        slot_value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        query = planning_query_from(slot_value) if isinstance(slot_value, str) else None
        if query is None:
            dispatcher.utter_message(text=self.services.say(messages.BAD_PLANNING_QUERY))
        return {"planning_query": query}


class AskPlanningQuery(FrontdoorAction):
    NAME = "action_ask_planning_query"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=messages.ASK_PLANNING_QUERY)
        return []


def describe_application(application: PlanningApplication, *, today: date) -> str:
    lines = [
        messages.PLANNING_DETAILS.format(
            reference=application.reference,
            site=plain(application.site_address, limit=160),
            description=plain(application.description),
        ),
        messages.PLANNING_STATUS_LINE.format(status=humanise(application.status.value)),
        messages.PLANNING_RECEIVED.format(received=nice_day(application.received_on)),
    ]
    if application.decision and application.decided_on:
        lines.append(
            messages.PLANNING_DECIDED.format(
                decision=humanise(application.decision.value),
                decided=nice_day(application.decided_on),
            )
        )
    elif application.target_decision_on:
        lines.append(
            messages.PLANNING_TARGET.format(
                target=nice_day(application.target_decision_on, today=today)
            )
        )
    if application.case_officer:
        lines.append(
            messages.PLANNING_OFFICER.format(officer=plain(application.case_officer, limit=80))
        )
    return "\n".join(lines)


class PlanningStatus(FrontdoorAction):
    NAME = "action_planning_status"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        query = tracker.get_slot("planning_query") or ""
        planning = self.services.backoffice.planning
        today = self.services.today()
        reference = find_planning_reference(query)
        if reference:
            try:
                application = planning.get_application(reference)
            except NotFound:
                dispatcher.utter_message(text=messages.PLANNING_NOT_FOUND)
                return finish_task(dispatcher, tracker)
            dispatcher.utter_message(text=describe_application(application, today=today))
            return [*remember_references(tracker, reference), *finish_task(dispatcher, tracker)]
        postcode = find_postcode(query) or (
            query if _DISTRICT.match(query) and query.isupper() else None
        )
        try:
            found = (
                planning.search(postcode=postcode, limit=MAX_LISTED + 1)
                if postcode
                else planning.search(text=query, limit=MAX_LISTED + 1)
            )
        except (InvalidRequest, InvalidReference):
            found = []
        if not found:
            dispatcher.utter_message(text=messages.PLANNING_NONE_FOUND)
            return finish_task(dispatcher, tracker)
        if len(found) == 1:
            dispatcher.utter_message(text=describe_application(found[0], today=today))
            return [
                *remember_references(tracker, found[0].reference),
                *finish_task(dispatcher, tracker),
            ]
        shown = found[:MAX_LISTED]
        lines = [messages.PLANNING_LIST_HEADER.format(count=len(shown))]
        lines += [
            messages.PLANNING_LIST_LINE.format(
                reference=a.reference,
                site=plain(a.site_address, limit=80),
                status=humanise(a.status.value),
            )
            for a in shown
        ]
        lines.append(messages.PLANNING_LIST_MORE)
        buttons = [
            button(a.reference, f'/ask_planning_status{{"planning_reference":"{a.reference}"}}')
            for a in shown
        ]
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons)
        return finish_task(dispatcher, tracker)
