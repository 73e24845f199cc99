from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from knowledge.search import AnswerPolicy, HashingEmbedder, IndexableArticle, SearchEngine
from knowledge.search.vectors import FaissVectorIndex
from tests.unit.search.factories import (
    FakeSource,
    NumpyVectorIndex,
    corpus,
    fake_engine,
    make_article,
    tax_article,
)

ALWAYS = AnswerPolicy(confident_cosine=-1.0)


def test_search_finds_the_article_and_its_section(engine: SearchEngine) -> None:
    response = engine.search("which day is my bin collection", limit=5)
    top = response.results[0]
    assert top.slug == "bin-collection-day"
    assert (top.article_id, top.language, top.service_area) == (1, "en", "waste")
    assert top.url == "/articles/bin-collection-day"
    assert top.snippet
    assert len(top.snippet) <= 260
    assert top.chunks[0].section_anchor == top.section_anchor
    assert response.took_ms >= 0
    assert len({hit.article_id for hit in response.results}) == len(response.results)


def test_hit_links_to_the_section(engine: SearchEngine) -> None:
    top = engine.search("spread payments over 12 months if you cannot pay").results[0]
    assert top.slug == "pay-council-tax"
    assert top.section_anchor == "if-you-cannot-pay"
    assert top.link == "/articles/pay-council-tax#if-you-cannot-pay"
    assert "12 months" in top.snippet


def test_alternative_questions_are_searchable(engine: SearchEngine) -> None:
    top = engine.search("when do the bin men come").results[0]
    assert top.slug == "bin-collection-day"
    assert top.section_anchor is None  # the overview chunk links to the page top
    assert top.snippet == "Check which day your bins are collected."


def test_empty_and_punctuation_queries_have_no_answer(engine: SearchEngine) -> None:
    for query in ("", "   ", "?!"):
        response = engine.search(query)
        assert response.results == []
        assert response.no_good_answer is True


def test_huge_query_is_truncated_not_an_error(engine: SearchEngine) -> None:
    response = engine.search("how do I pay my council tax " * 80)
    assert len(response.query) <= 1000
    assert response.results[0].slug == "pay-council-tax"


def test_limit_and_service_area_filter(engine: SearchEngine) -> None:
    assert len(engine.search("bin tax", limit=1).results) == 1
    only_tax = engine.search("bin collection day", service_area="council_tax")
    assert {hit.service_area for hit in only_tax.results} == {"council_tax"}
    assert engine.search("bin", service_area="parking").results == []


def test_upsert_replaces_an_article_and_remove_drops_it(engine: SearchEngine) -> None:
    changed = make_article(body="## Garden waste\nGreen bins for grass cuttings.")
    assert engine.upsert(changed) is True
    assert engine.upsert(changed) is False  # same content: nothing to do
    top = engine.search("grass cuttings green bin").results[0]
    assert top.section_anchor == "garden-waste"
    assert engine.remove(1) is True
    assert engine.remove(1) is False
    remaining = engine.search("bin collection").results
    assert remaining and all(hit.article_id != 1 for hit in remaining)
    assert len(engine) == 1


def test_english_search_ignores_welsh_articles(engine: SearchEngine) -> None:
    engine.upsert(welsh_bins())
    hits = engine.search("bin collection day", language="en").results
    assert {hit.language for hit in hits} == {"en"}


def test_welsh_search_prefers_the_welsh_version_and_falls_back_to_english(
    engine: SearchEngine,
) -> None:
    engine.upsert(welsh_bins())
    by_welsh_words = engine.search("diwrnod casglu biniau", language="cy").results
    assert by_welsh_words[0].slug == "diwrnod-casglu-biniau"
    by_english_words = engine.search("bin collection day", language="cy").results
    assert by_english_words[0].slug == "diwrnod-casglu-biniau"  # translation shown instead
    assert "bin-collection-day" not in [hit.slug for hit in by_english_words]
    untranslated = engine.search("pay council tax direct debit", language="cy").results
    assert untranslated[0].slug == "pay-council-tax"  # no Welsh version: English one
    everything = engine.search("bin collection day", language=None).results
    assert {hit.language for hit in everything} == {"en", "cy"}


def test_no_good_answer_follows_the_policy(index_dir: Path) -> None:
    strict = fake_engine(index_dir, policy=AnswerPolicy(confident_cosine=2.0, minimum_cosine=2.0))
    strict.rebuild(corpus(), progress=False)
    response = strict.search("bin collection day")
    assert response.results and response.no_good_answer is True
    lenient = fake_engine(None, policy=ALWAYS)
    lenient.rebuild(corpus(), progress=False)
    lenient_response = lenient.search("bin collection day")
    assert lenient_response.no_good_answer is False
    assert lenient_response.signals is not None
    assert lenient_response.signals.lexical_agreement is True


def test_sync_reconciles_first_then_follows_changes() -> None:
    source = FakeSource(corpus())
    engine = fake_engine(None)
    report = engine.sync(source)
    assert (report.full, report.upserted, report.removed, engine.revision) == (True, 2, 0, 2)
    assert engine.sync(source).upserted == 0  # nothing new: cheap
    source.publish(make_article(3, "garden-waste", "Garden waste", body="## Prices\n£45 a year."))
    source.unpublish(2)
    report = engine.sync(source)
    assert (report.full, report.upserted, report.removed, engine.revision) == (False, 1, 1, 4)
    assert source.calls[-1] == "changes_since(2)"
    assert 3 in engine and 2 not in engine


def test_sync_reconciles_in_full_when_the_source_revision_goes_back() -> None:
    engine = fake_engine(None)
    engine.sync(FakeSource(corpus()))
    engine.upsert(tax_article(), revision=50)
    reset = FakeSource([make_article()])  # a re-created database
    report = engine.sync(reset)
    assert report.full is True
    assert (len(engine), engine.revision) == (1, 1)


def test_two_instances_converge_on_the_same_content(tmp_path: Path) -> None:
    source = FakeSource(corpus())
    first, second = fake_engine(tmp_path / "a"), fake_engine(tmp_path / "b")
    first.sync(source)
    second.sync(source)
    source.publish(tax_article(summary="Changed summary about paying."))
    for engine in (first, second):
        engine.sync(source)
    assert first.search("pay council tax").results == second.search("pay council tax").results
    assert first.revision == second.revision == 3


def test_concurrent_searches_during_upserts_see_consistent_results() -> None:
    engine = fake_engine(None)  # in memory: this test is about locking, not disk
    engine.rebuild(corpus(), progress=False)
    allowed = {"bin-collection-day", "pay-council-tax"}
    errors: list[BaseException] = []
    stop = threading.Event()

    def searcher() -> None:
        while not stop.is_set():
            try:
                hits = engine.search("bin collection day").results
                assert hits, "a search during upserts found nothing"
                for hit in hits:
                    assert hit.slug in allowed or hit.slug.startswith("extra-")
                    assert hit.snippet is not None
            except BaseException as error:
                errors.append(error)
                return

    threads = [threading.Thread(target=searcher) for _ in range(3)]
    for thread in threads:
        thread.start()
    for i in range(30):
        engine.upsert(make_article(100 + i % 5, f"extra-{i % 5}", f"Extra bins {i}"))
        if i % 3 == 0:
            engine.remove(100 + (i + 1) % 5)
    stop.set()
    for thread in threads:
        thread.join()
    assert errors == []


def welsh_bins() -> IndexableArticle:
    return make_article(
        10,
        "diwrnod-casglu-biniau",
        "Diwrnod casglu biniau",
        summary="Gwiriwch pa ddiwrnod y caiff eich biniau eu casglu.",
        body="## Dod o hyd i'ch diwrnod casglu\nRhowch eich cod post.",
        alternative_questions=("pryd mae'r biniau'n cael eu casglu",),
        language="cy",
        translation_of=1,
    )


class _SmallIvf(FaissVectorIndex):
    """An IVF from 16 vectors on, that looks at the engine's state lock while it trains."""

    ivf_from = 16
    engine: SearchEngine | None = None
    lock_free_while_training: list[bool] = []
    found_while_training: list[list[str]] = []

    def retrained(self) -> FaissVectorIndex | None:
        engine = _SmallIvf.engine
        if engine is not None and self._needs_training():
            free = engine._state_lock.acquire(blocking=False)
            _SmallIvf.lock_free_while_training.append(free)
            if free:  # a search now would wait for the lock: only search when it is free
                engine._state_lock.release()
                hits = engine.search("bin collection day").results
                _SmallIvf.found_while_training.append([hit.slug for hit in hits])
        return super().retrained()


@pytest.mark.parametrize("write", ["upsert", "sync"])
def test_the_ivf_is_trained_outside_the_state_lock_and_swapped_in(write: str) -> None:
    engine = SearchEngine(None, HashingEmbedder(), vector_index=_SmallIvf, progress=False)
    _SmallIvf.engine = engine
    _SmallIvf.lock_free_while_training.clear()
    _SmallIvf.found_while_training.clear()
    source = FakeSource(corpus())
    if write == "upsert":
        engine.rebuild(corpus(), progress=False)  # a rebuilt index trains aside later too
    else:
        engine.sync(source)
    part = engine._state.vectors.parts["en"]
    assert isinstance(part, FaissVectorIndex) and not part.is_ivf  # 8 chunks: still flat
    extra = [make_article(100 + i, f"extra-{i}", f"Extra bins {i}") for i in range(3)]
    for article in extra:
        if write == "upsert":
            engine.upsert(article)
        else:
            source.publish(article)
            engine.sync(source)
    part = engine._state.vectors.parts["en"]
    assert isinstance(part, FaissVectorIndex) and part.is_ivf and len(part) == engine.chunk_count
    assert _SmallIvf.lock_free_while_training == [True]  # trained once, the lock free
    assert _SmallIvf.found_while_training[0][0] == "bin-collection-day"  # old index served
    assert engine.search("bin collection day").results[0].slug == "bin-collection-day"
    _SmallIvf.engine = None


class _WritingEmbedder(HashingEmbedder):
    """Embeds a query only after ``write`` ran: an article changes between the
    search's BM25 half and its vector half (the embedding runs beside BM25)."""

    write: Callable[[], object] | None = None

    def embed_query(self, text: str) -> np.ndarray:
        if self.write is not None:
            write, self.write = self.write, None
            write()
        return super().embed_query(text)


@pytest.mark.parametrize("change", ["removed", "rewritten"])
def test_an_article_changed_while_the_query_is_embedded_is_searched_as_it_is_now(
    change: str,
) -> None:
    embedder = _WritingEmbedder(64)
    engine = SearchEngine(None, embedder, vector_index=NumpyVectorIndex, progress=False)
    engine.rebuild(corpus(), progress=False)
    assert engine.search("council tax bill").results[0].slug == "pay-council-tax"
    if change == "removed":
        embedder.write = lambda: engine.remove(2)
    else:
        embedder.write = lambda: engine.upsert(tax_article(title="Paying for parking permits"))
    response = engine.search("council tax bill")
    assert embedder.write is None  # the write happened during this search
    slugs = [hit.slug for hit in response.results]
    if change == "removed":
        assert "pay-council-tax" not in slugs
    else:
        top = next(hit for hit in response.results if hit.slug == "pay-council-tax")
        assert top.title == "Paying for parking permits"
