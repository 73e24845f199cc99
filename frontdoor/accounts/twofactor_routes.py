"""The two-factor pages both staff front doors mount (the editor and the advisor console).

``two_factor_router("/editor", ...)`` adds:

- ``/editor/login/two-factor``: the second step after a right password
  (a 6-digit code, or a recovery code);
- ``/editor/login/two-factor/set-up``: set-up forced right after the password
  when two-factor is required and not set up; nothing else opens before it;
- ``/editor/account/two-factor``: a signed-in person sets it up (or sees it is on).

The pages are the shared templates in ``frontdoor/accounts/templates/accounts``
drawn inside each app's own layout (``layout``) by the app's own ``render``;
the words are :mod:`frontdoor.accounts.twofactor_text` (``?lang=cy`` for Welsh).
The QR code is an SVG data URI made by segno (no script, so strict CSPs hold).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import segno
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from frontdoor.accounts import twofactor
from frontdoor.accounts.exceptions import LoginThrottled
from frontdoor.accounts.secretbox import SecretUnreadable
from frontdoor.accounts.service import UserInfo
from frontdoor.accounts.twofactor import TwoFactorError
from frontdoor.accounts.twofactor_text import error_text, language, texts
from frontdoor.accounts.web import (
    CSRF_FIELD,
    PENDING_COOKIE,
    AccountsGate,
    SecondStep,
    safe_next,
    throttled_headers,
)

# render(request, template, *, status=200, **values): the app's page renderer
Render = Callable[..., Response]
# (the signed-in person, where they asked to go) -> where they land
Landing = Callable[[UserInfo, str], str]
QR_SCALE = 4  # about 260 px: fits a 320 px wide screen
# Added to each app's template folders; the pages are "accounts/two_factor_*.html".
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
RESTART_CODES = ("expired", "too_many")

CodeForm = Annotated[str, Form(max_length=100)]
LangForm = Annotated[str, Form(max_length=5)]


def second_step_path(prefix: str, step: SecondStep) -> str:
    """Where the password form sends someone who must still give a code or set one up."""
    if step.stage == twofactor.STAGE_ENROL:
        return f"{prefix}/login/two-factor/set-up"
    return f"{prefix}/login/two-factor"


def qr_data_uri(uri: str) -> tuple[str, int]:
    """The otpauth URI as an SVG data URI, and its width in pixels."""
    code = segno.make(uri, error="m")
    size = int(code.symbol_size(scale=QR_SCALE)[0])
    return code.svg_data_uri(scale=QR_SCALE, dark="#0b0c0c", light="#ffffff"), size


def two_factor_router(
    prefix: str, *, default_next: str, render: Render, layout: str,
    landing: Landing | None = None,
) -> APIRouter:  # fmt: skip
    router = APIRouter(prefix=prefix, include_in_schema=False)
    login_path = f"{prefix}/login"
    code_path = f"{prefix}/login/two-factor"
    setup_path = f"{prefix}/login/two-factor/set-up"
    account_path = f"{prefix}/account/two-factor"

    def gate_of(request: Request) -> AccountsGate:
        return request.app.state.accounts

    def land(user: UserInfo, target: str) -> str:
        target = safe_next(target, default_next)
        return landing(user, target) if landing else target

    def page(request: Request, template: str, *, lang: str, status: int = 200,
             **values: Any) -> Response:  # fmt: skip
        words = texts(lang)
        titles = {"code": "code_title", "setup": "setup_title", "codes": "codes_title"}
        title = words[titles[values.pop("kind")]]
        response = render(request, f"accounts/{template}", status=status, layout=layout,
                          lang=language(lang), tf=words, title=title, login_path=login_path,
                          **values)  # fmt: skip
        response.headers["Cache-Control"] = "no-store"
        return response

    def refused(request: Request, exc: Exception, *, lang: str, template: str, kind: str,
                **values: Any) -> Response:  # fmt: skip
        if isinstance(exc, LoginThrottled):
            response = page(request, template, lang=lang, kind=kind, status=429,
                            error=error_text(exc.code, lang, retry_after=exc.retry_after),
                            **values)  # fmt: skip
            response.headers.update(throttled_headers(exc))
            return response
        code = getattr(exc, "code", "wrong_code")
        restart = code in RESTART_CODES
        status = 401 if restart else 422
        response = page(request, template, lang=lang, kind=kind, status=status,
                        error=error_text(code, lang), restart=restart, **values)  # fmt: skip
        if restart:
            response.delete_cookie(PENDING_COOKIE, path="/")
        return response

    def setup_values(request: Request, user_id: int) -> dict[str, Any]:
        enrolment = gate_of(request).enrolment(user_id)
        qr, size = qr_data_uri(enrolment.uri)
        return {"enrolment": enrolment, "qr": qr, "qr_size": size}

    @router.get("/login/two-factor")
    def code_form(request: Request, lang: str = "en") -> Response:
        pending = gate_of(request).pending(request)
        if pending is None:
            return RedirectResponse(login_path, status_code=303)
        if pending.stage == twofactor.STAGE_ENROL:
            return RedirectResponse(setup_path, status_code=303)
        return page(request, "two_factor_code.html", lang=lang, kind="code", form_path=code_path)

    @router.post("/login/two-factor")
    def code_submit(request: Request, code: CodeForm = "", lang: LangForm = "en") -> Response:
        gate = gate_of(request)
        response = RedirectResponse(default_next, status_code=303)
        try:
            info, next_path = gate.verify_code(
                request, response, code=code, client_ip=gate.client_address(request),
                user_agent=request.headers.get("user-agent", ""),
            )  # fmt: skip
        except (TwoFactorError, LoginThrottled, SecretUnreadable) as exc:
            return refused(request, exc, lang=lang, template="two_factor_code.html",
                           kind="code", form_path=code_path)  # fmt: skip
        response.headers["location"] = land(info.user, next_path)
        return response

    @router.get("/login/two-factor/set-up")
    def forced_setup_form(request: Request, lang: str = "en") -> Response:
        pending = gate_of(request).pending(request)
        if pending is None:
            return RedirectResponse(login_path, status_code=303)
        if pending.stage != twofactor.STAGE_ENROL:
            return RedirectResponse(code_path, status_code=303)
        try:
            values = setup_values(request, pending.user_id)
        except TwoFactorError as exc:
            return refused(request, exc, lang=lang, template="two_factor_setup.html",
                           kind="setup", form_path=setup_path)  # fmt: skip
        return page(request, "two_factor_setup.html", lang=lang, kind="setup",
                    form_path=setup_path, required=True, **values)  # fmt: skip

    @router.post("/login/two-factor/set-up")
    def forced_setup_submit(
        request: Request, code: CodeForm = "", lang: LangForm = "en"
    ) -> Response:
        gate = gate_of(request)
        pending = gate.pending(request)
        holder = Response()
        try:
            info, next_path, codes = gate.confirm_pending_enrolment(
                request, holder, code=code, client_ip=gate.client_address(request),
                user_agent=request.headers.get("user-agent", ""),
            )  # fmt: skip
        except (TwoFactorError, LoginThrottled) as exc:
            values: dict[str, Any] = {}
            if pending is not None and getattr(exc, "code", "") not in RESTART_CODES:
                values = setup_values(request, pending.user_id)
            return refused(request, exc, lang=lang, template="two_factor_setup.html",
                           kind="setup", form_path=setup_path, required=True,
                           **values)  # fmt: skip
        request.state.staff_session = info  # the page below is drawn signed in
        response = page(request, "two_factor_recovery_codes.html", lang=lang, kind="codes",
                        codes=codes, next=land(info.user, next_path))  # fmt: skip
        for name, value in holder.headers.items():
            if name == "set-cookie":
                response.headers.append(name, value)
        return response

    @router.get("/account/two-factor")
    def account_page(request: Request, lang: str = "en") -> Response:
        gate = gate_of(request)
        info = gate.current(request)
        if info is None:
            return RedirectResponse(f"{login_path}?next={account_path}", status_code=303)
        status, left = gate.two_factor_status(info.user.id)
        values: dict[str, Any] = {"two_factor": status, "codes_left": left}
        if not status.enrolled:
            try:
                values.update(setup_values(request, info.user.id))
            except TwoFactorError as exc:
                return refused(request, exc, lang=lang, template="two_factor_setup.html",
                               kind="setup", form_path=account_path, **values)  # fmt: skip
        return page(request, "two_factor_setup.html", lang=lang, kind="setup",
                    form_path=account_path, required=status.required, **values)  # fmt: skip

    @router.post("/account/two-factor")
    def account_submit(
        request: Request,
        code: CodeForm = "",
        lang: LangForm = "en",
        csrf_token: Annotated[str, Form(alias=CSRF_FIELD, max_length=200)] = "",
    ) -> Response:
        gate = gate_of(request)
        info = gate.current(request)
        if info is None:
            return RedirectResponse(f"{login_path}?next={account_path}", status_code=303)
        gate.check_csrf(info, csrf_token)  # raises CsrfError
        try:
            codes = gate.confirm_enrolment(
                info.user.id, code=code, client_ip=gate.client_address(request)
            )
        except TwoFactorError as exc:
            status, left = gate.two_factor_status(info.user.id)
            values: dict[str, Any] = {"two_factor": status, "codes_left": left}
            if not status.enrolled:
                values.update(setup_values(request, info.user.id))
            return refused(request, exc, lang=lang, template="two_factor_setup.html",
                           kind="setup", form_path=account_path, required=status.required,
                           **values)  # fmt: skip
        return page(request, "two_factor_recovery_codes.html", lang=lang, kind="codes",
                    codes=codes, next=land(info.user, default_next))  # fmt: skip

    return router
