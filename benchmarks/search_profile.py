"""Where one search's time goes at 100,000 chunks, deterministically (cProfile).

    .venv/bin/python benchmarks/search_profile.py [--chunks 100000] [--queries 200]
        [--pool 300] [--top 25] [--digest]

Builds the same corpus as search_scale.py (the real articles plus fresh babble,
vectors from ONNX float32 for real chunks and a pool of babble sections; the
embeddings are cached in /tmp so a second run skips the model) once, then runs
``--queries`` searches with their query vectors precomputed (int8 ONNX, as
shipped), so the profile holds everything a search does except the embedding:
FAISS, BM25, exact scores, fusion, grouping, signals, snippets. Prints the
functions by cumulative and own time, call counts per query (which do not
depend on the machine's load), and the CPU time per query (``process_time``).
``--digest`` prints a hash of every result list (slugs, anchors, scores,
snippets), to check that a change keeps the results identical.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import os
import pstats
import sys
import time
from pathlib import Path

import numpy as np
from search_common import load_content, load_questions

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.search_scale import Babble, KnownEmbedder, generate
from knowledge.search import OnnxEmbedder, SearchEngine, chunk_article, default_onnx_dir

CACHE = Path("/tmp") / f"frontdoor-search-profile-{os.getuid()}.npz"


def cached_vectors(onnx: OnnxEmbedder, texts: list[str], queries: list[str]) -> tuple:
    """(document vectors, query vectors) of these texts, from the cache when it matches."""
    key = hashlib.sha256("\x00".join([*texts, "|", *queries]).encode()).hexdigest()
    if CACHE.is_file():
        with np.load(CACHE) as saved:
            if str(saved["key"]) == key:
                return saved["docs"], saved["queries"]
    docs = onnx.embed_documents(texts, batch_size=64)
    asked = np.vstack([onnx.embed_query(q) for q in queries])
    np.savez(CACHE, key=key, docs=docs, queries=asked)
    return docs, asked


def digest(engine: SearchEngine, queries: list[str]) -> str:
    h = hashlib.sha256()
    for q in queries:
        response = engine.search(q)
        h.update(repr((response.no_good_answer, response.signals)).encode())
        for hit in response.results:
            h.update(repr((hit.slug, hit.score, hit.snippet, hit.chunks)).encode())
    return h.hexdigest()[:16]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--pool", type=int, default=300)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--digest", action="store_true")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="no warm-up: each question's first search (search_scale's 'whole' column)",
    )
    args = parser.parse_args()
    questions = load_questions("search_questions.yaml")
    queries = [item["q"] for item in questions["in_scope"]] + questions["out_of_scope"]
    queries = (queries * (args.queries // len(queries) + 1))[: args.queries]
    unique = list(dict.fromkeys(queries))
    articles = load_content()
    english = [a for a in articles if a.language == "en"]
    babble = Babble(english)
    pool_texts = [babble.section() for _ in range(args.pool)]
    texts = [c.embedding_text(a.title) for a in articles for c in chunk_article(a)]
    onnx = OnnxEmbedder(default_onnx_dir())
    docs, asked = cached_vectors(onnx, texts + pool_texts, unique)
    known = dict(zip(texts, docs[: len(texts)], strict=True))
    embedder = KnownEmbedder(onnx, known, docs[len(texts) :])
    generated = generate(articles, args.chunks, pool_texts, babble)
    engine = SearchEngine(None, embedder, progress=False)
    started = time.perf_counter()
    engine.rebuild([*articles, *generated], progress=False)
    print(f"{engine.chunk_count:,} chunks built in {time.perf_counter() - started:.1f} s")
    embedder.query_vectors = dict(zip(unique, asked, strict=True))
    if not args.cold:  # warm up: term arrays, snippet sentences (as search_scale's "rest")
        for q in unique:
            engine.search(q)
    profiler = cProfile.Profile(time.process_time)  # CPU: the load cannot inflate it
    cpu = time.process_time()
    profiler.enable()
    for q in queries:
        engine.search(q)
    profiler.disable()
    cpu = (time.process_time() - cpu) * 1000 / len(queries)
    one, five, _ = os.getloadavg()
    print(
        f"CPU per search without the embedding, under cProfile: {cpu:.2f} ms "
        f"(load {one:.1f}/{five:.1f})"
    )
    stats = pstats.Stats(profiler)
    calls = sum(stat[1] for stat in stats.stats.values())  # type: ignore[attr-defined]
    print(f"function calls per search: {calls / len(queries):.0f}")
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    collections = [0, 0, 0]
    collecting: list[float] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections[info["generation"]] += 1
            collecting.append(time.process_time())
        else:
            collecting.append(time.process_time() - collecting.pop())

    gc.callbacks.append(count)
    cpu = time.process_time()
    for q in queries:
        engine.search(q)
    cpu = (time.process_time() - cpu) * 1000 / len(queries)
    gc.callbacks.remove(count)
    print(
        f"CPU per search without the embedding, no profiler: {cpu:.2f} ms; garbage "
        f"collections by generation {collections}, {sum(collecting) * 1000:.1f} ms in all"
    )
    samples = []
    for q in queries:
        started = time.perf_counter()
        engine.search(q)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    if args.digest:
        print(f"results digest: {digest(engine, unique)}")
    print(
        f"wall without the embedding, no profiler: p50 {samples[len(samples) // 2]:.2f} ms "
        f"p95 {samples[int(len(samples) * 0.95)]:.2f} ms (load {os.getloadavg()[0]:.1f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
