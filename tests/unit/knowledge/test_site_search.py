"""The website's relevance cut, "did you mean" and top task first (routes/site_search.py)."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.public import LiveArticle
from knowledge.routes import site_search
from knowledge.schemas import SearchResponse, SearchResultPublic
from knowledge.search import english_words


def hit(slug: str, score: float) -> SearchResultPublic:
    return SearchResultPublic(slug=slug, title=slug.title(), url=f"/articles/{slug}",
                              section_anchor=None, section_title=None, snippet="", score=score,
                              service_area="waste", language="en")  # fmt: skip


def article(slug: str, title: str, tags: list[str], body: str = "") -> LiveArticle:
    return LiveArticle(id=1, slug=slug, language="en", title=title, summary="",
                       service_area="waste", owner_team="Waste", review_by=date(2027, 1, 1),
                       tags=tags, alternative_questions=[], translation_of=None,
                       related=[], links=[], body=body, revision=1, last_reviewed=None)  # fmt: skip


# The real model's scores for "real nappies" (benchmarks: no good answer).
NAPPIES = SearchResponse(
    query="real nappies",
    results=[hit("what-goes-in-each-bin", 0.438), hit("new-or-replacement-bin", 0.438),
             hit("christmas-bin-collections", 0.403), hit("air-quality", 0.363),
             hit("homeless-help-now", 0.341)],
    no_good_answer=True, took_ms=1.0,
)  # fmt: skip


def test_a_weak_search_keeps_only_the_close_few_and_never_air_quality_for_nappies():
    kept = [h.slug for h in site_search.relevant(NAPPIES)]
    assert kept == ["what-goes-in-each-bin", "new-or-replacement-bin", "christmas-bin-collections"]


def test_a_good_search_keeps_results_within_the_share_of_the_best():
    response = SearchResponse(query="bin day", no_good_answer=False, took_ms=1.0,
                              results=[hit("a", 1.0), hit("b", 0.8), hit("c", 0.79)])  # fmt: skip
    assert [h.slug for h in site_search.relevant(response)] == ["a", "b"]


def test_no_results_or_no_score_keep_nothing():
    empty = SearchResponse(query="x", results=[], no_good_answer=True, took_ms=0.0)
    zero = SearchResponse(query="x", results=[hit("a", 0.0)], no_good_answer=True, took_ms=0.0)
    assert site_search.relevant(empty) == [] and site_search.relevant(zero) == []


def test_did_you_mean_spells_unknown_words_as_the_articles_do():
    words = site_search.vocabulary([article("c", "Pay your council tax", ["council-tax"])])
    english = english_words()
    assert site_search.suggest("pay my councel  tax", words, english) == "pay my council tax"
    assert site_search.suggest("pay council tax", words, english) is None
    assert site_search.suggest("zzzzzz", words, english) is None


@pytest.mark.parametrize(
    ("query", "title", "suggestion"),
    [
        ("argue", "Large items", None),  # two edits in five letters (ratio 0.8)
        ("whose", "House", None),
        ("parking", "Marking", None),  # one edit, but "parking" is English
        ("recyling", "Recycling", "recycling"),
        ("rubbsih", "Rubbish", "rubbish"),
        ("accomodaton", "Accommodation", "accommodation"),  # two edits in eleven letters
    ],
)
def test_did_you_mean_keeps_english_words_and_words_two_edits_away(
    query: str, title: str, suggestion: str | None
) -> None:
    words = site_search.vocabulary([article("a", title, [])])
    assert site_search.suggest(query, words, english_words()) == suggestion


def test_a_welsh_page_has_no_english_words_to_keep():
    words = site_search.vocabulary([article("a", "Marking", [])])
    assert site_search.suggest("parking", words, None) == "marking"


def test_the_top_task_for_the_query_comes_first():
    results = [hit("putting-your-bins-out", 1.0), hit("missed-bin", 0.9)]
    response = SearchResponse(query="missed bin colection", no_good_answer=False, took_ms=1.0,
                              results=results)  # fmt: skip
    published = [
        article("missed-bin", "Report a missed bin", ["bins", "top-task"], "collection"),
        article("putting-your-bins-out", "Putting your bins out", ["bins"]),
    ]
    shown = site_search.site_results(response, published, english_words())
    assert [h.slug for h in shown.results] == ["missed-bin", "putting-your-bins-out"]
    assert shown.top_task_slug == "missed-bin"
    assert shown.suggestion == "missed bin collection"
