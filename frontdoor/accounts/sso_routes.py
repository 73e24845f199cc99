"""The single sign-on routes both staff apps mount beside their login page.

``sso_router("/editor", default_next="/editor")`` adds ``GET /editor/sso``
(leave for the council's sign-in service) and ``GET /editor/sso/callback``
(come back). A refusal is a plain page with the reason and a way back to the
password form; it never signs anyone in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from frontdoor.accounts.oidc import OidcClient, OidcConfig, SsoError
from frontdoor.accounts.web import AccountsGate, safe_next
from frontdoor.clock import system_clock

SSO_BUTTON_TEXT = "Sign in with your council account"


# (request, message, status) -> the app's own sign-in page showing the message
Refusal = Callable[[Request, str, int], Response]


def _refusal(login_path: str, message: str, status: int) -> HTMLResponse:
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in failed - Frontdoor</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1>Sign-in failed</h1><p role="alert">{escape(message)}</p>
<p><a href="{escape(login_path)}">Back to sign in</a></p></main></body></html>"""
    return HTMLResponse(body, status_code=status)


def sso_router(prefix: str, *, default_next: str, refusal: Refusal | None = None) -> APIRouter:
    """``refusal`` shows a refusal on the app's login page; default a plain page."""
    router = APIRouter(prefix=prefix, include_in_schema=False)
    login_path = f"{prefix}/login"

    def refuse(request: Request, message: str, status: int) -> Response:
        if refusal is not None:
            return refusal(request, message, status)
        return _refusal(login_path, message, status)

    def callback_url(request: Request) -> str:
        return str(request.base_url).rstrip("/") + f"{prefix}/sso/callback"

    @router.get("/sso")
    def start(request: Request, next: str = default_next) -> Response:
        gate: AccountsGate = request.app.state.accounts
        if gate.sso is None:
            return refuse(request, "Single sign-on is not set up here.", 404)
        try:
            with gate.session_factory() as db:
                url = gate.sso.begin(
                    db, redirect_uri=callback_url(request), next_path=safe_next(next, default_next)
                )
                db.commit()
        except SsoError as exc:
            return refuse(request, exc.message, 502)
        return RedirectResponse(url, status_code=303)

    @router.get("/sso/callback")
    def callback(request: Request, state: str = "", code: str = "", error: str = "") -> Response:
        gate: AccountsGate = request.app.state.accounts
        response = RedirectResponse(default_next, status_code=303)
        try:
            # a provider's error= comes with no code: refused (and audited) as no_code
            _, next_path = gate.login_sso(
                response, state=state, code="" if error else code,
                redirect_uri=callback_url(request),
                client_ip=gate.client_address(request),
                user_agent=request.headers.get("user-agent", ""),
            )  # fmt: skip
        except SsoError as exc:
            status = 502 if exc.code == "provider_unavailable" else 400
            return refuse(request, f"Sign-in failed. {exc.message}", status)
        response.headers["location"] = safe_next(next_path, default_next)
        return response

    return router


def sso_client(settings: object, clock: Callable[[], datetime] = system_clock) -> OidcClient | None:
    """The app's single sign-on client, or None when the settings name no issuer."""
    config = OidcConfig.from_settings(settings)
    return OidcClient(config, clock=clock) if config else None
