"""The stale list and "Still correct": the page a review reminder links to.

The reminder's link is a GET (mail clients and scanners follow links), so it
opens a page with one button; the button (a CSRF-checked POST) records the
review. Signed out, the link goes through sign-in and comes back here.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from frontdoor.http import DbInt
from knowledge import articles, listing, reminders
from knowledge.deps import CsrfDep, SessionDep, SettingsDep, StaffActor, TodayDep
from knowledge.editor_forms import problem_from_error
from knowledge.exceptions import KnowledgeError
from knowledge.routes.editor_pages import render, staff_language

router = APIRouter(prefix="/editor", tags=["editor"], include_in_schema=False)


@router.get("/stale", response_class=HTMLResponse)
def stale(
    request: Request, session: SessionDep, actor: StaffActor, today: TodayDep,
    settings: SettingsDep,
) -> HTMLResponse:  # fmt: skip
    teams = listing.stale_by_team(session, today=today)
    soon = listing.due_soon(session, today=today, days=settings.knowledge_review_reminder_days)
    ids = [item.id for items in teams.values() for item in items] + [item.id for item in soon]
    owners = set(teams) | {item.owner_team for item in soon}
    addresses = settings.knowledge_team_addresses
    unreachable = {t for t in owners if not reminders.team_addresses(session, t, addresses)}
    return render(request, "editor/stale.html", teams=teams, soon=soon, today=today,
                  reminded=reminders.last_reminders(session, ids), unreachable=unreachable,
                  days_before=settings.knowledge_review_reminder_days,
                  title="Stale content")  # fmt: skip


@router.get("/articles/{article_id}/still-correct", response_class=HTMLResponse)
def still_correct_page(
    article_id: DbInt, request: Request, session: SessionDep, actor: StaffActor,
    today: TodayDep, settings: SettingsDep,
) -> HTMLResponse:  # fmt: skip
    record = articles.get_article(session, article_id)
    next_review = reminders.add_months(today, settings.knowledge_review_period_months)
    return render(request, "editor/still_correct.html", article=record,
                  next_review=next_review, title=f"Still correct: {record.title}")  # fmt: skip


@router.post("/articles/{article_id}/still-correct", dependencies=[CsrfDep])
def still_correct(
    article_id: DbInt, request: Request, session: SessionDep, actor: StaffActor,
    today: TodayDep, settings: SettingsDep,
) -> Response:  # fmt: skip
    try:
        record = reminders.still_correct(
            session, article_id, actor=actor, today=today, now=request.app.state.clock(),
            months=settings.knowledge_review_period_months,
        )  # fmt: skip
    except KnowledgeError as exc:
        if exc.status_code == 404:
            raise
        session.rollback()
        record = articles.get_article(session, article_id)
        _, problem = problem_from_error(exc)
        next_review = reminders.add_months(today, settings.knowledge_review_period_months)
        return render(request, "editor/still_correct.html", status=exc.status_code,
                      article=record, next_review=next_review,
                      error=problem.text(staff_language(request)),
                      title=f"Still correct: {record.title}")  # fmt: skip
    session.commit()
    return RedirectResponse(
        f"/editor/articles/{article_id}?done=reviewed&next={record.review_by.isoformat()}",
        status_code=303,
    )
