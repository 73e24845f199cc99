"""Domain objects → output schemas (shared by the API and the pages)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from knowledge import public
from knowledge.articles import editorial_view, list_revisions
from knowledge.models import Article
from knowledge.public import LiveArticle
from knowledge.rendering import plain_text, render_html
from knowledge.schemas import (
    ArticleEditorial,
    ArticlePublic,
    ArticleSummaryPublic,
    LinkPublic,
    RevisionPublic,
)


def summary(item: LiveArticle) -> ArticleSummaryPublic:
    return ArticleSummaryPublic(
        slug=item.slug,
        language=item.language,
        title=item.title,
        summary=item.summary,
        service_area=item.service_area,
        url=item.url,
        last_reviewed=item.last_reviewed.date() if item.last_reviewed else None,
    )


def article(session: Session, item: LiveArticle) -> ArticlePublic:
    return ArticlePublic(
        **summary(item).model_dump(),
        tags=item.tags,
        alternative_questions=item.alternative_questions,
        owner_team=item.owner_team,
        review_by=item.review_by,
        translation_of=item.translation_of,
        translations=public.translations(session, item),
        related=[summary(other) for other in public.related(session, item)],
        links=[LinkPublic(**link) for link in item.links],
        body_markdown=item.body,
        body_html=render_html(item.body),
        body_text=plain_text(item.body),
        revision=item.revision,
    )


def editorial(record: Article) -> ArticleEditorial:
    return ArticleEditorial.model_validate(editorial_view(record))


def revisions(session: Session, article_id: int) -> list[RevisionPublic]:
    return [
        RevisionPublic(
            number=r.number, author_name=r.author_name, note=r.note, created_at=r.created_at
        )
        for r in list_revisions(session, article_id)
    ]
