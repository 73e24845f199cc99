"""Handover to a person: one structured event for the handoff service.

The handoff service relays the REST channel and watches each reply's
``custom`` payload for ``frontdoor_handoff`` (handoff/PROTOCOL.md §5). This
action emits exactly one such payload per handover, with a text telling the
resident what happens next, and records the handover in slots. The payload is
a ``frontdoor.contracts.handover.HandoverRequest``, the model handoff reads back.

Payload::

    {"frontdoor_handoff": {
        "reason": "requested" | "repeated_failure" | "at_risk",
        "service_area": "waste" | "revenues" | "housing" | "planning" | "general",
        "priority": "normal" | "urgent",
        "summary": {"topic", "references": [...], "verified_identity": {...} | null,
                    "verified_cases": [...], "articles_shown": [...],
                    "failed_questions": [...], "risk": kind | null,
                    "subject": slug | null, "subject_title": title | null,
                    "language": "en" | "cy"}}}

The service area is the risk's, the task's or the account's, else the area of the
article the resident was shown. A resident who asks for a person before any of
these ("talk to a person about my council tax bill") said what it is about: the
knowledge base is asked with their words around the request (:func:`subject_query`),
and an article the decision policy would show gives the area and the summary's
``subject`` (its slug) and ``subject_title`` (its title, in the language it was
found in, for the advisor), so skills routing reaches the team that can help.

``verified_identity`` comes from the server-side grants (``actions.verification``)
and lists only accounts proved for account use (a token, or the full knowledge
check); a case-details check is listed apart in ``verified_cases`` and never
makes the resident "verified" in the console. Each grant says what was proved,
for what, how (method and which facts, never their values) and until when;
never balances or tokens.

Before it says anything, the action asks the handoff service who is available
now (``frontdoor.contracts.availability``): a person is promised only when one
can take the chat; otherwise the resident is told so once, with the opening
hours once, and offered to leave a message (``announced`` tells the service it
need not say it again). A resident at risk gets the emergency numbers first,
whatever the answer, and is queued as urgent, so the first person who can take
a chat sees theirs before anyone else's.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import messages
from actions.base import (
    FrontdoorAction,
    Services,
    current_identity,
    language,
    latest_intent,
    latest_text,
    slot_list,
    stop_form_events,
)
from actions.exceptions import KnowledgeUnavailable
from actions.knowledge_client import KnowledgeHit
from actions.questions import report_gap, worth_showing
from actions.risk import RiskKind, RiskSignal, detect_risk
from actions.verification import classify_reference
from backoffice import references
from backoffice.exceptions import InvalidReference
from frontdoor.contracts.availability import (
    AvailabilityAnswer,
    AvailabilityQuery,
    AvailabilityUnknown,
)
from frontdoor.contracts.handover import (
    GrantSummary,
    HandoverRequest,
    HandoverSummary,
    VerifiedIdentitySummary,
)
from frontdoor.contracts.review import MissSource
from frontdoor.contracts.service_areas import TASK_SERVICE_AREAS, Team, team_for_area, teams_of

logger = logging.getLogger("frontdoor.bot")

REQUESTED = "requested"
REPEATED_FAILURE = "repeated_failure"
AT_RISK = "at_risk"

_REFERENCE_SLOTS = ("case_reference", "planning_query", "verify_reference")


def risk_signal(tracker: Tracker) -> RiskSignal | None:
    signal = detect_risk(latest_text(tracker))
    if signal is None and latest_intent(tracker) == "at_risk":
        signal = RiskSignal(RiskKind.OTHER)
    return signal


def handoff_reason(tracker: Tracker, signal: RiskSignal | None) -> str:
    if signal is not None:
        return AT_RISK
    offered = tracker.get_slot("awaiting") == "offer_human"
    if tracker.get_slot("handoff_reason") == REPEATED_FAILURE and (
        offered or latest_intent(tracker) == "affirm"
    ):
        return REPEATED_FAILURE
    if int(tracker.get_slot("failed_answers") or 0) >= 2 and offered:
        return REPEATED_FAILURE
    return REQUESTED


def topic_of(tracker: Tracker, signal: RiskSignal | None) -> str:
    if signal is not None:
        return signal.kind.value
    task = tracker.get_slot("task") or tracker.get_slot("paused_task")
    if task == "verify" or (not task and tracker.get_slot("account_kind")):
        return tracker.get_slot("account_kind") or "account"
    if task:
        return str(task)
    if slot_list(tracker, "failed_questions") or slot_list(tracker, "articles_shown"):
        return "question"
    return "general"


def service_area_of(
    tracker: Tracker,
    signal: RiskSignal | None,
    topic: str,
    teams: Sequence[Team] | None = None,
    subject: KnowledgeHit | None = None,
) -> str:
    """The team to route to: the risk's, the task's, the shown article's, else the
    article the request named (``subject``: :func:`find_subject`)."""
    if signal is not None:
        return signal.service_area
    if topic in TASK_SERVICE_AREAS:
        return TASK_SERVICE_AREAS[topic]
    if topic == "case":
        return "general"
    shown = tracker.get_slot("service_area")
    return team_for_area(shown or (subject.service_area if subject else None), teams)


def _canonical(value: object) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    found = classify_reference(value)
    if found is not None:
        return found[1]
    for normalise in (references.planning_reference, references.booking_reference):
        try:
            return normalise(value)
        except InvalidReference:
            continue
    return None


def _verified(summary: dict[str, object] | None) -> VerifiedIdentitySummary | None:
    return VerifiedIdentitySummary.model_validate(summary) if summary else None


def _texts(values: list[Any]) -> list[str]:
    return [value for value in values if isinstance(value, str)]


def references_of(tracker: Tracker) -> list[str]:
    """Canonical references met in the conversation (for the advisor)."""
    found = [ref for ref in slot_list(tracker, "references_seen") if isinstance(ref, str)]
    for name in _REFERENCE_SLOTS:
        canonical = _canonical(tracker.get_slot(name))
        if canonical and canonical not in found:
            found.append(canonical)
    return found[-10:]


def ask_availability(services: Services, service_area: str, lang: str) -> AvailabilityAnswer | None:
    """Who can take the chat now; None when the handoff service did not say."""
    if services.availability is None:
        return None
    try:
        return services.availability.check(
            AvailabilityQuery(service_area=service_area, language="cy" if lang == "cy" else "en")
        )
    except AvailabilityUnknown as exc:
        logger.warning("availability unknown: %s", exc.cause)
        return None


def handover_text(signal: RiskSignal | None, now: AvailabilityAnswer | None) -> str:
    """What to tell the resident: true, and said once."""
    hours = now.opening_hours if now is not None and now.opening_hours else ""
    if signal is not None:
        advice = messages.RISK_ADVICE[signal.kind.value]
        if now is None or now.available:
            return f"{advice}\n{messages.HANDOFF_URGENT}"
        if now.verdict == "out_of_hours" and hours:
            return f"{advice}\n{messages.HANDOFF_URGENT_CLOSED.format(hours=hours)}"
        return f"{advice}\n{messages.HANDOFF_URGENT_NOBODY_FREE}"
    if now is None:
        return messages.HANDOFF_UNKNOWN
    if now.available:
        return messages.HANDOFF
    if now.verdict == "out_of_hours" and hours:
        return messages.HANDOFF_CLOSED.format(hours=hours)
    return messages.HANDOFF_NOBODY_FREE


# The words of a bare request for a person, in English and Welsh (with the mutations
# a request takes: "â pherson", "i rywun", "gynghorydd"). A message made only of
# these says nothing the editors or the bot could learn from.
_REQUEST_LINES = (
    "a an the to with i i'd id im i'm me my we us can could would will may please pls plz",
    "want wanna like need let get put connect through talk speak chat ring call phone",
    "contact person human someone somebody anyone anybody real live actual advisor adviser",
    "agent operator staff member team customer service services council officer now just",
    "right away straight help hi hello",
    "siarad â ag gyda efo person pherson berson rhywun rywun eisiau isio moyn rwyf rydw dw",
    "ydw i ga gaf gael cael hoffwn licien plîs plis os gwelwch yn dda cynghorydd gynghorydd",
    "ymgynghorydd aelod o staff tîm nawr rŵan helo shwmae",
)
_REQUEST_WORDS = frozenset(word for line in _REQUEST_LINES for word in line.split())
_TOKEN = re.compile(r"[\w']+")


def bare_request(text: str) -> bool:
    """Whether ``text`` only asks for a person ("Talk to a person", "Rwyf eisiau siarad
    â pherson"), with no word of what about."""
    tokens = _TOKEN.findall(text.lower().replace("\u2019", "'"))
    return bool(tokens) and all(token in _REQUEST_WORDS for token in tokens)


def own_words(tracker: Tracker) -> str | None:
    """The resident's latest message when it says something of their own: not a
    button, not a bare request for a person, not a bare "yes" or "no" to an offer."""
    text = latest_text(tracker).strip()
    if not text or text.startswith("/") or bare_request(text):
        return None
    if latest_intent(tracker) in {"affirm", "deny"}:
        return None
    return text


def subject_words(text: str) -> str:
    """``text`` without the request for a person before and after what it is about
    ("talk to a person about my council tax bill" -> "about my council tax bill").
    The request's words pull a search towards "contact us" (in Welsh above all:
    "Hoffwn siarad â rhywun am fy rhent" finds it, "am fy rhent" finds paying rent);
    the words in between stay as the resident wrote them."""
    text = text.replace("\u2019", "'")
    kept = [t for t in _TOKEN.finditer(text) if t.group().lower() not in _REQUEST_WORDS]
    return text[kept[0].start() : kept[-1].end()] if kept else ""


# Topics that name no service area: nothing in the conversation says which team.
_TOPICS_WITHOUT_AREA = frozenset({"general", "question"})


def subject_query(tracker: Tracker, reason: str, topic: str) -> str | None:
    """What to ask the knowledge base to learn what a request for a person is about,
    or None when there is nothing to ask: a resident at risk (their area is the
    risk's, and nothing may delay them), repeated failures, a conversation that
    already says the area (a task, an account, an article shown), or a message that
    says nothing of what about (a bare request, a button, "yes")."""
    if reason != REQUESTED or topic not in _TOPICS_WITHOUT_AREA:
        return None
    if tracker.get_slot("service_area"):
        return None
    words = own_words(tracker)
    return (subject_words(words) or None) if words else None


def find_subject(services: Services, query: str, lang: str) -> KnowledgeHit | None:
    """The article the request names, when the decision policy would show it as an
    answer (``actions.questions.worth_showing``); None otherwise, or when the
    knowledge base is unavailable (the handover goes to the general queue, as it
    would have without asking)."""
    try:
        answer = services.knowledge.search(query, language=lang, limit=3)
    except KnowledgeUnavailable:
        logger.warning("handover subject not searched: knowledge service unavailable")
        return None
    return worth_showing(answer)


def report_handover(
    services: Services, tracker: Tracker, reason: str, subject: KnowledgeHit | None = None
) -> None:
    """The resident's own words that sent the conversation to a person go to the
    review queue, with the article they named (``subject``) when one was found. Not a
    button, a bare request for a person (it would head the queue for ever, teaching
    nothing), a bare "yes" to an offer, or repeated failures (their questions were
    reported as they failed), and never an at-risk message: what a resident at risk
    says is for the advisor who answers, not for the editors."""
    text = own_words(tracker)
    if reason == REQUESTED and text is not None:
        closest = subject.slug if subject is not None else None
        report_gap(services, tracker, text, MissSource.HANDOVER, closest_slug=closest)


class Handoff(FrontdoorAction):
    """``action_handoff``: pass the conversation to a person, once, with a summary."""

    NAME = "action_handoff"
    RISK_GUARD = False

    def act(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        signal = risk_signal(tracker)
        reason = handoff_reason(tracker, signal)
        topic = topic_of(tracker, signal)
        identity = current_identity(self.services, tracker)
        lang = language(tracker)
        query = subject_query(tracker, reason, topic)
        subject = find_subject(self.services, query, lang) if query else None
        teams = teams_of(self.services.settings.council)
        area = service_area_of(tracker, signal, topic, teams, subject)
        now = ask_availability(self.services, area, lang)
        request = HandoverRequest(
            reason=reason,
            service_area=area,
            priority="urgent" if reason == AT_RISK else "normal",
            announced=now is not None and not now.available,
            summary=HandoverSummary(
                topic=topic,
                references=references_of(tracker),
                verified_identity=_verified(identity.summary()),
                verified_cases=[GrantSummary.model_validate(g) for g in identity.case_summary()],
                articles_shown=_texts(slot_list(tracker, "articles_shown")),
                failed_questions=_texts(slot_list(tracker, "failed_questions")),
                risk=signal.kind.value if signal else None,
                subject=subject.slug if subject else None,
                subject_title=subject.title if subject else None,
                language=lang,
            ),
        )
        report_handover(self.services, tracker, reason, subject)
        # One reply: the text travels inside the payload, so the channel sends one message.
        dispatcher.utter_message(
            json_message={"text": handover_text(signal, now), **request.payload()}
        )
        return [
            SlotSet("handoff_requested", True),
            SlotSet("handoff_reason", reason),
            SlotSet("awaiting", None),
            SlotSet("paused_task", None),
            SlotSet("task", None),
            *stop_form_events(tracker),
        ]
