"""The decision policy (actions/policy.py): one table of cases, one per rule."""

from __future__ import annotations

import pytest

from actions import policy
from actions.policy import ANSWER, FOLLOW, HANDOVER_AT_RISK, Evidence, Gate, Search, Thresholds

T = Thresholds(
    gates={
        policy.TRANSACTION_KIND: Gate(confidence=0.7, margin=0.3, certain=0.95),
        policy.SMALL_TALK_KIND: Gate(confidence=0.6, margin=0.2, certain=0.9),
        policy.CONTROL_KIND: Gate(confidence=0.5, margin=0.1, certain=0.8),
        policy.RISK_KIND: Gate(confidence=0.9, margin=0.5, certain=0.0),
    },
    strong_match=0.6,
    answer_score=0.3,
)
STRONG = Search(score=0.8, no_good_answer=False)
WEAK = Search(score=0.2, no_good_answer=True)
REFUSED_BUT_HIGH = Search(score=0.7, no_good_answer=True)

CASES = [
    # (name, ranking, search, risk pattern, entities, route, intent)
    (
        "risk pattern beats everything",
        [("greet", 0.99)],
        None,
        True,
        False,
        HANDOVER_AT_RISK,
        "at_risk",
    ),
    (
        "strong at_risk is followed",
        [("at_risk", 0.95), ("human", 0.01)],
        None,
        False,
        False,
        HANDOVER_AT_RISK,
        "at_risk",
    ),
    (
        "weak at_risk goes to knowledge",
        [("at_risk", 0.85), ("ask_question", 0.1)],
        None,
        False,
        False,
        ANSWER,
        "ask_question",
    ),
    (
        "knowledge intent",
        [("ask_question", 0.4), ("greet", 0.3)],
        None,
        False,
        False,
        ANSWER,
        "ask_question",
    ),
    (
        "out of scope is answered",
        [("out_of_scope", 0.9)],
        None,
        False,
        False,
        ANSWER,
        "ask_question",
    ),
    (
        "nlu_fallback is answered",
        [("nlu_fallback", 0.9)],
        None,
        False,
        False,
        ANSWER,
        "ask_question",
    ),
    ("no ranking is answered", [], None, False, False, ANSWER, "ask_question"),
    (
        "strong transaction, no search",
        [("ask_bin_day", 0.9), ("ask_question", 0.05)],
        None,
        False,
        False,
        FOLLOW,
        "ask_bin_day",
    ),
    (
        "strong transaction, weak match",
        [("ask_bin_day", 0.9), ("ask_question", 0.05)],
        WEAK,
        False,
        False,
        FOLLOW,
        "ask_bin_day",
    ),
    (
        "strong transaction loses to a strong match",
        [("ask_rent_balance", 0.9), ("ask_question", 0.05)],
        STRONG,
        False,
        False,
        ANSWER,
        "ask_question",
    ),
    (
        "certain transaction beats a strong match",
        [("ask_bin_day", 0.97), ("ask_question", 0.01)],
        STRONG,
        False,
        False,
        FOLLOW,
        "ask_bin_day",
    ),
    (
        "a match the service refused but scoring high is strong",
        [("ask_rent_balance", 0.9)],
        REFUSED_BUT_HIGH,
        False,
        False,
        ANSWER,
        "ask_question",
    ),
    (
        "low confidence transaction",
        [("ask_rent_balance", 0.65), ("ask_question", 0.1)],
        None,
        False,
        False,
        ANSWER,
        "ask_question",
    ),
    (
        "small margin transaction",
        [("report_missed_bin", 0.75), ("ask_bin_day", 0.5)],
        None,
        False,
        False,
        ANSWER,
        "ask_question",
    ),
    (
        "reference rescues a weak transaction",
        [("ask_case_status", 0.4), ("ask_question", 0.35)],
        None,
        False,
        True,
        FOLLOW,
        "ask_case_status",
    ),
    (
        "postcode rescues a weak inform",
        [("inform", 0.3), ("greet", 0.2)],
        None,
        False,
        True,
        FOLLOW,
        "inform",
    ),
    (
        "entities do not rescue small talk",
        [("greet", 0.3), ("thank", 0.25)],
        None,
        False,
        True,
        ANSWER,
        "ask_question",
    ),
    (
        "small talk at its gate",
        [("greet", 0.6), ("thank", 0.35)],
        None,
        False,
        False,
        FOLLOW,
        "greet",
    ),
    (
        "small talk just below its margin",
        [("thank", 0.6), ("greet", 0.41)],
        None,
        False,
        False,
        ANSWER,
        "ask_question",
    ),
    (
        "small talk loses to a strong match",
        [("bot_challenge", 0.85), ("ask_question", 0.1)],
        STRONG,
        False,
        False,
        ANSWER,
        "ask_question",
    ),
    ("control followed", [("affirm", 0.55), ("deny", 0.2)], WEAK, False, False, FOLLOW, "affirm"),
    (
        "human below its gate",
        [("human", 0.45), ("ask_question", 0.3)],
        None,
        False,
        False,
        ANSWER,
        "ask_question",
    ),
    (
        "an intent the table does not list passes the transaction gate",
        [("something_new", 0.99)],
        None,
        False,
        False,
        FOLLOW,
        "something_new",
    ),
    (
        "and weak, it is answered",
        [("something_new", 0.6), ("ask_question", 0.4)],
        None,
        False,
        False,
        ANSWER,
        "ask_question",
    ),
]


@pytest.mark.parametrize(
    ("ranking", "search", "risk", "entities", "route", "intent"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_decide(
    ranking: list[tuple[str, float]],
    search: Search | None,
    risk: bool,
    entities: bool,
    route: str,
    intent: str,
) -> None:
    decision = policy.decide(
        Evidence(ranking=ranking, search=search, risk_pattern=risk, has_entities=entities), T
    )
    assert (decision.route, decision.intent) == (route, intent), decision.reason


@pytest.mark.parametrize(
    ("search", "good"),
    [
        (Search(score=0.9, no_good_answer=False), True),
        (Search(score=0.1, no_good_answer=False), True),
        (Search(score=0.3, no_good_answer=True), True),
        (Search(score=0.29, no_good_answer=True), False),
    ],
)
def test_answer_is_good(search: Search, good: bool) -> None:
    assert policy.answer_is_good(search, T) is good


@pytest.mark.parametrize(
    ("search", "at_least", "strong"),
    [
        (None, 0.6, False),
        (Search(score=0.6, no_good_answer=False), 0.6, True),
        (Search(score=0.59, no_good_answer=False), 0.6, False),
        (REFUSED_BUT_HIGH, 0.6, True),  # the service's verdict alone does not decide
        # below answer_score (0.3) a refused result is not worth showing, so not strong
        (Search(score=0.25, no_good_answer=True), 0.2, False),
    ],
)
def test_strong_match(search: Search | None, at_least: float, strong: bool) -> None:
    thresholds = Thresholds(gates=T.gates, strong_match=at_least, answer_score=T.answer_score)
    assert policy.strong_match(search, thresholds) is strong


WELSH = Thresholds(
    gates=T.gates,
    strong_match=T.strong_match,
    answer_score=T.answer_score,
    strong_match_by_language={"cy": 0.85},
)


@pytest.mark.parametrize(
    ("search", "strong"),
    [
        # English (and any language not listed) keeps strong_match (0.6)
        (Search(score=0.7, no_good_answer=False), True),
        (Search(score=0.7, no_good_answer=False, language="fr"), True),
        # Welsh scores run higher: its own strong_match (0.85)
        (Search(score=0.7, no_good_answer=False, language="cy"), False),
        (Search(score=0.84, no_good_answer=False, language="cy"), False),
        (Search(score=0.85, no_good_answer=False, language="cy"), True),
        (Search(score=0.9, no_good_answer=True, language="cy"), True),
    ],
)
def test_strong_match_is_read_in_the_language_searched(search: Search, strong: bool) -> None:
    assert policy.strong_match(search, WELSH) is strong


@pytest.mark.parametrize(
    ("intent", "search", "route"),
    [
        # a Welsh request for a person or a bin day whose Welsh search scores 0.8
        # (above English's strong match, below Welsh's) is followed
        ("human", Search(score=0.8, no_good_answer=False, language="cy"), FOLLOW),
        ("ask_bin_day", Search(score=0.8, no_good_answer=False, language="cy"), FOLLOW),
        # the same score in English answers from the knowledge base
        ("human", Search(score=0.8, no_good_answer=False), ANSWER),
        ("ask_bin_day", Search(score=0.8, no_good_answer=False), ANSWER),
        # a Welsh match over Welsh's strong match still answers
        ("ask_bin_day", Search(score=0.9, no_good_answer=False, language="cy"), ANSWER),
    ],
)
def test_a_welsh_task_or_person_needs_a_stronger_welsh_match_to_be_answered(
    intent: str, search: Search, route: str
) -> None:
    ranking = [(intent, 0.75), ("ask_question", 0.05)]  # strong, not certain
    decision = policy.decide(Evidence(ranking=ranking, search=search), WELSH)
    assert decision.route == route, decision.reason
    assert policy.needs_search(Evidence(ranking=ranking), WELSH)


def test_without_a_welsh_score_welsh_uses_the_shared_one() -> None:
    assert T.strong_match_in("cy") == T.strong_match_in("en") == 0.6
    assert WELSH.strong_match_in("cy") == 0.85
    assert WELSH.strong_match_in("en") == 0.6


@pytest.mark.parametrize(
    ("intent", "kind"),
    [
        ("ask_bin_day", "transaction"),
        ("thank", "small_talk"),
        ("deny", "control"),
        ("at_risk", "at_risk"),
        ("ask_question", "knowledge"),
        (None, "knowledge"),
    ],
)
def test_kind_of(intent: str | None, kind: str) -> None:
    assert policy.kind_of(intent) == kind


def test_a_kind_without_a_gate_is_never_followed() -> None:
    bare = Thresholds(gates={})
    decision = policy.decide(Evidence(ranking=[("ask_bin_day", 1.0)]), bare)
    assert decision.route == ANSWER


def test_the_calibrated_thresholds_gate_every_kind() -> None:
    for kind in (
        policy.TRANSACTION_KIND,
        policy.SMALL_TALK_KIND,
        policy.CONTROL_KIND,
        policy.RISK_KIND,
    ):
        gate = policy.CALIBRATED.gate(kind)
        assert 0 < gate.confidence <= 1 and 0 <= gate.margin <= 1


# --- where the dialogue state is known (bot/decision_policy.py applies these) ---------

IN_FORM = policy.Form(name="missed_bin_form", took_message=True)
REJECTED = policy.Form(name="missed_bin_form", took_message=False)
FORM_CASES = [
    # (name, ranking, form, risk pattern, route, intent)
    ("a slot answer stays with the form", [("ask_bin_day", 0.99)], IN_FORM, False, "form", None),
    ("even a strong search match", [("nlu_fallback", 0.3)], IN_FORM, False, "form", None),
    ("risk inside a form goes to a person", [("inform", 0.9)], IN_FORM, True, "at_risk", "at_risk"),
    (
        "a question the form refused is answered",
        [("ask_question", 0.8)],
        REJECTED,
        False,
        "knowledge",
        "ask_question",
    ),
    (
        "another task the form refused is followed",
        [("ask_bin_day", 0.6), ("inform", 0.3)],
        REJECTED,
        False,
        "follow",
        "ask_bin_day",
    ),
    (
        "the model's at_risk during a form",
        [("at_risk", 0.6)],
        REJECTED,
        False,
        "at_risk",
        "at_risk",
    ),
]


@pytest.mark.parametrize(
    ("ranking", "form", "risk", "route", "intent"),
    [case[1:] for case in FORM_CASES],
    ids=[case[0] for case in FORM_CASES],
)
def test_decide_in_a_form(
    ranking: list[tuple[str, float]],
    form: policy.Form,
    risk: bool,
    route: str,
    intent: str | None,
) -> None:
    evidence = Evidence(ranking=ranking, search=STRONG, risk_pattern=risk, form=form)
    decision = policy.decide(evidence, T)
    assert decision.route == route, decision.reason
    if intent:
        assert decision.intent == intent
    assert not policy.needs_search(evidence, T)  # a form's message is never searched


@pytest.mark.parametrize(
    ("ranking", "searched"),
    [
        ([("ask_bin_day", 0.8), ("inform", 0.1)], True),  # strong, not certain: a match could win
        ([("ask_bin_day", 0.97), ("inform", 0.01)], False),  # certain
        ([("ask_bin_day", 0.5), ("inform", 0.4)], False),  # weak: answered anyway
        ([("ask_question", 0.9)], False),  # a question: answered anyway
    ],
)
def test_the_search_is_asked_only_when_it_could_change_the_decision(
    ranking: list[tuple[str, float]], searched: bool
) -> None:
    assert policy.needs_search(Evidence(ranking=ranking), T) is searched


def test_the_classifier_ranking_leaves_out_the_fallback() -> None:
    ranked = policy.classifier_ranking([("nlu_fallback", 0.55), ("greet", 0.2), ("thank", 0.5)])
    assert ranked == [("thank", 0.5), ("greet", 0.2)]


def test_a_new_task_plugs_in_by_the_table() -> None:
    kinds = policy.intent_kinds_from({"transaction": ["subscribe_reminders"], "small_talk": []})
    assert policy.kind_of("subscribe_reminders", kinds) == policy.TRANSACTION_KIND
    # an intent the table does not list gets the strict gate, never a free pass
    assert policy.kind_of("report_fly_tipping", kinds) == policy.TRANSACTION_KIND


@pytest.mark.parametrize(
    ("table", "error"),
    [
        ({"chit_chat": ["greet"]}, "unknown kind 'chit_chat'"),
        ({"small_talk": ["greet"], "control": ["greet"]}, "'greet' is both small_talk and control"),
    ],
)
def test_a_bad_kinds_table_is_refused(table: dict[str, list[str]], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        policy.intent_kinds_from(table)


def test_the_kinds_table_names_only_the_domains_intents() -> None:
    from tests.unit.bot.harness import domain

    assert set(policy.INTENT_KINDS) <= set(domain()["intents"]) | {policy.FALLBACK_INTENT}
    # every intent the rules start from has its kind in the table
    assert set(domain()["intents"]) <= set(policy.INTENT_KINDS)


@pytest.mark.parametrize(
    ("ranking", "entities", "weak"),
    [
        ([("at_risk", 0.74), ("inform", 0.2)], False, True),  # "at the end of my road"
        ([("at_risk", 0.95), ("human", 0.01)], False, False),
        ([("nlu_fallback", 0.7), ("at_risk", 0.95), ("human", 0.01)], False, False),
        ([("stop", 0.45), ("inform", 0.4)], False, True),
        ([("stop", 0.45), ("inform", 0.4)], True, False),  # a postcode: control evidence
        ([("stop", 0.88), ("inform", 0.05)], False, False),
        ([("at_risk", 0.6)], True, True),  # an entity is no evidence of a risk
        ([("ask_question", 0.3), ("stop", 0.29)], False, False),  # knowledge is never weak
        ([], False, False),  # nothing ranked: the fallback, a knowledge intent
    ],
)
def test_weak_intent_uses_the_kinds_gates(
    ranking: list[tuple[str, float]], entities: bool, weak: bool
) -> None:
    assert policy.weak_intent(ranking, entities, T) is weak


def test_decide_and_weak_intent_agree_outside_forms() -> None:
    """A weak intent is one decide() would not follow (the component relies on it)."""
    for ranking in ([("stop", 0.45), ("inform", 0.4)], [("greet", 0.65), ("thank", 0.5)],
                    [("at_risk", 0.92), ("human", 0.3)], [("ask_bin_day", 0.9)]):  # fmt: skip
        decision = policy.decide(Evidence(ranking=ranking), T)
        assert (decision.route == ANSWER) is policy.weak_intent(ranking, False, T), ranking
