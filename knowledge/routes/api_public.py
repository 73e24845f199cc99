"""Public read API: published articles only."""

from __future__ import annotations

from fastapi import APIRouter

from knowledge import presenters, public
from knowledge.deps import SessionDep
from knowledge.schemas import ArticlePublic, ArticleSummaryPublic
from knowledge.vocabulary import Language, ServiceArea

router = APIRouter(prefix="/api/v1/articles", tags=["articles"])


@router.get("", response_model=list[ArticleSummaryPublic])
def list_published(
    session: SessionDep,
    language: Language = Language.ENGLISH,
    service_area: ServiceArea | None = None,
) -> list[ArticleSummaryPublic]:
    area = service_area.value if service_area else None
    items = public.published(session, language=language.value, service_area=area)
    return [presenters.summary(item) for item in items]


@router.get("/{slug}", response_model=ArticlePublic)
def get_published(slug: str, session: SessionDep) -> ArticlePublic:
    """One published article by slug (slugs are unique across languages)."""
    item = public.published_article(session, slug)
    return presenters.article(session, item)
