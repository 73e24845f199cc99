"""The search engine's ``ArticleSource``, implemented over the database.

``changes_since(n)`` returns every article whose public content changed after
content revision ``n`` (an IndexableArticle if it is visible now, a Removal if
not) and the newest revision. The counter is read *before* the articles: any
change committed at or below that value is already visible to the query, and
one committed just after may be sent twice, which upserts make harmless.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from knowledge import content_revision
from knowledge.articles import utcnow
from knowledge.models import Article
from knowledge.public import LiveArticle, article_url, live
from knowledge.publishing import is_visible, visible_clause
from knowledge.search.domain import IndexableArticle, Removal


def to_indexable(item: LiveArticle, translation_ids: dict[str, int]) -> IndexableArticle:
    return IndexableArticle(
        id=item.id,
        slug=item.slug,
        title=item.title,
        summary=item.summary,
        body_markdown=item.body,
        alternative_questions=tuple(item.alternative_questions),
        service_area=item.service_area,
        language=item.language,
        tags=tuple(item.tags),
        url=article_url(item.slug, item.language),
        translation_of=translation_ids.get(item.translation_of) if item.translation_of else None,
    )


def _english_ids(session: Session, slugs: Iterable[str]) -> dict[str, int]:
    wanted = {slug for slug in slugs if slug}
    if not wanted:
        return {}
    rows = session.execute(
        select(Article.slug, Article.id).where(Article.language == "en", Article.slug.in_(wanted))
    )
    return {slug: article_id for slug, article_id in rows}


class DatabaseArticleSource:
    """Reads published articles for ``SearchEngine.sync`` and ``rebuild``."""

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def changes_since(self, revision: int) -> tuple[Sequence[IndexableArticle | Removal], int]:
        with self._factory() as session:
            newest = content_revision.current(session)
            if newest <= revision:
                return [], newest
            rows = (
                session.scalars(
                    select(Article).where(Article.index_revision > revision).order_by(Article.id)
                )
                .unique()
                .all()
            )
            return self._convert(session, rows, utcnow()), newest

    def all_published(self) -> tuple[Iterable[IndexableArticle], int]:
        with self._factory() as session:
            newest = content_revision.current(session)
            now = utcnow()
            rows = (
                session.scalars(select(Article).where(visible_clause(now)).order_by(Article.id))
                .unique()
                .all()
            )
            changes = self._convert(session, rows, now)
            return [c for c in changes if isinstance(c, IndexableArticle)], newest

    def current_revision(self) -> int:
        with self._factory() as session:
            return content_revision.current(session)

    @staticmethod
    def _convert(
        session: Session, rows: Sequence[Article], now: datetime
    ) -> list[IndexableArticle | Removal]:
        visible = [live(article) for article in rows if is_visible(article, now)]
        ids = _english_ids(session, (item.translation_of or "" for item in visible))
        changes: list[IndexableArticle | Removal] = [to_indexable(item, ids) for item in visible]
        shown = {item.id for item in visible}
        changes.extend(Removal(article.id) for article in rows if article.id not in shown)
        return changes
