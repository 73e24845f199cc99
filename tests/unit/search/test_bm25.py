from __future__ import annotations

import math
import random

import pytest

from knowledge.search.bm25 import FUZZY_WEIGHT, BM25Index, weights_of
from knowledge.search.spelling import english_words
from knowledge.search.text import tokenize

WORDS = ["bin", "tax", "pay", "rent", "repair", "noise", "pest", "vote", "park", "permit"]


def _doc(rng: random.Random) -> list[str]:
    return [rng.choice(WORDS) for _ in range(rng.randint(1, 12))]


def _scores(index: BM25Index, query: list[str]) -> dict[int, float]:
    return dict(index.search(query, limit=1000))


def test_scores_follow_the_okapi_formula() -> None:
    index = BM25Index(k1=1.2, b=0.75)
    index.add(1, ["bin", "bin", "day"])
    index.add(2, ["tax"])
    idf = math.log(1 + (2 - 1 + 0.5) / (1 + 0.5))
    avgdl = 2.0
    expected = idf * 2 * 2.2 / (2 + 1.2 * (1 - 0.75 + 0.75 * 3 / avgdl))
    assert _scores(index, ["bin"]) == {1: pytest.approx(expected, rel=1e-5)}


def test_incremental_updates_equal_a_fresh_build() -> None:
    rng = random.Random(7)
    incremental = BM25Index()
    live: dict[int, list[str]] = {}
    for step in range(400):
        doc_id = rng.randrange(60)
        if doc_id in live and rng.random() < 0.4:
            incremental.remove(doc_id)
            del live[doc_id]
        else:
            live[doc_id] = _doc(rng)
            incremental.add(doc_id, live[doc_id])  # add replaces an existing doc
        if step % 50 == 0:
            fresh = BM25Index()
            for key, tokens in live.items():
                fresh.add(key, tokens)
            for query in (["bin"], ["tax", "pay"], ["dog", "tree", "fine"]):
                got, want = _scores(incremental, query), _scores(fresh, query)
                assert got.keys() == want.keys()
                for key in want:
                    assert got[key] == pytest.approx(want[key], rel=1e-5)
    assert len(incremental) == len(live)


def test_removed_documents_never_come_back_and_slots_are_reused() -> None:
    index = BM25Index()
    for i in range(10):
        index.add(i, ["bin", f"word{i}"])
    for i in range(5):
        index.remove(i)
    assert {doc for doc, _ in index.search(["bin"], 100)} == set(range(5, 10))
    index.add(99, ["bin"])
    assert index._high_water == 10
    assert index.document_frequency("word0") == 0


def test_allowed_restricts_results() -> None:
    import numpy as np

    index = BM25Index()
    for i in range(6):
        index.add(i, ["bin"])
    found = index.search(["bin"], 10, allowed=np.array([1, 4], dtype=np.int64))
    assert sorted(doc for doc, _ in found) == [1, 4]


def test_allowed_follows_changes_to_the_index_with_the_same_array() -> None:
    import numpy as np

    index = BM25Index()
    for i in range(4):
        index.add(i, ["bin"])
    allowed = np.array([1, 2, 7], dtype=np.int64)
    assert sorted(doc for doc, _ in index.search(["bin"], 10, allowed)) == [1, 2]
    index.remove(2)
    index.add(7, ["bin"])  # takes the freed slot
    index.add(8, ["bin"])
    assert sorted(doc for doc, _ in index.search(["bin"], 10, allowed)) == [1, 7]


def test_limit_returns_the_best_in_order() -> None:
    index = BM25Index()
    for i in range(1, 30):
        index.add(i, ["bin"] * i + ["other"] * (30 - i))
    found = index.search(["bin"], 5)
    assert [doc for doc, _ in found] == [29, 28, 27, 26, 25]


def test_misspelt_query_words_match_their_nearest_indexed_spelling() -> None:
    index = BM25Index()
    index.add(1, ["recycl", "centr"])
    index.add(2, ["council", "tax"])
    assert index.resolve(["recyl"]) == {"recycl": FUZZY_WEIGHT}  # letter missing
    assert index.resolve(["councel"]) == {"council": FUZZY_WEIGHT}  # letter wrong
    assert index.resolve(["taz"]) == {}  # short words are not guessed
    assert index.resolve(["taxx"]) == {"tax": FUZZY_WEIGHT}
    assert [doc for doc, _ in index.search(["recycll"], 5)] == [1]  # letter too many


def test_each_query_word_is_spelled_once_and_the_weights_follow_from_the_spellings() -> None:
    index = BM25Index()
    index.add(1, ["recycl", "council", "fine"])
    spelled = index.spellings(["councel", "recycl", "five", "zebra", "recycl", "council"])
    # distinct words in query order: corrected, as written, kept (known), none
    assert spelled == {
        "councel": "council",
        "recycl": "recycl",
        "five": "fine",
        "zebra": None,
        "council": "council",
    }
    assert index.spellings(["five"], known={"five": ()}) == {"five": None}
    # a word written as indexed outweighs another word corrected to it, in any order
    assert weights_of(spelled) == {"council": 1.0, "recycl": 1.0, "fine": FUZZY_WEIGHT}
    assert weights_of(index.spellings(["council", "councel"])) == {"council": 1.0}
    assert index.resolve(["councel", "five", "zebra"]) == weights_of(
        index.spellings(["councel", "five", "zebra"])
    )


def test_unknown_words_and_empty_index_give_nothing() -> None:
    index = BM25Index()
    assert index.search(["bin"], 5) == []
    index.add(1, ["bin"])
    assert index.search(["zebra"], 5) == []
    assert index.search([], 5) == []


def test_score_of_given_documents_equals_their_search_scores() -> None:
    rng = random.Random(4)
    index = BM25Index()
    for doc_id in range(60):
        index.add(doc_id, _doc(rng))
    query = ["bin", "rent", "reapir"]  # a misspelling resolves as in search
    found = _scores(index, query)
    exact = index.score(index.resolve(query), [*found, 999])
    assert exact.keys() == found.keys()  # an unknown document is left out
    assert exact == {doc: pytest.approx(score, rel=1e-5) for doc, score in found.items()}
    assert index.search_resolved(index.resolve(query), 1000) == index.search(query, 1000)


@pytest.mark.parametrize(
    ("change", "expected_ids"),
    [
        ("replace", {1, 3}),  # doc 2 loses "bin", same length: the average stays 2.0
        ("gain", {1, 2, 3}),  # doc 3 gains "bin", same length
        ("remove", {1}),
    ],
)
def test_cached_impacts_follow_changes_that_keep_the_average_length(
    change: str, expected_ids: set[int]
) -> None:
    index = BM25Index()
    index.add(1, ["bin", "tax"])
    index.add(2, ["bin", "pay"])
    index.add(3, ["rent", "bin"] if change == "replace" else ["rent", "tax"])
    _scores(index, ["bin"])  # fills the per-term cache
    if change == "replace":
        index.add(2, ["pay", "pay"])
    elif change == "gain":
        index.add(3, ["bin", "rent"])
    else:
        index.remove(2)
    fresh = BM25Index()
    for doc_id in sorted(index._slot_of):
        fresh.add(doc_id, list(index.terms_of(doc_id).elements()))
    got, want = _scores(index, ["bin"]), _scores(fresh, ["bin"])
    assert got.keys() == expected_ids == want.keys()
    assert all(got[key] == pytest.approx(want[key], rel=1e-6) for key in want)


@pytest.mark.parametrize("every", [1, 3, 40])
def test_patched_term_arrays_give_the_results_of_arrays_built_afresh(every: int) -> None:
    """A query patches the cached arrays of the terms changed since (few changes) or
    rebuilds them (many): either way the results are those of arrays built anew."""
    rng = random.Random(every)
    served, twin = BM25Index(), BM25Index()  # the same history; the twin never caches
    live: set[int] = set()
    for doc_id in range(40):
        tokens = _doc(rng)
        served.add(doc_id, tokens)
        twin.add(doc_id, tokens)
        live.add(doc_id)
    served.warm(min_postings=1)
    queries = (["bin"], ["tax", "pay", "bin"], ["noise", "pest"])
    for step in range(120):
        doc_id = rng.randrange(60)
        if doc_id in live and rng.random() < 0.4:
            served.remove(doc_id)
            twin.remove(doc_id)
            live.discard(doc_id)
        else:
            tokens = _doc(rng)
            served.add(doc_id, tokens)
            twin.add(doc_id, tokens)
            live.add(doc_id)
        if step % every == 0:
            twin._arrays.clear()  # built afresh from the postings for each comparison
            for query in queries:
                assert served.search(query, 1000) == twin.search(query, 1000)


# ---- spelling correction (issue #18) ------------------------------------------------------


def _resolve_query(content: str, query: str, language: str = "en") -> dict[str, float]:
    """``query`` resolved against an index of ``content``, as the ranker does it: the
    query's stems, with its English words' stems never corrected."""
    index = BM25Index()
    index.add(1, tokenize(content, language))
    known = english_words().known_terms(query, language)
    return index.resolve(tokenize(query, language), known)


@pytest.mark.parametrize(
    ("query", "content"),
    [
        ("argue", "large"),  # "argu" and "larg" share "arg": two edits
        ("whose", "house"),  # share "hose": two edits
        ("five", "fine"),  # one edit, but "five" is an English word
        ("past", "post"),
    ],
)
def test_a_word_two_edits_away_or_an_english_word_is_not_corrected(
    query: str, content: str
) -> None:
    assert _resolve_query(content, query) == {}


@pytest.mark.parametrize(
    ("query", "content"),
    [
        ("recyling", "recycling"),  # a letter missing
        ("colection", "collection"),
        ("councel", "council"),  # a letter wrong
        ("rubbsih", "rubbish"),  # two letters swapped
        ("rubbissh", "rubbish"),  # a letter too many
    ],
)
def test_a_misspelling_one_edit_away_is_still_corrected(query: str, content: str) -> None:
    assert _resolve_query(content, query) == {tokenize(content)[0]: FUZZY_WEIGHT}


@pytest.mark.parametrize(
    ("query", "content", "corrected"),
    [
        ("trteh gyngor", "treth gyngor", {"treth": FUZZY_WEIGHT, "cyngor": 1.0}),
        ("ailgylcu", "ailgylchu", {"ailgylch": FUZZY_WEIGHT}),
        # "plant" (children) is English too: Welsh words are never looked up in it
        ("plent", "plant", {"plant": FUZZY_WEIGHT}),
        ("plant", "plan", {"plan": FUZZY_WEIGHT}),
    ],
)
def test_welsh_misspellings_are_corrected_as_before(
    query: str, content: str, corrected: dict[str, float]
) -> None:
    assert _resolve_query(content, query, "cy") == corrected


def test_a_known_term_is_never_corrected_but_still_matches_when_indexed() -> None:
    index = BM25Index()
    index.add(1, ["fine", "recycl"])
    assert index.resolve(["five", "fine"], known={"five": (), "fine": ()}) == {"fine": 1.0}
    assert index.resolve(["five"]) == {"fine": FUZZY_WEIGHT}  # nothing known: as before
    assert index.resolve(["recyl"], known={"five": ()}) == {"recycl": FUZZY_WEIGHT}


@pytest.mark.parametrize(
    ("query", "content", "resolved"),
    [
        ("ignored", "ignore", {"ignore": FUZZY_WEIGHT}),  # stemmed "ignor" and "ignore"
        ("fixes", "fix", {"fix": FUZZY_WEIGHT}),  # "fixe" and "fix"
        ("dancing", "dance", {"dance": FUZZY_WEIGHT}),  # "danc": no longer "panc"
        ("ignored", "ignorant", {}),
    ],
)
def test_an_english_word_meets_its_own_base_form_when_stemmed_apart(
    query: str, content: str, resolved: dict[str, float]
) -> None:
    assert _resolve_query(f"{content} panc", query) == resolved
