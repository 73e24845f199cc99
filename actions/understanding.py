"""What the bot did with a resident's message, for insight's ``understood`` events.

The intent model reads every message, but the decision policy
(``actions.policy.decide``, applied by ``bot/decision_policy.py``) may act on
another intent: a ``human`` read on weak evidence is answered from the knowledge
base, a risk the patterns see goes to a person whatever the model read. Insight
counts what the bot did, not what the model guessed, so:

- the decision policy marks each action it predicts with its decision
  (:func:`decision_metadata`; Rasa keeps it on that ``ActionExecuted`` event);
- the bot's channel (``bot/secret_channel.py``) reads the first action after the
  message back from the tracker (:func:`acted_on`): the decision's intent when the
  policy decided, else the model's own (the policy abstains when it follows the
  intent, and the rules act on it).

The confidence recorded is the model's confidence in the intent the bot acted on
(0 when the model did not rank it: the risk patterns or the search decided), and
``read_as`` keeps the model's own reading when it differs. Pure: the Rasa
environment (Python 3.10) imports it too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

DECISION_KEY = "frontdoor_decision"


def decision_metadata(route: str, intent: str) -> dict[str, Any]:
    """The metadata the decision policy attaches to the action it predicts."""
    return {DECISION_KEY: {"route": route, "intent": intent}}


def decided_intent(action_metadata: Mapping[str, Any] | None) -> str | None:
    """The intent the decision policy acted on, from an action's metadata (None: the
    action was not the decision policy's)."""
    decision = (action_metadata or {}).get(DECISION_KEY)
    if not isinstance(decision, Mapping):
        return None
    intent = decision.get("intent")
    return intent if isinstance(intent, str) and intent else None


@dataclass(frozen=True)
class ActedOn:
    intent: str  # what the bot acted on
    confidence: float  # the model's confidence in that intent
    read_as: str | None = None  # the model's own top intent, when the bot acted on another


def acted_on(
    intent: str,
    confidence: float,
    ranking: Iterable[tuple[str, float]],
    action_metadata: Mapping[str, Any] | None,
) -> ActedOn:
    """What the bot acted on for a message the model read as ``intent`` (with
    ``confidence`` and its full ``ranking``), given the metadata of the first action
    the bot took after it."""
    decided = decided_intent(action_metadata)
    if decided is None or decided == intent:
        return ActedOn(intent, confidence)
    ranked = dict(ranking)
    return ActedOn(decided, float(ranked.get(decided, 0.0)), read_as=intent)
