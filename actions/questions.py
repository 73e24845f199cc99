"""Questions answered from the knowledge base, with "did that help?".

A poor answer (no result the decision policy, ``actions.policy.answer_is_good``,
would show, or the resident says "no") counts as a failure: the first asks the
resident to rephrase, the second offers a person. Every
unanswered question goes to the content team as a content gap.
"""

from __future__ import annotations

import logging
import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages, policy
from actions.base import (
    FrontdoorAction,
    Services,
    language,
    latest_intent,
    latest_text,
    resume_active_form,
    slot_list,
)
from actions.exceptions import KnowledgeUnavailable
from actions.knowledge_client import clip_query
from actions.risk import detect_risk, looks_welsh
from frontdoor.contracts.service_areas import team_for_area

logger = logging.getLogger("frontdoor.bot")

FAILURES_BEFORE_HUMAN = 2
_HAS_WORDS = re.compile(r"[A-Za-z0-9À-ÿ]")


def record_failure(
    services: Services, dispatcher: CollectingDispatcher, tracker: Tracker, question: str | None
) -> list[EventType]:
    """A question went unanswered: report the gap, then rephrase or offer a person."""
    lang = language(tracker)
    failures = int(tracker.get_slot("failed_answers") or 0) + 1
    failed = slot_list(tracker, "failed_questions")
    events: list[EventType] = [SlotSet("failed_answers", float(failures))]
    if question:
        clipped = clip_query(question)
        events.append(SlotSet("failed_questions", [*failed, clipped][-5:]))
        try:
            services.knowledge.report_gap(
                question=clipped, language=lang, conversation_id=tracker.sender_id
            )
        except KnowledgeUnavailable:
            logger.warning("content gap not reported: knowledge service unavailable")
    if failures >= FAILURES_BEFORE_HUMAN:
        dispatcher.utter_message(
            text=messages.OFFER_HUMAN_AFTER_FAILURES, buttons=messages.OFFER_HUMAN_BUTTONS
        )
        return [
            *events,
            SlotSet("awaiting", "offer_human"),
            SlotSet("handoff_reason", "repeated_failure"),
        ]
    dispatcher.utter_message(text=messages.REPHRASE)
    return [*events, SlotSet("awaiting", "rephrase")]


class AnswerQuestion(FrontdoorAction):
    """``action_answer_question``: search the knowledge base and answer briefly."""

    NAME = "action_answer_question"

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        text = latest_text(tracker)
        if detect_risk(text):
            return [FollowupAction("action_handoff")]
        if not text.strip():
            dispatcher.utter_message(text=messages.EMPTY_MESSAGE)
            return []
        if not _HAS_WORDS.search(text):
            dispatcher.utter_message(text=messages.NO_WORDS, buttons=messages.CAPABILITY_BUTTONS)
            return resume_active_form(dispatcher, tracker)
        lang = language(tracker)
        if lang == "en" and looks_welsh(text):
            dispatcher.utter_message(text=messages.WELSH, buttons=[messages.WELSH_HUMAN_BUTTON])
            self._report_gap(tracker, text, "cy")
            return [SlotSet("awaiting", None)]
        try:
            answer = self.services.knowledge.search(text, language=lang, limit=3)
        except KnowledgeUnavailable:
            dispatcher.utter_message(text=messages.KNOWLEDGE_DOWN, buttons=[messages.HUMAN_BUTTON])
            return resume_active_form(dispatcher, tracker)
        best = answer.best
        # the decision policy says whether a result is worth showing (actions/policy.py)
        good = best is not None and policy.answer_is_good(
            policy.Search(score=best.score, no_good_answer=answer.no_good_answer),
            policy.CALIBRATED,
        )
        if not good or best is None:
            rephrasing = tracker.get_slot("awaiting") == "rephrase"
            if latest_intent(tracker) == "out_of_scope" and not rephrasing:
                dispatcher.utter_message(text=messages.OUT_OF_SCOPE)
                return resume_active_form(dispatcher, tracker)
            if tracker.active_loop_name:
                self._report_gap(tracker, text, lang)
                dispatcher.utter_message(text=messages.REPHRASE)
                return resume_active_form(dispatcher, tracker)
            return record_failure(self.services, dispatcher, tracker, text)
        shown = slot_list(tracker, "articles_shown")
        dispatcher.utter_message(
            text=f"{best.snippet.strip()}\n\n"
            + messages.ANSWER_LINK.format(title=best.link_title, url=best.link),
            json_message={"links": [{"title": best.link_title, "url": best.link}]},
        )
        events: list[EventType] = [
            SlotSet("articles_shown", [*shown, best.slug][-10:]),
            SlotSet("last_question", clip_query(text)),
        ]
        if best.service_area:
            events.append(SlotSet("service_area", team_for_area(best.service_area)))
        if tracker.active_loop_name:
            return events + resume_active_form(dispatcher, tracker)
        dispatcher.utter_message(text=messages.DID_THAT_HELP, buttons=messages.HELPFUL_BUTTONS)
        return [*events, SlotSet("awaiting", "answer_feedback")]

    def _report_gap(self, tracker: Tracker, text: str, lang: str) -> None:
        try:
            self.services.knowledge.report_gap(
                question=clip_query(text), language=lang, conversation_id=tracker.sender_id
            )
        except KnowledgeUnavailable:
            logger.warning("content gap not reported: knowledge service unavailable")
