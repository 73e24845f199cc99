"""What spelling correction may change (spelling.py): a true edit distance, and the
English words it leaves alone, in the engine as in the BM25 index (issue #18)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.search import EnglishWords, LexiconError, SearchEngine, english_words, spelling
from knowledge.search.spelling import edit_distance, wordpiece_words
from tests.unit.search.factories import fake_engine, make_article


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("council", "council", 0),
        ("councel", "council", 1),  # substitution
        ("recyl", "recycl", 1),  # insertion
        ("recycll", "recycl", 1),  # deletion
        ("rubbsih", "rubbish", 1),  # adjacent swap
        ("argu", "larg", 2),  # a shared deletion at different positions
        ("whose", "house", 2),
        ("ca", "abc", 3),  # optimal string alignment: no edit of a swapped pair
        ("tax", "council", 3),  # over the limit: limit + 1
    ],
)
def test_edit_distance_is_optimal_string_alignment(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


def test_edit_distance_stops_at_its_limit() -> None:
    assert edit_distance("argu", "larg", limit=1) == 2
    assert edit_distance("councel", "council", limit=1) == 1


@pytest.mark.parametrize(
    ("word", "english"),
    [
        ("five", True),
        ("past", True),
        ("argues", True),  # the vocabulary has "argue"
        ("councils", True),
        ("stopping", True),
        ("emptied", True),
        ("recyling", False),
        ("colection", False),
        ("rubbsih", False),
        ("gyngor", False),
        ("b4", False),
    ],
)
def test_the_search_models_vocabulary_knows_english_words(word: str, english: bool) -> None:
    assert (word in english_words()) is english


def test_the_vocabulary_is_read_once_a_process() -> None:
    assert english_words() is english_words()
    assert len(english_words()) > 15_000


def test_known_terms_are_the_stems_of_english_words_and_never_welsh() -> None:
    words = EnglishWords(["five", "argue", "plant", "ignore"])
    assert words.known_terms("Five recyling argues", "en") == {"five": (), "argue": ()}
    assert words.known_terms("five plant", None) == {"five": (), "plant": ()}
    assert words.known_terms("ignored", "en") == {"ignor": ("ignore",)}  # its base form
    assert words.known_terms("plant", "cy") == {}


def test_remembered_words_give_the_same_terms_and_stay_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(spelling, "CACHED_WORDS", 2)
    words = EnglishWords(["five", "ignore"])
    for _ in range(2):  # the second time from the cache, cleared once it held two
        assert words.known_terms("five ignored recyling", "en") == {
            "five": (),
            "ignor": ("ignore",),
        }
        assert len(words._terms) <= 2


@pytest.mark.parametrize(
    "content",
    [
        None,  # no file
        "not json",
        json.dumps({"model": {"type": "BPE", "vocab": {"word": 1}}}),
        json.dumps({"model": {"type": "WordPiece", "vocab": {"five": 1, "##s": 2}}}),  # too few
    ],
)
def test_a_missing_or_wrong_word_list_fails_loudly(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "tokenizer.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(LexiconError):
        wordpiece_words(path)


def test_whole_words_are_lowercase_letters_without_continuations(tmp_path: Path) -> None:
    vocab = {f"w{'a' * n}": n for n in range(10_000)} | {"##ing": -1, "Five": -2, "b4": -3}
    path = tmp_path / "tokenizer.json"
    path.write_text(json.dumps({"model": {"type": "WordPiece", "vocab": vocab}}))
    words = wordpiece_words(path)
    assert len(words) == 10_000 and not {"##ing", "Five", "b4"} & set(words)


# ---- in the engine --------------------------------------------------------------------------

FINES = make_article(
    3,
    "parking-fines",
    "Parking fines",
    summary="Pay a parking fine or challenge it.",
    body="You can pay a fine online or by post.\n\n## Recycling\n\nRecycling centres.",
    alternative_questions=(),
    tags=("parking",),
)


@pytest.fixture
def fines_engine() -> SearchEngine:
    engine = fake_engine(None)
    engine.rebuild([FINES], progress=False)
    return engine


@pytest.mark.parametrize("query", ["five", "past", "five past"])
def test_an_english_word_no_article_uses_finds_nothing(
    fines_engine: SearchEngine, query: str
) -> None:
    response = fines_engine.search(query, mode="lexical")
    assert response.results == []
    hybrid = fines_engine.search(query)
    assert hybrid.signals is not None and hybrid.signals.lexical_coverage == 0.0


@pytest.mark.parametrize("query", ["recyling centres", "parking fien", "recyling"])
def test_a_misspelling_still_finds_its_article(fines_engine: SearchEngine, query: str) -> None:
    found = fines_engine.search(query, mode="lexical").results
    assert [hit.slug for hit in found] == ["parking-fines"]
    signals = fines_engine.search(query).signals
    assert signals is not None and signals.lexical_coverage == 1.0


def test_an_injected_word_list_replaces_the_models() -> None:
    engine = fake_engine(None, english=EnglishWords([]))  # nothing counts as English
    engine.rebuild([FINES], progress=False)
    assert [hit.slug for hit in engine.search("five", mode="lexical").results] == ["parking-fines"]
    assert engine.english is not english_words()
