"""Small talk and control of the conversation: greet, thanks, start over,
stop, yes/no in context, starting a task, and messages out of context."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages
from actions.addresses import find_postcode
from actions.balances import case_verification, retry_verification
from actions.base import (
    FORM_TASKS,
    INTENT_TASKS,
    TASK_FORMS,
    TASK_SLOTS,
    FrontdoorAction,
    entity_values,
    latest_intent,
    latest_text,
    resume_active_form,
    slot_list,
    stop_form_events,
)
from actions.cases import CaseStatus, case_exists, find_case_reference
from actions.parsing import parse_bin_type, parse_day
from actions.planning import PlanningStatus, find_planning_reference
from actions.questions import report_gap
from actions.reports import parse_problem_kind
from frontdoor.contracts.review import MissSource


class SmallTalk(FrontdoorAction):
    """``action_smalltalk``: greet, goodbye, thanks, "are you a bot?", "what can you do?"."""

    NAME = "action_smalltalk"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = latest_intent(tracker)
        if intent == "goodbye":
            dispatcher.utter_message(text=self.services.say(messages.GOODBYE))
            return [
                SlotSet("awaiting", None),
                SlotSet("paused_task", None),
                *stop_form_events(tracker),
            ]
        if intent == "thank":
            if tracker.active_loop_name:
                return resume_active_form(dispatcher, tracker)
            dispatcher.utter_message(text=messages.THANKS)
            return [SlotSet("awaiting", None)]
        if intent == "bot_challenge":
            dispatcher.utter_message(text=messages.I_AM_A_BOT)
        elif intent == "what_can_you_do":
            buttons = None if tracker.active_loop_name else messages.CAPABILITY_BUTTONS
            dispatcher.utter_message(text=messages.CAPABILITIES, buttons=buttons)
        else:
            dispatcher.utter_message(text=self.services.say(messages.GREETING))
        return resume_active_form(dispatcher, tracker)


class StartOver(FrontdoorAction):
    """``action_start_over``: forget the conversation so far, including any
    verification (the server-side sessions are ended too)."""

    NAME = "action_start_over"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        self.services.verifier.end_sessions(tracker.sender_id)
        dispatcher.utter_message(text=messages.START_OVER, buttons=messages.CAPABILITY_BUTTONS)
        return [ActiveLoop(None), AllSlotsReset()]


def clear_task_events(task: str | None) -> list[EventType]:
    return [SlotSet(name, None) for name in TASK_SLOTS.get(task or "", ())]


class Stop(FrontdoorAction):
    """``action_stop``: leave the current form (and any paused one) at once."""

    NAME = "action_stop"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        active = tracker.active_loop_name
        paused = tracker.get_slot("paused_task")
        if not active and not paused:
            dispatcher.utter_message(text=messages.NOTHING_TO_STOP)
            return [SlotSet("awaiting", None)]
        dispatcher.utter_message(text=messages.STOPPED)
        events = [
            *stop_form_events(tracker),
            *clear_task_events(FORM_TASKS.get(active or "")),
            *clear_task_events(paused),
            SlotSet("task", None),
            SlotSet("paused_task", None),
            SlotSet("awaiting", None),
        ]
        return events


class StartTask(FrontdoorAction):
    """``action_start_task``: begin a task afresh (pausing a form in progress),
    keeping what the resident has just told us."""

    NAME = "action_start_task"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        task = INTENT_TASKS.get(latest_intent(tracker) or "") or tracker.get_slot("task")
        if task not in TASK_FORMS:
            dispatcher.utter_message(
                text=messages.OK_WHAT_NEXT, buttons=messages.CAPABILITY_BUTTONS
            )
            return [FollowupAction("action_listen")]
        events: list[EventType] = [SlotSet("task", task), SlotSet("awaiting", None)]
        active = tracker.active_loop_name
        active_task = FORM_TASKS.get(active or "")
        if active_task and active_task != task:
            if not tracker.get_slot("paused_task"):
                events.append(SlotSet("paused_task", active_task))
                dispatcher.utter_message(
                    text=messages.PAUSE.format(task=messages.TASK_LABELS[active_task])
                )
            events += [ActiveLoop(None), SlotSet("requested_slot", None)]
        if task != active_task:
            events += self._fresh_slots(task, tracker)
            tracker.slots.update({e["name"]: e["value"] for e in events if e["event"] == "slot"})
            ready = self._answer_at_once(task, tracker, dispatcher, domain)
            if ready is not None:
                return [*events, *ready]
        events.append(FollowupAction(TASK_FORMS[task]))
        return events

    def _answer_at_once(
        self, task: str, tracker: Tracker, dispatcher: CollectingDispatcher, domain: DomainDict
    ) -> list[EventType] | None:
        """When the first message already holds a valid reference, answer it here
        rather than through the form: each extra action costs a round trip to
        Rasa, and a resident chasing a request should get the status at once."""
        answer: FrontdoorAction | None = None
        slot = ""
        reference = None
        if task == "case":
            slot, answer = "case_reference", CaseStatus(self.services)
            for entity in ("case_reference", "booking_reference"):
                for value in entity_values(tracker, entity):
                    found = find_case_reference(value)
                    if found and case_exists(self.services, found):
                        reference = found
        elif task == "planning":
            slot, answer = "planning_query", PlanningStatus(self.services)
            for value in entity_values(tracker, "planning_reference"):
                reference = find_planning_reference(value) or reference
        if answer is None or reference is None:
            return None
        tracker.slots[slot] = reference
        events = [SlotSet(slot, reference), *answer.act(dispatcher, tracker, domain)]
        if not any(event.get("event") == "followup" for event in events):
            # The rules would start the form next; the answer is given, so listen.
            events.append(FollowupAction("action_listen"))
        return events

    def _fresh_slots(self, task: str, tracker: Tracker) -> list[EventType]:
        """Clear the task's slots, then pre-fill what this message already says."""
        events = clear_task_events(task)
        text = latest_text(tracker)
        if task in {"bin_day", "missed_bin", "bulky"}:
            events += postcode_events(tracker)
        if task == "missed_bin":
            for value in entity_values(tracker, "bin_type"):
                if parse_bin_type(value):
                    events.append(SlotSet("bin_type", value))
                    break
            if parse_day(text, today=self.services.today()) is not None:
                events.append(SlotSet("missed_day", text[:200]))
        elif task == "case":
            for entity in ("case_reference", "booking_reference"):
                for value in entity_values(tracker, entity):
                    events.append(SlotSet("case_reference", value))
        elif task == "planning":
            for entity in ("planning_reference", "postcode"):
                values = entity_values(tracker, entity)
                if values:
                    events.append(SlotSet("planning_query", values[0]))
                    break
        elif task == "bulky" and entity_values(tracker, "bulky_item"):
            events.append(SlotSet("bulky_items", text[:1000]))
        elif task == "report":
            for value in [*entity_values(tracker, "problem_kind"), text]:
                kind = parse_problem_kind(value)
                if kind is not None:
                    events.append(SlotSet("problem_kind", kind.value))
                    break
        return events


def postcode_events(tracker: Tracker) -> list[EventType]:
    """Remember a postcode the message gave (the form checks it); forget the
    address if it was at another postcode."""
    for value in entity_values(tracker, "postcode"):
        postcode = find_postcode(value)
        if postcode:
            events: list[EventType] = [SlotSet("postcode", postcode)]
            if postcode != tracker.get_slot("postcode"):
                events.append(SlotSet("uprn", None))
            return events
    return []


class Yes(FrontdoorAction):
    """``action_yes``: "yes" means what the bot last asked."""

    NAME = "action_yes"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        awaiting = tracker.get_slot("awaiting")
        if awaiting == "answer_feedback":
            self.services.answers.rate_latest(
                tracker.sender_id, helpful=True, at=self.services.clock()
            )
            dispatcher.utter_message(text=messages.GLAD)
            return [SlotSet("awaiting", None), SlotSet("failed_answers", 0.0)]
        if awaiting == "offer_human":
            return [FollowupAction("action_handoff")]
        if awaiting == "offer_bulky_booking":
            return [
                SlotSet("awaiting", None),
                SlotSet("task", "bulky"),
                FollowupAction("action_start_task"),
            ]
        if awaiting == "offer_case_verification":
            return case_verification(tracker)
        if awaiting == "retry_verification":
            return retry_verification(tracker)
        if awaiting == "dispute_offer":
            return [
                SlotSet("awaiting", None),
                SlotSet("dispute_reason", None),
                FollowupAction("dispute_form"),
            ]
        if tracker.active_loop_name:
            return resume_active_form(dispatcher, tracker)
        dispatcher.utter_message(text=messages.OK_WHAT_NEXT, buttons=messages.CAPABILITY_BUTTONS)
        return [SlotSet("awaiting", None)]


class No(FrontdoorAction):
    """``action_no``: "no" means what the bot last asked."""

    NAME = "action_no"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        awaiting = tracker.get_slot("awaiting")
        if awaiting == "answer_feedback":
            # Recorded and sent to the content team, but not a failure: the next
            # question, whatever it is, starts afresh ("I still can't…" never follows).
            self.services.answers.rate_latest(
                tracker.sender_id, helpful=False, at=self.services.clock()
            )
            shown = slot_list(tracker, "articles_shown")  # the answer that did not help
            report_gap(
                self.services,
                tracker,
                tracker.get_slot("last_question"),
                MissSource.NOT_HELPFUL,
                closest_slug=shown[-1] if shown and isinstance(shown[-1], str) else None,
            )
            dispatcher.utter_message(text=messages.NOT_HELPFUL, buttons=[messages.HUMAN_BUTTON])
            return [SlotSet("awaiting", None), SlotSet("failed_answers", 0.0)]
        if awaiting == "offer_human":
            dispatcher.utter_message(text=messages.HUMAN_DECLINED)
            return [SlotSet("awaiting", None), SlotSet("handoff_reason", None)]
        if awaiting == "dispute_offer":
            dispatcher.utter_message(text=messages.DISPUTE_DECLINED)
            return [SlotSet("awaiting", None)]
        if tracker.active_loop_name:
            return resume_active_form(dispatcher, tracker)
        dispatcher.utter_message(text=messages.NOTHING_TO_STOP)
        return [SlotSet("awaiting", None)]


class RouteInform(FrontdoorAction):
    """``action_route_inform``: a reference or postcode typed on its own."""

    NAME = "action_route_inform"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.active_loop_name:
            dispatcher.utter_message(text=messages.NOT_FOLLOWED)
            return resume_active_form(dispatcher, tracker)
        if entity_values(tracker, "case_reference") or entity_values(tracker, "booking_reference"):
            return [SlotSet("task", "case"), FollowupAction("action_start_task")]
        if entity_values(tracker, "planning_reference"):
            return [SlotSet("task", "planning"), FollowupAction("action_start_task")]
        if entity_values(tracker, "council_tax_reference") or entity_values(
            tracker, "tenancy_reference"
        ):
            return [FollowupAction("action_start_balance")]
        if tracker.get_slot("awaiting") == "rephrase" and latest_text(tracker).strip():
            return [FollowupAction("action_answer_question")]
        remembered = postcode_events(tracker)
        if remembered:
            postcode = remembered[0]["value"]
            dispatcher.utter_message(
                text="What would you like to do for that postcode?",
                buttons=[
                    {"title": "Bin collection days", "payload": "/ask_bin_day"},
                    {"title": "Report a missed bin", "payload": "/report_missed_bin"},
                    {
                        "title": "Planning applications",
                        "payload": f'/ask_planning_status{{"postcode":"{postcode}"}}',
                    },
                ],
            )
            return remembered
        if entity_values(tracker, "bin_type"):
            dispatcher.utter_message(
                text="Would you like to know when it's collected, or report it missed?",
                buttons=[
                    {"title": "When is it collected?", "payload": "/ask_bin_day"},
                    {"title": "Report a missed bin", "payload": "/report_missed_bin"},
                ],
            )
            return []
        dispatcher.utter_message(text=messages.NOT_FOLLOWED, buttons=messages.CAPABILITY_BUTTONS)
        return []


class CoreFallback(FrontdoorAction):
    """``action_core_fallback``: the dialogue policy had no idea what to do next."""

    NAME = "action_core_fallback"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if tracker.latest_action_name != "action_listen":
            # The bot has already answered this message; no rule says what
            # comes next, so wait for the resident rather than guess.
            return [FollowupAction("action_listen")]
        dispatcher.utter_message(text=messages.NOT_FOLLOWED)
        return resume_active_form(dispatcher, tracker)
