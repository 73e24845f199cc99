"""A conversation's outcome, derived from its stored events alone (pure).

The same function runs when a conversation closes (``insight.store.record``)
and whenever anyone recomputes (``frontdoor insight verify``, the tests), so
the record and the recomputation always agree. Outcomes, in the order they
win:

- ``handed_over``: an advisor accepted it; ``reason`` says why it went to a
  person (``asked``, ``failed_twice``, ``at_risk``, ``out_of_scope``);
- ``left_message``: the resident left a message that became a case;
- ``abandoned_in_queue``: queued for a person and gone before anyone took it;
- ``contained``: the bot answered (or finished a task) and no person was needed;
- ``unresolved``: anything else (no useful answer, a "No" to "Did that help?"
  as the last word, a person asked for and none available, an empty chat).

Beside the outcome, the intents the bot's NLU read in the resident's messages
(the advisors-only ``understood`` events the relay stores): per intent, how
many messages and the sum of their confidences in thousandths (whole numbers,
so sums over the daily rollup equal sums over the rows exactly).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from insight.helpfulness import HelpfulVotes, helpful_votes

OUTCOMES = ("contained", "handed_over", "abandoned_in_queue", "left_message", "unresolved")
REASONS = ("asked", "failed_twice", "at_risk", "out_of_scope")

# the handover reasons the bot and the service write (actions.handover, handoff.states)
_REASON_OF = {
    "requested": "asked",
    "resident_request": "asked",
    "repeated_failure": "failed_twice",
    "at_risk": "at_risk",
}
UNAVAILABLE = frozenset({"out_of_hours", "no_advisors"})
# a bot reply that gives a council reference finished a task (a case, a booking)
_REFERENCE = re.compile(r"\b(?:BDC|BW)-?\d{6}\b")
_ARTICLE = re.compile(r"/articles/([a-z0-9-]+)")


def _article_of(links: Any) -> str | None:
    for link in links or ():
        if isinstance(link, dict):
            found = _ARTICLE.search(str(link.get("url", "")))
            if found:
                return found.group(1)[:40]
    return None


@dataclass(frozen=True, slots=True)
class EventFact:
    """What the derivation needs of one stored event (``ho_events``)."""

    seq: int
    kind: str
    at: datetime
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Outcome:
    outcome: str
    reason: str | None = None  # handed_over only
    # the service area it was handed to, else the first article the bot answered with
    topic: str = "general"
    resident_messages: int = 0
    bot_answers: int = 0  # bot replies with an article link or a finished task's reference
    helpful_yes: int = 0
    helpful_no: int = 0
    out_of_hours: bool = False  # told the team was closed
    wait_seconds: int | None = None  # queued → first accepted
    abandon_seconds: int | None = None  # queued → left the queue unserved
    handle_seconds: int | None = None  # time with advisors, summed
    advisor_messages: int = 0
    rating: int | None = None  # the resident's last stars (1-5)
    case_created: bool = False
    # (intent, messages, sum of confidences in thousandths), sorted by intent
    intents: tuple[tuple[str, int, int], ...] = ()


def _seconds(start: datetime, end: datetime) -> int:
    return max(0, round((end - start).total_seconds()))


def _left_at(data: dict[str, Any], queued_at: datetime, closed_at: datetime) -> datetime:
    """When a resident left the queue: a chat expired for their silence (handoff's
    ``expired``) says when they were last heard, up to ten minutes before it closed;
    anything else left when its event was written."""
    heard = data.get("resident_last_heard")
    if data.get("reason") != "expired" or not isinstance(heard, str):
        return closed_at
    try:
        moment = datetime.fromisoformat(heard)
    except ValueError:
        return closed_at
    if moment.tzinfo is None:
        return closed_at
    return min(max(moment, queued_at), closed_at)


def intent_of(data: dict[str, Any]) -> tuple[str, int] | None:
    """(intent, confidence in thousandths) of an ``understood`` event, None if malformed."""
    name, confidence = data.get("intent"), data.get("confidence")
    if not isinstance(name, str) or not name or isinstance(confidence, bool):
        return None
    if not isinstance(confidence, int | float):
        return None
    return name[:60], round(min(1.0, max(0.0, float(confidence))) * 1000)


def reason_of(raw: str | None) -> str:
    return _REASON_OF.get(raw or "", "out_of_scope")


def derive(events: Iterable[EventFact]) -> Outcome:
    """The outcome of one conversation from its events (any order; sorted by ``seq``)."""
    ordered = sorted(events, key=lambda e: e.seq)
    residents = bots = advisor_msgs = 0
    queued_at: datetime | None = None
    accepted = False
    wait: int | None = None
    abandon: int | None = None
    handle = 0
    with_advisor_since: datetime | None = None
    raw_reason: str | None = None
    topic = "general"
    article: str | None = None
    out_of_hours = unavailable_last = False
    left_message = case_created = False
    rating: int | None = None
    intents: dict[str, tuple[int, int]] = {}
    for event in ordered:
        data = event.data or {}
        if event.kind == "understood":
            found = intent_of(data)
            if found is not None:
                n, milli = intents.get(found[0], (0, 0))
                intents[found[0]] = (n + 1, milli + found[1])
        elif event.kind == "message":
            author = data.get("author")
            if author == "resident":
                residents += 1
                left_message = left_message or bool(data.get("left_message"))
            elif author == "bot":
                if data.get("links") or _REFERENCE.search(str(data.get("text", ""))):
                    bots += 1
                article = article or _article_of(data.get("links"))
            elif author == "advisor":
                advisor_msgs += 1
        elif event.kind == "handoff":
            raw_reason = data.get("reason") or raw_reason
            topic = str(data.get("service_area") or topic)
        elif event.kind == "notice" and data.get("code") in UNAVAILABLE:
            out_of_hours = out_of_hours or data.get("code") == "out_of_hours"
            unavailable_last = True
            if data.get("team"):
                topic = topic if topic != "general" else str(data.get("team"))
        elif event.kind == "case_created":
            case_created = True
        elif event.kind == "rating":
            stars = data.get("stars")
            if isinstance(stars, int) and 1 <= stars <= 5:
                rating = stars
        elif event.kind == "state":
            state, previous = data.get("state"), data.get("previous")
            if state == "waiting" and queued_at is None:
                queued_at = event.at
                unavailable_last = False
            elif state == "waiting":
                unavailable_last = False
            if state == "with_advisor":
                if not accepted and queued_at is not None:
                    wait = _seconds(queued_at, event.at)
                accepted = True
                with_advisor_since = event.at
            elif previous == "with_advisor" and with_advisor_since is not None:
                handle += _seconds(with_advisor_since, event.at)
                with_advisor_since = None
            left = previous == "waiting" and state in ("bot", "closed") and not accepted
            if left and queued_at is not None and data.get("reason") != "left_message":
                abandon = _seconds(queued_at, _left_at(data, queued_at, event.at))
    votes: HelpfulVotes = helpful_votes(ordered)
    if topic == "general" and article is not None:
        topic = article
    common: dict[str, Any] = {
        "topic": topic,
        "resident_messages": residents,
        "bot_answers": bots,
        "helpful_yes": votes.yes,
        "helpful_no": votes.no,
        "out_of_hours": out_of_hours,
        "rating": rating,
        "case_created": case_created,
        "advisor_messages": advisor_msgs,
        "intents": tuple((name, n, milli) for name, (n, milli) in sorted(intents.items())),
    }
    if accepted:
        return Outcome(
            "handed_over",
            reason=reason_of(raw_reason),
            wait_seconds=wait,
            handle_seconds=handle,
            **common,
        )
    if left_message and case_created:
        return Outcome("left_message", **common)
    if abandon is not None:
        return Outcome("abandoned_in_queue", abandon_seconds=abandon, **common)
    answered = bots > 0 or votes.yes > 0
    if answered and not unavailable_last and not votes.last_was_no:
        return Outcome("contained", **common)
    return Outcome("unresolved", **common)
