"""A Rasa NLU component: an intent that would end or divert a form is kept only
on the evidence the decision policy asks of its kind (``actions.policy``).

A form reads a free-text answer as its own unless the message's intent is one
its slot mapping refuses (``not_intent`` in bot/domain.yml: stop, a person, at
risk, another task). The intent model puts a confidence on every message, so a
place such as "at the end of my road, Rose Close" scored 0.74 on ``at_risk``
and was sent to a person as urgent instead of being taken as where the
fly-tipping is. The fallback classifier's single threshold (0.7) cannot tell a
weak at-risk or stop from a strong one; this component can: after it, an intent
listed in ``intents`` whose confidence and margin miss its kind's gate
(:func:`actions.policy.weak_intent`, the gates outside forms) becomes
``nlu_fallback``, which no form refuses.

- Outside forms nothing changes: the decision policy already answers a weak
  intent from the knowledge base, reading the classifier's own ranking, which
  this component leaves as it was (``nlu_fallback`` is put first, as the
  fallback classifier does).
- A resident at risk still goes first in the queue: the risk patterns
  (``actions/risk.py``) are checked on every message, inside forms too, and an
  ``at_risk`` on strong evidence is kept.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    ENTITIES,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message

from actions import policy


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class IntentGate(GraphComponent, IntentClassifier):
    @classmethod
    def required_components(cls) -> list[type]:
        return [IntentClassifier]

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"intents": [policy.RISK, "stop", "start_over"]}

    def __init__(self, config: dict[str, Any]) -> None:
        self.intents = frozenset(config.get("intents") or ())

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntentGate:
        return cls({**cls.get_default_config(), **config})

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.data.get(INTENT) or {}
            if intent.get(INTENT_NAME_KEY) not in self.intents:
                continue
            ranking = message.data.get(INTENT_RANKING_KEY) or []
            has_entities = any(
                e.get("entity") in policy.TASK_ENTITIES for e in message.data.get(ENTITIES) or []
            )
            scores = [(str(r.get(INTENT_NAME_KEY)), float(r.get(PREDICTED_CONFIDENCE_KEY) or 0.0))
                      for r in ranking]  # fmt: skip
            if not policy.weak_intent(scores, has_entities, policy.CALIBRATED):
                continue
            fallback = {
                INTENT_NAME_KEY: policy.FALLBACK_INTENT,
                PREDICTED_CONFIDENCE_KEY: intent.get(PREDICTED_CONFIDENCE_KEY),
            }
            message.data[INTENT] = fallback
            message.data[INTENT_RANKING_KEY] = [dict(fallback), *ranking]
        return messages
