"""The decision policy inside Rasa (bot/decision_policy.py) on trackers built
from events, without a model or a server: it decides where the dialogue state
is known, so a form's own answer is never sent to the knowledge search."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from actions.understanding import acted_on, decided_intent
from tests.e2e.bot.rasa_json import rasa_json

pytestmark = pytest.mark.rasa

FORM = {"form": "missed_bin_form", "requested_slot": "missed_day"}
CASES = [
    # (what, case, predicted action: None leaves the turn to the rules)
    (
        "a form's free-text answer stays with the form, whatever the model thought",
        {"text": "whenever", "ranking": [["ask_bin_day", 0.9], ["inform", 0.05]], **FORM},
        None,
    ),
    (
        "a task the form refused is left to the rules",
        {
            "text": "when is my bin day",
            "ranking": [["ask_bin_day", 0.9], ["inform", 0.05]],
            "rejected": True,
            **FORM,
        },
        None,
    ),
    (
        "a resident at risk inside a form goes to a person at once",
        {"text": "my husband hits me", "ranking": [["inform", 0.9]], **FORM},
        "action_handoff",
    ),
    (
        "outside forms, a weak task is answered from the knowledge base",
        {
            "text": "can i keep chickens on my allotment plot",
            "ranking": [["ask_rent_balance", 0.5], ["ask_question", 0.35]],
        },
        "action_answer_question",
    ),
    (
        "weak small talk too",
        {"text": "is there a real nappy scheme", "ranking": [["bot_challenge", 0.4]]},
        "action_answer_question",
    ),
    (
        "strong small talk is left to the rules",
        {"text": "hello there", "ranking": [["greet", 0.98], ["thank", 0.01]]},
        None,
    ),
    (
        "a button names its intent",
        {"text": "/affirm", "ranking": [["affirm", 1.0]]},
        None,
    ),
    (
        "a question is left to the rules, which answer it",
        {"text": "who won the football last night", "ranking": [["out_of_scope", 0.9]]},
        None,
    ),
]

# A strong, not certain task: the search decides, in the message's own language.
STRONG_TASK = [["ask_council_tax_balance", 0.84], ["ask_question", 0.06]]
# (what, case, predicted action, the language the policy searched in)
LANGUAGE_CASES = [
    (
        "a Welsh question in an English chat is searched in Welsh",
        {
            "text": "Ydw i'n cael gostyngiad ar fy nhreth gyngor os ydw i'n byw ar fy mhen fy hun?",
            "ranking": STRONG_TASK,
            "search": {"cy": [0.9, False], "en": [0.2, True]},
        },
        "action_answer_question",
        "cy",
    ),
    (
        "an English question in a Welsh chat is searched in English",
        {
            "text": "do i get money off my council tax if i live on my own",
            "ranking": STRONG_TASK,
            "language": "cy",
            "search": {"en": [0.9, False], "cy": [0.2, True]},
        },
        "action_answer_question",
        "en",
    ),
    (
        "a short unclear message keeps the chat's language",
        {
            "text": "ok",
            "ranking": STRONG_TASK,
            "language": "cy",
            "search": {"cy": [0.2, True], "en": [0.9, False]},
        },
        None,
        "cy",
    ),
]


def run_check(rasa_bin: Path, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``bot.decision_policy.check`` in the Rasa environment."""
    found: list[dict[str, Any]] = rasa_json(
        rasa_bin, ["bot/decision_policy.py"], cases, unset=["FRONTDOOR_KNOWLEDGE_PORT"]
    )
    return found


@pytest.fixture(scope="module")
def decided(rasa_bin: Path) -> list[dict[str, Any]]:
    return run_check(rasa_bin, [case for _, case, _ in CASES])


def test_the_policy_decides_with_the_dialogue_state(decided: list[dict[str, Any]]) -> None:
    got = [(what, d["action"]) for (what, _, _), d in zip(CASES, decided, strict=True)]
    assert got == [(what, action) for what, _, action in CASES]


def test_each_action_it_predicts_names_the_intent_the_bot_acted_on(
    decided: list[dict[str, Any]],
) -> None:
    # Rasa keeps this on the ActionExecuted event; the bot's channel reads it back so
    # insight records what the bot did (actions.understanding)
    acted = {"action_answer_question": "ask_question", "action_handoff": "at_risk"}
    for (what, case, _), d in zip(CASES, decided, strict=True):
        if d["action"] is None:
            assert d["action_metadata"] is None, what
            continue
        assert decided_intent(d["action_metadata"]) == acted[d["action"]], what
        read = acted_on(case["ranking"][0][0], case["ranking"][0][1], [], d["action_metadata"])
        assert read.intent == acted[d["action"]] and read.read_as == case["ranking"][0][0], what


@pytest.fixture(scope="module")
def decided_languages(rasa_bin: Path) -> list[dict[str, Any]]:
    return run_check(rasa_bin, [case for _, case, _, _ in LANGUAGE_CASES])


def test_the_policy_searches_in_each_messages_language(
    decided_languages: list[dict[str, Any]],
) -> None:
    got = [
        (what, d["searched_in"], d["action"])
        for (what, _, _, _), d in zip(LANGUAGE_CASES, decided_languages, strict=True)
    ]
    assert got == [(what, lang, action) for what, _, action, lang in LANGUAGE_CASES]
