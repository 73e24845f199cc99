"""Search latency, one query at a time, at 1,000 and 20,000 chunks.

    .venv/bin/python benchmarks/search_speed.py [--queries 200]

The 20,000-chunk corpus is synthesised from knowledge/content: each article is
copied many times with its own id and a few invented words per chunk (so BM25
sees a larger vocabulary and longer postings). Copies reuse the real model's
vector of the chunk they copy plus a little noise, because embedding 20,000
chunks on this machine would take half an hour and the search cost does not
depend on what the vectors mean. Queries are embedded by the real model.

Prints, per size: the whole ``engine.search`` (p50/p95), the query embedding
alone, the search without embedding, and the bare FAISS search (flat, and
HNSW for comparison), all measured in the same run.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import time
from collections.abc import Callable, Sequence

import faiss
import numpy as np
from machine import percentile
from search_common import load_content, load_questions, machine

from knowledge.search import (
    Embedder,
    IndexableArticle,
    SearchEngine,
    SentenceTransformerEmbedder,
    chunk_article,
)

MARK = " zq"  # invented words start with this, so the copied text can be recovered


class CopyingEmbedder(Embedder):
    """Indexing-only embedder: the real vector of the copied chunk, plus noise."""

    def __init__(self, real: Embedder, known: dict[str, np.ndarray]) -> None:
        self.name, self.dimension = real.name, real.dimension
        self._real, self._known = real, known
        self._rng = np.random.default_rng(1)
        self.query_vectors: dict[str, np.ndarray] = {}  # set to time search without embedding

    def embed_documents(self, texts: Sequence[str], *, batch_size: int = 32) -> np.ndarray:
        rows = []
        for text in texts:
            base = text.split(MARK, 1)[0]
            vector = self._known.get(base)
            if vector is None:
                vector = self._real.embed_documents([base])[0]
                self._known[base] = vector
            noisy = vector + self._rng.normal(scale=0.02, size=vector.shape).astype(np.float32)
            rows.append(noisy / np.linalg.norm(noisy))
        return np.vstack(rows).astype(np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        cached = self.query_vectors.get(text)
        return cached if cached is not None else self._real.embed_query(text)


def synthesise(articles: list[IndexableArticle], chunks_wanted: int) -> list[IndexableArticle]:
    rng = random.Random(5)
    per_article = {a.id: len(chunk_article(a)) for a in articles}
    out: list[IndexableArticle] = []
    total, copy = 0, 0
    while total < chunks_wanted:
        for article in articles:
            if total >= chunks_wanted:
                break
            out.append(
                dataclasses.replace(
                    article,
                    id=f"copy{copy}/{article.id}",
                    slug=f"{article.slug}-{copy}",
                    url="",
                    body_markdown=_mark_sections(article.body_markdown, rng),
                    translation_of=None,
                )
            )
            total += per_article[article.id]
        copy += 1
    return out


def _mark_sections(body: str, rng: random.Random) -> str:
    """Invented words at the end of each section's last line (after MARK)."""
    lines = body.splitlines()
    ends = []
    last_text = None
    for i, line in enumerate(lines):
        if line.startswith("## ") and last_text is not None:
            ends.append(last_text)
        if line.strip() and not line.startswith("#"):
            last_text = i
    if last_text is not None:
        ends.append(last_text)
    for i in set(ends):
        words = " ".join(f"zq{rng.randrange(8000)}" for _ in range(3))
        lines[i] = f"{lines[i]} {words}"
    return "\n".join(lines)


def known_vectors(real: Embedder, articles: list[IndexableArticle]) -> dict[str, np.ndarray]:
    """The real model's vector of every real chunk, embedded once in batches."""
    texts = [c.embedding_text(a.title) for a in articles for c in chunk_article(a)]
    return dict(zip(texts, real.embed_documents(texts, batch_size=64), strict=True))


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def report(label: str, samples: list[float]) -> None:
    print(
        f"  {label:<42} p50 {percentile(samples, 0.5):7.2f} ms   "
        f"p95 {percentile(samples, 0.95):7.2f} ms"
    )


def measure(engine: SearchEngine, copying: CopyingEmbedder, queries: list[str]) -> None:
    real = copying._real
    engine.search(queries[0])  # warm up
    vectors = {q: real.embed_query(q) for q in queries}
    part = engine._state.vectors.parts["en"]
    in_area = engine._state.allowed(None, "waste")
    whole, embed, rest, bare, filtered = [], [], [], [], []
    for q in queries:  # interleaved, so a burst of load elsewhere hits every column alike
        whole += timed(lambda q=q: engine.search(q), 1)
        embed += timed(lambda q=q: real.embed_query(q), 1)
        copying.query_vectors = vectors
        rest += timed(lambda q=q: engine.search(q), 1)
        copying.query_vectors = {}
        bare += timed(lambda q=q: part.search(vectors[q], 40), 1)
        filtered += timed(lambda q=q: part.search(vectors[q], 40, in_area), 1)
    report("engine.search, everything", whole)
    report("  query embedding alone", embed)
    report("  engine.search without the embedding", rest)
    report("bare FAISS search, 8-bit flat (engine's)", bare)
    report("  the same with a service-area filter", filtered)
    matrix = np.vstack([vectors[q] for q in queries])
    stored = part._index.index.reconstruct_n(0, len(part))
    exact = faiss.IndexFlatIP(real.dimension)
    exact.add(stored)
    hnsw = faiss.IndexHNSWFlat(real.dimension, 32, faiss.METRIC_INNER_PRODUCT)
    hnsw.add(stored)
    hnsw.hnsw.efSearch = 64
    for label, index in (("bare FAISS search, float32 flat", exact), ("bare FAISS HNSW32", hnsw)):
        samples = [
            timed(lambda i=i, index=index: index.search(matrix[i : i + 1], 40), 1)[0]
            for i in range(len(queries))
        ]
        report(label, samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    questions = load_questions("search_questions.yaml")
    queries = [item["q"] for item in questions["in_scope"]] + questions["out_of_scope"]
    queries = (queries * 3)[: args.queries]
    real = SentenceTransformerEmbedder()
    articles = [a for a in load_content() if a.language == "en"]
    known = known_vectors(real, articles)
    print(f"machine: {machine()}")
    print(f"{len(queries)} queries, one at a time\n")
    for size in (1_000, 20_000):
        corpus = synthesise(articles, size)
        copying = CopyingEmbedder(real, known)
        engine = SearchEngine(None, copying, progress=False)
        started = time.perf_counter()
        engine.rebuild(corpus, progress=size > 1_000)
        print(
            f"{engine.chunk_count:,} chunks ({len(corpus)} articles), "
            f"built in {time.perf_counter() - started:.1f} s:"
        )
        measure(engine, copying, queries)
        print()


if __name__ == "__main__":
    main()
