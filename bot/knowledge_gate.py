"""A Rasa NLU component: the knowledge gate (runs last in bot/config.yml).

DIET proposes an intent; this component asks the knowledge service's search
(which embeds the message with the project's sentence model, so its score is
the semantic evidence DIET lacks) and applies the one decision policy,
``actions.policy.decide``: a transaction, small-talk or control intent stands
only when its evidence is strong, otherwise the message becomes
``ask_question`` and is answered from the knowledge base.

The component trains nothing and reads the calibrated thresholds when it is
loaded, so a change of thresholds needs no retraining. When the knowledge
service cannot be reached the decision is made on the intent evidence alone.
The original intent and the decision are kept in the parse data under
``frontdoor_gate`` (benchmarks and the calibration read them).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from actions import policy  # noqa: E402 - needs the project root on sys.path

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 500
# entities that identify a task (not bin types or bulky items, which questions share)
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


def knowledge_url() -> str | None:
    explicit = os.environ.get("FRONTDOOR_GATE_KNOWLEDGE_URL")
    if explicit:
        return explicit.rstrip("/") or None
    port = os.environ.get("FRONTDOOR_KNOWLEDGE_PORT")
    if not port:
        return None
    host = os.environ.get("FRONTDOOR_HOST", "127.0.0.1")
    return f"http://{host}:{port}"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class KnowledgeGate(GraphComponent):
    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"timeout": 1.0}

    def __init__(self, config: dict[str, Any]) -> None:
        self._timeout = float(config.get("timeout", 1.0))
        self._url = knowledge_url()
        self._thresholds = policy.CALIBRATED

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> KnowledgeGate:
        return cls(config)

    def process_training_data(self, training_data: Any) -> Any:
        return training_data

    def _search(self, text: str, language: str) -> policy.Search | None:
        if not self._url or not text.strip():
            return None
        query = urllib.parse.urlencode({"q": text[:MAX_QUERY_CHARS], "lang": language, "limit": 1})
        try:
            with urllib.request.urlopen(  # noqa: S310 - our own service's URL
                f"{self._url}/api/v1/search?{query}", timeout=self._timeout
            ) as response:
                body = json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError) as error:
            logger.warning("knowledge gate: search unavailable (%s)", error)
            return None
        results = body.get("results") or []
        if not results:
            return policy.Search(score=0.0, no_good_answer=True)
        return policy.Search(
            score=float(results[0].get("score") or 0.0),
            no_good_answer=bool(body.get("no_good_answer")),
        )

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self._gate(message)
        return messages

    def _gate(self, message: Message) -> None:
        text = message.get("text") or ""
        intent = message.get("intent") or {}
        if not text or text.startswith("/") or not intent.get("name"):
            return  # a button payload names its intent; nothing to decide
        ranking = [
            (str(r.get("name")), float(r.get("confidence") or 0.0))
            for r in (message.get("intent_ranking") or [])
        ] or [(str(intent["name"]), float(intent.get("confidence") or 0.0))]
        metadata = message.get("metadata") or {}
        language = "cy" if str(metadata.get("language", "")).startswith("cy") else "en"
        search = None
        if policy.kind_of(ranking[0][0]) in (
            policy.TRANSACTION_KIND,
            policy.SMALL_TALK_KIND,
            policy.CONTROL_KIND,
        ):
            search = self._search(text, language)
        decision = policy.decide(
            policy.Evidence(
                ranking=ranking,
                search=search,
                has_entities=any(
                    e.get("entity") in TASK_ENTITIES for e in message.get("entities") or []
                ),
            ),
            self._thresholds,
        )
        message.set(
            "frontdoor_gate",
            {
                "intent": ranking[0][0],
                "confidence": ranking[0][1],
                "route": decision.route,
                "reason": decision.reason,
                "search_score": None if search is None else search.score,
            },
            add_to_output=True,
        )
        if decision.intent != ranking[0][0]:
            message.set(
                "intent",
                {"name": decision.intent, "confidence": ranking[0][1]},
                add_to_output=True,
            )
