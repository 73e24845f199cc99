"""The outbox in the staff pages (``/editor/notifications``), for admins.

What the embedded ``OutboxOnly`` notifier "sends" lands here for staff to
read, and with GOV.UK Notify this is where a failed or retrying message
shows. Newest first, 50 a page, filtered by status.

Served by the knowledge service beside its editor, in its look: mounted
through core's registry (``frontdoor.components.staff_routers``). The page's
template extends the editor's ``editor/base.html``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from frontdoor.accounts.roles import Role
from frontdoor.accounts.service import SessionInfo
from frontdoor.accounts.web import require_roles
from knowledge.routes.editor_pages import render
from notify import outbox

router = APIRouter(prefix="/editor", tags=["notify"], include_in_schema=False)
AdminDep = Annotated[SessionInfo, Depends(require_roles(Role.ADMIN))]
TEMPLATES = Path(__file__).parent / "templates"
PAGE_SIZE = 50


def _templates(request: Request) -> Jinja2Templates:
    """The editor's templates with this component's folder in front (made once per app)."""
    state = request.app.state
    made = getattr(state, "notify_templates", None)
    if made is None:
        editor = state.templates.env
        env = editor.overlay(loader=ChoiceLoader([FileSystemLoader(TEMPLATES), editor.loader]))
        made = state.notify_templates = Jinja2Templates(env=env)
    return made


def _render(request: Request, *, status: int = 200, **values: Any) -> HTMLResponse:
    # the editor's own context (signed-in member of staff, CSRF token, navigation)
    context = render(request, "editor/base.html", **values).context  # type: ignore[attr-defined]
    return _templates(request).TemplateResponse(
        request, "notify/outbox.html", context, status_code=status
    )


@router.get("/notifications", response_class=HTMLResponse)
def outbox_page(
    request: Request,
    info: AdminDep,
    status: Annotated[str, Query(max_length=40)] = "",
    page: Annotated[str, Query(max_length=10)] = "1",
) -> HTMLResponse:
    common: dict[str, Any] = {"title": "Notifications outbox", "statuses": outbox.STATUSES}
    number = int(page) if page.isdigit() else 0
    if number < 1:
        return _render(request, status=422, error="The page must be a whole number from 1",
                       chosen=status, listed=None, **common)  # fmt: skip
    try:
        listed = outbox.page(
            request.app.state.engine, status=status or None, number=number, size=PAGE_SIZE
        )
    except outbox.InvalidMessage as exc:
        return _render(request, status=422, error=str(exc).capitalize(), chosen=status,
                       listed=None, **common)  # fmt: skip
    return _render(request, chosen=status, listed=listed, error="", **common)
