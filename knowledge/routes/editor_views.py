"""Editor overviews: the review queue and content gaps (stale content: editor_reminders)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from knowledge import gaps, listing, publishing
from knowledge.deps import CsrfDep, SessionDep, StaffActor
from knowledge.editor_forms import Problem, problem_for, problem_from_error, slugify
from knowledge.exceptions import KnowledgeError
from knowledge.models import Article
from knowledge.routes.editor import _teams
from knowledge.routes.editor_pages import render, staff_language
from knowledge.workflow import ArticleState

router = APIRouter(prefix="/editor", tags=["editor"], include_in_schema=False)


@router.get("/review", response_class=HTMLResponse)
def review_queue(request: Request, session: SessionDep, actor: StaffActor) -> HTMLResponse:
    queue = listing.review_queue(session)
    own = {a.id for a in queue if actor.id in publishing.authors_since_live(session, a)}
    return render(request, "editor/review.html", items=queue, own=own, title="Review queue")


def _gap_page(
    request: Request,
    session: SessionDep,
    *,
    page: int = 1,
    errors: dict[str, str] | None = None,
    status: int = 200,
    done: str | None = None,
) -> HTMLResponse:
    listing_page = gaps.page_of_groups(session, page=page)
    targets = (
        session.scalars(
            select(Article)
            .where(Article.state != ArticleState.ARCHIVED.value)
            .order_by(Article.language, Article.title)
        )
        .unique()
        .all()
    )
    return render(request, "editor/gaps.html", status=status, groups=listing_page.groups,
                  listing=listing_page, targets=targets, teams=_teams(session),
                  errors=errors or {}, done=done, title="Content gaps")  # fmt: skip


@router.get("/gaps", response_class=HTMLResponse)
def content_gaps(
    request: Request,
    session: SessionDep,
    actor: StaffActor,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    done: Annotated[str | None, Query(pattern="^dismissed$")] = None,
) -> HTMLResponse:
    return _gap_page(request, session, page=page, done=done)


def _ids(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip().isdigit()]


@router.post("/gaps/draft", dependencies=[CsrfDep])
def gap_to_draft(
    request: Request,
    session: SessionDep,
    actor: StaffActor,
    gap_ids: Annotated[str, Form()],
    title: Annotated[str, Form(max_length=200)],
    slug: Annotated[str, Form(max_length=120)],
    service_area: Annotated[str, Form()],
    owner_team: Annotated[str, Form(max_length=120)],
    language: Annotated[str, Form(pattern="^(en|cy)$")] = "en",
) -> Response:
    slug = slug.strip() or slugify(title)  # the same fallback as the article form
    try:
        record = gaps.draft_from_gaps(
            session, _ids(gap_ids), title=title, slug=slug, service_area=service_area,
            owner_team=owner_team, language=language, actor=actor,
        )  # fmt: skip
    except (KnowledgeError, ValueError) as exc:
        session.rollback()
        language = staff_language(request)
        if isinstance(exc, KnowledgeError):
            problem = problem_from_error(exc)[1]
        else:
            problem = _gap_problem(exc, {"title": title, "slug": slug})
        return _gap_page(request, session, errors={gap_ids: problem.text(language)}, status=422)
    session.commit()
    return RedirectResponse(f"/editor/articles/{record.id}?done=created", status_code=303)


@router.post("/gaps/attach", dependencies=[CsrfDep])
def gap_to_article(
    request: Request,
    session: SessionDep,
    actor: StaffActor,
    gap_ids: Annotated[str, Form()],
    article_id: Annotated[int, Form()],
) -> Response:
    gaps.attach_to_article(session, _ids(gap_ids), article_id, actor=actor)
    session.commit()
    return RedirectResponse(f"/editor/articles/{article_id}?done=attached", status_code=303)


@router.post("/gaps/dismiss", dependencies=[CsrfDep])
def dismiss_gaps(
    session: SessionDep,
    actor: StaffActor,
    gap_ids: Annotated[str, Form(max_length=200_000)],
    page: Annotated[int, Form(ge=1, le=100_000)] = 1,
) -> Response:
    """Off the screen without an article; who and when are kept on each gap."""
    gaps.dismiss(session, _ids(gap_ids), actor=actor)
    session.commit()
    return RedirectResponse(f"/editor/gaps?page={page}&done=dismissed", status_code=303)


def _gap_problem(exc: ValueError, values: dict[str, str]) -> Problem:
    """The first thing wrong with a draft made from gaps, as a catalogue message."""
    if isinstance(exc, ValidationError) and exc.errors():
        _, problem = problem_for(exc.errors()[0], values)
        return Problem("gap.title.missing") if problem.key == "title.missing" else problem
    return Problem("gap.none")
