"""CLINC150, a public out-of-scope benchmark, through the bot's decision: what a
council bot does with questions that are not the council's business.

    git -C /work/.mirror/clinc+oos-eval/repo show HEAD:data/data_full.json > /tmp/clinc_full.json
    .venv/bin/python benchmarks/bot_clinc.py --data /tmp/clinc_full.json [--split test|val]
        [--model models/frontdoor-<fp>.tar.gz] [--show-misses]

CLINC150 (Larson et al. 2019, "An Evaluation Dataset for Intent Classification
and Out-of-Scope Prediction", https://github.com/clinc/oos-eval, CC BY 3.0) is
not in this repository and nothing here downloads it: pass the ``data_full.json``
of a copy (exit 2, saying where to get it, without one). Its ``test`` split is
measured and never trained on; ``--split val`` measures the validation split,
for development. The bot may train on a fixed sample of its ``train`` split
(``training_data/nlu/clinc.yml``, written by ``--write-training``).

Three parts, each message the first of a fresh conversation:

(a) the 1,000 out-of-scope queries (``oos_test``): the share kept off the
    transactional intents (target >= 0.98), off the at-risk handover (>= 0.997)
    and off the human handover;
(b) the in-scope queries of CLINC's 150 intents (banking, travel, cooking, a
    phone assistant's commands...), all out of scope for a council, except
    those with a clear equivalent among the bot's own small-talk and control
    intents (``SMALL_TALK_EQUIVALENTS``, ``CONTROL_EQUIVALENTS``): the same figures;
(c) the small-talk queries with an equivalent: the share the bot follows as that
    intent (target >= 0.90); the control equivalents (yes, no, cancel) are
    printed beside it, without a target.

How a message is judged (about a minute for the 5,500 of the test split on two
cores, against an hour end to end): Rasa parses it with the trained model
(``bot/parse_batch.py``, the real NLU pipeline), then the one decision policy
(``actions.policy.decide``) decides on that ranking exactly as
``bot/decision_policy.py`` does outside forms: the risk patterns
(``actions/risk.py``), the task entities, the knowledge search (the real engine
over knowledge/content, in memory) only when it could change the decision, and
the fallback classifier of bot/config.yml (an intent it drops is answered from
the knowledge base). A follow of ``human`` is the human handover; a decision
``at_risk`` the at-risk handover.

The benchmark's guard (``benchmarks/leakage.py``): a CLINC message that is an
exact or near duplicate (MiniLM cosine >= 0.90) of a training example or an
article's alternative question measures memory, not understanding; a public set
cannot be rewritten, so those messages are left out of the figures, counted
per part (``--show-leaks`` lists them), and the scored set is checked clean.

Prints the machine and its load, the figures, and exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions import policy  # noqa: E402
from actions.risk import detect_risk  # noqa: E402
from benchmarks import leakage  # noqa: E402
from benchmarks.bot_nlu import parse  # noqa: E402
from benchmarks.machine import describe_machine, target  # noqa: E402
from benchmarks.policy_calibrate import FALLBACK, effective  # noqa: E402
from benchmarks.search_common import load_content  # noqa: E402
from bottools import model as bot_model  # noqa: E402
from knowledge.search import Embedder, SearchEngine, SentenceTransformerEmbedder  # noqa: E402

ANSWER_ACTION = "action_answer_question"
SOURCE_URL = "https://github.com/clinc/oos-eval"
DATA_URL = "https://raw.githubusercontent.com/clinc/oos-eval/master/data/data_full.json"
TRAINING_FILE = ROOT / "training_data" / "nlu" / "clinc.yml"
TARGETS = {"oos_off_transactions": 0.98, "oos_off_at_risk": 0.997, "small_talk": 0.90}

# CLINC's small-talk intents with a clear equivalent among the bot's own. The rest
# of CLINC's small talk (a joke, the meaning of life, "what is your name") has none:
# for a council bot it is out of scope, part (b).
SMALL_TALK_EQUIVALENTS = {
    "greeting": "greet",
    "goodbye": "goodbye",
    "thank_you": "thank",
    "are_you_a_bot": "bot_challenge",
    "what_can_i_ask_you": "what_can_you_do",
}
# CLINC's "meta" intents that are the bot's control intents.
CONTROL_EQUIVALENTS = {"yes": "affirm", "no": "deny", "cancel": "stop"}
EQUIVALENTS = {**SMALL_TALK_EQUIVALENTS, **CONTROL_EQUIVALENTS}


# --- the data set ---------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    text: str
    clinc_intent: str  # "oos" for an out-of-scope query
    part: str  # "oos", "other" or "small_talk" / "control"


def missing_data_message(path: Path | None) -> str:
    where = f"{path} does not exist" if path else "no --data given"
    return (
        f"CLINC150 is needed and {where}. It is not in this repository (CC BY 3.0, "
        f"Larson et al. 2019, {SOURCE_URL}); get data/data_full.json from a copy, e.g.\n"
        "    git -C /work/.mirror/clinc+oos-eval/repo show HEAD:data/data_full.json "
        "> /tmp/clinc_full.json\n"
        f"or download {DATA_URL}, then pass --data /tmp/clinc_full.json"
    )


def load_clinc(path: Path) -> dict[str, list[tuple[str, str]]]:
    raw = json.loads(path.read_text("utf-8"))
    expected = {"train", "val", "test", "oos_train", "oos_val", "oos_test"}
    if not expected <= set(raw):
        raise ValueError(f"{path} is not CLINC150's data_full.json (keys {sorted(raw)})")
    return {split: [(str(text), str(intent)) for text, intent in raw[split]] for split in raw}


def part_of(clinc_intent: str) -> str:
    if clinc_intent == "oos":
        return "oos"
    if clinc_intent in SMALL_TALK_EQUIVALENTS:
        return "small_talk"
    if clinc_intent in CONTROL_EQUIVALENTS:
        return "control"
    return "other"


def queries(data: dict[str, list[tuple[str, str]]], split: str) -> list[Query]:
    """The split's out-of-scope queries first, then its in-scope ones."""
    rows = data[f"oos_{split}"] + data[split]
    return [Query(text, intent, part_of(intent)) for text, intent in rows]


# --- what the bot decides ----------------------------------------------------------------


@dataclass
class Judged:
    query: Query
    route: str  # policy.FOLLOW, ANSWER or HANDOVER_AT_RISK
    intent: str  # the intent the bot acts on
    top: str  # the classifier's top intent
    confidence: float
    by_pattern: bool  # the risk patterns saw a risk
    reason: str = ""
    searched: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def transaction(self) -> bool:
        return self.route == policy.FOLLOW and self.intent in policy.TRANSACTIONS

    @property
    def at_risk(self) -> bool:
        return self.route == policy.HANDOVER_AT_RISK

    @property
    def human(self) -> bool:
        return self.route == policy.FOLLOW and self.intent == "human"

    @property
    def outcome(self) -> str:
        if self.at_risk:
            return "at_risk"
        if self.route == policy.ANSWER:
            return "knowledge"
        return f"{policy.kind_of(self.intent)}:{self.intent}"


def evidence_of(text: str, parsed: dict[str, Any]) -> policy.Evidence:
    """What bot/decision_policy.py's evidence_from builds for a first message."""
    ranking = policy.classifier_ranking(
        (str(name), float(conf or 0.0)) for name, conf in parsed["ranking"]
    ) or [(str(parsed["intent"]), float(parsed["confidence"] or 0.0))]
    return policy.Evidence(
        ranking=ranking,
        risk_pattern=detect_risk(text) is not None,
        has_entities=any(e["entity"] in policy.TASK_ENTITIES for e in parsed["entities"]),
    )


def judge(
    items: Sequence[Query],
    parsed: Sequence[dict[str, Any]],
    search: Callable[[str], policy.Search],
    thresholds: policy.Thresholds = policy.CALIBRATED,
) -> list[Judged]:
    results = []
    for item, p in zip(items, parsed, strict=True):
        evidence = evidence_of(item.text, p)
        searched = policy.needs_search(evidence, thresholds)
        if searched:
            evidence = policy.Evidence(
                ranking=evidence.ranking,
                search=search(item.text),
                risk_pattern=evidence.risk_pattern,
                has_entities=evidence.has_entities,
            )
        decision = effective({"evidence": evidence}, policy.decide(evidence, thresholds), FALLBACK)
        top, confidence = evidence.ranking[0]
        results.append(
            Judged(
                item,
                decision.route,
                decision.intent,
                top,
                confidence,
                evidence.risk_pattern,
                decision.reason,
                searched,
            )
        )
    return results


class Knowledge:
    """The knowledge search over knowledge/content, in memory (built on first use)."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self._engine: SearchEngine | None = None

    @property
    def engine(self) -> SearchEngine:
        if self._engine is None:
            self._engine = SearchEngine(None, self._embedder, progress=False)
            self._engine.rebuild(load_content(), progress=False)
        return self._engine

    def __call__(self, text: str) -> policy.Search:
        found = self.engine.search(text[:500], language="en", limit=1)
        top = found.results[0] if found.results else None
        return policy.Search(top.score if top else 0.0, found.no_good_answer or top is None)


def end_to_end_outcome(turn: dict[str, Any]) -> str:
    """A turn of the running bot (``bot_outcomes.turn``) as a ``Judged.outcome``."""
    if turn["handoff"] == "at_risk":
        return "at_risk"
    if turn["handoff"]:
        return "control:human"
    intent = turn["intent"]
    if turn["action"] == ANSWER_ACTION or turn["slugs"] or intent is None:
        return "knowledge"
    if policy.kind_of(intent) == policy.KNOWLEDGE_KIND:
        return "knowledge"
    return f"{policy.kind_of(intent)}:{intent}"


def check_end_to_end(
    model: Path, results: Sequence[Judged], knowledge: Knowledge, count: int
) -> float:
    """Send a fixed-seed sample of the judged messages, each the first of a fresh
    conversation, through the running bot (Rasa, the action server, the knowledge
    API, as ``bot_outcomes.py`` runs them) and return the share where the bot did
    what the judgement said."""
    from benchmarks import bot_outcomes  # starts nothing on import

    sample = random.Random(TRAINING_SEED).sample(list(results), min(count, len(results)))
    server, url = bot_outcomes.serve_knowledge(knowledge.engine)
    agree = []
    try:
        with (
            tempfile.TemporaryDirectory() as tmp,
            bot_outcomes.bot(model, url, Path(tmp)) as address,
            httpx.Client(timeout=30) as client,
        ):
            rasa, token = address.split("|")
            for judged in sample:
                turn = bot_outcomes.turn(client, rasa, token, {"text": judged.query.text})
                got = end_to_end_outcome(turn)
                agree.append(got == judged.outcome)
                if got != judged.outcome:
                    print(f"  end to end differs: {judged.query.text!r}: {judged.outcome} / {got}")
    finally:
        server.shutdown()
    return sum(agree) / len(agree)


# --- figures ------------------------------------------------------------------------------


def share(rows: Sequence[Judged], keep: Callable[[Judged], bool]) -> float:
    return sum(keep(r) for r in rows) / len(rows) if rows else float("nan")


def off_figures(label: str, rows: Sequence[Judged]) -> dict[str, float]:
    figures = {
        "off_transactions": share(rows, lambda r: not r.transaction),
        "off_at_risk": share(rows, lambda r: not r.at_risk),
        "off_human": share(rows, lambda r: not r.human),
    }
    at_risk = [r for r in rows if r.at_risk]
    patterns = sum(r.by_pattern for r in at_risk)
    print(f"{label} ({len(rows)} scored)")
    print(f"  kept off transactional intents: {figures['off_transactions']:.3f}")
    print(
        f"  kept off the at-risk handover:  {figures['off_at_risk']:.3f}   "
        f"({len(at_risk)} triggered: {patterns} by the risk patterns, "
        f"{len(at_risk) - patterns} by the intent model)"
    )
    print(f"  kept off the human handover:    {figures['off_human']:.3f}")
    where = Counter(r.outcome.split(":")[0] for r in rows)
    print(
        "  where they went: "
        + ", ".join(
            f"{k} {v / len(rows):.3f}" for k, v in sorted(where.items(), key=lambda x: -x[1])
        )
    )
    followed = Counter(r.intent for r in rows if r.transaction or r.human)
    if followed:
        print(f"  transactions and hand-overs followed: {dict(followed.most_common())}")
    return figures


def understood(r: Judged) -> bool:
    """A small-talk or control query the bot followed as its equivalent."""
    return r.route == policy.FOLLOW and r.intent == EQUIVALENTS[r.query.clinc_intent]


def accuracy_figures(label: str, rows: Sequence[Judged]) -> float:
    right = share(rows, understood)
    print(f"{label}: {right:.3f} of {len(rows)} scored")
    by_intent: dict[str, list[Judged]] = defaultdict(list)
    for r in rows:
        by_intent[r.query.clinc_intent].append(r)
    for name, mine in sorted(by_intent.items()):
        wrong = Counter(r.outcome for r in mine if not understood(r))
        print(
            f"  {name:19s} -> {EQUIVALENTS[name]:16s} {share(mine, understood):.3f} "
            f"({len(mine)})  misses: {dict(wrong.most_common(4))}"
        )
    return right


def print_misses(rows: Iterable[Judged]) -> None:
    for r in rows:
        print(
            f"  [{r.query.part}:{r.query.clinc_intent}] {r.query.text!r} -> {r.outcome} "
            f"(top {r.top} {r.confidence:.2f}; {r.reason})"
        )


def is_miss(r: Judged) -> bool:
    if r.query.part in ("small_talk", "control"):
        return not understood(r)
    return r.transaction or r.at_risk or r.human


# --- the training sample -----------------------------------------------------------------

TRAINING_SEED = 20191103  # EMNLP-IJCNLP 2019, where CLINC150 was published
# Of each small-talk intent with an equivalent (100 train queries each): the sample
# the bot trains on - all of them: with 40 each, small talk on the val split was
# 0.684 (the misses mostly right but under the small-talk gate's confidence).
# CLINC's other intents and its out-of-scope queries are not sampled: as negatives
# they cost the human handover (1.000 -> 0.692 on bot_outcomes, benchmarks/README.md)
# by teaching that a phone assistant's "call dave" or "speak to customer service
# about my flight" is out of scope.
PER_INTENT_SMALL_TALK = 100
# A request for a person is the human handover's, whatever CLINC calls it.
ASKS_FOR_A_PERSON = re.compile(
    r"\b(?:speak|talk|chat|connect|transfer|put) (?:me )?(?:to|with|through to) "
    r"(?:a |an |the |some )?(?:customer|someone|somebody|person|human|agent|representative|"
    r"advis[eo]r|staff|operator|real)",
    re.I,
)


def benchmark_messages(root: Path = ROOT) -> list[str]:
    """Every message the project's own benchmarks ask (the leakage guard checks each
    against the training data, so a training example must not duplicate one)."""
    data = root / "benchmarks" / "data"
    found = [
        m["text"]
        for m in yaml.safe_load((data / "bot_outcomes.yaml").read_text("utf-8"))["messages"]
    ]
    heldout = yaml.safe_load((data / "bot_nlu_heldout.yml").read_text("utf-8"))
    found += [text for texts in heldout.values() for text in texts]
    found += [
        line.strip()
        for line in (data / "bot_oos.txt").read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for name in ("search_questions.yaml", "search_calibration.yaml"):
        questions = yaml.safe_load((data / name).read_text("utf-8"))
        for entries in questions.values():
            found += [e["q"] if isinstance(e, dict) else str(e) for e in entries or ()]
    return found


def training_sample(
    data: dict[str, list[tuple[str, str]]], embedder: Embedder
) -> dict[str, list[str]]:
    """A fixed-seed sample of CLINC's train split (never val or test): of each
    small-talk intent with an equivalent, as the bot's intent. Leaves out what the
    risk patterns flag, a request for a person, what duplicates a benchmark's
    message, and what is as close to one of the bot's own examples of another
    intent (it would teach the model both labels)."""
    rng = random.Random(TRAINING_SEED)
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in data["train"]:
        by_intent[intent].append(text)
    chosen: dict[str, list[str]] = defaultdict(list)
    for intent in sorted(SMALL_TALK_EQUIVALENTS):
        texts = by_intent.get(intent, [])
        chosen[SMALL_TALK_EQUIVALENTS[intent]] += rng.sample(
            texts, min(PER_INTENT_SMALL_TALK, len(texts))
        )
    candidates = [t for texts in chosen.values() for t in texts]
    benchmarks = [(m, "benchmark") for m in benchmark_messages()]
    blocked = {leak.message for leak in leakage.find_leaks(candidates, benchmarks, embedder)}
    own = own_training_examples()
    intent_of = {t: intent for intent, texts in chosen.items() for t in texts}
    blocked |= {
        leak.message
        for leak in leakage.find_leaks(candidates, own, embedder)
        if leak.source != f"training:{intent_of[leak.message]}"
    }
    blocked |= {t for t in candidates if ASKS_FOR_A_PERSON.search(t)}
    kept = {
        intent: sorted({t for t in texts if detect_risk(t) is None and t not in blocked})
        for intent, texts in chosen.items()
    }
    return {intent: texts for intent, texts in kept.items() if texts}


def own_training_examples(root: Path = ROOT) -> list[tuple[str, str]]:
    """The bot's training examples except this sample's own file."""
    found = []
    for path in sorted((root / "training_data" / "nlu").glob("*.yml")):
        if path.name == TRAINING_FILE.name:
            continue
        for block in yaml.safe_load(path.read_text("utf-8")).get("nlu", []):
            if "intent" in block:
                found += [
                    (line.strip()[2:].strip(), f"training:{block['intent']}")
                    for line in block["examples"].splitlines()
                    if line.strip().startswith("- ")
                ]
    return found


HEADER = """\
version: "3.1"
# Drawn from CLINC150's train split (never its val or test split):
#   Larson et al. 2019, "An Evaluation Dataset for Intent Classification and
#   Out-of-Scope Prediction" (EMNLP-IJCNLP), https://github.com/clinc/oos-eval,
#   licensed CC BY 3.0 (https://creativecommons.org/licenses/by/3.0/).
# Written by `benchmarks/bot_clinc.py --write-training` (seed {seed}): {small_talk} of
# each small-talk intent with an equivalent in the bot (greeting, goodbye, thank_you,
# are_you_a_bot, what_can_i_ask_you) as that intent; none of CLINC's other intents
# or out-of-scope queries; less what the risk patterns flag, a request for a
# person, and what duplicates a benchmark's message or the bot's own example of
# another intent. Regenerate, do not edit by hand.
nlu:
"""


def write_training(sample: dict[str, list[str]], path: Path = TRAINING_FILE) -> None:
    lines = [HEADER.format(seed=TRAINING_SEED, small_talk=PER_INTENT_SMALL_TALK).rstrip("\n")]
    for intent in sorted(sample):
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {text}" for text in sample[intent]]
    path.write_text("\n".join(lines) + "\n", "utf-8")


# --- main ----------------------------------------------------------------------------------


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="CLINC150's data/data_full.json")
    parser.add_argument("--split", choices=("test", "val"), default="test")
    parser.add_argument("--model", type=Path, help="a model file (default: the current one)")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--show-leaks", action="store_true")
    parser.add_argument(
        "--check-end-to-end",
        type=int,
        metavar="N",
        default=0,
        help="also send a fixed-seed sample of N messages through the running bot and "
        "print how often it did what the judgement said",
    )
    parser.add_argument(
        "--write-training",
        action="store_true",
        help=f"write the train split's sample to {TRAINING_FILE.relative_to(ROOT)} and stop",
    )
    args = parser.parse_args()
    if args.data is None or not args.data.is_file():
        print(missing_data_message(args.data), file=sys.stderr)
        return 2
    data = load_clinc(args.data)
    embedder = SentenceTransformerEmbedder()
    if args.write_training:
        sample = training_sample(data, embedder)
        write_training(sample)
        print(f"wrote {sum(map(len, sample.values()))} examples to {TRAINING_FILE}")
        return 0
    print(describe_machine())
    print(f"load average at start: {load()}")
    started = time.perf_counter()
    items = queries(data, args.split)
    print(
        f"CLINC150 {args.split} split ({SOURCE_URL}, CC BY 3.0): "
        f"{sum(i.part == 'oos' for i in items)} out-of-scope, "
        f"{sum(i.part != 'oos' for i in items)} in-scope queries of 150 intents"
    )
    refs = leakage.references()
    leaks = leakage.find_leaks([i.text for i in items], refs, embedder)
    leaked = {leak.message for leak in leaks}
    scored = [i for i in items if i.text not in leaked]
    by_part = Counter(i.part for i in items if i.text in leaked)
    print(
        f"duplicate guard: {len(leaked)} messages exact or within cosine "
        f"{leakage.NEAR_DUPLICATE_COSINE} of the {len(refs)} training examples and "
        f"alternative questions are left out ({dict(by_part)}); none of the {len(scored)} "
        "scored is"
    )
    if args.show_leaks:
        print(leakage.report(leaks, limit=len(leaks)))
    model = args.model or bot_model.latest_model(ROOT)
    if model is None:
        print("no model for the current training data; run `frontdoor bot train`")
        return 2
    print(f"model: {model.name}")
    parse_started = time.perf_counter()
    parsed = parse(model, [i.text for i in scored])
    parse_s = time.perf_counter() - parse_started
    knowledge = Knowledge(embedder)
    results = judge(scored, parsed, knowledge)
    parts: dict[str, list[Judged]] = defaultdict(list)
    for r in results:
        parts[r.query.part].append(r)

    print()
    oos = off_figures("(a) CLINC's out-of-scope queries", parts["oos"])
    print()
    off_figures(
        f"(b) in-scope queries of CLINC's {150 - len(EQUIVALENTS)} intents without an "
        "equivalent (out of scope for a council)",
        parts["other"],
    )
    print()
    small_talk = accuracy_figures(
        "(c) small talk with an equivalent, followed as it", parts["small_talk"]
    )
    accuracy_figures("    control with an equivalent (no target)", parts["control"])
    searched = sum(r.searched for r in results)
    print(
        f"\nparsed {len(results)} messages in {parse_s:.0f} s (model load included); "
        f"{searched} searched; whole run {time.perf_counter() - started:.0f} s; "
        f"load average at end: {load()}"
    )
    if args.check_end_to_end:
        agreement = check_end_to_end(model, results, knowledge, args.check_end_to_end)
        print(
            f"end to end through the running bot, {args.check_end_to_end} sampled messages: "
            f"the same outcome for {agreement:.3f}"
        )
    if args.show_misses:
        print("\nmisses:")
        print_misses(r for r in results if is_miss(r))
    print("\nresult:")
    ok = [
        target(
            f"out of scope kept off transactions >= {TARGETS['oos_off_transactions']}",
            oos["off_transactions"] >= TARGETS["oos_off_transactions"],
        ),
        target(
            f"out of scope kept off at-risk >= {TARGETS['oos_off_at_risk']}",
            oos["off_at_risk"] >= TARGETS["oos_off_at_risk"],
        ),
        target(f"small talk >= {TARGETS['small_talk']}", small_talk >= TARGETS["small_talk"]),
    ]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
