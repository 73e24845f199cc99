"""What every Frontdoor action shares: injected services, tracker helpers,
error handling at the edge and the task/form bookkeeping.

One ``Action`` class per action (see the modules beside this one); each gets a
``Services`` bundle in its constructor, so tests pass fakes and the server
passes the real adapters (``actions.registry``). Actions do their (blocking)
back-office and HTTP work in ``act``, which ``run`` calls in a worker thread so
the action server's event loop keeps serving other conversations.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import (
    ActionExecutionRejected,
    ActiveLoop,
    EventType,
    FollowupAction,
    SlotSet,
)
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages
from actions.answer_log import AnswerLog, MemoryAnswerLog
from actions.knowledge_client import KnowledgeClient
from actions.language import LANGUAGE_SLOT, Lang, as_lang, detect
from actions.localise import LocalisedDispatcher
from actions.risk import detect_risk
from actions.settings import BotSettings
from actions.verification import Identity, Verifier
from backoffice.calendar import london
from backoffice.exceptions import BackOfficeError, BackOfficeUnavailable
from backoffice.ports import BackOffice
from frontdoor.contracts.availability import AvailabilityClient
from frontdoor.subscriptions import Subscriptions
from payments.journey import Payments

logger = logging.getLogger("frontdoor.bot")

IDENTITY_TOKEN_KEY = "frontdoor_identity_token"  # noqa: S105 - a metadata key
LANGUAGE_CHOSEN_KEY = "language_chosen"  # the resident pressed the language button

# Tasks the resident can start, the form that collects each one's details,
# and the slots that belong to one run of it (cleared when it starts afresh).
TASK_FORMS = {
    "bin_day": "bin_day_form",
    "missed_bin": "missed_bin_form",
    "bulky": "bulky_waste_form",
    "case": "case_form",
    "planning": "planning_form",
    "verify": "verify_form",
    "report": "report_form",
    "subscribe": "subscribe_form",
}
FORM_TASKS = {form: task for task, form in TASK_FORMS.items()}
INTENT_TASKS = {
    "ask_bin_day": "bin_day",
    "report_missed_bin": "missed_bin",
    "book_bulky_waste": "bulky",
    "ask_case_status": "case",
    "ask_planning_status": "planning",
    "report_problem": "report",
    "subscribe_reminders": "subscribe",
}
TASK_SLOTS = {
    "bin_day": (),
    "missed_bin": ("bin_type", "missed_day", "dispute_reason"),
    "bulky": ("bulky_items", "bulky_slot", "payment_confirmed", "offered_slots"),
    "case": ("case_reference",),
    "planning": ("planning_query",),
    "verify": ("verify_reference", "verify_postcode", "verify_fact"),
    "report": ("problem_kind", "problem_location", "problem_description"),
    "subscribe": ("subscribe_contact",),
}


@dataclass
class Services:
    """The adapters an action may use (the composition root builds this)."""

    backoffice: BackOffice
    knowledge: KnowledgeClient
    verifier: Verifier
    settings: BotSettings
    clock: Callable[[], datetime]
    answers: AnswerLog = field(default_factory=MemoryAnswerLog)
    # Who can take a chat now (the handoff service); None: not known, say so.
    availability: AvailabilityClient | None = None
    # Card payments (bulky waste); None: paid services cannot be booked here.
    payments: Payments | None = None
    # Reminders and updates (core's port, notify behind it); None: not offered here.
    subscriptions: Subscriptions | None = None

    def say(self, template: str, **values: Any) -> str:
        """A message filled in with the council's own words (its profile) and ``values``."""
        profile = self.settings.council
        return template.format(
            council=profile.council.name.en,
            place=profile.council.short_name.en,
            example=profile.area.postcode_example,
            areas=", ".join(profile.area.postcode_areas),
            **values,
        )

    def now(self) -> datetime:
        return london(self.clock())

    def today(self) -> date:
        return self.now().date()


# --- tracker helpers ------------------------------------------------


def latest_text(tracker: Tracker) -> str:
    text = (tracker.latest_message or {}).get("text") or ""
    return text if isinstance(text, str) else ""


def latest_intent(tracker: Tracker) -> str | None:
    intent = (tracker.latest_message or {}).get("intent") or {}
    return intent.get("name")


def entity_values(tracker: Tracker, entity: str) -> list[str]:
    found = []
    for item in (tracker.latest_message or {}).get("entities") or []:
        if item.get("entity") == entity and isinstance(item.get("value"), str):
            found.append(item["value"])
    return found


def message_metadata(tracker: Tracker) -> dict[str, Any]:
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    return metadata if isinstance(metadata, dict) else {}


def identity_token(tracker: Tracker) -> str | None:
    """The token the widget forwarded with the latest message that carried one."""
    token = message_metadata(tracker).get(IDENTITY_TOKEN_KEY)
    if isinstance(token, str) and token:
        return token
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        metadata = event.get("metadata") or {}
        if isinstance(metadata, dict):
            token = metadata.get(IDENTITY_TOKEN_KEY)
            if isinstance(token, str) and token:
                return token
    return None


def chosen_language(tracker: Tracker) -> Lang:
    """The conversation's language before this message: what the resident last
    wrote in, else what they chose in the widget (``cy`` for Cymraeg). A language
    they pressed the widget's button for since the bot last answered in another
    (``language_chosen`` in the message's metadata) wins over what they last wrote
    in: the widget follows the bot's answers, so the bot must follow the button."""
    slot = tracker.get_slot(LANGUAGE_SLOT)
    metadata = message_metadata(tracker)
    widget = metadata.get("language")
    if slot in {"en", "cy"}:
        pressed = metadata.get(LANGUAGE_CHOSEN_KEY) is True and widget in {"en", "cy"}
        return as_lang(widget if pressed else slot)
    return as_lang(widget)


# A button's payload in Rasa's intent syntax ("/ask_bin_day", a quick reply or the
# website's Start now button) is not words the resident wrote: it keeps the language.
_PAYLOAD = re.compile(r"/[A-Za-z_][A-Za-z0-9_]*(\{.*\})?", re.DOTALL)


def language(tracker: Tracker) -> Lang:
    """The language to answer this message in: the resident's latest words decide
    when they are clear (``actions.language``), else the conversation's."""
    text = latest_text(tracker)
    if _PAYLOAD.fullmatch(text.strip()):
        return chosen_language(tracker)
    return detect(text, current=chosen_language(tracker))


def language_events(tracker: Tracker, lang: Lang) -> list[EventType]:
    """Remember a switch, so "yes" or a postcode after it keeps the new language (the
    slot, not ``chosen_language``: a language pressed for in the widget is remembered
    too, and the widget follows the slot)."""
    return [] if tracker.get_slot(LANGUAGE_SLOT) == lang else [SlotSet(LANGUAGE_SLOT, lang)]


def current_identity(services: Services, tracker: Tracker) -> Identity:
    """Re-derived on every use: a valid token and/or a live server-side session."""
    return services.verifier.identity(
        tracker.sender_id,
        token=identity_token(tracker),
        secret=tracker.get_slot("verified_session"),
    )


def slot_list(tracker: Tracker, name: str) -> list[Any]:
    value = tracker.get_slot(name)
    return list(value) if isinstance(value, list) else []


def remember_references(tracker: Tracker, *references: str) -> list[EventType]:
    known = slot_list(tracker, "references_seen")
    added = [ref for ref in references if ref and ref not in known]
    if not added:
        return []
    return [SlotSet("references_seen", (known + added)[-20:])]


def button(title: str, payload: str) -> dict[str, str]:
    return {"title": title, "payload": payload}


def finish_task(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """End the current task; go back to a paused one if there is one."""
    events: list[EventType] = [SlotSet("task", None)]
    paused = tracker.get_slot("paused_task")
    if paused in TASK_FORMS and paused != tracker.get_slot("task"):
        dispatcher.utter_message(text=messages.RESUME.format(task=messages.TASK_LABELS[paused]))
        events += [
            SlotSet("paused_task", None),
            SlotSet("task", paused),
            FollowupAction(TASK_FORMS[paused]),
        ]
    else:
        events.append(SlotSet("paused_task", None))
    return events


def resume_active_form(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """After answering an aside in the middle of a form, go back to the form."""
    form = tracker.active_loop_name
    if form and form in FORM_TASKS:
        dispatcher.utter_message(
            text=messages.RESUME.format(task=messages.TASK_LABELS[FORM_TASKS[form]])
        )
        return [FollowupAction(form)]
    return []


def stop_form_events(tracker: Tracker) -> list[EventType]:
    if tracker.active_loop_name:
        return [ActiveLoop(None), SlotSet("requested_slot", None)]
    return []


# --- base classes ------------------------------------------------


def risk_in_new_message(tracker: Tracker) -> bool:
    """The resident's message that this action answers shows signs of risk.

    The backstop behind the ``at_risk`` intent: whatever the NLU made of the
    message, a resident at risk reaches a person first."""
    return (
        tracker.latest_action_name == "action_listen"
        and detect_risk(latest_text(tracker)) is not None
    )


class FrontdoorAction(Action):
    """A custom action with injected services and a polite edge."""

    NAME: ClassVar[str] = ""
    RISK_GUARD: ClassVar[bool] = True  # hand over at once when the message shows risk

    def __init__(self, services: Services) -> None:
        self.services = services

    def name(self) -> str:
        return self.NAME

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if self.RISK_GUARD and risk_in_new_message(tracker):
            return [FollowupAction("action_handoff")]
        lang = language(tracker)
        said = LocalisedDispatcher(dispatcher, lang, self.services.settings.council.welsh_names)
        try:
            events = await asyncio.to_thread(self.act, said, tracker, domain)
        except BackOfficeUnavailable:
            logger.warning("action %s: back office unavailable", self.NAME)
            said.utter_message(text=messages.SYSTEM_DOWN, buttons=[messages.HUMAN_BUTTON])
            events = [SlotSet("awaiting", None), *stop_form_events(tracker)]
        except Exception as exc:  # the resident never sees a stack trace
            logger.error(
                "action %s failed: %s",
                self.NAME,
                type(exc).__name__,
                exc_info=not isinstance(exc, BackOfficeError),
            )
            said.utter_message(text=messages.SOMETHING_WENT_WRONG, buttons=[messages.HUMAN_BUTTON])
            events = [SlotSet("awaiting", None), *stop_form_events(tracker)]
        return [*language_events(tracker, lang), *events]

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        raise NotImplementedError(f"{type(self).__name__} must implement act()")


class AskAction(FrontdoorAction):
    """A form question with fixed wording (``action_ask_<slot>``)."""

    TEXT: ClassVar[str] = ""
    BUTTONS: ClassVar[list[dict[str, str]]] = []

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(text=self.TEXT, buttons=list(self.BUTTONS) or None)
        return []


class FrontdoorFormValidation(FormValidationAction):
    """A form's ``validate_<slot>`` methods, with injected services.

    Validators only check and normalise; they never create anything in the back
    office, so an abandoned form leaves nothing half-made behind.
    """

    FORM: ClassVar[str] = ""

    def __init__(self, services: Services) -> None:
        self.services = services

    def name(self) -> str:
        return f"validate_{self.FORM}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if risk_in_new_message(tracker):
            # Reject the form (it does not ask again) and hand over instead.
            return [ActionExecutionRejected(self.FORM), FollowupAction("action_handoff")]
        # A slot an action has just cleared (value None) is not an answer to check.
        candidates = tracker.slots_to_validate

        def answered() -> dict[str, Any]:
            return {name: value for name, value in candidates().items() if value is not None}

        tracker.slots_to_validate = answered
        lang = language(tracker)
        said = LocalisedDispatcher(dispatcher, lang, self.services.settings.council.welsh_names)
        try:
            events = await super().run(said, tracker, domain)
        except BackOfficeUnavailable:
            logger.warning("validation %s: back office unavailable", self.FORM)
            said.utter_message(text=messages.SYSTEM_DOWN, buttons=[messages.HUMAN_BUTTON])
            events = []
        except Exception as exc:
            logger.error("validation %s failed: %s", self.FORM, type(exc).__name__, exc_info=True)
            said.utter_message(text=messages.SOMETHING_WENT_WRONG, buttons=[messages.HUMAN_BUTTON])
            events = []
        return [*language_events(tracker, lang), *events]
