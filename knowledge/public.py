"""What the public sees: published (live, in-window) articles, read-only.

Used by the website, the public API and the search source, so all three
agree on what "published" means.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge.articles import revision_content, utcnow
from knowledge.exceptions import ArticleNotFound
from knowledge.models import Article
from knowledge.publishing import visible_clause


def article_url(slug: str, language: str = "en") -> str:
    """Slugs are unique across languages, so every article lives at /articles/<slug>."""
    return f"/articles/{slug}"


@dataclass(frozen=True)
class LiveArticle:
    """An article's live revision, flattened."""

    id: int
    slug: str
    language: str
    title: str
    summary: str
    service_area: str
    owner_team: str
    review_by: date
    tags: list[str]
    alternative_questions: list[str]
    translation_of: str | None
    related: list[str]
    links: list[dict[str, str]]
    body: str
    revision: int
    last_reviewed: datetime | None

    @property
    def url(self) -> str:
        return article_url(self.slug, self.language)

    @property
    def english_slug(self) -> str:
        """The slug that ties translations together."""
        return self.translation_of or self.slug if self.language != "en" else self.slug


def live(article: Article) -> LiveArticle:
    revision = article.live_revision
    if revision is None:
        raise ArticleNotFound(article.slug)
    content: dict[str, Any] = revision_content(revision)
    return LiveArticle(
        id=article.id,
        slug=article.slug,
        language=article.language,
        title=content["title"],
        summary=content["summary"],
        service_area=content["service_area"],
        owner_team=content["owner_team"],
        review_by=content["review_by"],
        tags=content["tags"],
        alternative_questions=content["alternative_questions"],
        translation_of=content["translation_of"],
        related=content["related"],
        links=content["links"],
        body=content["body"],
        revision=revision.number,
        last_reviewed=article.last_reviewed_at,
    )


def published(
    session: Session,
    *,
    language: str | None = "en",
    service_area: str | None = None,
    slugs: Iterable[str] | None = None,
    now: datetime | None = None,
) -> list[LiveArticle]:
    statement = select(Article).where(visible_clause(now or utcnow()))
    if language:
        statement = statement.where(Article.language == language)
    if service_area:
        statement = statement.where(Article.service_area == service_area)
    if slugs is not None:
        statement = statement.where(Article.slug.in_(list(slugs)))
    rows: Sequence[Article] = session.scalars(statement.order_by(Article.id)).unique().all()
    articles = [live(article) for article in rows]
    return sorted(articles, key=lambda item: item.title.casefold())


def published_article(
    session: Session, slug: str, language: str | None = None, *, now: datetime | None = None
) -> LiveArticle:
    statement = select(Article).where(Article.slug == slug, visible_clause(now or utcnow()))
    if language:
        statement = statement.where(Article.language == language)
    article = session.scalars(statement).unique().one_or_none()
    if article is None:
        raise ArticleNotFound(slug)
    return live(article)


def translations(session: Session, item: LiveArticle) -> dict[str, str]:
    """language -> URL of the same article in the other languages (published only)."""
    found: dict[str, str] = {}
    now = utcnow()
    if item.language == "en":
        statement = select(Article).where(Article.translation_of == item.slug)
    elif item.translation_of:
        statement = select(Article).where(
            Article.slug == item.translation_of, Article.language == "en"
        )
    else:
        return found
    for article in session.scalars(statement.where(visible_clause(now))).unique():
        if article.language != item.language:
            found[article.language] = article_url(article.slug, article.language)
    return found


def related(session: Session, item: LiveArticle) -> list[LiveArticle]:
    if not item.related:
        return []
    by_slug = {a.slug: a for a in published(session, language=item.language, slugs=item.related)}
    return [by_slug[slug] for slug in item.related if slug in by_slug]


def visible_keys(session: Session, keys: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (slug, language) pairs are visible right now (search results re-check)."""
    wanted = set(keys)
    if not wanted:
        return set()
    rows = session.execute(
        select(Article.slug, Article.language).where(
            Article.slug.in_({slug for slug, _ in wanted}), visible_clause(utcnow())
        )
    )
    return {(slug, language) for slug, language in rows} & wanted
