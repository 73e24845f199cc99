"""Editor overviews: the review queue and stale content (missed questions: editor_missed.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from knowledge import listing, publishing
from knowledge.deps import SessionDep, StaffActor, TodayDep
from knowledge.routes.editor_pages import render

router = APIRouter(prefix="/editor", tags=["editor"], include_in_schema=False)


@router.get("/review", response_class=HTMLResponse)
def review_queue(request: Request, session: SessionDep, actor: StaffActor) -> HTMLResponse:
    queue = listing.review_queue(session)
    own = {a.id for a in queue if actor.id in publishing.authors_since_live(session, a)}
    return render(request, "editor/review.html", items=queue, own=own, title="Review queue")


@router.get("/stale", response_class=HTMLResponse)
def stale(
    request: Request, session: SessionDep, actor: StaffActor, today: TodayDep
) -> HTMLResponse:
    teams = listing.stale_by_team(session, today=today)
    return render(request, "editor/stale.html", teams=teams, today=today,
                  title="Stale content")  # fmt: skip
