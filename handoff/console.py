"""The advisor console's pages: sign-in, the console, the supervisor view.

Server-rendered Jinja2 shells only; everything live comes from the JSON and
websocket endpoints in ``api.py`` and ``ws.py`` (PROTOCOL.md §3), driven by
the plain JS modules in ``static/console/``. Pages carry a strict
Content-Security-Policy: no inline script or style, so an injected string
can never run even if it slipped past text rendering.

The co-browse mirror is the one exception, kept out of the console's own
document: ``/console/mirror`` is an empty page, framed by the console, in
which the rrweb replayer rebuilds the resident's page. The replayer puts that
page in an iframe of its own, sandboxed to ``allow-same-origin`` only (no
scripts run in it), whose ``about:blank`` document inherits the policy of the
document that created it: the mirror page's. That policy allows what a
council's page needs to look right, inline ``style`` attributes and ``<style>``
elements and the site's own stylesheets, fonts and images, and no script but
the console's own files, and it may connect nowhere; the console's policy
stays as strict as before (and no longer lists the council sites at all).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from frontdoor.accounts import signin_text
from frontdoor.accounts.exceptions import InvalidCredentials, LoginThrottled
from frontdoor.accounts.roles import Role
from frontdoor.accounts.service import SessionInfo
from frontdoor.accounts.twofactor_routes import TEMPLATES_DIR as ACCOUNTS_TEMPLATES
from frontdoor.accounts.twofactor_routes import second_step_path
from frontdoor.accounts.web import SecondStep, require_csrf, safe_next, throttled_headers
from frontdoor.language import choose_language, language_of

# the two-factor pages are shared with the editor (frontdoor.accounts.twofactor_routes)
TEMPLATES = Jinja2Templates(
    directory=[Path(__file__).resolve().parent / "templates", ACCOUNTS_TEMPLATES]
)
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
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"font-src 'self'; connect-src 'self' {socket_origins}; media-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
    )


def mirror_security_policy(request: Request) -> str:
    """The co-browse mirror's page: the council's styling, no script of its own."""
    settings = getattr(request.app.state, "settings", None)
    sites = " ".join(getattr(settings, "handoff_allowed_origins", ()) or ())
    return (
        f"default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline' {sites}; "
        f"img-src 'self' data: {sites}; font-src 'self' data: {sites}; "
        "frame-ancestors 'self'; base-uri 'none'; form-action 'none'; object-src 'none'"
    )


def render(request: Request, template: str, *, status: int = 200, **values: Any) -> HTMLResponse:
    info: SessionInfo | None = request.app.state.accounts.current(request)
    settings = request.app.state.settings
    chosen = language_of(request.query_params.get("lang"))
    context = {
        "message_lang": _language(request),
        "council_name": settings.council.council.name.en,  # the console's pages are English
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


@router.get("/mirror", response_class=HTMLResponse)
def mirror_page(request: Request) -> Response:
    """The document the co-browse replayer draws in (framed by the console only)."""
    response = _page_for(request, Role.ADVISOR, "console/mirror.html", title="Live view")
    if response.status_code == 200:
        response.headers["Content-Security-Policy"] = mirror_security_policy(request)
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@router.get("/supervisor", response_class=HTMLResponse)
def supervisor_page(request: Request) -> Response:
    return _page_for(request, Role.SUPERVISOR, "console/supervisor.html", title="Supervisor view")


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = CONSOLE_HOME) -> Response:
    target = safe_next(next, CONSOLE_HOME)
    if request.app.state.accounts.current(request) is not None:
        return RedirectResponse(target, status_code=303)
    return _login_page(request, next=target, email="")


def _language(request: Request) -> str:
    return choose_language(
        request.query_params.get("lang"),
        request.cookies.get(LANGUAGE_COOKIE),
        request.headers.get("accept-language", ""),
    )


def _login_page(request: Request, *, status: int = 200, **values: Any) -> HTMLResponse:
    """The sign-in page in the advisor's language (?lang, remembered, or the browser's)."""
    language = _language(request)
    words = signin_text.texts(language)
    return render(request, "console/login.html", status=status, title=words["title"],
                  sw=words, sw_lang=language, **values)  # fmt: skip


def sso_refusal(request: Request, message: str, status: int) -> Response:
    """A refused single sign-on, shown on the sign-in page (frontdoor.accounts.sso_routes)."""
    return _login_page(request, status=status, next=CONSOLE_HOME, email="", error=message)


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
        outcome = gate.login(
            response,
            email=email,
            password=password,
            client_ip=gate.client_address(request),
            user_agent=request.headers.get("user-agent", ""),
            next_path=target,
        )
    except (InvalidCredentials, LoginThrottled) as exc:
        status = 429 if isinstance(exc, LoginThrottled) else 401
        page = _login_page(
            request,
            status=status,
            next=target,
            email=email,
            error=signin_text.refusal(exc, _language(request)),
        )
        if isinstance(exc, LoginThrottled):
            page.headers.update(throttled_headers(exc))
        return page
    if isinstance(outcome, SecondStep):  # two-factor: the code (or set-up) comes next
        response.headers["location"] = second_step_path("/console", outcome)
    return response


@router.post("/logout", dependencies=[Depends(require_csrf)])
def logout(request: Request) -> Response:
    response = RedirectResponse(f"{LOGIN_PATH}?signed_out=1", status_code=303)
    request.app.state.accounts.logout(request, response)
    return response
