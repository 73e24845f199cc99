"""What the website's search page shows of a search (the search API is unchanged).

- **A relevance cut**: only results scoring at least ``KEEP_SHARE`` of the best
  result's score (``WEAK_KEEP_SHARE`` and at most ``WEAK_LIMIT`` results when the
  search service says it has no good answer). Calibrated with the real model on
  benchmarks/data/search_calibration.yaml (top 10 per question): at 0.8 of the top
  score the English questions keep 97.0% of their labelled pages and 15.3% of the
  others (Welsh: 100% and 4.6%); "real nappies" (no good answer) keeps the bin pages
  at 0.92 of the top score and drops Air quality at 0.83.
- **Did you mean**: each query word the published articles never use is replaced
  by the closest word they do use (``difflib``, ratio >= 0.8), when there is one
  within ``max_edits`` (``spelling.edit_distance``: one edit up to five letters,
  two beyond, as Lucene's automatic fuzziness; a ratio of 0.8 let two edits in a
  five-letter word through, "argue" -> "large"). On English pages an English word
  is never replaced ("parking" is not "marking" because no article says parking):
  the same word list as the search's own correction (``spelling.EnglishWords``).
- **The top task first**: a result tagged ``top-task`` moves to the top of the list.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.public import LiveArticle
from knowledge.schemas import SearchResponse, SearchResultPublic
from knowledge.search.spelling import EnglishWords, edit_distance

KEEP_SHARE = 0.8
WEAK_KEEP_SHARE = 0.9
WEAK_LIMIT = 3
SUGGEST_CUTOFF = 0.8
SUGGEST_CANDIDATES = 3  # closest by ratio, checked in turn against ``max_edits``
MIN_WORD = 4
TOP_TASK_TAG = "top-task"

WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


@dataclass(frozen=True)
class SiteResults:
    results: list[SearchResultPublic]
    top_task_slug: str | None
    suggestion: str | None


def relevant(response: SearchResponse) -> list[SearchResultPublic]:
    if not response.results:
        return []
    best = response.results[0].score
    if best <= 0:
        return []
    share, limit = (WEAK_KEEP_SHARE, WEAK_LIMIT) if response.no_good_answer else (KEEP_SHARE, None)
    kept = [hit for hit in response.results if hit.score >= share * best]
    return kept[:limit] if limit else kept


def vocabulary(articles: Iterable[LiveArticle]) -> set[str]:
    words: set[str] = set()
    for item in articles:
        text = " ".join(
            [item.title, item.summary, item.body, *item.tags, *item.alternative_questions]
        )
        words.update(word.lower() for word in WORD.findall(text.replace("-", " ")))
    return words


def max_edits(word: str) -> int:
    return 1 if len(word) <= 5 else 2


def suggest(query: str, words: set[str], english: EnglishWords | None) -> str | None:
    """The query with its unknown words spelled as the articles spell them, or None.
    ``english``: words never replaced (None on a Welsh page: there is no Welsh list)."""
    changed = False
    known = sorted(words)

    def fix(match: re.Match[str]) -> str:
        nonlocal changed
        word = match.group(0)
        lower = word.lower()
        if len(lower) < MIN_WORD or lower in words or (english and lower in english):
            return word
        close = difflib.get_close_matches(lower, known, n=SUGGEST_CANDIDATES, cutoff=SUGGEST_CUTOFF)
        limit = max_edits(lower)
        near = next((c for c in close if edit_distance(lower, c, limit) <= limit), None)
        if near is None:
            return word
        changed = True
        return near

    corrected = WORD.sub(fix, " ".join(query.split()))
    return corrected if changed else None


def site_results(
    response: SearchResponse, published: list[LiveArticle], english: EnglishWords | None
) -> SiteResults:
    kept = relevant(response)
    tasks = {item.slug for item in published if TOP_TASK_TAG in item.tags}
    top = next((hit for hit in kept if hit.slug in tasks), None)
    if top is not None:
        kept = [top, *(hit for hit in kept if hit is not top)]
    query = response.query
    suggestion = suggest(query, vocabulary(published), english) if query.strip() else None
    return SiteResults(results=kept, top_task_slug=top.slug if top else None, suggestion=suggestion)
