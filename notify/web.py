"""The outbox and residents' subscriptions in the staff pages.

``/editor/notifications`` (admins): what the embedded ``OutboxOnly`` notifier
"sends" lands here for staff to read, and with GOV.UK Notify this is where a
failed or retrying message shows. Newest first, 50 a page, filtered by status.

``/editor/notifications/subscriptions`` (supervisors and admins, in English or
Welsh): residents' subscriptions, newest first, 50 a page, filtered by status
and topic, each contact shown in part only (:func:`notify.subscriptions.masked`);
a resident who asks staff to stop their messages is unsubscribed from here (a
CSRF-checked form; written to the audit log as ``subscription_ended``).

Served by the knowledge service beside its editor, in its look: mounted
through core's registry (``frontdoor.components.staff_routers``). The page's
template extends the editor's ``editor/base.html``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as Path_
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from frontdoor import audit
from frontdoor.accounts.roles import Role
from frontdoor.accounts.service import SessionInfo
from frontdoor.accounts.web import require_roles
from frontdoor.audit import AuditAction
from knowledge.deps import CsrfDep, FormDep, SessionDep
from knowledge.routes.editor_pages import render, staff_language
from notify import outbox
from notify import subscriptions as subs
from notify.staff_text import staff_text

router = APIRouter(prefix="/editor", tags=["notify"], include_in_schema=False)
AdminDep = Annotated[SessionInfo, Depends(require_roles(Role.ADMIN))]
SupervisorDep = Annotated[SessionInfo, Depends(require_roles(Role.SUPERVISOR, Role.ADMIN))]
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


def _render(
    request: Request,
    *,
    status: int = 200,
    template: str = "notify/outbox.html",
    **values: Any,
) -> HTMLResponse:
    # the editor's own context (signed-in member of staff, CSRF token, navigation)
    context = render(request, "editor/base.html", **values).context  # type: ignore[attr-defined]
    return _templates(request).TemplateResponse(request, template, context, status_code=status)


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


# --- residents' subscriptions ------------------------------------------------------------


def _subscriptions_page(
    request: Request, *, status: str, topic: str, page: str, notice: str | None = None
) -> HTMLResponse:
    p = staff_text(staff_language(request))
    chosen = {"chosen_status": status, "chosen_topic": topic}
    common: dict[str, Any] = {
        "template": "notify/subscriptions.html", "title": p("title"), "p": p,
        "statuses": subs.STATUSES, "topics": tuple(subs.TOPIC_COLUMNS), "mask": subs.masked,
        "back": f"status={status}&topic={topic}&page={page}", **chosen,
    }  # fmt: skip
    if notice:
        common["notice"] = notice
    number = int(page) if page.isdigit() else 0
    if number < 1:
        return _render(request, status=422, error=p("bad_page"), listed=None, **common)
    try:
        listed = subs.listing(request.app.state.engine, status=status or None,
                              topic=topic or None, number=number, size=PAGE_SIZE)  # fmt: skip
    except ValueError:
        return _render(request, status=422, error=p("bad_filter"), listed=None, **common)
    return _render(request, listed=listed, error="", **common)


@router.get("/notifications/subscriptions", response_class=HTMLResponse)
def subscriptions_page(
    request: Request,
    info: SupervisorDep,
    status: Annotated[str, Query(max_length=20)] = "",
    topic: Annotated[str, Query(max_length=20)] = "",
    page: Annotated[str, Query(max_length=10)] = "1",
    ended: Annotated[int | None, Query(ge=1, le=2**62)] = None,
) -> HTMLResponse:
    notice = staff_text(staff_language(request))("ended", id=ended) if ended else None
    return _subscriptions_page(request, status=status, topic=topic, page=page, notice=notice)


@router.post(
    "/notifications/subscriptions/{subscription_id}/end",
    response_model=None,
    dependencies=[CsrfDep],
)
def end_subscription(
    request: Request,
    info: SupervisorDep,
    session: SessionDep,
    form: FormDep,
    subscription_id: Annotated[int, Path_(ge=1, le=2**62)],
) -> Response:
    """Unsubscribe on the resident's behalf; audited (who, which, by what channel)."""
    state = request.app.state
    ended = subs.end(state.engine, subscription_id, now=state.clock())
    if ended is None:
        p = staff_text(staff_language(request))
        return _render(request, status=404, template="notify/subscriptions.html", p=p,
                       title=p("title"), error=p("not_found", id=subscription_id), listed=None,
                       statuses=subs.STATUSES, topics=tuple(subs.TOPIC_COLUMNS),
                       chosen_status="", chosen_topic="", back="")  # fmt: skip
    audit.record(
        session,
        actor=info.user.email,
        action=AuditAction.SUBSCRIPTION_ENDED,
        subject=f"subscription:{ended.id}",
        detail={"channel": ended.channel, "topics": sorted(ended.topics)},
        clock=state.clock,
    )
    session.commit()
    back = _back(str(form.get("back", "")))
    return RedirectResponse(
        f"/editor/notifications/subscriptions?{back}ended={ended.id}#subscription-{ended.id}",
        status_code=303,
    )


def _back(query: str) -> str:
    """The list's own filters to return to, and nothing else (never a redirect elsewhere)."""
    kept = []
    for part in query.split("&"):
        name, _, value = part.partition("=")
        if name in ("status", "topic", "page") and value.isalnum() and len(value) <= 20:
            kept.append(f"{name}={value}")
    return "".join(f"{item}&" for item in kept)
