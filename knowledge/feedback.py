"""'Was this page helpful?' answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from frontdoor.redaction import redact
from knowledge.articles import find_article, utcnow
from knowledge.exceptions import ArticleNotFound
from knowledge.models import Article, Feedback


def record_feedback(
    session: Session,
    *,
    slug: str,
    language: str | None = None,
    helpful: bool,
    comment: str = "",
    now: datetime | None = None,
) -> Feedback:
    article = find_article(session, slug)  # slugs are unique across languages
    if article is None or article.live_revision_id is None:
        raise ArticleNotFound(slug)
    feedback = Feedback(
        article_id=article.id,
        slug=slug,
        language=article.language,
        helpful=helpful,
        comment=redact(comment.strip())[:2000],
        created_at=now or utcnow(),
    )
    session.add(feedback)
    session.flush()
    return feedback


@dataclass(frozen=True)
class FeedbackSummary:
    article_id: int
    title: str
    helpful: int
    not_helpful: int


def summary(session: Session, limit: int = 50) -> list[FeedbackSummary]:
    """Articles with the most 'not helpful' answers first."""
    not_helpful = func.sum(case((Feedback.helpful.is_(False), 1), else_=0))
    rows = session.execute(
        select(
            Article.id,
            Article.title,
            func.sum(case((Feedback.helpful.is_(True), 1), else_=0)),
            not_helpful,
        )
        .join(Feedback, Feedback.article_id == Article.id)
        .group_by(Article.id, Article.title)
        .order_by(not_helpful.desc(), Article.title)
        .limit(limit)
    )
    return [FeedbackSummary(int(a), str(t), int(h or 0), int(n or 0)) for a, t, h, n in rows]


def counts_for(session: Session, article_id: int) -> tuple[int, int]:
    """(helpful, not helpful) answers for one article."""
    rows = session.execute(
        select(Feedback.helpful, func.count(Feedback.id))
        .where(Feedback.article_id == article_id)
        .group_by(Feedback.helpful)
    )
    counts = {bool(helpful): int(count) for helpful, count in rows}
    return counts.get(True, 0), counts.get(False, 0)


def recent_comments(session: Session, article_id: int, limit: int = 20) -> list[Feedback]:
    return list(
        session.scalars(
            select(Feedback)
            .where(Feedback.article_id == article_id, Feedback.comment != "")
            .order_by(Feedback.created_at.desc())
            .limit(limit)
        )
    )
