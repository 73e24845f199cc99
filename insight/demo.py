"""About 90 days of invented Bramblefield conversations, for a living dashboard.

Deterministic for a given seed and "today": busier Mondays, quiet Sundays, a
morning and an evening peak, Welsh in about one chat in twelve, and a few bad
days (a staff shortage with long waits and people giving up; a morning the
bot was down). Each conversation is a list of events exactly as the handoff
service stores them, so its outcome comes from :func:`insight.outcomes.derive`
like any other and the recorded outcome equals the recomputed one.
"""

# ruff: noqa: E501 - the invented phrases read better one per line than wrapped
from __future__ import annotations

import random
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from frontdoor.clock import LONDON
from frontdoor.contracts.service_areas import team_for_area

DAYS = 90
DEMO_PAGE = "https://www.bramblefield.gov.uk/ (demo data)"
WEEKDAY_VOLUME = (58, 50, 48, 46, 40, 19, 15)  # Monday … Sunday
HOUR_WEIGHTS = {7: 2, 8: 5, 9: 9, 10: 10, 11: 9, 12: 7, 13: 8, 14: 8, 15: 7, 16: 6, 17: 5,
                18: 5, 19: 6, 20: 6, 21: 4, 22: 2, 23: 1}  # fmt: skip
AREAS = (("waste", 30), ("council_tax", 22), ("housing", 16), ("planning", 10),
         ("benefits", 8), ("elections", 4), ("parking", 4), ("general", 6))  # fmt: skip
QUESTIONS = {
    "waste": ("When is my bin collected?", "My bin wasn't emptied", "Can I book a bulky collection?"),
    "council_tax": ("What is my council tax balance?", "How do I pay council tax?", "Can I get a single person discount?"),
    "housing": ("I need a repair in my flat", "What is my rent balance?", "I'm worried about losing my home"),
    "planning": ("Do I need planning permission for a fence?", "What's happening with my application?"),
    "benefits": ("How do I apply for housing benefit?", "Has my claim been decided?"),
    "elections": ("How do I register to vote?", "Can I vote by post?"),
    "parking": ("How do I appeal a parking fine?", "Where can I get a resident permit?"),
    "general": ("How do I contact the council?", "Who do I talk to about a noise complaint?"),
}  # fmt: skip
WELSH = {"waste": "Pryd mae fy miniau'n cael eu casglu?", "council_tax": "Beth yw fy malans treth gyngor?",
         "housing": "Mae angen atgyweirio fy nhŷ", "general": "Sut ydw i'n cysylltu â'r cyngor?"}  # fmt: skip
ARTICLES = {
    "waste": "bin-collection-days", "council_tax": "pay-council-tax", "housing": "report-a-repair",
    "planning": "do-i-need-planning-permission", "benefits": "housing-benefit",
    "elections": "register-to-vote", "parking": "appeal-a-parking-fine", "general": "contact-us",
}  # fmt: skip
# what the bot's NLU reads in each question (bot/domain.yml's intents)
INTENT_OF = {
    "When is my bin collected?": "ask_bin_day", "My bin wasn't emptied": "report_missed_bin",
    "Can I book a bulky collection?": "book_bulky_waste",
    "What is my council tax balance?": "ask_council_tax_balance",
    "What is my rent balance?": "ask_rent_balance", "I'm worried about losing my home": "at_risk",
    "What's happening with my application?": "ask_planning_status",
    "Has my claim been decided?": "ask_case_status",
    "Pryd mae fy miniau'n cael eu casglu?": "ask_bin_day",
    "Beth yw fy malans treth gyngor?": "ask_council_tax_balance",
}  # fmt: skip
BOT = "Bramblefield assistant"
HELP_BUTTONS = [{"title": "Yes, thanks", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


@dataclass
class DemoConversation:
    id: str
    created_at: datetime
    language: str
    area: str
    events: list[dict[str, Any]] = field(default_factory=list)
    team: str | None = None
    state: str = "closed"
    closed_at: datetime | None = None
    close_outcome: str | None = None
    rating: int | None = None
    advisor: int | None = None
    assignment: tuple[datetime, datetime] | None = None
    case_reference: str | None = None
    queued_at: datetime | None = None

    def add(self, kind: str, at: datetime, **data: Any) -> datetime:
        audience = (
            "advisors"
            if kind in ("note", "handoff", "transfer", "closed_outcome", "understood")
            else "all"
        )
        self.events.append(
            {
                "conversation_id": self.id,
                "seq": len(self.events) + 1,
                "kind": kind,
                "audience": audience,
                "author": data.get("author") if kind == "message" else None,
                "data": data,
                "client_id": None,
                "at": at,
                "bot_pending": False,
                "bot_claimed_at": None,
            }
        )
        return at

    def understood(self, at: datetime, intent: str, *, sure: bool = True) -> None:
        """What the bot's NLU read in the resident's last message (as the relay stores it).
        Confidences come from a generator of the conversation's own, so adding them left
        every other draw of the demo as it was."""
        rng = random.Random(f"{self.id}-{len(self.events)}")
        if intent in ("affirm", "deny"):
            confidence = 1.0  # a button's payload
        elif sure:
            confidence = (
                rng.uniform(0.62, 0.99) if self.language == "en" else rng.uniform(0.45, 0.9)
            )
        else:
            confidence = rng.uniform(0.18, 0.42)
        seq = len(self.events)  # the resident's message is the last event so far
        self.add("understood", at, intent=intent, confidence=round(confidence, 4), seq=seq)


@dataclass(frozen=True)
class BadDay:
    day_offset: int  # days before today
    kind: str  # "short_staffed" | "bot_down"


BAD_DAYS = (BadDay(12, "short_staffed"), BadDay(40, "bot_down"), BadDay(41, "short_staffed"),
            BadDay(67, "short_staffed"))  # fmt: skip


def _team_open(moment: datetime) -> bool:
    local = moment.astimezone(LONDON)
    if local.weekday() >= 5:
        return local.weekday() == 5 and time(9) <= local.time() < time(12)
    return time(8, 30) <= local.time() < time(17)


def generate(
    today: date, *, rng_seed: int, advisors: Sequence[int], days: int = DAYS
) -> Iterator[DemoConversation]:
    rng = random.Random(rng_seed)
    bad = {today - timedelta(days=b.day_offset): b.kind for b in BAD_DAYS}
    hours = list(HOUR_WEIGHTS)
    weights = list(HOUR_WEIGHTS.values())
    for back in range(days, 0, -1):
        day = today - timedelta(days=back)
        volume = max(3, round(WEEKDAY_VOLUME[day.weekday()] * rng.uniform(0.8, 1.2)))
        for _ in range(volume):
            hour = rng.choices(hours, weights)[0]
            local = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), LONDON)
            yield _conversation(rng, local.astimezone(UTC), bad.get(day), advisors)


def _conversation(
    rng: random.Random, start: datetime, bad: str | None, advisors: Sequence[int]
) -> DemoConversation:
    area = rng.choices([a for a, _ in AREAS], [w for _, w in AREAS])[0]
    welsh = rng.random() < 0.08
    conv = DemoConversation(
        uuid.UUID(int=rng.getrandbits(128)).hex, start, "cy" if welsh else "en", area
    )
    t = start
    question = WELSH.get(area, WELSH["general"]) if welsh else rng.choice(QUESTIONS[area])
    t = conv.add("message", t, author="resident", author_name="You", text=question, buttons=[],
                 links=[], client_id=None)  # fmt: skip
    asked = INTENT_OF.get(question, "ask_question")
    t += timedelta(seconds=rng.randint(1, 4))
    roll = rng.random()
    if bad == "bot_down" and roll < 0.7:
        conv.add("notice", t, code="bot_unavailable", text="Sorry, the assistant is not answering.",
                 can_request_human=True)  # fmt: skip
        if rng.random() < 0.5:
            return _handover(
                rng, conv, t + timedelta(seconds=20), "resident_request", bad, advisors
            )
        return _close(conv, t + timedelta(minutes=1))
    at_risk = area == "housing" and rng.random() < 0.08
    if at_risk:
        conv.understood(t, "at_risk")
        return _handover(rng, conv, t, "at_risk", bad, advisors)
    p_answer = 0.74 if not welsh else 0.66
    if roll < p_answer + 0.12:
        conv.understood(t, "at_risk" if asked == "at_risk" and roll >= p_answer else asked)
    elif roll < p_answer + 0.16:
        conv.understood(t, "out_of_scope", sure=False)
    else:
        conv.understood(t, "nlu_fallback", sure=False)
    if roll < p_answer:
        slug = ARTICLES[area]
        t = conv.add("message", t, author="bot", author_name=BOT, buttons=[],
                     text="Here is what I found.", client_id=None,
                     links=[{"title": slug.replace("-", " ").capitalize(),
                             "url": f"http://localhost:8000/articles/{slug}"}])  # fmt: skip
        t = conv.add("message", t, author="bot", author_name=BOT, text="Did that help?",
                     buttons=HELP_BUTTONS, links=[], client_id=None)  # fmt: skip
        t += timedelta(seconds=rng.randint(10, 90))
        helped = rng.random() < (0.82 if slug != "do-i-need-planning-permission" else 0.55)
        conv.add("message", t, author="resident", author_name="You",
                 text="Yes, thanks" if helped else "No", payload="/affirm" if helped else "/deny",
                 buttons=[], links=[], client_id=None)  # fmt: skip
        conv.understood(t, "affirm" if helped else "deny")
        if helped:
            return _close(conv, t + timedelta(seconds=30))
        if rng.random() < 0.5:
            return _handover(rng, conv, t + timedelta(seconds=5), "repeated_failure", bad, advisors)
        return _close(conv, t + timedelta(seconds=40))
    if roll < p_answer + 0.12:
        return _handover(rng, conv, t, "requested", bad, advisors)
    if roll < p_answer + 0.16:
        return _handover(rng, conv, t, "out_of_scope", bad, advisors)
    conv.add("message", t, author="bot", author_name=BOT, buttons=[], links=[], client_id=None,
             text="Sorry, I couldn't find a good answer to that. Could you ask it another way?")  # fmt: skip
    return _close(conv, t + timedelta(minutes=2))


def _handover(
    rng: random.Random,
    conv: DemoConversation,
    t: datetime,
    reason: str,
    bad: str | None,
    advisors: Sequence[int],
) -> DemoConversation:
    team = team_for_area(conv.area)
    conv.team = team
    if not _team_open(t) or not advisors:
        conv.add("notice", t, code="out_of_hours", team=team, can_leave_message=True,
                 text="Our advisors are not available right now. You can leave a message.")  # fmt: skip
        if rng.random() < 0.6:
            t += timedelta(minutes=rng.randint(1, 4))
            conv.add("message", t, author="resident", author_name="You", left_message=True,
                     text="Please call me back about this.", buttons=[], links=[],
                     client_id=None)  # fmt: skip
            conv.case_reference = "pending"
            conv.add("case_created", t, reference="pending",
                     text="Thank you. Your message has been passed on.")  # fmt: skip
        return _close(conv, t + timedelta(seconds=30))
    conv.add("handoff", t, service_area=conv.area, priority="urgent" if reason == "at_risk" else "normal",
             reason=reason, summary="")  # fmt: skip
    previous_reason = "resident_request" if reason == "requested" else "bot_handoff"
    conv.add("state", t, state="waiting", previous="bot", reason=previous_reason)
    conv.queued_at = t
    scale = 5.0 if bad == "short_staffed" else 1.0
    wait = rng.lognormvariate(3.7, 0.8) * scale  # median about 40 s
    give_up = rng.lognormvariate(5.3, 0.6)  # people leave after about 3 minutes
    if reason != "at_risk" and give_up < wait:
        t += timedelta(seconds=give_up)
        if rng.random() < 0.5:
            conv.add("state", t, state="bot", previous="waiting", reason="left_queue")
            return _close(conv, t + timedelta(seconds=20))
        conv.add("state", t, state="closed", previous="waiting", reason="closed_by_resident")
        conv.closed_at, conv.close_outcome = t, "resident_left"
        conv.add("rating_request", t, text="How did we do?")
        return conv
    t += timedelta(seconds=wait)
    advisor = rng.choice(list(advisors))
    conv.advisor = advisor
    conv.add("state", t, state="with_advisor", previous="waiting", reason="accepted")
    joined = t
    conv.add("advisor_joined", t, first_name="Advisor")
    for _ in range(rng.randint(2, 5)):
        t += timedelta(seconds=rng.randint(30, 150))
        conv.add("message", t, author="advisor", author_name="Advisor", buttons=[], links=[],
                 text="Let me look into that for you.", client_id=None)  # fmt: skip
        t += timedelta(seconds=rng.randint(20, 120))
        conv.add("message", t, author="resident", author_name="You", buttons=[], links=[],
                 text="Thank you.", client_id=None)  # fmt: skip
    t += timedelta(seconds=rng.randint(20, 90))
    conv.add("closed_outcome", t, outcome="resolved", note="")
    conv.add("advisor_left", t, first_name="Advisor", reason="closed")
    conv.add("state", t, state="closed", previous="with_advisor", reason="closed_by_advisor")
    conv.add("rating_request", t, text="How did we do?")
    conv.closed_at, conv.close_outcome = t, "resolved"
    conv.assignment = (joined, t)
    if rng.random() < 0.55:
        stars = rng.choices(
            (5, 4, 3, 2, 1), (52, 26, 10, 6, 6) if not bad else (25, 25, 20, 15, 15)
        )[0]
        t += timedelta(seconds=rng.randint(5, 60))
        conv.add("rating", t, stars=stars, comment="")
        conv.rating = stars
    return conv


def _close(conv: DemoConversation, t: datetime) -> DemoConversation:
    previous = "bot"
    conv.add("state", t, state="closed", previous=previous, reason="closed_by_resident")
    conv.add("rating_request", t, text="How did we do?")
    conv.closed_at, conv.close_outcome = t, "resident_left"
    return conv
