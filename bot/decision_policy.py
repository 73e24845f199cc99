"""A Rasa dialogue policy that applies the one decision policy (actions/policy.py)
where the dialogue state is known.

An NLU component sees a message without its conversation: it cannot tell a
form's free-text answer ("whenever" for the day a bin was missed) from a
question. A dialogue policy sees the tracker, so this one decides after the
intent model and the form's slot mappings have run:

- inside an active form that read the message as its answer it does nothing
  (the form has it; a slot answer is never searched), unless the risk patterns
  see a resident at risk, who goes to a person at once;
- inside a form that did not take the message, the form's rules stand (a
  question is answered, then the form resumes);
- outside forms it applies ``actions.policy.decide`` to the classifier's own
  ranking (asking the knowledge service's search when a strong match could
  change the decision): a transaction, small-talk or control intent is left to
  the rules only on strong evidence; otherwise it predicts the knowledge answer.

It predicts with certainty and a priority above RulePolicy's, so its prediction
wins; when it follows the intent it abstains (all zeros) and the rules act. It
trains nothing: the thresholds (``actions.policy.CALIBRATED``) and the intent
kinds (``bot/intent_kinds.yml``) are read when the model loads, so changing
them needs no retraining. Without the knowledge service the decision rests on
the intent evidence alone.

The search is asked in the message's own language, read the way the answering
action reads it (``actions.language.detect``, lingua with English and Welsh only,
from the Rasa environment's lock): a Welsh question in a chat that began in
English is matched against the Welsh articles, and an English one in a Welsh
chat against the English, so the decision and the answer rest on the same
search. Short or unclear messages keep the conversation's language. The
detector loads with the policy (about half a second, under 100 MB) and reads a
message in well under a millisecond.
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
from typing import Any, Protocol

from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from actions import policy  # noqa: E402 - needs the project root on sys.path
from actions.language import as_lang, detect, warm_up  # noqa: E402
from actions.risk import detect_risk  # noqa: E402
from actions.understanding import decision_metadata  # noqa: E402

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 500


def knowledge_url() -> str | None:
    """The knowledge service the bot's actions use (``FRONTDOOR_KNOWLEDGE_PORT`` on
    ``FRONTDOOR_HOST``), or ``FRONTDOOR_POLICY_KNOWLEDGE_URL``."""
    explicit = os.environ.get("FRONTDOOR_POLICY_KNOWLEDGE_URL")
    if explicit:
        return explicit.rstrip("/") or None
    port = os.environ.get("FRONTDOOR_KNOWLEDGE_PORT")
    if not port:
        return None
    host = os.environ.get("FRONTDOOR_HOST", "127.0.0.1")
    return f"http://{host}:{port}"


def conversation_language(tracker: DialogueStateTracker) -> str:
    """The conversation's language before this message: what the resident last
    wrote in (the actions keep it in a slot), else what they chose in the widget."""
    chosen = tracker.get_slot("conversation_language")
    if not chosen:
        metadata = (tracker.latest_message.metadata if tracker.latest_message else None) or {}
        chosen = metadata.get("language", "")
    return "cy" if str(chosen).startswith("cy") else "en"


def message_language(tracker: DialogueStateTracker, text: str) -> str:
    """The language to search ``text`` in: its own when the detector is clear,
    else the conversation's (as ``actions.base.language`` answers it)."""
    return detect(text, current=as_lang(conversation_language(tracker)))


def evidence_from(tracker: DialogueStateTracker) -> policy.Evidence | None:
    """The evidence for the latest message, or None when there is nothing to decide
    (not right after a resident's message, or a button payload naming its intent)."""
    if tracker.latest_action_name != ACTION_LISTEN_NAME or tracker.latest_message is None:
        return None
    message = tracker.latest_message
    text = message.text or ""
    intent = message.intent or {}
    if not text.strip() or text.startswith("/") or not intent.get("name"):
        return None
    ranking = policy.classifier_ranking(
        (str(r.get("name")), float(r.get("confidence") or 0.0))
        for r in (message.parse_data.get("intent_ranking") or [])
    ) or [(str(intent["name"]), float(intent.get("confidence") or 0.0))]
    form = None
    if tracker.active_loop_name:
        form = policy.Form(
            name=tracker.active_loop_name, took_message=not tracker.is_active_loop_rejected
        )
    return policy.Evidence(
        ranking=ranking,
        risk_pattern=detect_risk(text) is not None,
        has_entities=any(e.get("entity") in policy.TASK_ENTITIES for e in message.entities or []),
        form=form,
    )


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class DecisionPolicy(Policy):
    @staticmethod
    def supported_data() -> SupportedData:
        return SupportedData.ML_AND_RULE_DATA

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "priority": 7,  # above RulePolicy (6): a tie at certainty goes to this policy
            "timeout": 0.5,  # seconds for the knowledge search
            "answer_action": "action_answer_question",
            "handover_action": "action_handoff",
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Any = None,
    ) -> None:
        config = {**self.get_default_config(), **config}
        super().__init__(config, model_storage, resource, execution_context, featurizer)
        self._timeout = float(config["timeout"])
        self._answer = str(config["answer_action"])
        self._handover = str(config["handover_action"])
        self._url = knowledge_url()
        self._thresholds = policy.CALIBRATED
        warm_up()  # the language models load with the bot, not on a resident's message

    def train(self, training_trackers: Any, domain: Domain, **kwargs: Any) -> Resource:
        with self._model_storage.write_to(self._resource) as path:
            (Path(path) / "decision_policy.json").write_text(
                json.dumps({"trains": "nothing"}), encoding="utf-8"
            )
        return self._resource

    def _search(self, text: str, language: str) -> policy.Search | None:
        if not self._url:
            return None
        query = urllib.parse.urlencode({"q": text[:MAX_QUERY_CHARS], "lang": language, "limit": 1})
        try:
            with urllib.request.urlopen(  # noqa: S310 - our own service's URL
                f"{self._url}/api/v1/search?{query}", timeout=self._timeout
            ) as response:
                body = json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError) as error:
            logger.warning("decision policy: search unavailable (%s)", error)
            return None
        results = body.get("results") or []
        if not results:
            return policy.Search(score=0.0, no_good_answer=True, language=language)
        return policy.Search(
            score=float(results[0].get("score") or 0.0),
            no_good_answer=bool(body.get("no_good_answer")),
            language=language,
        )

    def decide(self, tracker: DialogueStateTracker) -> policy.Decision | None:
        evidence = evidence_from(tracker)
        if evidence is None:
            return None
        if policy.needs_search(evidence, self._thresholds):
            text = tracker.latest_message.text or "" if tracker.latest_message else ""
            evidence = policy.Evidence(
                ranking=evidence.ranking,
                search=self._search(text, message_language(tracker, text)),
                risk_pattern=evidence.risk_pattern,
                has_entities=evidence.has_entities,
                form=evidence.form,
            )
        return policy.decide(evidence, self._thresholds)

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        decision = self.decide(tracker)
        action = None
        if decision is not None and decision.route == policy.HANDOVER_AT_RISK:
            action = self._handover
        elif decision is not None and decision.route == policy.ANSWER:
            intent = (tracker.latest_message.intent or {}) if tracker.latest_message else {}
            if policy.kind_of(intent.get("name")) != policy.KNOWLEDGE_KIND:
                action = self._answer  # the rules answer knowledge intents already
        if action is None:
            return self._prediction(self._default_predictions(domain))
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        assert decision is not None
        return self._prediction(
            probabilities,
            # a form's happy path does not use the message; the risk backstop must
            # beat it, so this prediction is of the same type
            is_no_user_prediction=decision.route == policy.HANDOVER_AT_RISK,
            diagnostic_data={"decision": decision.route, "reason": decision.reason},
            # kept on the ActionExecuted event: insight records what the bot acted on
            action_metadata=decision_metadata(decision.route, decision.intent),
        )


# --- a check without a model or a server ---------------------------------------------


class _ScriptedSearch(Protocol):
    def __call__(self, text: str, language: str) -> policy.Search | None: ...


def check(cases: list[dict[str, Any]], domain_path: Path) -> list[dict[str, Any]]:
    """For each case ``{"text", "ranking": [[intent, confidence], ...],
    "form": name | null, "requested_slot": name | null, "rejected": bool,
    "language": the widget's choice | null, "search": {lang: [score, no_good_answer]}}``,
    the action this policy predicts (None: it leaves the turn to the rules), its
    decision and the language it searched in (None: it did not search), on a
    tracker built from those events. ``search`` scripts the knowledge service's
    answer per language (a language it does not name finds nothing). Used by the
    end-to-end tests."""
    import tempfile

    from rasa.engine.graph import GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.shared.core.events import (
        ActionExecuted,
        ActionExecutionRejected,
        ActiveLoop,
        SlotSet,
        UserUttered,
    )

    domain = Domain.load(str(domain_path))
    results = []
    with tempfile.TemporaryDirectory() as folder:
        decider = DecisionPolicy.create(
            {},
            LocalModelStorage(Path(folder)),
            Resource("decision_policy"),
            ExecutionContext(GraphSchema({}), "check"),
        )
        searched: list[str] = []

        def scripted(case: dict[str, Any]) -> _ScriptedSearch:
            def search(text: str, language: str) -> policy.Search | None:
                searched.append(language)
                score, no_good_answer = (case.get("search") or {}).get(language, (0.0, True))
                return policy.Search(
                    score=float(score), no_good_answer=bool(no_good_answer), language=language
                )

            return search

        for case in cases:
            searched.clear()
            decider._search = scripted(case)  # type: ignore[method-assign]
            metadata = {"language": case["language"]} if case.get("language") else {}
            ranking = [
                {"name": name, "confidence": confidence} for name, confidence in case["ranking"]
            ]
            events: list[Any] = [ActionExecuted(ACTION_LISTEN_NAME)]
            if case.get("form"):
                events += [
                    UserUttered("/start", intent={"name": "greet", "confidence": 1.0}),
                    ActionExecuted(case["form"]),
                    ActiveLoop(case["form"]),
                    SlotSet("requested_slot", case.get("requested_slot")),
                    ActionExecuted(ACTION_LISTEN_NAME),
                ]
            events.append(
                UserUttered(
                    case["text"],
                    metadata=metadata,
                    intent=ranking[0],
                    parse_data={
                        "intent": ranking[0],
                        "intent_ranking": ranking,
                        "entities": case.get("entities") or [],
                        "text": case["text"],
                    },
                )
            )
            if case.get("rejected"):
                events.append(ActionExecutionRejected(case["form"]))
            tracker = DialogueStateTracker.from_events("check", events, domain.slots)
            prediction = decider.predict_action_probabilities(tracker, domain)
            action = (
                domain.action_names_or_texts[prediction.max_confidence_index]
                if prediction.max_confidence > 0
                else None
            )
            results.append(
                {
                    "action": action,
                    **prediction.diagnostic_data,
                    "action_metadata": prediction.action_metadata,
                    "searched_in": searched[0] if searched else None,
                }
            )
    return results


if __name__ == "__main__":  # python bot/decision_policy.py < cases.json (from the root)
    logging.disable(logging.WARNING)
    os.environ.pop("FRONTDOOR_KNOWLEDGE_PORT", None)  # the decision on the intent alone
    print(json.dumps(check(json.loads(sys.stdin.read()), ROOT / "bot" / "domain.yml")))
