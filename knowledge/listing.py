"""Finding articles for editors: filters, the review queue and stale content."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from frontdoor.clock import london_today
from knowledge import translations
from knowledge.models import Article
from knowledge.workflow import ArticleState


@dataclass(frozen=True)
class ArticleFilter:
    state: str | None = None
    service_area: str | None = None
    owner_team: str | None = None
    language: str | None = None
    stale: bool = False
    needs_review: bool = False
    outdated_translation: bool = False
    text: str | None = None


PER_PAGE = 50  # the editor's article list


def _matching(filters: ArticleFilter, today: date) -> Select[Article]:
    statement = select(Article)
    if filters.state:
        statement = statement.where(Article.state == filters.state)
    if filters.service_area:
        statement = statement.where(Article.service_area == filters.service_area)
    if filters.owner_team:
        statement = statement.where(Article.owner_team == filters.owner_team)
    if filters.language:
        statement = statement.where(Article.language == filters.language)
    if filters.stale:
        statement = statement.where(
            Article.review_by < today, Article.state != ArticleState.ARCHIVED.value
        )
    if filters.needs_review:
        statement = statement.where(Article.state == ArticleState.IN_REVIEW.value)
    if filters.outdated_translation:
        statement = statement.where(translations.outdated_condition())
    if filters.text:
        pattern = f"%{filters.text.strip().lower()}%"
        statement = statement.where(
            or_(func.lower(Article.title).like(pattern), func.lower(Article.slug).like(pattern))
        )
    return statement


def list_articles(
    session: Session,
    filters: ArticleFilter,
    *,
    today: date | None = None,
    limit: int = 500,
    offset: int = 0,
) -> Sequence[Article]:
    """The matching articles, most recently updated first: ``limit`` of them from
    ``offset`` (:func:`count_articles` says how many match in all)."""
    statement = _matching(filters, today or london_today())
    statement = statement.order_by(Article.updated_at.desc(), Article.id.desc())
    return session.scalars(statement.limit(limit).offset(offset)).unique().all()


def count_articles(session: Session, filters: ArticleFilter, *, today: date | None = None) -> int:
    matching = _matching(filters, today or london_today()).subquery()
    return session.scalar(select(func.count()).select_from(matching)) or 0


@dataclass(frozen=True)
class ArticlePage:
    """One page of the editor's article list."""

    items: Sequence[Article]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first(self) -> int:
        """The position of the page's first article (1-based; 0 when none match)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * self.per_page + len(self.items)


def page_of_articles(
    session: Session,
    filters: ArticleFilter,
    *,
    page: int = 1,
    per_page: int = PER_PAGE,
    today: date | None = None,
) -> ArticlePage:
    """Page ``page`` of the matching articles; a page past the end is the last page."""
    today = today or london_today()
    total = count_articles(session, filters, today=today)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    items = list_articles(
        session, filters, today=today, limit=per_page, offset=(page - 1) * per_page
    )
    return ArticlePage(items, total, page, per_page)


def review_queue(session: Session) -> Sequence[Article]:
    return (
        session.scalars(
            select(Article)
            .where(Article.state == ArticleState.IN_REVIEW.value)
            .order_by(Article.updated_at)
        )
        .unique()
        .all()
    )


def stale_by_team(session: Session, *, today: date | None = None) -> dict[str, list[Article]]:
    """Articles past their review-by date, oldest first, grouped by owner team."""
    today = today or london_today()
    rows = session.scalars(
        select(Article)
        .where(Article.review_by < today, Article.state != ArticleState.ARCHIVED.value)
        .order_by(Article.owner_team, Article.review_by)
    ).unique()
    teams: dict[str, list[Article]] = {}
    for article in rows:
        teams.setdefault(article.owner_team, []).append(article)
    return teams


def due_soon(session: Session, *, today: date, days: int) -> list[Article]:
    """Articles whose review-by date falls in the next ``days`` days, soonest first."""
    rows = session.scalars(
        select(Article)
        .where(
            Article.review_by >= today,
            Article.review_by <= today + timedelta(days=days),
            Article.state != ArticleState.ARCHIVED.value,
        )
        .order_by(Article.review_by, Article.title)
    ).unique()
    return list(rows)


def owner_teams(session: Session) -> list[str]:
    return list(session.scalars(select(Article.owner_team).distinct().order_by(Article.owner_team)))


def counts_by_state(session: Session) -> dict[str, int]:
    rows = session.execute(select(Article.state, func.count(Article.id)).group_by(Article.state))
    return {state: int(count) for state, count in rows}
