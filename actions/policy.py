"""The one decision: follow the intent model, or answer from the knowledge base.

Pure (the Rasa environment, Python 3.10, imports it too: ``bot/decision_policy.py``
applies it to every message where the dialogue state is known, and
``actions/questions.py`` asks it whether a search result is good enough to show).

The rule, in order:

1. A risk the backstop patterns see (``actions/risk.py``) always goes to a person,
   inside a form or not.
2. Inside an active form that read the message as its answer, the form has it:
   a slot answer ("whenever", "black bin", a postcode) is never searched. The
   form's slot mappings read a message as its answer unless the intent model is
   sure it is something else (its fallback threshold, bot/config.yml).
3. Inside a form that did not take the message, the form's rules stand: a
   question is answered and the form resumes; another task, a person or small
   talk is followed.
4. Outside forms, the model's ``at_risk`` is followed only with strong evidence
   (the patterns catch the real risks); a knowledge intent (``ask_question``,
   ``out_of_scope``, ``nlu_fallback``) goes to the knowledge base; a
   transaction, small-talk or control intent is followed when its evidence is
   strong (confidence and margin over the runner-up at least the kind's
   thresholds) and the knowledge search has no strong match (a result worth
   showing that scores at least the ``strong_match`` of the language it searched
   in, whatever the service's own verdict) - or, even then, when the evidence
   is *certain* (a resident saying "when is my bin day" also matches the
   bin-day article; the task is the better answer).
5. Everything else is answered from the knowledge base.

Each intent's kind comes from one table, ``bot/intent_kinds.yml``: a new task's
intent plugs in there, with no code. The thresholds are calibrated by
``benchmarks/policy_calibrate.py`` on messages the model never trained on
(``benchmarks/data/bot_nlu_heldout.yml``, ``bot_oos.txt``, the search
calibration questions and ``policy_calibration.yaml``: knowledge questions in a
task's words, task requests phrased indirectly); its ``--write`` puts its output
into ``CALIBRATED`` below.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

INTENT_KINDS_FILE = Path(__file__).resolve().parent.parent / "bot" / "intent_kinds.yml"
FALLBACK_INTENT = "nlu_fallback"
RISK = "at_risk"
KNOWLEDGE_INTENT = "ask_question"

# Kinds of intent, for thresholds and reports.
TRANSACTION_KIND = "transaction"
SMALL_TALK_KIND = "small_talk"
CONTROL_KIND = "control"
RISK_KIND = "at_risk"
KNOWLEDGE_KIND = "knowledge"
KINDS = (TRANSACTION_KIND, SMALL_TALK_KIND, CONTROL_KIND, RISK_KIND, KNOWLEDGE_KIND)

# Routes
FOLLOW = "follow"  # do what the intent says
ANSWER = "knowledge"  # answer from the knowledge base
HANDOVER_AT_RISK = "at_risk"  # a person, first in the queue
FORM = "form"  # the active form has the message as its answer


def intent_kinds_from(
    table: Mapping[str, Iterable[str] | None], *, source: str = "intent kinds"
) -> dict[str, str]:
    """``{intent: kind}`` from ``{kind: [intent, ...]}``; an unknown kind or an
    intent listed twice is a configuration error."""
    kinds: dict[str, str] = {}
    for kind, intents in table.items():
        if kind not in KINDS:
            raise ValueError(f"{source}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
        for intent in intents or ():
            if intent in kinds:
                raise ValueError(f"{source}: {intent!r} is both {kinds[intent]} and {kind}")
            kinds[str(intent)] = kind
    return kinds


def load_intent_kinds(path: Path = INTENT_KINDS_FILE) -> dict[str, str]:
    return intent_kinds_from(yaml.safe_load(path.read_text("utf-8")) or {}, source=str(path))


INTENT_KINDS = load_intent_kinds()


def intents_of(kind: str, kinds: Mapping[str, str] = INTENT_KINDS) -> frozenset[str]:
    return frozenset(intent for intent, k in kinds.items() if k == kind)


TRANSACTIONS = intents_of(TRANSACTION_KIND)
SMALL_TALK = intents_of(SMALL_TALK_KIND)
# Entities that identify a task (not bin types or bulky items, which questions share):
# the decision policy, and the benchmarks that replay it, read "has_entities" from these.
TASK_ENTITIES = frozenset(
    {
        "postcode",
        "case_reference",
        "council_tax_reference",
        "tenancy_reference",
        "planning_reference",
        "booking_reference",
    }
)
CONTROL = intents_of(CONTROL_KIND)
KNOWLEDGE = intents_of(KNOWLEDGE_KIND)


def kind_of(intent: str | None, kinds: Mapping[str, str] = INTENT_KINDS) -> str:
    """The intent's kind from the table: no intent is knowledge, and an intent the
    table does not list is a transaction (the strict gate, never a free pass)."""
    if intent is None:
        return KNOWLEDGE_KIND
    return kinds.get(intent, TRANSACTION_KIND)


def classifier_ranking(ranking: Iterable[tuple[str, float]]) -> list[tuple[str, float]]:
    """The classifier's own ranking, best first, without the fallback
    classifier's ``nlu_fallback`` entry."""
    return sorted(
        ((name, conf) for name, conf in ranking if name != FALLBACK_INTENT),
        key=lambda pair: -pair[1],
    )


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
    # ``strong_match`` for a search in another language ({"cy": 0.85}): the same
    # question scores higher in Welsh than in English, so one score would let a
    # Welsh result beat a task or a person that English keeps; a language not
    # listed uses ``strong_match``
    strong_match_by_language: dict[str, float] = field(default_factory=dict)

    def gate(self, kind: str) -> Gate:
        return self.gates.get(kind, Gate(confidence=1.01, margin=1.01, certain=1.01))

    def strong_match_in(self, language: str) -> float:
        return self.strong_match_by_language.get(language, self.strong_match)


@dataclass(frozen=True)
class Search:
    """What the knowledge search said about the message (None: not asked /
    unavailable), and the language it searched in."""

    score: float
    no_good_answer: bool
    language: str = "en"


@dataclass(frozen=True)
class Form:
    """The dialogue state: an active form, and whether its slot mappings read the
    latest message as the answer to the slot it asked for."""

    name: str
    took_message: bool


@dataclass(frozen=True)
class Evidence:
    ranking: Sequence[tuple[str, float]]  # the classifier's (intent, confidence), best first
    search: Search | None = None
    risk_pattern: bool = False  # actions.risk.detect_risk saw a risk
    has_entities: bool = False  # a postcode or council reference was found
    form: Form | None = None  # the active form, if any


@dataclass(frozen=True)
class Decision:
    route: str  # FOLLOW, ANSWER, HANDOVER_AT_RISK or FORM
    intent: str  # the intent the dialogue should act on
    reason: str


def strong_match(search: Search | None, thresholds: Thresholds) -> bool:
    """Whether the search's top result is strong enough to answer over a task: a
    result worth showing (:func:`answer_is_good`) scoring at least the
    ``strong_match`` of the language it searched in.
    Not the service's own verdict alone: it rests on the dense cosine, which long
    and indirect wording lowers while the right article still ranks first, so a
    resident describing a repair in their own words would otherwise be put into a
    task's form."""
    return (
        search is not None
        and answer_is_good(search, thresholds)
        and search.score >= thresholds.strong_match_in(search.language)
    )


def answer_is_good(search: Search, thresholds: Thresholds) -> bool:
    """Whether a search result is worth showing: the service's own verdict, or a
    score at least ``answer_score`` (long and indirect wording lowers the dense
    cosine the service's verdict rests on, while the right article still ranks
    first)."""
    return (not search.no_good_answer) or search.score >= thresholds.answer_score


def _top(ranking: Sequence[tuple[str, float]]) -> tuple[str, float, float]:
    top, confidence = ranking[0] if ranking else (FALLBACK_INTENT, 0.0)
    runner_up = ranking[1][1] if len(ranking) > 1 else 0.0
    return top, confidence, confidence - runner_up


def passes_gate(
    kind: str, confidence: float, margin: float, has_entities: bool, thresholds: Thresholds
) -> bool:
    """Whether an intent of this kind has the evidence to be followed: confidence and
    margin over the runner-up at least its kind's gate, or, for a task or a control
    intent, a reference or postcode in the message (evidence for the task it belongs to)."""
    if has_entities and kind in (TRANSACTION_KIND, CONTROL_KIND):
        return True
    gate = thresholds.gate(kind)
    return confidence >= gate.confidence and margin >= gate.margin


def weak_intent(
    ranking: Iterable[tuple[str, float]], has_entities: bool, thresholds: Thresholds
) -> bool:
    """Whether the classifier's top intent lacks the evidence to be followed (a
    knowledge intent is never weak: it is answered from the knowledge base anyway).
    ``bot/intent_gate.py`` turns such an intent into ``nlu_fallback`` for the
    intents that would end or divert a form, so a form keeps its answer."""
    top, confidence, margin = _top(classifier_ranking(ranking))
    kind = kind_of(top)
    return kind != KNOWLEDGE_KIND and not passes_gate(
        kind, confidence, margin, has_entities, thresholds
    )


def decide(evidence: Evidence, thresholds: Thresholds) -> Decision:
    top, confidence, margin = _top(evidence.ranking)
    if evidence.risk_pattern:
        return Decision(HANDOVER_AT_RISK, RISK, "risk pattern")
    kind = kind_of(top)
    form = evidence.form
    if form is not None and form.took_message:
        return Decision(FORM, top, f"the answer to {form.name}")
    if form is not None:
        if kind == KNOWLEDGE_KIND:
            return Decision(ANSWER, KNOWLEDGE_INTENT, f"a question during {form.name}")
        if kind == RISK_KIND:
            return Decision(HANDOVER_AT_RISK, RISK, f"at_risk during {form.name}")
        return Decision(FOLLOW, top, f"{top} during {form.name}")
    if kind == KNOWLEDGE_KIND:
        return Decision(ANSWER, KNOWLEDGE_INTENT, f"knowledge intent {top}")
    if not passes_gate(kind, confidence, margin, evidence.has_entities, thresholds):
        return Decision(ANSWER, KNOWLEDGE_INTENT, f"weak {top} ({confidence:.2f}, {margin:.2f})")
    if kind == RISK_KIND:
        return Decision(HANDOVER_AT_RISK, RISK, f"at_risk {confidence:.2f}")
    if strong_match(evidence.search, thresholds) and confidence < thresholds.gate(kind).certain:
        return Decision(ANSWER, KNOWLEDGE_INTENT, f"strong match over {top} ({confidence:.2f})")
    return Decision(FOLLOW, top, f"{top} ({confidence:.2f}, {margin:.2f})")


def needs_search(evidence: Evidence, thresholds: Thresholds) -> bool:
    """Whether the knowledge search could change the decision: only when, without
    it, a strong but not certain intent would be followed (the search costs a
    round trip; a question goes to the knowledge base anyway)."""
    decision = decide(evidence, thresholds)
    if decision.route != FOLLOW or evidence.form is not None:
        return False
    _, confidence, _ = _top(evidence.ranking)
    return confidence < thresholds.gate(kind_of(decision.intent)).certain


# Calibrated by benchmarks/policy_calibrate.py on 660 messages (309 intents, 351
# knowledge) with model frontdoor-875d08e6ff75ec2f.tar.gz and the fallback threshold
# 0.7: right decisions 0.920; of 244 out-of-scope messages 2 go to a transaction, 0 at
# risk, 0 to a person. Recalibrated on 2026-12-07 on 912 messages (348 intents, 564
# knowledge; with long, indirect, misspelt and Welsh questions and 40 hard negatives)
# with model frontdoor-a420010b10e5cfaa: answer_score stays 0.504 (the right top hits
# the service refuses score 0.47-0.76 there, out-of-scope results up to 0.75); the
# gates and strong_match it chose (right decisions 0.906 -> 0.909) were not adopted:
# bot_outcomes.py overall 0.878 -> 0.881 and knowledge gap 2.6 -> 1.9 points, but
# handover 1.000 -> 0.923 and Welsh 0.917 -> 0.889 (see benchmarks/README.md).
# Recalibrated again on 977 messages (413 intents: 50 Welsh task and person requests,
# 15 more indirect English ones), fitting strong_match per language: no Welsh score of
# its own makes more right decisions than the shared one (Welsh requests the model
# misses are taken as questions, not beaten by a match), so none is set; the shared
# 0.799 and gates it chose (right decisions 0.879 -> 0.882) were not adopted:
# bot_outcomes.py overall 0.878 -> 0.885 (out of scope 0.955 -> 1.000, every other
# kind and Welsh 0.917 unchanged) but the knowledge gap stays 2.6 points, and its
# small-talk gate (confidence 0.85 -> 0.95) drops bot_clinc.py's small talk from 0.913
# to 0.848, under the 0.90 target: the calibration set holds too little small talk to
# set that gate (CLINC's train split could supply it).
CALIBRATED = Thresholds(
    gates={
        TRANSACTION_KIND: Gate(confidence=0.7, margin=0.4, certain=1.01),
        SMALL_TALK_KIND: Gate(confidence=0.85, margin=0.5, certain=1.01),
        CONTROL_KIND: Gate(confidence=0.75, margin=0.5, certain=1.01),
        RISK_KIND: Gate(confidence=0.95, margin=0.5, certain=1.01),
    },
    strong_match=0.823,
    answer_score=0.504,
)
