"""Okapi BM25 over an inverted index that can add and remove documents.

rank_bm25 precomputes everything for a fixed corpus; an upsert would mean a
full rebuild. Here each term keeps its postings (slot -> term frequency) and
the collection statistics (document count, total length) are updated in
place, so scores after any sequence of adds and removes equal the scores of a
fresh index over the same documents (tests/unit/search/test_bm25.py checks
this). Queries are scored with numpy over each query term's postings, cached
per term as arrays (built for long postings before an index is served, see
``warm``; patched with the changed slots after a write), together with the term's
BM25 impacts (``tf (k1 + 1) / (tf + k1 (1 - b + b len / avgdl))`` per posting)
until the average length changes: a query then costs one multiply-add per
posting (at 100,000 chunks a common word has tens of thousands).

Query words that occur nowhere are matched to an indexed word one edit away,
at a reduced weight, so "recyling" still finds "recycling". Candidates come
from shared deletion neighbourhoods (as SymSpell does) and are kept only when
a true edit distance (``spelling.edit_distance``) is one: sharing a deletion at
different positions is two edits ("argue" is not "large"). A query word that is
an English word ("five", "past") is never corrected, only unknown: the caller
passes its stem in ``resolve``'s ``known`` (``spelling.EnglishWords``), since
the index only sees stems, with the stems of its base forms, one of which may
stand in for it ("ignored" is stemmed "ignor", "ignore" "ignore").
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from knowledge.search.spelling import KnownTerms, edit_distance

__all__ = ["BM25Index"]

FUZZY_MIN_LENGTH = 4
FUZZY_WEIGHT = 0.7
PATCH_LIMIT = 32  # changed slots a query patches into a term's arrays; more: rebuild


class BM25Index:
    def __init__(self, *, k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self._postings: dict[str, dict[int, int]] = {}
        self._arrays: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        # term -> slots added or removed since its arrays were built: a query patches
        # the arrays (a copy at memory speed) instead of rebuilding them from the
        # postings dict (np.fromiter: 2 ms for a word in 50,000 chunks)
        self._stale: dict[str, list[int]] = {}
        # term -> BM25 impact per posting, valid for ``_impacts_avgdl`` only (any add or
        # remove changes the average length; a term's own change drops its entry)
        self._impacts: dict[str, np.ndarray] = {}
        self._impacts_avgdl = 0.0
        self._terms_of: dict[int, Counter[str]] = {}
        self._slot_of: dict[int, int] = {}
        self._doc_at = np.full(64, -1, dtype=np.int64)
        self._lengths = np.zeros(64, dtype=np.float32)
        self._free: list[int] = []
        self._high_water = 0
        self._total_length = 0
        self._deletes: dict[str, set[str]] = {}
        # allowed array -> (that array, slot mask); the engine hands the same array
        # back until the index changes, and any add or remove clears this.
        self._masks: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    # ---- mutation -----------------------------------------------------------

    def add(self, doc_id: int, tokens: Sequence[str]) -> None:
        if doc_id in self._slot_of:
            self.remove(doc_id)
        slot = self._take_slot()
        counts = Counter(tokens)
        self._slot_of[doc_id] = slot
        self._doc_at[slot] = doc_id
        self._lengths[slot] = len(tokens)
        self._terms_of[doc_id] = counts
        self._total_length += len(tokens)
        self._masks.clear()
        for term, tf in counts.items():
            postings = self._postings.get(term)
            if postings is None:
                postings = self._postings[term] = {}
                self._remember_spelling(term)
            postings[slot] = tf
            self._changed(term, slot)

    def remove(self, doc_id: int) -> None:
        slot = self._slot_of.pop(doc_id, None)
        if slot is None:
            return
        counts = self._terms_of.pop(doc_id)
        for term in counts:
            postings = self._postings[term]
            del postings[slot]
            if not postings:
                del self._postings[term]
                self._arrays.pop(term, None)
                self._stale.pop(term, None)
            else:
                self._changed(term, slot)
            self._impacts.pop(term, None)
        self._total_length -= int(self._lengths[slot])
        self._lengths[slot] = 0
        self._doc_at[slot] = -1
        self._free.append(slot)
        self._masks.clear()

    def _changed(self, term: str, slot: int) -> None:
        self._impacts.pop(term, None)
        if term in self._arrays:
            stale = self._stale.setdefault(term, [])
            stale.append(slot)
            if len(stale) > PATCH_LIMIT:  # cheaper to rebuild, and the list stays short
                del self._arrays[term], self._stale[term]

    def warm(self, min_postings: int = 1024) -> None:
        """Build the arrays of every term with ``min_postings`` or more now (an index
        about to be served: a rebuild, a load), so no query pays for them."""
        for term, postings in self._postings.items():
            if len(postings) >= min_postings:
                self._term_arrays(term)

    def _take_slot(self) -> int:
        if self._free:
            return self._free.pop()
        if self._high_water == len(self._doc_at):
            grown = len(self._doc_at) * 2
            self._doc_at = np.concatenate([self._doc_at, np.full(grown // 2, -1, np.int64)])
            self._lengths = np.concatenate([self._lengths, np.zeros(grown // 2, np.float32)])
        self._high_water += 1
        return self._high_water - 1

    # ---- statistics ---------------------------------------------------------

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._slot_of

    def document_frequency(self, term: str) -> int:
        return len(self._postings.get(term, ()))

    def idf(self, term: str) -> float:
        """Lucene's non-negative BM25 idf."""
        df = self.document_frequency(term)
        n = len(self._slot_of)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5)) if n else 0.0

    def terms_of(self, doc_id: int) -> Counter[str]:
        return self._terms_of.get(doc_id, Counter())

    # ---- query --------------------------------------------------------------

    def resolve(self, tokens: Iterable[str], known: KnownTerms | None = None) -> dict[str, float]:
        """Each distinct query term -> its weight; unknown words become their nearest
        indexed spelling (weight FUZZY_WEIGHT) or are dropped. Terms in ``known`` (the
        stems of English words: ``spelling.EnglishWords.known_terms``) are never
        corrected, only replaced by the first of their base forms that is indexed."""
        return weights_of(self.spellings(tokens, known))

    def spellings(
        self, tokens: Iterable[str], known: KnownTerms | None = None
    ) -> dict[str, str | None]:
        """Each distinct query word -> the indexed term it counts as (itself, a base
        form of a known English word, or its nearest spelling), or None; in query
        order. The ranker keeps this for coverage rather than correcting twice."""
        known = known or {}
        spelled: dict[str, str | None] = {}
        for token in tokens:
            if token in spelled:
                continue
            if token in self._postings:
                spelled[token] = token
            elif token in known:
                bases = (base for base in known[token] if base in self._postings)
                spelled[token] = next(bases, None)
            else:
                spelled[token] = self._nearest_spelling(token)
        return spelled

    def search(
        self,
        tokens: Sequence[str],
        limit: int,
        allowed: np.ndarray | None = None,
    ) -> list[tuple[int, float]]:
        """The best ``limit`` (doc id, score) pairs; ``allowed`` is a sorted array of
        doc ids the results must come from."""
        return self.search_resolved(self.resolve(tokens), limit, allowed)

    def search_resolved(
        self, weights: dict[str, float], limit: int, allowed: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """``search`` for query words already resolved (``resolve``): the ranker
        resolves once and uses the weights for scores, exact scores and snippets."""
        if not weights or not self._slot_of:
            return []
        scores = np.zeros(self._high_water, dtype=np.float32)
        avgdl = self._total_length / len(self._slot_of) or 1.0
        for term, weight in weights.items():
            slots, impacts = self._term_impacts(term, avgdl)
            scores[slots] += (weight * self.idf(term)) * impacts
        # ``scores != 0`` first: nonzero of a bool array is vectorised, of a float32
        # one is not (0.07 against 0.63 ms of CPU over 100,000 slots, same slots).
        candidates = np.flatnonzero(scores != 0)
        if allowed is not None:  # only the matches are filtered, not every slot
            candidates = candidates[self._mask(allowed)[candidates]]
        if len(candidates) > limit:
            top = np.argpartition(-scores[candidates], limit - 1)[:limit]
            candidates = candidates[top]
        ordered = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [(int(self._doc_at[s]), float(scores[s])) for s in ordered]

    def score(self, weights: dict[str, float], doc_ids: Sequence[int]) -> dict[int, float]:
        """Exact BM25 of these documents for resolved query ``weights`` (see ``resolve``)."""
        if not self._slot_of:
            return {}
        avgdl = self._total_length / len(self._slot_of) or 1.0
        k1, b = self.k1, self.b
        k1_plus_1 = k1 + 1.0
        term_weights = [(term, weight * self.idf(term)) for term, weight in weights.items()]
        lengths = self._lengths[[self._slot_of.get(d, 0) for d in doc_ids]].tolist()
        scores = {}
        for doc_id, length in zip(doc_ids, lengths, strict=True):
            if doc_id not in self._slot_of:
                continue
            counts = self._terms_of[doc_id]
            norm = k1 * (1.0 - b + b * length / avgdl)
            total = 0.0
            for term, weight in term_weights:
                tf = counts.get(term)
                if tf:
                    total += weight * tf * k1_plus_1 / (tf + norm)
            scores[doc_id] = total
        return scores

    def _mask(self, allowed: np.ndarray) -> np.ndarray:
        """True for the slots of ``allowed`` doc ids, cached by the array:
        ``np.isin`` of a common word's postings against a language's ids cost
        milliseconds a query at 100,000 chunks."""
        cached = self._masks.get(id(allowed))
        if cached is not None and cached[0] is allowed:
            return cached[1]
        slot_of = self._slot_of
        slots = [slot_of[d] for d in np.asarray(allowed).tolist() if d in slot_of]
        mask = np.zeros(self._high_water, dtype=bool)
        mask[np.asarray(slots, dtype=np.int64)] = True
        if len(self._masks) >= 16:
            self._masks.clear()
        self._masks[id(allowed)] = (allowed, mask)  # keeps the array alive: ids stay unique
        return mask

    def _term_impacts(self, term: str, avgdl: float) -> tuple[np.ndarray, np.ndarray]:
        """The term's posting slots and BM25 impacts (before idf and query weight)."""
        if avgdl != self._impacts_avgdl:
            self._impacts.clear()
            self._impacts_avgdl = avgdl
        slots, tf = self._term_arrays(term)
        impacts = self._impacts.get(term)
        if impacts is None:
            k1, b = self.k1, self.b
            norm = k1 * (1.0 - b + b * self._lengths[slots] / avgdl)
            impacts = self._impacts[term] = tf * (k1 + 1.0) / (tf + norm)
        return slots, impacts

    def _term_arrays(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        cached = self._arrays.get(term)
        changed = self._stale.pop(term, None)
        if cached is not None and changed is not None:
            cached = self._arrays[term] = self._patched(term, cached, changed)
        if cached is None:
            postings = self._postings[term]
            slots = np.fromiter(postings.keys(), dtype=np.int64, count=len(postings))
            tf = np.fromiter(postings.values(), dtype=np.float32, count=len(postings))
            cached = self._arrays[term] = (slots, tf)
        return cached

    def _patched(
        self, term: str, cached: tuple[np.ndarray, np.ndarray], changed: list[int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The term's arrays with ``changed`` slots (at most PATCH_LIMIT) dropped and
        their current postings appended (a slot occurs once a term, so the order does
        not change a score)."""
        slots, tf = cached
        postings = self._postings[term]
        moved = list(dict.fromkeys(changed))
        present = [slot for slot in moved if slot in postings]
        keep = ~np.isin(slots, np.asarray(moved, dtype=np.int64))
        return (
            np.concatenate([slots[keep], np.asarray(present, dtype=np.int64)]),
            np.concatenate([tf[keep], np.asarray([postings[s] for s in present], np.float32)]),
        )

    # ---- spelling -----------------------------------------------------------

    def _remember_spelling(self, term: str) -> None:
        if len(term) < FUZZY_MIN_LENGTH or term.isdigit():
            return
        for variant in _deletions(term):
            self._deletes.setdefault(variant, set()).add(term)

    def _nearest_spelling(self, token: str) -> str | None:
        if len(token) < FUZZY_MIN_LENGTH or token.isdigit():
            return None
        candidates: set[str] = set(self._deletes.get(token, ()))  # a letter missing
        for variant in _deletions(token):
            if variant in self._postings:  # a letter too many
                candidates.add(variant)
            candidates.update(self._deletes.get(variant, ()))  # a letter wrong or swapped
        # a shared deletion at different positions is two edits: verify each
        live = [
            term
            for term in candidates
            if term in self._postings and edit_distance(token, term, limit=1) == 1
        ]
        if not live:
            return None
        return max(live, key=lambda term: (self.document_frequency(term), term))


def weights_of(spelled: dict[str, str | None]) -> dict[str, float]:
    """Query weights from ``BM25Index.spellings``: 1 for a word indexed as written,
    FUZZY_WEIGHT for a word that counts through another spelling (unless the query
    also has that word as written)."""
    weights: dict[str, float] = {}
    for token, term in spelled.items():
        if term == token:
            weights[term] = 1.0
        elif term is not None and term not in weights:
            weights[term] = FUZZY_WEIGHT
    return weights


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}
