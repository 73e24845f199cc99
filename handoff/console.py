"""The advisor console's pages: sign-in, the console, the supervisor view.

Server-rendered Jinja2 shells only; everything live comes from the JSON and
websocket endpoints in ``api.py`` and ``ws.py`` (PROTOCOL.md §3), driven by
the plain JS modules in ``static/console/``. Pages carry a strict
Content-Security-Policy: no inline script or style, so an injected string
can never run even if it slipped past text rendering.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from frontdoor.accounts.exceptions import InvalidCredentials, LoginThrottled
from frontdoor.accounts.roles import Role
from frontdoor.accounts.service import SessionInfo
from frontdoor.accounts.web import require_csrf, safe_next, throttled_headers
from frontdoor.language import choose_language, language_of

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
DEFAULT_COUNCIL = "Bramblefield District Council"
CONSOLE_HOME = "/console/"
LOGIN_PATH = "/console/login"
# the console's messages follow ?lang=cy (remembered here) or Accept-Language, as
# the editor's do (static/console/messages.js reads <html data-message-lang>)
LANGUAGE_COOKIE = "frontdoor_console_lang"
ONE_YEAR = 365 * 24 * 3600

router = APIRouter(prefix="/console", tags=["console"], include_in_schema=False)


def content_security_policy(request: Request) -> str:
    host = request.headers.get("host", "")
    socket_origins = f"ws://{host} wss://{host}" if host else ""
    # the co-browse mirror loads the council site's own stylesheets, fonts and images
    settings = getattr(request.app.state, "settings", None)
    sites = " ".join(getattr(settings, "handoff_allowed_origins", ()) or ())
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self' {sites}; "
        f"img-src 'self' data: {sites}; font-src 'self' {sites}; "
        f"connect-src 'self' {socket_origins}; media-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
    )


def render(request: Request, template: str, *, status: int = 200, **values: Any) -> HTMLResponse:
    info: SessionInfo | None = request.app.state.accounts.current(request)
    settings = request.app.state.settings
    chosen = language_of(request.query_params.get("lang"))
    context = {
        "message_lang": choose_language(
            request.query_params.get("lang"),
            request.cookies.get(LANGUAGE_COOKIE),
            request.headers.get("accept-language", ""),
        ),
        "council_name": getattr(settings, "council_name", DEFAULT_COUNCIL),
        "staff": info.user if info else None,
        "csrf_token": info.csrf_token if info else "",
        "is_supervisor": bool(info and info.user.has_role(Role.SUPERVISOR)),
        **values,
    }
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status)
    response.headers["Content-Security-Policy"] = content_security_policy(request)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    if chosen is not None:
        response.set_cookie(
            LANGUAGE_COOKIE, chosen, max_age=ONE_YEAR, httponly=True, samesite="lax",
            path="/console", secure=bool(getattr(settings, "secure_cookies", False)),
        )  # fmt: skip
    return response


def _page_for(request: Request, role: Role, template: str, **values: Any) -> Response:
    """The page, the sign-in redirect, or a plain 'not for your role' page."""
    info: SessionInfo | None = request.app.state.accounts.current(request)
    if info is None:
        target = request.url.path
        return RedirectResponse(f"{LOGIN_PATH}?next={target}", status_code=303)
    if not info.user.has_role(role):
        return render(request, "console/forbidden.html", status=403, role=role.value)
    return render(request, template, **values)


@router.get("", include_in_schema=False)
def console_no_slash() -> Response:
    return RedirectResponse(CONSOLE_HOME, status_code=307)


@router.get("/", response_class=HTMLResponse)
def console_page(request: Request) -> Response:
    return _page_for(request, Role.ADVISOR, "console/console.html", title="Chats")


@router.get("/supervisor", response_class=HTMLResponse)
def supervisor_page(request: Request) -> Response:
    return _page_for(request, Role.SUPERVISOR, "console/supervisor.html", title="Supervisor view")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = CONSOLE_HOME) -> Response:
    target = safe_next(next, CONSOLE_HOME)
    if request.app.state.accounts.current(request) is not None:
        return RedirectResponse(target, status_code=303)
    return render(request, "console/login.html", title="Sign in", next=target, email="")


def sso_refusal(request: Request, message: str, status: int) -> Response:
    """A refused single sign-on, shown on the sign-in page (frontdoor.accounts.sso_routes)."""
    return render(
        request, "console/login.html", status=status, title="Sign in", next=CONSOLE_HOME,
        email="", error=message,
    )  # fmt: skip


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = CONSOLE_HOME,
) -> Response:
    target = safe_next(next, CONSOLE_HOME)
    response = RedirectResponse(target, status_code=303)
    gate = request.app.state.accounts
    try:
        gate.login(
            response,
            email=email,
            password=password,
            client_ip=gate.client_address(request),
            user_agent=request.headers.get("user-agent", ""),
        )
    except (InvalidCredentials, LoginThrottled) as exc:
        status = 429 if isinstance(exc, LoginThrottled) else 401
        page = render(
            request,
            "console/login.html",
            status=status,
            title="Sign in",
            next=target,
            email=email,
            error=exc.message,
        )
        if isinstance(exc, LoginThrottled):
            page.headers.update(throttled_headers(exc))
        return page
    return response


@router.post("/logout", dependencies=[Depends(require_csrf)])
def logout(request: Request) -> Response:
    response = RedirectResponse(f"{LOGIN_PATH}?signed_out=1", status_code=303)
    request.app.state.accounts.logout(request, response)
    return response
