"""Calibrate the "no good answer" thresholds on the calibration set only.

    .venv/bin/python benchmarks/search_calibrate.py

Uses benchmarks/data/search_calibration.yaml (in-scope questions with their
slugs, and out-of-scope questions), never the evaluation set. A search has a
good answer when a labelled slug is in its top 3; out-of-scope questions never
do. Grid-searches ``AnswerPolicy`` for the best balanced accuracy (ties: the
stricter policy) and prints the policy to paste into knowledge/search/fusion.py.
Refuses to run (exit 2) when a question duplicates an article's alternative
question or a training example (``benchmarks/leakage.py``): thresholds tuned on
questions the engine indexed verbatim would be too trusting.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from search_common import load_content, load_questions, machine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import leakage
from knowledge.search import (
    AnswerPolicy,
    Embedder,
    FusionWeights,
    SearchEngine,
    SentenceTransformerEmbedder,
)
from knowledge.search.domain import AnswerSignals


def collect(engine: SearchEngine, data: dict) -> list[tuple[AnswerSignals, bool]]:
    rows = []
    for item in data["in_scope"]:
        response = engine.search(item["q"], limit=3)
        good = any(hit.slug in item["slugs"] for hit in response.results)
        assert response.signals is not None
        rows.append((response.signals, good))
    for question in data["out_of_scope"]:
        response = engine.search(question, limit=3)
        if response.signals is not None:
            rows.append((response.signals, False))
    return rows


def balanced_accuracy(policy: AnswerPolicy, rows: list[tuple[AnswerSignals, bool]]) -> float:
    good = [policy.has_good_answer(s) for s, label in rows if label]
    bad = [not policy.has_good_answer(s) for s, label in rows if not label]
    return (sum(good) / len(good) + sum(bad) / len(bad)) / 2


def welsh(engine: SearchEngine, data: dict) -> None:
    """Welsh questions: recall by dense weight, then the signals they produce."""
    print("\nWelsh calibration questions (language='cy'):")
    for weight in (0.7, 0.5, 0.3, 0.15, 0.0):
        engine.configure(fusion=FusionWeights(other_language_dense=weight))
        ranks = []
        for item in data["welsh"]:
            slugs = [h.slug for h in engine.search(item["q"], language="cy", limit=3).results]
            ranks.append(next((i for i, s in enumerate(slugs, 1) if s in item["slugs"]), None))
        r1 = sum(1 for r in ranks if r == 1) / len(ranks)
        r3 = sum(1 for r in ranks if r) / len(ranks)
        print(f"  dense weight {weight:.2f}: recall@1 {r1:.3f} recall@3 {r3:.3f}")
    engine.configure(fusion=FusionWeights())
    for question in [i["q"] for i in data["welsh"]] + data["welsh_out_of_scope"]:
        response = engine.search(question, language="cy", limit=3)
        top = response.results[0].slug if response.results else None
        print(
            f"  {question!r:45} {top!s:35} no_answer={response.no_good_answer} {response.signals}"
        )


def fusion_choice(engine: SearchEngine, data: dict) -> None:
    """Recall on the calibration questions for each fusion tried."""
    print("\nfusion on the calibration questions (English):")
    options = [FusionWeights(method="rrf", k=k) for k in (10, 30, 60)] + [
        FusionWeights(method="convex", dense=a, lexical=1 - a) for a in (0.3, 0.5, 0.6, 0.7, 0.8)
    ]
    for fusion in options:
        engine.configure(fusion=fusion)
        ranks = []
        for item in data["in_scope"]:
            slugs = [h.slug for h in engine.search(item["q"], limit=10).results]
            ranks.append(next((i for i, s in enumerate(slugs, 1) if s in item["slugs"]), None))
        r1 = sum(1 for r in ranks if r == 1) / len(ranks)
        r3 = sum(1 for r in ranks if r and r <= 3) / len(ranks)
        mrr = sum(1 / r for r in ranks if r) / len(ranks)
        label = f"rrf k={fusion.k:g}" if fusion.method == "rrf" else f"convex a={fusion.dense:.1f}"
        print(f"  {label:<16} recall@1 {r1:.3f} recall@3 {r3:.3f} MRR {mrr:.3f}")
    engine.configure(fusion=FusionWeights())


def calibration_messages(data: dict) -> list[str]:
    return [
        *(item["q"] for item in data["in_scope"]),
        *data["out_of_scope"],
        *(item["q"] for item in data.get("welsh") or []),
        *(data.get("welsh_out_of_scope") or []),
    ]


def refuses(data: dict, embedder: Embedder, refs: list[tuple[str, str]] | None = None) -> bool:
    """True (after listing the leaks) when the calibration set may not be used."""
    return not leakage.guard(calibration_messages(data), embedder, refs)


def main() -> int:
    data = load_questions("search_calibration.yaml")
    embedder = SentenceTransformerEmbedder()
    if refuses(data, embedder):
        return 2
    engine = SearchEngine(None, embedder, progress=False)
    engine.rebuild(load_content(), progress=True)
    print(f"machine: {machine()}")
    fusion_choice(engine, data)
    rows = collect(engine, data)
    print(f"{sum(1 for _, g in rows if g)} answerable, {sum(1 for _, g in rows if not g)} not")
    for signals, good in sorted(rows, key=lambda r: r[0].top_cosine):
        print(f"  {'GOOD' if good else 'none'} {signals}")
    grid = itertools.product(
        [x / 100 for x in range(30, 80, 2)],  # confident cosine
        [x / 100 for x in range(10, 60, 2)],  # minimum cosine
        [x / 20 for x in range(0, 21)],  # minimum coverage
    )
    scored = []
    for confident, minimum, coverage in grid:
        if minimum > confident:
            continue
        policy = AnswerPolicy(confident, minimum, coverage)
        scored.append((balanced_accuracy(policy, rows), confident, minimum, coverage, policy))
    scored.sort(key=lambda s: (-s[0], -s[1], -s[2], -s[3]))
    best = scored[0]
    print(f"\nbest balanced accuracy {best[0]:.3f}: {best[4]}")
    for row in scored[1:6]:
        print(f"  next {row[0]:.3f}: {row[4]}")
    welsh(engine, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
