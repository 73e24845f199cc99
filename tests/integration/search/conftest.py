"""One real embedder per test session: loading all-MiniLM-L6-v2 takes seconds."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.search import IndexableArticle, SearchEngine, SentenceTransformerEmbedder

CONTENT = Path(__file__).resolve().parents[3] / "knowledge" / "content"
SMALL_CORPUS = [
    "en/waste/missed-bin",
    "en/waste/bin-collection-day",
    "en/waste/bulky-waste-collection",
    "en/council_tax/pay-council-tax",
    "en/council_tax/single-person-discount",
    "en/housing/report-a-repair",
    "en/elections/register-to-vote",
    "en/environmental_health/noise-complaints",
    "cy/waste/diwrnod-casglu-biniau",
]


def load_article(key: str) -> IndexableArticle:
    language, area, slug = key.split("/")
    _, front, body = (CONTENT / language / area / f"{slug}.md").read_text("utf-8").split("---", 2)
    meta = yaml.safe_load(front)
    translation = meta.get("translation_of")
    return IndexableArticle(
        id=f"{language}/{slug}",
        slug=meta["slug"],
        title=meta["title"],
        summary=meta.get("summary", ""),
        body_markdown=body.strip(),
        alternative_questions=tuple(meta.get("alternative_questions") or ()),
        service_area=meta["service_area"],
        language=language,
        tags=tuple(meta.get("tags") or ()),
        translation_of=f"en/{translation}" if translation else None,
    )


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def small_corpus() -> list[IndexableArticle]:
    return [load_article(key) for key in SMALL_CORPUS]


@pytest.fixture
def real_engine(
    tmp_path: Path, real_embedder: SentenceTransformerEmbedder, small_corpus: list[IndexableArticle]
) -> SearchEngine:
    engine = SearchEngine(tmp_path / "search-index", real_embedder, progress=False)
    engine.rebuild(small_corpus, progress=False)
    return engine


@pytest.fixture(scope="session")
def searched_engine(
    tmp_path_factory: pytest.TempPathFactory,
    real_embedder: SentenceTransformerEmbedder,
    small_corpus: list[IndexableArticle],
) -> SearchEngine:
    """One engine for the tests that only search it (embedding the corpus takes
    seconds); a test that changes or reopens the index takes ``real_engine``."""
    engine = SearchEngine(
        tmp_path_factory.mktemp("searched") / "index", real_embedder, progress=False
    )
    engine.rebuild(small_corpus, progress=False)
    return engine
