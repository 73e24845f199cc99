"""Calibrate the decision policy's thresholds (actions/policy.py) on messages the
intent model never trained on.

    .venv/bin/python benchmarks/policy_calibrate.py [--model models/frontdoor-<fp>.tar.gz]

The set: ``bot_nlu_heldout.yml`` (labelled by intent; ask_question and
out_of_scope count as "answer from the knowledge base"), ``bot_oos.txt``, the
search calibration questions (``search_calibration.yaml``: in scope, out of
scope, Welsh), all knowledge, and the policy's own ``policy_calibration.yaml``
(knowledge questions that use a task's words, task requests phrased
indirectly, in English and Welsh: the cases where the gate has to choose; long, indirect and
misspelt questions in English and Welsh, and hard negatives that share the
articles' words: the cases the no-good-answer score has to separate). Never
the outcome benchmark's set (``bot_outcomes.yaml``), which only measures.

Each message is parsed by the model (the classifier's own ranking, before the
gate) and searched in memory with the real engine. For each kind of intent the
script picks the gate (confidence, margin) that makes the most right decisions
on the messages whose top intent is of that kind, then the strong-match score
(one for every language, then each language's own, kept when it makes more
right decisions: the same question scores higher in Welsh), then the score at which
a result the service calls "no good answer" is still shown. The bot follows an
intent only when the fallback classifier (bot/config.yml) kept it too, so
decisions are counted with its threshold, and with --compare-fallback the right
decisions at other thresholds are printed (changing it needs a retraining).

It prints each threshold that changed (old -> new), the right decisions with the
thresholds in actions/policy.py and with the new ones, and the new ``CALIBRATED``
block; ``--write`` puts that block, with its comment, into actions/policy.py
(no retraining: the bot reads it when the model loads).

Refuses to run (exit 2) when a message duplicates a training example or an
article's alternative question (``benchmarks/leakage.py``).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from actions import policy  # noqa: E402
from actions.risk import detect_risk  # noqa: E402
from benchmarks import leakage  # noqa: E402
from benchmarks.bot_nlu import parse  # noqa: E402
from benchmarks.search_common import load_content  # noqa: E402
from bottools import model as bot_model  # noqa: E402
from knowledge.search import Embedder, SearchEngine, SentenceTransformerEmbedder  # noqa: E402

DATA = ROOT / "benchmarks" / "data"
KINDS = (policy.TRANSACTION_KIND, policy.SMALL_TALK_KIND, policy.CONTROL_KIND, policy.RISK_KIND)
CONFIDENCES = [round(0.3 + 0.05 * i, 2) for i in range(14)]
MARGINS = [round(0.05 * i, 2) for i in range(11)]
CERTAIN = [0.8, 0.85, 0.9, 0.95, 0.98, 1.01]
FALLBACK_OPTIONS = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8]
# strong_match is fitted for English (all messages share it), then for Welsh alone
LANGUAGES = ("en", "cy")
KIND_NAMES = {
    policy.TRANSACTION_KIND: "TRANSACTION_KIND",
    policy.SMALL_TALK_KIND: "SMALL_TALK_KIND",
    policy.CONTROL_KIND: "CONTROL_KIND",
    policy.RISK_KIND: "RISK_KIND",
}


def calibration_set() -> list[dict]:
    items = []
    heldout = yaml.safe_load((DATA / "bot_nlu_heldout.yml").read_text("utf-8"))
    for intent, texts in heldout.items():
        gold = "knowledge" if policy.kind_of(intent) == policy.KNOWLEDGE_KIND else intent
        items += [{"text": t, "gold": gold, "lang": "en"} for t in texts]
    for line in (DATA / "bot_oos.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            items.append({"text": line.strip(), "gold": "knowledge", "lang": "en", "oos": True})
    search = yaml.safe_load((DATA / "search_calibration.yaml").read_text("utf-8"))
    for entry in search["in_scope"]:
        items.append(
            {"text": entry["q"], "gold": "knowledge", "lang": "en", "slugs": entry["slugs"]}
        )
    for entry in search.get("welsh") or []:
        items.append(
            {"text": entry["q"], "gold": "knowledge", "lang": "cy", "slugs": entry["slugs"]}
        )
    for text in search["out_of_scope"]:
        items.append({"text": text, "gold": "knowledge", "lang": "en", "oos": True})
    for text in search.get("welsh_out_of_scope") or []:
        items.append({"text": text, "gold": "knowledge", "lang": "cy", "oos": True})
    own = yaml.safe_load((DATA / "policy_calibration.yaml").read_text("utf-8"))
    for part, lang in (("knowledge", "en"), ("welsh", "cy")):
        for entry in own.get(part) or []:
            items.append(
                {"text": entry["q"], "gold": "knowledge", "lang": lang, "slugs": entry["slugs"]}
            )
    for part, lang in (("out_of_scope", "en"), ("welsh_out_of_scope", "cy")):
        for text in own.get(part) or []:
            items.append({"text": text, "gold": "knowledge", "lang": lang, "oos": True})
    for part, lang in (("intents", "en"), ("welsh_intents", "cy")):
        for intent, texts in (own.get(part) or {}).items():
            items += [{"text": t, "gold": intent, "lang": lang} for t in texts]
    return items


def refuses(
    items: list[dict], embedder: Embedder, refs: list[tuple[str, str]] | None = None
) -> bool:
    """True (after listing the leaks) when a message duplicates what the model trained on."""
    return not leakage.guard([item["text"] for item in items], embedder, refs)


@dataclass(frozen=True)
class Fallback:
    """The fallback classifier of bot/config.yml: below ``threshold``, or within
    ``ambiguity`` of the runner-up, the NLU's intent is ``nlu_fallback``. Inside
    a form that is what lets the form read the message as its answer."""

    threshold: float
    ambiguity: float

    def falls_back(self, ranking: Sequence[tuple[str, float]]) -> bool:
        top = ranking[0][1] if ranking else 0.0
        second = ranking[1][1] if len(ranking) > 1 else 0.0
        return top < self.threshold or top - second < self.ambiguity


def configured_fallback() -> Fallback:
    config = yaml.safe_load((ROOT / "bot" / "config.yml").read_text("utf-8"))
    (step,) = [c for c in config["pipeline"] if c["name"] == "FallbackClassifier"]
    return Fallback(float(step["threshold"]), float(step.get("ambiguity_threshold", 0.1)))


FALLBACK = configured_fallback()


def effective(item: dict, decision: policy.Decision, fallback: Fallback) -> policy.Decision:
    """What the bot does: the rules act on the NLU's intent, so an intent the
    fallback classifier turned into ``nlu_fallback`` is answered from the
    knowledge base whatever the gate says (bot/decision_policy.py follows by
    leaving the rules to act)."""
    if decision.route == policy.FOLLOW and fallback.falls_back(item["evidence"].ranking):
        return policy.Decision(policy.ANSWER, policy.KNOWLEDGE_INTENT, "nlu_fallback")
    return decision


def is_right(item: dict, decision: policy.Decision, fallback: Fallback = FALLBACK) -> bool:
    decision = effective(item, decision, fallback)
    if item["gold"] == "knowledge":
        return decision.route == policy.ANSWER
    if item["gold"] == policy.RISK:
        return decision.route == policy.HANDOVER_AT_RISK
    return decision.route == policy.FOLLOW and decision.intent == item["gold"]


def evaluate(
    items: list[dict], thresholds: policy.Thresholds, fallback: Fallback = FALLBACK
) -> float:
    right = sum(is_right(i, policy.decide(i["evidence"], thresholds), fallback) for i in items)
    return right / len(items)


def strong_options(items: list[dict]) -> list[float]:
    """Candidate strong-match scores: quantiles of the messages' top search scores."""
    scores = sorted(i["search"].score for i in items)
    return sorted(
        {
            round(scores[int(q * (len(scores) - 1))], 3)
            for q in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99)
        }
        | {9.99}
    )


def fit_gates(
    items: list[dict],
    fallback: Fallback,
    gates: dict[str, policy.Gate],
    strong: float,
    by_language: dict[str, float],
) -> policy.Thresholds:
    """For each kind, the gate that makes the most right decisions on the messages
    whose top intent is of that kind, with these strong-match scores; ties go to
    the stricter gate (fewer wrong follows on text the model never saw)."""
    gates = dict(gates)
    answer_score = policy.CALIBRATED.answer_score
    for kind in KINDS:
        mine = [i for i in items if policy.kind_of(i["evidence"].ranking[0][0]) == kind]
        if not mine:
            continue
        best = (-1.0, gates[kind])
        # loosest first, so ">=" keeps the stricter of equal gates
        for confidence, margin, certain in product(CONFIDENCES, MARGINS, CERTAIN):
            gate = policy.Gate(confidence, margin, certain)
            trial = policy.Thresholds({**gates, kind: gate}, strong, answer_score, by_language)
            score = evaluate(mine, trial, fallback)
            if score >= best[0] - 1e-9:
                best = (score, gate)
        gates[kind] = best[1]
    return policy.Thresholds(gates, strong, answer_score, dict(by_language))


def split(strong: dict[str, float]) -> tuple[float, dict[str, float]]:
    """``strong_match`` (English's) and the other languages' own scores, where
    they differ from it."""
    english = strong[LANGUAGES[0]]
    return english, {lang: s for lang, s in strong.items() if lang != LANGUAGES[0] and s != english}


def calibrate(
    items: list[dict], fallback: Fallback, verbose: bool
) -> tuple[float, policy.Thresholds]:
    """The gates and the strong-match scores that make the most right decisions
    with this fallback threshold. First one strong match for every language (with
    the gates fitted to each candidate), then each language's own, Welsh first,
    then English beside Welsh's: a language's own score is kept only when it makes
    more right decisions than the one before."""
    gates = dict(policy.CALIBRATED.gates)
    best: tuple[float, policy.Thresholds | None] = (-1.0, None)
    for strong in strong_options(items):
        thresholds = fit_gates(items, fallback, gates, strong, {})
        score = evaluate(items, thresholds, fallback)
        if verbose:
            print(f"  strong match {strong}: right decisions {score:.3f}")
        if score > best[0] + 1e-9:
            best = (score, thresholds)
    assert best[1] is not None
    shared = best[1]
    strong = {language: shared.strong_match for language in LANGUAGES}
    for language in reversed(LANGUAGES):  # Welsh first, then English beside Welsh's own
        mine = [i for i in items if i["lang"] == language]
        chosen = strong
        for option in strong_options(mine) if mine else []:
            if option == strong[language]:
                continue
            trial = {**strong, language: option}
            thresholds = fit_gates(items, fallback, shared.gates, *split(trial))
            score = evaluate(items, thresholds, fallback)
            if verbose:
                print(f"  strong match {option} for {language}: right decisions {score:.3f}")
            if score > best[0] + 1e-9:
                best, chosen = (score, thresholds), trial
        strong = chosen
    return best[0], best[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path)
    parser.add_argument(
        "--compare-fallback",
        action="store_true",
        help="also calibrate at other fallback thresholds and print their right decisions",
    )
    parser.add_argument(
        "--write",
        action="store_true",
        help="write the new CALIBRATED block into actions/policy.py",
    )
    args = parser.parse_args()
    model = args.model or bot_model.latest_model(ROOT)
    if model is None:
        print("no model for the current training data; run `frontdoor bot train`")
        return 2
    items = calibration_set()
    embedder = SentenceTransformerEmbedder()
    if refuses(items, embedder):
        return 2
    parsed = parse(model, [i["text"] for i in items])
    engine = SearchEngine(None, embedder, progress=False)
    engine.rebuild(load_content(), progress=False)
    for item, p in zip(items, parsed, strict=True):
        found = engine.search(item["text"], language=item["lang"], limit=1)
        top = found.results[0] if found.results else None
        item["search"] = policy.Search(
            top.score if top else 0.0, found.no_good_answer or top is None, item["lang"]
        )
        item["top_slug"] = top.slug if top else None
        item["evidence"] = policy.Evidence(
            ranking=policy.classifier_ranking((name, float(conf)) for name, conf in p["ranking"])
            or [(p["intent"], float(p["confidence"] or 0))],
            search=item["search"],
            risk_pattern=detect_risk(item["text"]) is not None,
            has_entities=any(e["entity"] in policy.TASK_ENTITIES for e in p["entities"]),
        )
    print(
        f"calibration set: {len(items)} messages ({sum(i['gold'] != 'knowledge' for i in items)} "
        f"intents, {sum(i['gold'] == 'knowledge' for i in items)} knowledge); model {model.name}"
    )

    print(f"fallback classifier (bot/config.yml): {FALLBACK}")
    for threshold in FALLBACK_OPTIONS if args.compare_fallback else []:
        trial = Fallback(threshold, FALLBACK.ambiguity)
        score, _ = calibrate(items, trial, verbose=False)
        print(f"  with the fallback threshold at {threshold}: right decisions {score:.3f}")
    _, chosen = calibrate(items, FALLBACK, verbose=True)

    # a result the service calls "no good answer": show it from which score?
    refused = [i for i in items if i["search"].no_good_answer and i["search"].score > 0]
    wanted = [i for i in refused if i.get("slugs") and i["top_slug"] in i["slugs"]]
    unwanted = [i for i in refused if i.get("oos")]
    answer_score = chosen.answer_score
    if wanted and unwanted:
        options = [*sorted({round(i["search"].score, 3) for i in refused}), 9.99]

        def balanced(threshold: float) -> float:
            shown = sum(i["search"].score >= threshold for i in wanted) / len(wanted)
            held = sum(i["search"].score < threshold for i in unwanted) / len(unwanted)
            return (shown + held) / 2

        answer_score = max(options, key=lambda t: (balanced(t), t))
        print(
            f"refused by the service: {len(wanted)} right top hits, {len(unwanted)} out of scope; "
            f"show from score {answer_score} (balanced accuracy {balanced(answer_score):.3f})"
        )
    final = policy.Thresholds(
        chosen.gates, chosen.strong_match, answer_score, chosen.strong_match_by_language
    )
    oos = [i for i in items if i.get("oos")]
    decisions = [effective(i, policy.decide(i["evidence"], final), FALLBACK) for i in oos]
    to_task = sum(d.route == policy.FOLLOW and d.intent in policy.TRANSACTIONS for d in decisions)
    to_risk = sum(d.route == policy.HANDOVER_AT_RISK for d in decisions)
    to_human = sum(d.route == policy.FOLLOW and d.intent == "human" for d in decisions)
    print(
        f"right decisions {evaluate(items, final):.3f}; out of scope ({len(oos)}): "
        f"{to_task} to a transaction, {to_risk} at risk, {to_human} to a person"
    )
    before = evaluate(items, policy.CALIBRATED)
    after = evaluate(items, final)
    changes = changed(policy.CALIBRATED, final)
    print(f"\nright decisions: {before:.3f} with actions/policy.py's thresholds, {after:.3f} new")
    for language in LANGUAGES:
        mine = [i for i in items if i["lang"] == language]
        tasks = [i for i in mine if i["gold"] != "knowledge"]
        print(
            f"  {language} ({len(mine)}, {len(tasks)} intents): "
            f"{evaluate(mine, policy.CALIBRATED):.3f} -> {evaluate(mine, final):.3f}; "
            f"its intents {evaluate(tasks, policy.CALIBRATED):.3f} -> "
            f"{evaluate(tasks, final):.3f}"
        )
    print("changed:" if changes else "changed: nothing")
    for line in changes:
        print(f"  {line}")
    comment = (
        f"# Calibrated by benchmarks/policy_calibrate.py on {len(items)} messages "
        f"({sum(i['gold'] != 'knowledge' for i in items)} intents, "
        f"{sum(i['gold'] == 'knowledge' for i in items)} knowledge) with model {model.name} "
        f"and the fallback threshold {FALLBACK.threshold}: right decisions {after:.3f}; "
        f"of {len(oos)} out-of-scope messages {to_task} go to a transaction, {to_risk} at "
        f"risk, {to_human} to a person."
    )
    block = calibrated_block(final, comment)
    print(f"\n{block}")
    if args.write:
        write_calibrated(POLICY_FILE, block)
        print(f"written to {POLICY_FILE.relative_to(ROOT)}")
    return 0


POLICY_FILE = ROOT / "actions" / "policy.py"
_BLOCK = re.compile(r"# Calibrated by .*?\nCALIBRATED = Thresholds\(\n.*?\n\)\n", re.DOTALL)


def changed(old: policy.Thresholds, new: policy.Thresholds) -> list[str]:
    """Each threshold that differs, as ``name: old -> new``."""
    lines = []
    for kind in KINDS:
        for name in ("confidence", "margin", "certain"):
            was, now = getattr(old.gate(kind), name), getattr(new.gate(kind), name)
            if was != now:
                lines.append(f"{kind} {name}: {was} -> {now}")
    for name in ("strong_match", "answer_score"):
        was, now = getattr(old, name), getattr(new, name)
        if was != now:
            lines.append(f"{name}: {was} -> {now}")
    for language in LANGUAGES[1:]:
        # its own score, or "shared" when it uses strong_match
        was_own = old.strong_match_by_language.get(language, "shared")
        now_own = new.strong_match_by_language.get(language, "shared")
        if was_own != now_own:
            lines.append(f"strong_match for {language}: {was_own} -> {now_own}")
    return lines


def calibrated_block(thresholds: policy.Thresholds, comment: str) -> str:
    """The ``CALIBRATED`` assignment of actions/policy.py, with its comment."""
    words = comment.split()
    lines, line = [], "#"
    for word in words[1:]:
        if len(line) + 1 + len(word) > 88:
            lines.append(line)
            line = "#"
        line += " " + word
    lines += [line, "CALIBRATED = Thresholds(", "    gates={"]
    for kind in KINDS:
        gate = thresholds.gate(kind)
        lines.append(
            f"        {KIND_NAMES[kind]}: Gate(confidence={gate.confidence}, "
            f"margin={gate.margin}, certain={gate.certain}),"
        )
    lines += [
        "    },",
        f"    strong_match={thresholds.strong_match},",
        f"    answer_score={thresholds.answer_score},",
    ]
    if thresholds.strong_match_by_language:
        lines.append(f"    strong_match_by_language={thresholds.strong_match_by_language!r},")
    lines.append(")")
    return "\n".join(lines) + "\n"


def write_calibrated(path: Path, block: str) -> None:
    """Replace the ``CALIBRATED`` block (and its comment) in ``path``."""
    source = path.read_text("utf-8")
    if len(_BLOCK.findall(source)) != 1:
        raise SystemExit(f"{path}: expected one '# Calibrated by' ... CALIBRATED block")
    path.write_text(_BLOCK.sub(lambda _: block, source), "utf-8")


if __name__ == "__main__":
    sys.exit(main())
