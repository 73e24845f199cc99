"""Factory helpers for search tests: articles, fake sources, engines with fakes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from knowledge.search import (
    HashingEmbedder,
    IndexableArticle,
    NumpyVectorIndex,
    Removal,
    SearchEngine,
)

BIN_BODY = """Your bins are collected once a week. Put them out by 6am.

## Find your collection day

Enter your postcode to see which day your black bin and recycling box are emptied.

## If your collection day changes

We write to you if your round changes. Bank holidays move collections by one day.
"""

TAX_BODY = """Council tax pays for local services such as parks and libraries.

## Ways to pay

Pay by direct debit, online with a debit card, or by phone.

## If you cannot pay

Contact us as soon as possible. We can spread payments over 12 months.
"""


def make_article(
    id: int | str = 1,
    slug: str = "bin-collection-day",
    title: str = "Find your bin collection day",
    *,
    summary: str = "Check which day your bins are collected.",
    body: str = BIN_BODY,
    alternative_questions: Sequence[str] = ("when do the bin men come",),
    service_area: str = "waste",
    language: str = "en",
    tags: Sequence[str] = ("bins",),
    translation_of: int | str | None = None,
) -> IndexableArticle:
    return IndexableArticle(
        id=id,
        slug=slug,
        title=title,
        summary=summary,
        body_markdown=body,
        alternative_questions=tuple(alternative_questions),
        service_area=service_area,
        language=language,
        tags=tuple(tags),
        translation_of=translation_of,
    )


def tax_article(id: int | str = 2, **overrides: Any) -> IndexableArticle:
    values: dict[str, Any] = {
        "slug": "pay-council-tax",
        "title": "Pay your council tax",
        "summary": "Ways to pay your council tax bill.",
        "body": TAX_BODY,
        "alternative_questions": ("how do i pay my council tax",),
        "service_area": "council_tax",
        "tags": ("council-tax", "payments"),
    }
    values.update(overrides)
    return make_article(id, **values)


def corpus() -> list[IndexableArticle]:
    return [make_article(), tax_article()]


def fake_engine(index_dir: Path | None, **kwargs: Any) -> SearchEngine:
    return SearchEngine(
        index_dir,
        HashingEmbedder(64),
        vector_index=NumpyVectorIndex,
        progress=False,
        **kwargs,
    )


class FakeSource:
    """An ArticleSource kept in memory: every change bumps the revision."""

    def __init__(self, articles: Iterable[IndexableArticle] = ()) -> None:
        self.revision = 0
        self._log: list[tuple[int, IndexableArticle | Removal]] = []
        self._live: dict[int | str, IndexableArticle] = {}
        self.calls: list[str] = []
        for article in articles:
            self.publish(article)

    def publish(self, article: IndexableArticle) -> None:
        self.revision += 1
        self._live[article.id] = article
        self._log.append((self.revision, article))

    def unpublish(self, article_id: int | str) -> None:
        self.revision += 1
        self._live.pop(article_id, None)
        self._log.append((self.revision, Removal(article_id)))

    def changes_since(self, revision: int) -> tuple[list[IndexableArticle | Removal], int]:
        self.calls.append(f"changes_since({revision})")
        return [change for rev, change in self._log if rev > revision], self.revision

    def all_published(self) -> tuple[list[IndexableArticle], int]:
        self.calls.append("all_published")
        return list(self._live.values()), self.revision
