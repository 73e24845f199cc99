"""Editor sign-in and sign-out, using frontdoor.accounts sessions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from frontdoor.accounts import signin_text
from frontdoor.accounts.exceptions import InvalidCredentials, LoginThrottled
from frontdoor.accounts.roles import Role
from frontdoor.accounts.service import UserInfo
from frontdoor.accounts.twofactor_routes import second_step_path
from frontdoor.accounts.web import SecondStep, safe_next, throttled_headers
from knowledge.deps import EDITORIAL_ROLES, CsrfDep
from knowledge.routes.editor_pages import render, staff_language

router = APIRouter(prefix="/editor", tags=["editor"], include_in_schema=False)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/editor") -> Response:
    if request.app.state.accounts.current(request) is not None:
        return RedirectResponse(safe_next(next, "/editor"), status_code=303)
    return _page(request, next=safe_next(next, "/editor"), email="")


def _page(request: Request, *, status: int = 200, **values: object) -> HTMLResponse:
    """The sign-in page in the staff member's language (?lang, remembered, or the browser's)."""
    language = staff_language(request)
    words = signin_text.texts(language)
    return render(request, "editor/login.html", status=status, sw=words, page_lang=language,
                  title=words["title"], **values)  # fmt: skip


@router.post("/login")
def login(
    request: Request,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form()] = "/editor",
) -> Response:
    target = safe_next(next, "/editor")
    response = RedirectResponse(target, status_code=303)
    gate = request.app.state.accounts
    try:
        info = gate.login(
            response, email=email, password=password, client_ip=gate.client_address(request),
            user_agent=request.headers.get("user-agent", ""), next_path=target,
        )  # fmt: skip
    except (InvalidCredentials, LoginThrottled) as exc:
        status = 429 if isinstance(exc, LoginThrottled) else 401
        page = _page(request, status=status, next=target, email=email,
                     error=signin_text.refusal(exc, staff_language(request)))  # fmt: skip
        if isinstance(exc, LoginThrottled):
            page.headers.update(throttled_headers(exc))
        return page
    if isinstance(info, SecondStep):  # two-factor: the code (or set-up) comes next
        response.headers["location"] = second_step_path("/editor", info)
        return response
    response.headers["location"] = landing(info.user, target)
    return response


def landing(user: UserInfo, target: str) -> str:
    """Where a signed-in person goes: a data protection officer has no articles."""
    dpo_only = user.has_role(Role.DPO) and not user.has_role(*EDITORIAL_ROLES)
    return "/editor/privacy" if target == "/editor" and dpo_only else target


def sso_refusal(request: Request, message: str, status: int) -> Response:
    """A refused single sign-on, shown on the sign-in page (frontdoor.accounts.sso_routes)."""
    return _page(request, status=status, next="/editor", email="", error=message)


@router.post("/logout", dependencies=[CsrfDep])
def logout(request: Request) -> Response:
    response = RedirectResponse("/editor/login", status_code=303)
    request.app.state.accounts.logout(request, response)
    return response
