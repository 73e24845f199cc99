"""Questions answered from the knowledge base, with "did that help?".

An answer is ONE message: a sentence or two from the best section in the
article's own words (``actions.answers``), a card linking to the article at
that section on the council's public site (``links``: title, section, url),
and "Did that help?" with Yes / No. Everything travels in the reply's custom
payload, because Rasa's channels split a text, its buttons and a custom
payload into separate messages. Each answer is logged for helpfulness
(``actions.answer_log``).

A poor answer (no result the decision policy, ``actions.policy.answer_is_good``,
would show) counts as a failure: the first asks the resident to
rephrase, the second in a row offers a person; a good answer starts the count
again. "No" to "Did that help?" offers to rephrase or a person and is recorded
as a content gap, but it is not a failure: the next question starts afresh.

A message reported to the review queue carries the article the search thought
closest when the action has one at hand (``closest_slug``): on a poor answer,
the best result it did not show; after "No", the article shown. No search is
made only to find one.
"""

from __future__ import annotations

import logging
import re

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages, messages_cy, policy
from actions.answer_log import AnswerShown
from actions.answers import extract_answer
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
from actions.formatting import plain
from actions.knowledge_client import MAX_QUERY_CHARS, KnowledgeHit, SearchAnswer, clip_query
from actions.localise import localise
from actions.risk import detect_risk
from frontdoor.contracts.review import MissSource
from frontdoor.contracts.service_areas import team_for_area, teams_of

logger = logging.getLogger("frontdoor.bot")

FAILURES_BEFORE_HUMAN = 2
_HAS_WORDS = re.compile(r"[^\W_]", re.UNICODE)


def worth_showing(answer: SearchAnswer) -> KnowledgeHit | None:
    """The search's best result when the decision policy says it is worth showing
    (``actions.policy.answer_is_good``), else None."""
    best = answer.best
    if best is None:
        return None
    found = policy.Search(score=best.score, no_good_answer=answer.no_good_answer)
    return best if policy.answer_is_good(found, policy.CALIBRATED) else None


def answer_text(services: Services, question: str, best: KnowledgeHit) -> str:
    """The article's own sentence(s) for ``question``; the snippet if the article
    cannot be read (it is still the article's text)."""
    try:
        body = services.knowledge.article_body(best.slug)
    except KnowledgeUnavailable:
        logger.warning("article not read: knowledge service unavailable")
        body = None
    found = extract_answer(question, body, section_anchor=best.section_anchor) if body else None
    return found or plain(best.snippet.lstrip("… "), limit=320)


def answer_message(text: str, best: KnowledgeHit, lang: str, *, ask: bool) -> dict[str, object]:
    """The reply's custom payload: the answer, its card, then (outside a form)
    "Did that help?" as ``prompt`` with Yes / No."""
    card = {
        "title": best.title,
        "url": best.link,
        "section": best.section_title or "",
        "language": lang,  # the widget marks the message's language (WCAG 3.1.2)
    }
    if card["section"] == best.title:
        card["section"] = ""
    payload: dict[str, object] = {
        "text": text,
        "links": [card],
        "answer": {"slug": best.slug},
        "localised": True,  # the article is already in the resident's language
    }
    if ask:  # shown after the card, with its buttons
        payload["prompt"] = localise(messages.DID_THAT_HELP, lang)
        # Welsh answers "Did that help?" with "Oedd", not the generic "Ydw".
        payload["buttons"] = (
            messages_cy.HELPFUL_BUTTONS if lang == "cy" else messages.HELPFUL_BUTTONS
        )
    return payload


def report_gap(
    services: Services,
    tracker: Tracker,
    question: object,
    source: MissSource = MissSource.FALLBACK,
    closest_slug: str | None = None,
) -> None:
    """Tell the review queue the bot missed a message: nothing answered it
    (``fallback``), its answer did not help (``not_helpful``) or it sent the
    conversation to a person (``handover``); ``closest_slug``: the article the
    search thought closest, when the caller has one at hand."""
    if not isinstance(question, str) or not question.strip():
        return
    try:
        services.knowledge.report_gap(
            question=clip_query(question),
            language=language(tracker),
            conversation_id=tracker.sender_id,
            source=source,
            closest_slug=closest_slug,
        )
    except KnowledgeUnavailable:
        logger.warning("content gap not reported: knowledge service unavailable")


def closest_of(answer: SearchAnswer) -> str | None:
    """The slug of the search's best result, shown or not: the article it thought closest."""
    return answer.best.slug if answer.best is not None else None


def record_failure(
    services: Services,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    question: str | None,
    closest_slug: str | None = None,
) -> list[EventType]:
    """A question went unanswered: report the gap (with the article the search
    thought closest, if any), then rephrase or offer a person."""
    lang = language(tracker)
    failures = int(tracker.get_slot("failed_answers") or 0) + 1
    failed = slot_list(tracker, "failed_questions")
    events: list[EventType] = [SlotSet("failed_answers", float(failures))]
    if question:
        clipped = clip_query(question)
        events.append(SlotSet("failed_questions", [*failed, clipped][-5:]))
        try:
            services.knowledge.report_gap(
                question=clipped,
                language=lang,
                conversation_id=tracker.sender_id,
                closest_slug=closest_slug,
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
        if len(text) > MAX_QUERY_CHARS:
            dispatcher.utter_message(text=messages.TOO_LONG)
        try:
            answer = self.services.knowledge.search(text, language=lang, limit=3)
        except KnowledgeUnavailable:
            dispatcher.utter_message(text=messages.KNOWLEDGE_DOWN, buttons=[messages.HUMAN_BUTTON])
            return resume_active_form(dispatcher, tracker)
        best = worth_showing(answer)
        if best is None:
            rephrasing = tracker.get_slot("awaiting") == "rephrase"
            if latest_intent(tracker) == "out_of_scope" and not rephrasing:
                dispatcher.utter_message(text=self.services.say(messages.OUT_OF_SCOPE))
                return resume_active_form(dispatcher, tracker)
            closest = closest_of(answer)
            if tracker.active_loop_name:
                report_gap(self.services, tracker, text, closest_slug=closest)
                dispatcher.utter_message(text=messages.REPHRASE)
                return resume_active_form(dispatcher, tracker)
            return record_failure(self.services, dispatcher, tracker, text, closest)
        shown = slot_list(tracker, "articles_shown")
        ask = not tracker.active_loop_name
        text_shown = answer_text(self.services, text, best)
        dispatcher.utter_message(json_message=answer_message(text_shown, best, lang, ask=ask))
        self.services.answers.record_answer(
            AnswerShown(
                conversation_id=tracker.sender_id,
                slug=best.slug,
                section_anchor=best.section_anchor,
                language=lang,
                question=text,
                answered_at=self.services.clock(),
            )
        )
        events: list[EventType] = [
            SlotSet("articles_shown", [*shown, best.slug][-10:]),
            SlotSet("last_question", clip_query(text)),
            SlotSet("failed_answers", 0.0),
        ]
        if best.service_area:
            teams = teams_of(self.services.settings.council)
            events.append(SlotSet("service_area", team_for_area(best.service_area, teams)))
        if not ask:
            return events + resume_active_form(dispatcher, tracker)
        return [*events, SlotSet("awaiting", "answer_feedback")]
