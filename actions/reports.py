"""Report a problem in the street from the chat: fly-tipping, graffiti, dog
fouling, an abandoned vehicle or a street light (``report_form``: what, where,
a description), sent as a case through the back office's Cases port with
:func:`reports.service.submit`, the same path the website's form takes.

The chat cannot take a photo, so the bot points to the website's form for one.
The idempotency key is the conversation and what was reported: the same
report sent twice in one conversation makes one case.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages
from actions.base import (
    FrontdoorAction,
    FrontdoorFormValidation,
    button,
    finish_task,
    language,
    remember_references,
)
from actions.formatting import day as nice_day
from actions.formatting import plain
from backoffice.exceptions import InvalidRequest, NotFound
from backoffice.ports import CaseType
from reports import service

# Words residents use, in English and Welsh; the first match wins.
_KINDS: tuple[tuple[CaseType, re.Pattern[str]], ...] = (
    (
        CaseType.FLY_TIPPING,
        re.compile(
            r"fly[\s-]?tip|dump(ed|ing)?\b|rubbish (left|dumped)|tipio|sbwriel wedi",
            re.I,
        ),
    ),
    (CaseType.GRAFFITI, re.compile(r"graff?it|spray[\s-]?paint|tag(s|ged|ging)\b", re.I)),
    (
        CaseType.DOG_FOULING,
        re.compile(r"dog (poo|mess|muck|dirt|foul)|fouling|\bpoo\b|baw c[iŵw]", re.I),
    ),
    (
        CaseType.ABANDONED_VEHICLE,
        re.compile(
            r"abandon\w*( car| van| vehicle)?|\b(car|van|vehicle)\b.{0,30}\b(left|dumped)\b|"
            r"cerbyd|car wedi",
            re.I,
        ),
    ),
    (
        CaseType.STREET_LIGHTING,
        re.compile(r"street ?light|lamp ?post|light (is )?(out|broken)|golau stryd|lamp", re.I),
    ),
)


def parse_problem_kind(text: Any) -> CaseType | None:
    if not isinstance(text, str):
        return None
    value = text.strip()[:300]
    for kind in CaseType:
        if value.lower() in (kind.value, kind.value.replace("_", " ")):
            return kind if kind in service.KIND_NAMES else None
    for kind, pattern in _KINDS:
        if pattern.search(value):
            return kind
    return None


def form_link(services: Any, lang: str) -> str:
    """The website's report form, in the resident's language."""
    settings = services.settings
    site = (settings.public_url or settings.url(settings.knowledge_port)).rstrip("/")
    return f"{site}/cy/report" if lang == "cy" else f"{site}/report"


class ValidateReportForm(FrontdoorFormValidation):
    FORM = "report_form"

    def validate_problem_kind(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:  # fmt: skip
        kind = parse_problem_kind(slot_value)
        if kind is None:
            dispatcher.utter_message(text=messages.BAD_PROBLEM_KIND, buttons=_kind_buttons())
            return {"problem_kind": None}
        return {"problem_kind": kind.value}

    def validate_problem_location(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:  # fmt: skip
        text = " ".join(str(slot_value or "").split())
        if asks_a_question(text):
            dispatcher.utter_message(
                text=messages.QUESTION_NOT_PROBLEM_DETAIL.format(
                    prompt=messages.ASK_PROBLEM_LOCATION
                )
            )
            return {"problem_location": None}
        if len(text) < 3 or len(text) > service.MAX_LOCATION:
            dispatcher.utter_message(text=messages.BAD_PROBLEM_LOCATION)
            return {"problem_location": None}
        return {"problem_location": text}

    def validate_problem_description(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:  # fmt: skip
        text = " ".join(str(slot_value or "").split())
        if asks_a_question(text):
            dispatcher.utter_message(
                text=messages.QUESTION_NOT_PROBLEM_DETAIL.format(
                    prompt=messages.ASK_PROBLEM_DESCRIPTION
                )
            )
            return {"problem_description": None}
        if len(text) < 3:
            dispatcher.utter_message(text=messages.BAD_PROBLEM_DESCRIPTION)
            return {"problem_description": None}
        return {"problem_description": text[: service.MAX_DESCRIPTION]}


# How a question starts, in English and Welsh. A place ("Mill Lane, by the shops") or a
# description ("six black bags") never starts so; "where" is left out ("where the old
# garage was"), and so is Welsh "a", which is also the English article.
_QUESTION_START = re.compile(
    r"^(?:when|what|what's|whats|how|why|who|which|can|could|do|does|did|is|are|will|would|"
    r"should|shall|have|has|pryd|beth|sut|pam|pwy|pa|oes|ydy|ydw|ga|gaf|alla|allwch)\b",
    re.IGNORECASE,
)


def asks_a_question(text: str) -> bool:
    """Whether an answer to "where is it?" or "what is there?" is a question instead
    ("when is my bin day"): it must not go into the report as the place or the
    description."""
    text = text.strip()
    return text.endswith("?") or bool(_QUESTION_START.match(text))


def _kind_buttons() -> list[dict[str, str]]:
    return [
        button(messages.PROBLEM_KINDS[kind.value], f'/inform{{"problem_kind":"{kind.value}"}}')
        for kind in service.KIND_NAMES
    ]


class AskProblemKind(FrontdoorAction):
    NAME = "action_ask_problem_kind"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=messages.ASK_PROBLEM_KIND, buttons=_kind_buttons())
        return []


class AskProblemLocation(FrontdoorAction):
    NAME = "action_ask_problem_location"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=messages.ASK_PROBLEM_LOCATION)
        return []


class AskProblemDescription(FrontdoorAction):
    NAME = "action_ask_problem_description"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=messages.ASK_PROBLEM_DESCRIPTION)
        return []


class SubmitReport(FrontdoorAction):
    """``action_submit_report``: the case, its reference, and where to send a photo."""

    NAME = "action_submit_report"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        kind = parse_problem_kind(tracker.get_slot("problem_kind"))
        where = tracker.get_slot("problem_location") or ""
        what = tracker.get_slot("problem_description") or ""
        if kind is None or not where or not what:
            dispatcher.utter_message(text=messages.SOMETHING_WENT_WRONG)
            return finish_task(dispatcher, tracker)
        digest = hashlib.sha256(f"{kind.value}|{where}|{what}".encode()).hexdigest()[:16]
        report = service.ProblemReport(
            kind=kind,
            description=what,
            location=where,
            idempotency_key=f"bot:{tracker.sender_id}:{digest}"[:100],
            channel="bot",
        )
        try:
            case = service.submit(
                None, self.services.backoffice.cases, report, now=self.services.now()
            )
        except (InvalidRequest, NotFound):
            dispatcher.utter_message(text=messages.PROBLEM_REFUSED, buttons=[messages.HUMAN_BUTTON])
            return finish_task(dispatcher, tracker)
        dispatcher.utter_message(
            text=messages.PROBLEM_REPORTED.format(
                reference=case.reference,
                kind=messages.PROBLEM_KINDS[kind.value],
                where=plain(where, limit=120),
                day=nice_day(case.target_date, today=self.services.today()),
            )
        )
        dispatcher.utter_message(
            text=messages.PROBLEM_PHOTO.format(url=form_link(self.services, language(tracker)))
        )
        return [*remember_references(tracker, case.reference), *finish_task(dispatcher, tracker)]
