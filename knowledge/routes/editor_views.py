"""Editor overviews: the review queue (stale content: editor_reminders.py; missed
questions: editor_missed.py)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from knowledge import listing, publishing
from knowledge.deps import SessionDep, StaffActor
from knowledge.routes.editor_pages import render

router = APIRouter(prefix="/editor", tags=["editor"], include_in_schema=False)


@router.get("/review", response_class=HTMLResponse)
def review_queue(request: Request, session: SessionDep, actor: StaffActor) -> HTMLResponse:
    queue = listing.review_queue(session)
    own = {a.id for a in queue if actor.id in publishing.authors_since_live(session, a)}
    return render(request, "editor/review.html", items=queue, own=own, title="Review queue")
