"""The one decision: follow the intent model, or answer from the knowledge base.

Pure and dependency-free (the Rasa environment, Python 3.10, imports it too:
``bot/knowledge_gate.py`` applies it to every parsed message, and
``actions/questions.py`` asks it whether a search result is good enough to show).

The rule, in order:

1. A risk the backstop patterns see (``actions/risk.py``) always goes to a person.
2. The model's ``at_risk`` is followed only with strong evidence; the patterns
   catch the real risks, so a weak ``at_risk`` on ordinary text does not jump the
   queue (it is answered from the knowledge base instead).
3. A knowledge intent (``ask_question``, ``out_of_scope``, ``nlu_fallback``) goes
   to the knowledge base.
4. A transaction, small-talk or control intent is followed when its evidence is
   strong (confidence and margin over the runner-up at least the kind's
   thresholds) and the knowledge search has no strong match - or, even then,
   when the evidence is *certain* (a resident saying "when is my bin day" also
   matches the bin-day article; the task is the better answer).
5. Everything else is answered from the knowledge base.

The thresholds are calibrated by ``benchmarks/policy_calibrate.py`` on messages
the model never trained on (``benchmarks/data/bot_nlu_heldout.yml``,
``bot_oos.txt`` and the search calibration questions); paste its output into
``CALIBRATED`` below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

TRANSACTIONS = frozenset(
    {
        "ask_bin_day",
        "report_missed_bin",
        "ask_bulky_prices",
        "book_bulky_waste",
        "ask_case_status",
        "ask_council_tax_balance",
        "ask_rent_balance",
        "ask_planning_status",
    }
)
SMALL_TALK = frozenset({"greet", "goodbye", "thank", "bot_challenge", "what_can_you_do"})
CONTROL = frozenset({"start_over", "stop", "affirm", "deny", "inform", "human"})
RISK = "at_risk"
KNOWLEDGE = frozenset({"ask_question", "out_of_scope", "nlu_fallback"})
KNOWLEDGE_INTENT = "ask_question"

# Kinds of intent, for thresholds and reports.
TRANSACTION_KIND = "transaction"
SMALL_TALK_KIND = "small_talk"
CONTROL_KIND = "control"
RISK_KIND = "at_risk"
KNOWLEDGE_KIND = "knowledge"

# Routes
FOLLOW = "follow"  # do what the intent says
ANSWER = "knowledge"  # answer from the knowledge base
HANDOVER_AT_RISK = "at_risk"  # a person, first in the queue


def kind_of(intent: str | None) -> str:
    if intent in TRANSACTIONS:
        return TRANSACTION_KIND
    if intent in SMALL_TALK:
        return SMALL_TALK_KIND
    if intent in CONTROL:
        return CONTROL_KIND
    if intent == RISK:
        return RISK_KIND
    return KNOWLEDGE_KIND


@dataclass(frozen=True)
class Gate:
    """Follow an intent of one kind when confidence >= ``confidence`` and the margin
    over the runner-up >= ``margin``; follow it over a strong knowledge match only
    when confidence >= ``certain``."""

    confidence: float
    margin: float
    certain: float


@dataclass(frozen=True)
class Thresholds:
    gates: dict[str, Gate] = field(default_factory=dict)
    # a knowledge search match at least this strong answers the message
    strong_match: float = 0.6
    # a result shown as an answer needs at least this score (or the service's own
    # "good answer" verdict)
    answer_score: float = 0.3

    def gate(self, kind: str) -> Gate:
        return self.gates.get(kind, Gate(confidence=1.01, margin=1.01, certain=1.01))


@dataclass(frozen=True)
class Search:
    """What the knowledge search said about the message (None: not asked / unavailable)."""

    score: float
    no_good_answer: bool


@dataclass(frozen=True)
class Evidence:
    ranking: Sequence[tuple[str, float]]  # (intent, confidence), best first
    search: Search | None = None
    risk_pattern: bool = False  # actions.risk.detect_risk saw a risk
    has_entities: bool = False  # a postcode or council reference was found


@dataclass(frozen=True)
class Decision:
    route: str  # FOLLOW, ANSWER or HANDOVER_AT_RISK
    intent: str  # the intent the dialogue should act on
    reason: str


def strong_match(search: Search | None, thresholds: Thresholds) -> bool:
    return (
        search is not None and not search.no_good_answer and search.score >= thresholds.strong_match
    )


def answer_is_good(search: Search, thresholds: Thresholds) -> bool:
    """Whether a search result is worth showing: the service's own verdict, or a
    score at least ``answer_score`` (long and indirect wording lowers the dense
    cosine the service's verdict rests on, while the right article still ranks
    first)."""
    return (not search.no_good_answer) or search.score >= thresholds.answer_score


def decide(evidence: Evidence, thresholds: Thresholds) -> Decision:
    ranking = list(evidence.ranking)
    top, confidence = ranking[0] if ranking else ("nlu_fallback", 0.0)
    runner_up = ranking[1][1] if len(ranking) > 1 else 0.0
    margin = confidence - runner_up
    if evidence.risk_pattern:
        return Decision(HANDOVER_AT_RISK, RISK, "risk pattern")
    kind = kind_of(top)
    if kind == KNOWLEDGE_KIND:
        return Decision(ANSWER, KNOWLEDGE_INTENT, f"knowledge intent {top}")
    gate = thresholds.gate(kind)
    # a reference or postcode in the message is evidence for the task it belongs to
    strong = evidence.has_entities and kind in (TRANSACTION_KIND, CONTROL_KIND)
    strong = strong or (confidence >= gate.confidence and margin >= gate.margin)
    if not strong:
        return Decision(ANSWER, KNOWLEDGE_INTENT, f"weak {top} ({confidence:.2f}, {margin:.2f})")
    if kind == RISK_KIND:
        return Decision(HANDOVER_AT_RISK, RISK, f"at_risk {confidence:.2f}")
    if strong_match(evidence.search, thresholds) and confidence < gate.certain:
        return Decision(ANSWER, KNOWLEDGE_INTENT, f"strong match over {top} ({confidence:.2f})")
    return Decision(FOLLOW, top, f"{top} ({confidence:.2f}, {margin:.2f})")


# Calibrated by benchmarks/policy_calibrate.py on 660 messages (309 intents, 351
# knowledge) with model frontdoor-323a462833ee6d68: right decisions 0.930; of 244
# out-of-scope messages 2 go to a transaction, 1 at risk, 1 to a person.
CALIBRATED = Thresholds(
    gates={
        TRANSACTION_KIND: Gate(confidence=0.3, margin=0.45, certain=0.8),
        SMALL_TALK_KIND: Gate(confidence=0.3, margin=0.5, certain=0.8),
        CONTROL_KIND: Gate(confidence=0.7, margin=0.0, certain=0.95),
        RISK_KIND: Gate(confidence=0.6, margin=0.0, certain=0.8),
    },
    strong_match=0.635,
    answer_score=0.505,
)
