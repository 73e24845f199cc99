"""Editor pages: list and filter, write with live preview, workflow, history and diff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from frontdoor.accounts.models import Team
from frontdoor.http import DbInt
from knowledge import articles, diffs, feedback, listing, publishing, translations
from knowledge.deps import CsrfDep, FormDep, SearchDep, SessionDep, StaffActor, TodayDep
from knowledge.editor_forms import (
    Problem,
    messages,
    parse,
    problem_from_error,
    slugify,
    values_from_article,
)
from knowledge.editor_text import catalogue, text
from knowledge.exceptions import EditConflict, InvalidArticle, KnowledgeError
from knowledge.models import Article
from knowledge.routes.editor_pages import render, staff_language
from knowledge.workflow import Action, ArticleState, allowed_actions

router = APIRouter(prefix="/editor", tags=["editor"], include_in_schema=False)
# what editor.js says about the live preview, in the staff member's language
PREVIEW_TEXT = {"updating": "preview.updating", "done": "preview.done", "failed": "preview.failed",
                "too_large": "preview.too_large", "signed_out": "preview.signed_out"}  # fmt: skip


def _teams(session: SessionDep) -> list[str]:
    names = set(session.scalars(select(Team.name))) | set(listing.owner_teams(session))
    return sorted(names)


@router.get("", response_class=HTMLResponse)
def article_list(
    request: Request,
    session: SessionDep,
    actor: StaffActor,
    today: TodayDep,
    state: str = "",
    service_area: str = "",
    owner_team: str = "",
    language: str = "",
    stale: bool = False,
    needs_review: bool = False,
    outdated_translation: bool = False,
    q: Annotated[str, Query(max_length=200)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    filters = listing.ArticleFilter(
        state=state or None, service_area=service_area or None, owner_team=owner_team or None,
        language=language or None, stale=stale, needs_review=needs_review, text=q or None,
        outdated_translation=outdated_translation,
    )  # fmt: skip
    found = listing.page_of_articles(session, filters, page=page, today=today)
    items = found.items
    return render(
        request, "editor/articles.html", items=items, found=found,
        query=_filter_query(filters),
        outdated=translations.outdated_ids(session, (item.id for item in items)),
        outdated_message=translations.OUTDATED_MESSAGE, filters=filters, teams=_teams(session),
        states=[s.value for s in ArticleState],
        counts=listing.counts_by_state(session), title="Articles",
    )  # fmt: skip


def _filter_query(filters: listing.ArticleFilter) -> str:
    """The list's filters as a query string, for the links to other pages."""
    pairs = {
        "q": filters.text or "", "state": filters.state or "",
        "service_area": filters.service_area or "", "owner_team": filters.owner_team or "",
        "language": filters.language or "", "stale": "true" if filters.stale else "",
        "needs_review": "true" if filters.needs_review else "",
        "outdated_translation": "true" if filters.outdated_translation else "",
    }  # fmt: skip
    return urlencode({key: value for key, value in pairs.items() if value})


def _edit_page(
    request: Request, session: SessionDep, actor: StaffActor, *, article_id: int | None,
    values: dict[str, str], errors: dict[str, Problem] | None = None, status: int = 200,
    conflict: EditConflict | None = None,
) -> HTMLResponse:  # fmt: skip
    language = staff_language(request)
    record = articles.get_article(session, article_id) if article_id else None
    authors = publishing.authors_since_live(session, record) if record else set()
    english = translations.english_source(session, record) if record else None
    return render(
        request, "editor/edit.html", status=status, article=record, values=values,
        errors=messages(errors or {}, language), teams=_teams(session), conflict=conflict,
        actions=[a.value for a in allowed_actions(record.state)] if record else [],
        own_change=actor.id in authors,
        events=articles.list_events(session, record.id)[:10] if record else [],
        feedback_counts=feedback.counts_for(session, record.id) if record else (0, 0),
        comments=feedback.recent_comments(session, record.id, limit=5) if record else [],
        translation_outdated=bool(record and translations.is_outdated(session, record)),
        outdated_message=translations.OUTDATED_MESSAGE,
        english_id=english.id if english else None,
        english_live=english.live_revision.number if english and english.live_revision else None,
        scheduled=bool(record and record.publish_at and record.publish_at > articles.utcnow()),
        preview_text=catalogue(language, PREVIEW_TEXT),
        slug_edited=values.get("slug", "") not in ("", slugify(values.get("title", ""))),
        title=text("ui.edit_title", language, title=record.title)
        if record
        else text("ui.new_article", language),
    )  # fmt: skip


@router.get("/articles/new", response_class=HTMLResponse)
def new_article(request: Request, session: SessionDep, actor: StaffActor) -> HTMLResponse:
    values = {"language": "en", "service_area": "general", "base_version": "0"}
    if actor.teams:
        values["owner_team"] = actor.teams[0]
    return _edit_page(request, session, actor, article_id=None, values=values)


@router.post("/articles", dependencies=[CsrfDep])
def create_article(
    request: Request, session: SessionDep, actor: StaffActor, posted: FormDep
) -> Response:
    form = parse(dict(posted), creating=True)
    if form.data is None:
        return _edit_page(request, session, actor, article_id=None, values=form.values,
                          errors=form.errors, status=422)  # fmt: skip
    try:
        record = articles.create_article(session, form.data, actor=actor)  # type: ignore[arg-type]
    except KnowledgeError as exc:
        session.rollback()
        field, problem = problem_from_error(exc)
        return _edit_page(request, session, actor, article_id=None, values=form.values,
                          errors={field: problem}, status=exc.status_code)  # fmt: skip
    session.commit()
    return RedirectResponse(f"/editor/articles/{record.id}?done=created", status_code=303)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def edit_article(
    article_id: DbInt, request: Request, session: SessionDep, actor: StaffActor
) -> HTMLResponse:
    record = articles.get_article(session, article_id)
    values = values_from_article(articles.editorial_view(record))
    return _edit_page(request, session, actor, article_id=article_id, values=values)


@router.post("/articles/{article_id}", dependencies=[CsrfDep])
def save_article(
    article_id: DbInt,
    request: Request,
    session: SessionDep,
    actor: StaffActor,
    runtime: SearchDep,
    posted: FormDep,
) -> Response:
    form = parse(dict(posted), creating=False)
    if form.data is None:
        return _edit_page(request, session, actor, article_id=article_id, values=form.values,
                          errors=form.errors, status=422)  # fmt: skip
    try:
        articles.save_article(session, article_id, form.data, actor=actor)  # type: ignore[arg-type]
    except EditConflict as exc:
        session.rollback()
        return _edit_page(request, session, actor, article_id=article_id, values=form.values,
                          conflict=exc, status=409)  # fmt: skip
    except KnowledgeError as exc:
        if exc.status_code == 404:
            raise
        session.rollback()
        field, problem = problem_from_error(exc)
        return _edit_page(request, session, actor, article_id=article_id, values=form.values,
                          errors={field: problem}, status=exc.status_code)  # fmt: skip
    session.commit()
    runtime.sync_now()
    return RedirectResponse(f"/editor/articles/{article_id}?done=saved", status_code=303)


@router.post("/articles/{article_id}/translation-updated", dependencies=[CsrfDep])
def translation_updated(
    article_id: DbInt, request: Request, session: SessionDep, actor: StaffActor
) -> Response:
    """The Welsh text now matches the English source's live revision: clear the flag."""
    record = articles.get_article(session, article_id)
    try:
        translations.mark_updated(session, record, actor=actor, now=articles.utcnow())
    except KnowledgeError as exc:
        session.rollback()
        return _edit_page(request, session, actor, article_id=article_id,
                          values=values_from_article(articles.editorial_view(record)),
                          errors=dict([problem_from_error(exc, where="translation")]),
                          status=exc.status_code)  # fmt: skip
    session.commit()
    return RedirectResponse(
        f"/editor/articles/{article_id}?done=translation_updated", status_code=303
    )


_MOVES: dict[Action, Callable[..., Article]] = {
    Action.SUBMIT: publishing.submit,
    Action.APPROVE: publishing.approve,
    Action.SEND_BACK: publishing.send_back,
    Action.ARCHIVE: publishing.archive,
    Action.REOPEN: publishing.reopen,
}


@router.post("/articles/{article_id}/workflow", dependencies=[CsrfDep])
def workflow(
    article_id: DbInt,
    request: Request,
    session: SessionDep,
    actor: StaffActor,
    runtime: SearchDep,
    action: Annotated[Literal["submit", "approve", "send_back", "archive", "reopen"], Form()],
    comment: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    move = Action(action)
    try:
        if len(comment) > 2000:
            raise InvalidArticle("comment", "too long")
        _MOVES[move](session, article_id, actor=actor, comment=comment)
    except KnowledgeError as exc:
        if exc.status_code == 404:
            raise
        session.rollback()
        record = articles.get_article(session, article_id)
        return _edit_page(request, session, actor, article_id=article_id,
                          values=values_from_article(articles.editorial_view(record)),
                          errors=dict([problem_from_error(exc, where="workflow")]),
                          status=exc.status_code)  # fmt: skip
    session.commit()
    runtime.sync_now()
    return RedirectResponse(f"/editor/articles/{article_id}?done={move.value}", status_code=303)


@router.get("/articles/{article_id}/history", response_class=HTMLResponse)
def history(
    article_id: DbInt, request: Request, session: SessionDep, actor: StaffActor
) -> HTMLResponse:
    record = articles.get_article(session, article_id)
    return render(
        request, "editor/history.html", article=record,
        revisions=articles.list_revisions(session, article_id),
        events=articles.list_events(session, article_id), title=f"History: {record.title}",
    )  # fmt: skip


@router.get("/articles/{article_id}/diff", response_class=HTMLResponse)
def diff(
    article_id: DbInt,
    request: Request,
    session: SessionDep,
    actor: StaffActor,
    from_revision: Annotated[int, Query(alias="from", ge=1)],
    to_revision: Annotated[int, Query(alias="to", ge=1)],
    style: Literal["html", "unified"] = "html",
) -> HTMLResponse:
    record = articles.get_article(session, article_id)
    old = articles.get_revision(session, article_id, from_revision)
    new = articles.get_revision(session, article_id, to_revision)
    text = diffs.compare(old, new, slug=record.slug, language=record.language, style=style)
    return render(request, "editor/diff.html", article=record, old=old, new=new, style=style,
                  diff=text, title=f"Compare revisions: {record.title}")  # fmt: skip


@router.post("/articles/{article_id}/revisions/{number}/restore", dependencies=[CsrfDep])
def restore(
    article_id: DbInt,
    number: DbInt,
    session: SessionDep,
    actor: StaffActor,
    runtime: SearchDep,
    base_version: Annotated[int, Form()],
) -> Response:
    articles.restore_revision(session, article_id, number, base_version=base_version, actor=actor)
    session.commit()
    runtime.sync_now()
    return RedirectResponse(f"/editor/articles/{article_id}?done=restored", status_code=303)
