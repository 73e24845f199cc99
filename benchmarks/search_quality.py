"""Search quality on labelled resident questions: BM25 alone, dense alone, hybrid.

    .venv/bin/python benchmarks/search_quality.py [--show-misses] [--model DIR]

Reads benchmarks/data/search_questions.yaml (never used for tuning) and refuses
to run (exit 2, listing each offending question and its nearest reference) when
a question is an exact or near duplicate of an article's alternative question
or a training example (``benchmarks/leakage.py``): the engine indexes the
alternative questions, so such a question measures memory. Then indexes
knowledge/content in memory with the real model. Prints recall@1, recall@3 and
MRR per mode, the Welsh questions, and the precision and recall of the
"no good answer" signal on in-scope versus out-of-scope questions.

``--model DIR`` searches with another sentence-transformers folder through torch
(an experiment such as ``embedder_finetune.py``'s output); the leakage guard
still uses the shipped model, whose cosine its threshold was set for.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from search_common import load_content, load_questions, machine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import leakage
from knowledge.search import Embedder, SearchEngine, SentenceTransformerEmbedder

MODES = ("lexical", "dense", "hybrid")
LABELS = {"lexical": "BM25 alone", "dense": "dense alone", "hybrid": "hybrid"}


def rank_of(slugs: list[str], wanted: set[str]) -> int | None:
    for position, slug in enumerate(slugs, start=1):
        if slug in wanted:
            return position
    return None


def evaluate(engine: SearchEngine, questions: list[dict], mode: str, language: str) -> dict:
    ranks, misses = [], []
    for item in questions:
        found = engine.search(item["q"], language=language, limit=10, mode=mode).results
        slugs = [hit.slug for hit in found]
        rank = rank_of(slugs, set(item["slugs"]))
        ranks.append(rank)
        if rank is None or rank > 3:
            misses.append((item["q"], item["slugs"], slugs[:3]))
    n = len(ranks)
    return {
        "n": n,
        "r1": sum(1 for r in ranks if r == 1) / n,
        "r3": sum(1 for r in ranks if r and r <= 3) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
        "misses": misses,
    }


def plain_bm25(articles: list, questions: list[dict]) -> dict:
    """Reference only: rank_bm25 over whole English articles, lowercase words, no
    stemming, stop words, spelling correction or chunking (what "BM25" often means)."""
    import re

    from rank_bm25 import BM25Okapi

    english = [a for a in articles if a.language == "en"]

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", text.lower())

    documents = [
        words(" ".join([a.title, a.summary, *a.alternative_questions, a.body_markdown]))
        for a in english
    ]
    bm25 = BM25Okapi(documents)
    ranks = []
    for item in questions:
        scores = bm25.get_scores(words(item["q"]))
        order = sorted(range(len(english)), key=lambda i: -scores[i])[:10]
        ranks.append(rank_of([english[i].slug for i in order], set(item["slugs"])))
    n = len(ranks)
    return {
        "r1": sum(1 for r in ranks if r == 1) / n,
        "r3": sum(1 for r in ranks if r and r <= 3) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
    }


def no_answer_figures(engine: SearchEngine, in_scope: list[dict], out_of_scope: list[str]) -> dict:
    flagged_in = [engine.search(item["q"]).no_good_answer for item in in_scope]
    flagged_out = [engine.search(q).no_good_answer for q in out_of_scope]
    true_pos = sum(flagged_out)  # out of scope and flagged
    false_pos = sum(flagged_in)  # in scope but flagged
    precision = true_pos / (true_pos + false_pos) if true_pos + false_pos else float("nan")
    return {
        "oos_precision": precision,
        "oos_recall": true_pos / len(out_of_scope),
        "in_scope_answered": 1 - false_pos / len(in_scope),
        "n_in": len(in_scope),
        "n_out": len(out_of_scope),
    }


def evaluation_messages(questions: dict) -> list[str]:
    """Every question the benchmark asks: in scope, out of scope and Welsh."""
    return [
        *(item["q"] for item in questions["in_scope"]),
        *questions["out_of_scope"],
        *(item["q"] for item in questions.get("welsh", [])),
    ]


def refuses(questions: dict, embedder: Embedder, refs: list[tuple[str, str]] | None = None) -> bool:
    """True (after listing the leaks) when the question set may not be used."""
    return not leakage.guard(evaluation_messages(questions), embedder, refs)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument(
        "--allow-leaks",
        action="store_true",
        help="measure anyway (only to compare with an old, leaking question set)",
    )
    parser.add_argument(
        "--model",
        type=Path,
        help="a sentence-transformers folder to search with instead of the shipped model",
    )
    args = parser.parse_args()
    questions = load_questions("search_questions.yaml")
    articles = load_content()
    started = time.perf_counter()
    embedder = SentenceTransformerEmbedder()
    if refuses(questions, embedder) and not args.allow_leaks:
        return 2
    if args.model is not None:
        embedder = SentenceTransformerEmbedder(args.model)
    engine = SearchEngine(None, embedder, progress=False)
    engine.rebuild(articles, progress=True)
    print(f"machine: {machine()}")
    print(f"model: {args.model or 'shipped all-MiniLM-L6-v2'}")
    print(
        f"corpus: {len(articles)} articles, {engine.chunk_count} chunks; "
        f"indexed in {time.perf_counter() - started:.1f} s (model load included)"
    )
    in_scope = questions["in_scope"]
    print(f"\nEnglish in-scope questions: {len(in_scope)}")
    print(f"{'mode':<14} {'recall@1':>9} {'recall@3':>9} {'MRR':>7}")
    results = {}
    for mode in MODES:
        results[mode] = figures = evaluate(engine, in_scope, mode, "en")
        print(
            f"{LABELS[mode]:<14} {figures['r1']:>9.3f} {figures['r3']:>9.3f} {figures['mrr']:>7.3f}"
        )
    gain = (results["hybrid"]["r3"] - results["lexical"]["r3"]) * 100
    print(f"hybrid recall@3 minus BM25 recall@3: {gain:+.1f} points")
    plain = plain_bm25(articles, in_scope)
    plain_gain = (results["hybrid"]["r3"] - plain["r3"]) * 100
    print(
        f"reference, plain rank_bm25 over whole articles (no stemming, no spelling): "
        f"r@1 {plain['r1']:.3f}  r@3 {plain['r3']:.3f}  MRR {plain['mrr']:.3f}  "
        f"(hybrid {plain_gain:+.1f} points at 3)"
    )

    welsh = questions.get("welsh", [])
    if welsh:
        print(f"\nWelsh questions (language='cy'): {len(welsh)}")
        for mode in MODES:
            figures = evaluate(engine, welsh, mode, "cy")
            print(
                f"{LABELS[mode]:<14} {figures['r1']:>9.3f} {figures['r3']:>9.3f} "
                f"{figures['mrr']:>7.3f}"
            )

    signal = no_answer_figures(engine, in_scope, questions["out_of_scope"])
    print(
        f"\n'no good answer' on {signal['n_in']} in-scope + {signal['n_out']} out-of-scope "
        "questions (positive = out of scope):"
    )
    print(f"  precision {signal['oos_precision']:.3f}  recall {signal['oos_recall']:.3f}  ")
    print(f"  in-scope questions answered (not flagged): {signal['in_scope_answered']:.3f}")

    if args.show_misses:
        for mode in MODES:
            print(f"\nmisses at 3, {LABELS[mode]}:")
            for question, wanted, got in results[mode]["misses"]:
                print(f"  {question!r}: want {wanted}, got {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
