"""Authenticated article writing and workflow (staff cookie + CSRF, or a service token)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field

from frontdoor.http import MAX_DB_INT, DbInt
from knowledge import articles, diffs, gaps, listing, presenters, publishing
from knowledge.deps import ApiActor, SearchDep, SessionDep, SettingsDep, TodayDep
from knowledge.models import Article
from knowledge.rendering import render
from knowledge.schemas import (
    ArticleCreate,
    ArticleEditorial,
    ArticleUpdate,
    RevisionPublic,
    WorkflowRequest,
)
from knowledge.search_runtime import SearchRuntime
from knowledge.vocabulary import Language, ServiceArea
from knowledge.workflow import ArticleState

router = APIRouter(prefix="/api/v1/editorial", tags=["editorial"])


class PreviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(max_length=1_000_000)


class PreviewResponse(BaseModel):
    html: str
    headings: list[dict[str, str | int]]


class RestoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    base_version: int = Field(ge=0, le=MAX_DB_INT)


class DiffResponse(BaseModel):
    from_revision: int
    to_revision: int
    style: str
    diff: str


class GapGroupPublic(BaseModel):
    representative: str
    language: str
    count: int = Field(description="Distinct people who asked (a client asking again counts once).")
    gap_ids: list[int]
    questions: list[str]
    sources: dict[str, int]


def _finish(session: SessionDep, runtime: SearchRuntime, record: Article) -> ArticleEditorial:
    session.commit()
    runtime.sync_now()  # this instance's search shows a publish before we answer
    return presenters.editorial(record)


@router.get("/articles", response_model=list[ArticleEditorial])
def list_articles(
    session: SessionDep,
    actor: ApiActor,
    response: Response,
    today: TodayDep,
    state: ArticleState | None = None,
    service_area: ServiceArea | None = None,
    owner_team: str | None = None,
    language: Language | None = None,
    stale: bool = False,
    needs_review: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 500,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[ArticleEditorial]:
    """The matching articles, most recently updated first: ``limit`` from ``offset``.
    ``X-Total-Count`` says how many match in all, so a client can page through them."""
    filters = listing.ArticleFilter(
        state=state.value if state else None,
        service_area=service_area.value if service_area else None,
        owner_team=owner_team,
        language=language.value if language else None,
        stale=stale,
        needs_review=needs_review,
    )
    response.headers["X-Total-Count"] = str(listing.count_articles(session, filters, today=today))
    found = listing.list_articles(session, filters, today=today, limit=limit, offset=offset)
    return [presenters.editorial(a) for a in found]


@router.post("/articles", response_model=ArticleEditorial, status_code=status.HTTP_201_CREATED)
def create(
    data: ArticleCreate, session: SessionDep, actor: ApiActor, settings: SettingsDep
) -> ArticleEditorial:
    record = articles.create_article(
        session, data, actor=actor, max_bytes=settings.knowledge_max_article_bytes
    )
    session.commit()
    return presenters.editorial(record)


@router.get("/articles/{article_id}", response_model=ArticleEditorial)
def get(article_id: DbInt, session: SessionDep, actor: ApiActor) -> ArticleEditorial:
    return presenters.editorial(articles.get_article(session, article_id))


@router.put(
    "/articles/{article_id}",
    response_model=ArticleEditorial,
    responses={409: {"description": "Saved over an old revision; body holds the newer one."}},
)
def save(
    article_id: DbInt,
    data: ArticleUpdate,
    session: SessionDep,
    actor: ApiActor,
    runtime: SearchDep,
    settings: SettingsDep,
) -> ArticleEditorial:
    record = articles.save_article(
        session, article_id, data, actor=actor, max_bytes=settings.knowledge_max_article_bytes
    )
    return _finish(session, runtime, record)


@router.get("/articles/{article_id}/revisions", response_model=list[RevisionPublic])
def revisions(article_id: DbInt, session: SessionDep, actor: ApiActor) -> list[RevisionPublic]:
    articles.get_article(session, article_id)
    return presenters.revisions(session, article_id)


@router.get("/articles/{article_id}/diff", response_model=DiffResponse)
def diff(
    article_id: DbInt,
    session: SessionDep,
    actor: ApiActor,
    from_revision: Annotated[int, Query(alias="from", ge=1, le=MAX_DB_INT)],
    to_revision: Annotated[int, Query(alias="to", ge=1, le=MAX_DB_INT)],
    style: Literal["unified", "html"] = "unified",
) -> DiffResponse:
    record = articles.get_article(session, article_id)
    old = articles.get_revision(session, article_id, from_revision)
    new = articles.get_revision(session, article_id, to_revision)
    text = diffs.compare(old, new, slug=record.slug, language=record.language, style=style)
    return DiffResponse(from_revision=old.number, to_revision=new.number, style=style, diff=text)


@router.post("/articles/{article_id}/revisions/{number}/restore", response_model=ArticleEditorial)
def restore(
    article_id: DbInt,
    number: DbInt,
    data: RestoreRequest,
    session: SessionDep,
    actor: ApiActor,
    runtime: SearchDep,
) -> ArticleEditorial:
    record = articles.restore_revision(
        session, article_id, number, base_version=data.base_version, actor=actor
    )
    return _finish(session, runtime, record)


_MOVES: dict[str, Callable[..., Article]] = {
    "submit": publishing.submit,
    "approve": publishing.approve,
    "send-back": publishing.send_back,
    "archive": publishing.archive,
    "reopen": publishing.reopen,
}


@router.post("/articles/{article_id}/{move}", response_model=ArticleEditorial)
def workflow(
    article_id: DbInt,
    move: Literal["submit", "approve", "send-back", "archive", "reopen"],
    data: WorkflowRequest,
    session: SessionDep,
    actor: ApiActor,
    runtime: SearchDep,
) -> ArticleEditorial:
    """Move an article through the workflow (illegal moves answer 409)."""
    record = _MOVES[move](session, article_id, actor=actor, comment=data.comment)
    return _finish(session, runtime, record)


@router.post("/preview", response_model=PreviewResponse)
def preview(data: PreviewRequest, actor: ApiActor) -> PreviewResponse:
    """Exactly the website's renderer, for the editor's live preview."""
    html, headings = render(data.body)
    return PreviewResponse(
        html=html,
        headings=[{"level": h.level, "text": h.text, "anchor": h.anchor} for h in headings],
    )


@router.get("/content-gaps", response_model=list[GapGroupPublic])
def content_gaps(
    session: SessionDep,
    actor: ApiActor,
    language: Language | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = gaps.PER_PAGE,
) -> list[GapGroupPublic]:
    """Open groups, most distinct askers first, then newest; one page at a time."""
    groups = gaps.page_of_groups(
        session, language=language.value if language else None, page=page, per_page=per_page
    ).groups
    return [
        GapGroupPublic(
            representative=g.representative,
            language=g.language,
            count=g.count,
            gap_ids=g.gap_ids,
            questions=g.distinct_questions,
            sources=g.sources,
        )
        for g in groups
    ]
