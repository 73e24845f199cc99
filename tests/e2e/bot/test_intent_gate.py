"""bot/intent_gate.py in the Rasa environment, on messages whose intents are set
by hand: a weak at-risk or stop becomes nlu_fallback (so a form takes the answer),
a strong one, or one carried by a reference, stays, and other intents are left."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.bot.rasa_json import rasa_json

pytestmark = pytest.mark.rasa

SCRIPT = """
import json, sys
from rasa.shared.nlu.training_data.message import Message
from bot.intent_gate import IntentGate

gate = IntentGate.create({}, None, None, None)
out = []
for case in json.load(sys.stdin):
    ranking = [{"name": n, "confidence": c} for n, c in case["ranking"]]
    message = Message(data={"text": case["text"], "intent": dict(ranking[0]),
                            "intent_ranking": ranking, "entities": case.get("entities", [])})
    gate.process([message])
    out.append({"intent": message.data["intent"]["name"],
                "ranking": [r["name"] for r in message.data["intent_ranking"]]})
print(json.dumps(out))
"""

CASES: list[tuple[str, dict[str, Any], str]] = [
    (
        "a place read as at risk",
        {"text": "at the end of my road", "ranking": [["at_risk", 0.74], ["inform", 0.2]]},
        "nlu_fallback",
    ),
    (
        "a place read as stop",
        {"text": "Mill Lane, by the bus stop", "ranking": [["stop", 0.6], ["inform", 0.35]]},
        "nlu_fallback",
    ),
    (
        "a strong at risk stays",
        {"text": "I want to end my life", "ranking": [["at_risk", 0.99], ["stop", 0.005]]},
        "at_risk",
    ),
    (
        "a strong stop stays",
        {"text": "cancel", "ranking": [["stop", 0.99], ["deny", 0.005]]},
        "stop",
    ),
    (
        "a reference is evidence for a control intent",
        {
            "text": "stop BDC-104233",
            "ranking": [["stop", 0.6], ["inform", 0.35]],
            "entities": [{"entity": "case_reference", "value": "BDC-104233"}],
        },
        "stop",
    ),
    (
        "other intents are left to the form and the decision policy",
        {"text": "my bin", "ranking": [["report_missed_bin", 0.5], ["ask_bin_day", 0.45]]},
        "report_missed_bin",
    ),
]


@pytest.fixture(scope="module")
def gated(rasa_bin: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = rasa_json(
        rasa_bin, ["-c", SCRIPT], [case for _, case, _ in CASES]
    )
    return found


def test_weak_intents_that_would_end_a_form_become_the_fallback(
    gated: list[dict[str, Any]],
) -> None:
    got = [(what, g["intent"]) for (what, _, _), g in zip(CASES, gated, strict=True)]
    assert got == [(what, intent) for what, _, intent in CASES]


def test_the_classifiers_ranking_is_kept_behind_the_fallback(
    gated: list[dict[str, Any]],
) -> None:
    for (what, case, intent), g in zip(CASES, gated, strict=True):
        names = [name for name, _ in case["ranking"]]
        expected = ["nlu_fallback", *names] if intent == "nlu_fallback" else names
        assert g["ranking"] == expected, what
