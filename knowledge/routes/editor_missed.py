"""The editor's review queue of what the bot missed (``/editor/missed``).

One screen (it was "Content gaps", and ``/editor/gaps`` still leads here):
groups of missed messages with their counts per source and language and the
article the bot thought closest, each turned into alternative questions of an
article (that closest one offered first, or one found by search), training
examples for an intent (admins only; the bot then retrains in the
background), a new draft, or dismissed. The rules live in ``knowledge.gaps``
and ``knowledge.retraining``; these routes read the form and answer.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from knowledge import gaps, retraining
from knowledge.actors import Actor
from knowledge.articles import find_article
from knowledge.deps import CsrfDep, SearchDep, SessionDep, StaffActor
from knowledge.editor_forms import Problem, problem_for, problem_from_error, slugify
from knowledge.exceptions import InvalidArticle, KnowledgeError, NotAllowed
from knowledge.routes.editor import _teams
from knowledge.routes.editor_pages import render, staff_language
from knowledge.searching import run_search

router = APIRouter(prefix="/editor", tags=["editor"], include_in_schema=False)

PATH = "/editor/missed"
# Our own ``done`` names: the editor's base page has its own notices for others.
DONE = {
    "dismissed": "The messages were dismissed. They no longer show here; new similar "
    "messages start a new group.",
    "alternatives_added": "The wordings were added to the article as alternative questions.",
    "examples_added": "The wordings were added as training examples. The assistant is "
    "retraining in the background; its status is shown below.",
}
SortQuery = Annotated[str, Query(pattern="^(frequent|newest)$")]
LanguageQuery = Annotated[str | None, Query(pattern="^(en|cy)$")]


def _ids(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip().isdigit()][:5000]


def _page(
    request: Request,
    session: SessionDep,
    runtime: SearchDep,
    actor: Actor,
    *,
    page: int = 1,
    sort: str = "frequent",
    language: str | None = None,
    find: str | None = None,
    q: str = "",
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    listing = gaps.page_of_groups(session, page=page, sort=sort, language=language)
    found: list[dict[str, object]] = []
    checked: int | None = None  # the article offered first: the closest, if found
    searched = next((g for g in listing.groups if g.key == find), None)
    if searched is not None and q.strip():
        hits = run_search(session, runtime, q, language=searched.language, limit=8).results
        ids: list[int] = []
        for hit in hits:  # the wordings go to the article, whichever section matched
            article = find_article(session, hit.slug, hit.language)
            if article is not None and article.id not in ids:
                ids.append(article.id)
                found.append({"article_id": article.id, "title": article.title})
        closest = searched.closest.article_id if searched.closest else None
        checked = closest if closest in ids else next(iter(ids), None)
    may_teach = gaps.may_change_bot(actor)
    query = {"sort": sort, **({"language": language} if language else {})}
    return render(
        request, "editor/missed.html", status=status, groups=listing.groups, listing=listing,
        sources=gaps.SOURCES, teams=_teams(session), errors=errors or {},
        done=DONE.get(request.query_params.get("done", "")),
        article_id=request.query_params.get("article", ""),
        find=find if searched is not None else None, q=q, found=found, checked=checked,
        may_teach=may_teach, intents=retraining.intents() if may_teach else [],
        trainings=retraining.latest(session), query=urlencode(query),
        title="Missed questions",
    )  # fmt: skip


@router.get("/missed", response_class=HTMLResponse)
def missed(
    request: Request,
    session: SessionDep,
    runtime: SearchDep,
    actor: StaffActor,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    sort: SortQuery = "frequent",
    language: LanguageQuery = None,
    find: Annotated[str | None, Query(max_length=200)] = None,
    q: Annotated[str, Query(max_length=500)] = "",
) -> HTMLResponse:
    return _page(request, session, runtime, actor, page=page, sort=sort, language=language,
                 find=find, q=q)  # fmt: skip


@router.get("/gaps")
def old_address(request: Request) -> RedirectResponse:
    """The screen's old name: bookmarks and links still arrive."""
    query = f"?{request.url.query}" if request.url.query else ""
    return RedirectResponse(f"{PATH}{query}", status_code=301)


def _back(page: int, done: str, **extra: object) -> RedirectResponse:
    query = urlencode({"page": page, "done": done, **extra})
    return RedirectResponse(f"{PATH}?{query}", status_code=303)


def _refused(
    request: Request, session: SessionDep, runtime: SearchDep, actor: Actor, gap_ids: str,
    exc: Exception,
) -> HTMLResponse:  # fmt: skip
    session.rollback()
    message = _problem(exc).text(staff_language(request))
    status = getattr(exc, "status_code", 422)
    return _page(request, session, runtime, actor, errors={gap_ids: message}, status=status)


_FIELD_PROBLEMS = {
    "gap_ids": "gap.none",
    "article_id": "gap.article.missing",
    "intent": "gap.intent.missing",
}


def _problem(exc: Exception) -> Problem:
    """What went wrong, as a message from the editor's catalogue (never library text)."""
    if isinstance(exc, InvalidArticle) and exc.field in _FIELD_PROBLEMS:
        return Problem(_FIELD_PROBLEMS[exc.field])
    if isinstance(exc, NotAllowed) and "teach the bot" in str(exc):
        return Problem("gap.train.admin_only")
    if isinstance(exc, KnowledgeError):
        return problem_from_error(exc)[1]
    errors = getattr(exc, "errors", None)
    if callable(errors) and errors():
        _, problem = problem_for(errors()[0], {})
        return Problem("gap.title.missing") if problem.key == "title.missing" else problem
    return Problem("gap.none")


@router.post("/missed/draft", dependencies=[CsrfDep])
def to_draft(
    request: Request,
    session: SessionDep,
    runtime: SearchDep,
    actor: StaffActor,
    gap_ids: Annotated[str, Form(max_length=200_000)],
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
        return _refused(request, session, runtime, actor, gap_ids, exc)
    session.commit()
    return RedirectResponse(f"/editor/articles/{record.id}?done=created", status_code=303)


@router.post("/missed/attach", dependencies=[CsrfDep])
def to_alternatives(
    request: Request,
    session: SessionDep,
    runtime: SearchDep,
    actor: StaffActor,
    gap_ids: Annotated[str, Form(max_length=200_000)],
    article_id: Annotated[int | None, Form()] = None,
    page: Annotated[int, Form(ge=1, le=100_000)] = 1,
) -> Response:
    if article_id is None:
        return _refused(request, session, runtime, actor, gap_ids,
                        InvalidArticle("article_id", "choose an article"))  # fmt: skip
    try:
        done = gaps.attach_to_article(session, _ids(gap_ids), article_id, actor=actor)
    except KnowledgeError as exc:
        return _refused(request, session, runtime, actor, gap_ids, exc)
    session.commit()
    state = "submitted" if done.submitted else done.article.state
    return _back(page, "alternatives_added", article=done.article.id, state=state)


@router.post("/missed/train", dependencies=[CsrfDep])
def to_training(
    request: Request,
    session: SessionDep,
    runtime: SearchDep,
    actor: StaffActor,
    gap_ids: Annotated[str, Form(max_length=200_000)],
    intent: Annotated[str, Form(max_length=80)],
    page: Annotated[int, Form(ge=1, le=100_000)] = 1,
) -> Response:
    try:
        gaps.teach_intent(session, _ids(gap_ids), intent, actor=actor,
                          intents=retraining.intents())  # fmt: skip
        retraining.request(session, actor=actor)
    except KnowledgeError as exc:
        return _refused(request, session, runtime, actor, gap_ids, exc)
    session.commit()
    request.app.state.trainer.kick()
    return _back(page, "examples_added")


@router.post("/missed/dismiss", dependencies=[CsrfDep])
def dismiss(
    session: SessionDep,
    actor: StaffActor,
    gap_ids: Annotated[str, Form(max_length=200_000)],
    page: Annotated[int, Form(ge=1, le=100_000)] = 1,
) -> Response:
    """Off the screen without an article; who and when are kept on each message."""
    gaps.dismiss(session, _ids(gap_ids), actor=actor)
    session.commit()
    return _back(page, "dismissed")
