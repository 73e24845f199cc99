"""Upsert-to-searchable time: how long after an edit is published can it be found?

    .venv/bin/python benchmarks/search_freshness.py [--trials 15]

For each trial an article gets a new sentence with an invented word; we time
``engine.upsert`` (chunk, embed with the real model, swap in, save to disk)
and then search for the invented word. Also through ``engine.sync`` from an
in-memory source, the path other API instances take. Measured on the real
content (index persisted in a temporary folder) and on a 20,000-chunk
synthesised index (see search_speed.py), where each save rewrites every file
(about 8 MB of vectors and 9 MB of articles). Caveat at 20,000 chunks: copies
reuse cached vectors, so only the edited section is embedded by the model
there; the real-content figures include embedding every chunk of the article.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import tempfile
import time
from pathlib import Path

from machine import percentile
from search_common import load_content, machine
from search_speed import CopyingEmbedder, known_vectors, synthesise

from knowledge.search import (
    Embedder,
    IndexableArticle,
    Removal,
    SearchEngine,
    SentenceTransformerEmbedder,
)


class OneChangeSource:
    """An ArticleSource that has just published one change (revision + 1)."""

    def __init__(self, revision: int, article: IndexableArticle) -> None:
        self.revision, self.article = revision, article

    def changes_since(self, revision: int) -> tuple[list[IndexableArticle | Removal], int]:
        return ([self.article] if revision < self.revision + 1 else []), self.revision + 1

    def all_published(self) -> tuple[list[IndexableArticle], int]:
        raise AssertionError("the engine was reconciled before timing")


class EverythingSource:
    """For the first (reconciling) sync before the timed ones."""

    def __init__(self, articles: list[IndexableArticle]) -> None:
        self.articles = articles

    def changes_since(self, revision: int) -> tuple[list[IndexableArticle | Removal], int]:
        return [], 0

    def all_published(self) -> tuple[list[IndexableArticle], int]:
        return self.articles, 0


def invented_word(rng: random.Random) -> str:
    """A word no article uses, so only the edited article can match it."""
    return "".join(rng.choice("bcdfghjklmnpqrstvwxz") + rng.choice("aeiou") for _ in range(5))


def edited(article: IndexableArticle, word: str) -> IndexableArticle:
    body = article.body_markdown + f"\n\n## Update\nFrom April the {word} scheme starts.\n"
    return dataclasses.replace(article, body_markdown=body)


def trial(engine: SearchEngine, article: IndexableArticle, word: str, via_sync: bool) -> tuple:
    changed = edited(article, word)
    started = time.perf_counter()
    if via_sync:
        engine.sync(OneChangeSource(engine.revision, changed))
    else:
        engine.upsert(changed)
    applied = time.perf_counter()
    found = engine.search(f"{word} scheme", limit=3).results
    searchable = time.perf_counter()
    assert article.id in [hit.article_id for hit in found], (word, [h.slug for h in found])
    engine.upsert(article)  # put it back, so edits never pile up (not timed)
    return (applied - started) * 1000, (searchable - started) * 1000


def run(label: str, engine: SearchEngine, articles: list[IndexableArticle], trials: int) -> None:
    print(f"{label}: {len(engine)} articles, {engine.chunk_count:,} chunks")
    engine.sync(EverythingSource(articles))  # the start-up reconciliation, not timed
    rng = random.Random(11)
    for via_sync in (False, True):
        upserts, visible = [], []
        for i in range(trials):
            article = articles[(i * 7) % len(articles)]
            word = invented_word(rng)
            applied, searchable = trial(engine, article, word, via_sync)
            upserts.append(applied)
            visible.append(searchable)
        path = "sync(source)" if via_sync else "upsert(article)"
        print(
            f"  {path:<16} returns p50 {percentile(upserts, 0.5):7.0f} ms  "
            f"p95 {percentile(upserts, 0.95):7.0f} ms | searchable p50 "
            f"{percentile(visible, 0.5):7.0f} ms  p95 {percentile(visible, 0.95):7.0f} ms  "
            f"max {max(visible):.0f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=15)
    args = parser.parse_args()
    real = SentenceTransformerEmbedder()
    print(f"machine: {machine()}")
    articles = [a for a in load_content() if a.language == "en"]
    with tempfile.TemporaryDirectory() as folder:
        engine = SearchEngine(Path(folder) / "small", real, progress=False)
        engine.rebuild(articles, progress=True)
        run("real content, persisted", engine, articles, args.trials)

        big: Embedder = CopyingEmbedder(real, known_vectors(real, articles))
        corpus = synthesise(articles, 20_000)
        engine = SearchEngine(Path(folder) / "big", big, progress=False)
        engine.rebuild(corpus, progress=True)
        run("20,000 chunks, persisted", engine, corpus, args.trials)


if __name__ == "__main__":
    main()
