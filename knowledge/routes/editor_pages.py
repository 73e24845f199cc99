"""Rendering editor pages: the shared context (who is signed in, CSRF, language).

The staff member's language (``knowledge.editor_text``): ``?lang=cy`` or
``?lang=en`` switches and is remembered in a cookie; otherwise the browser's
Accept-Language decides. Messages, notices and the activity log follow it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from frontdoor.accounts.roles import Role
from knowledge.deps import EDITORIAL_ROLES
from knowledge.editor_text import (
    LANGUAGE_COOKIE,
    MESSAGES,
    Language,
    choose_language,
    event_text,
    language_of,
    long_date,
    long_moment,
    state_name,
    text,
    translator,
)
from knowledge.vocabulary import ServiceArea, service_area_name

ONE_YEAR = 365 * 24 * 3600


def staff_language(request: Request) -> Language:
    return choose_language(
        request.query_params.get("lang"),
        request.cookies.get(LANGUAGE_COOKIE),
        request.headers.get("accept-language", ""),
    )


def _notice(request: Request, language: str) -> str | None:
    done = request.query_params.get("done", "")
    if f"done.{done}" not in MESSAGES:
        return None
    if done == "reviewed":  # carries the next review date (ISO, shown as a long date)
        try:
            next_review = date.fromisoformat(request.query_params.get("next", ""))
        except ValueError:
            return None
        return text("done.reviewed", language, date=long_date(next_review, language))
    return text(f"done.{done}", language)


def _switch_url(request: Request, language: str) -> str | None:
    """The same page in the other language (GET pages only: a POST's page cannot be reloaded)."""
    if request.method != "GET":
        return None
    other = "en" if language == "cy" else "cy"
    url = request.url.include_query_params(lang=other)
    return f"{url.path}?{url.query}"


def render(request: Request, template: str, *, status: int = 200, **values: Any) -> HTMLResponse:
    state = request.app.state
    info = state.accounts.current(request)
    language = staff_language(request)
    context = {
        "request": request,
        "lang": language,
        "t": translator(language),
        "event_text": lambda action, name: event_text(action, name, language),
        "state_name": lambda value: state_name(value, language),
        "staff_date": lambda value: long_date(value, language),
        "staff_moment": lambda value: long_moment(value, language),
        "switch_url": _switch_url(request, language),
        "council_name": state.settings.council_name,
        "staff": info.user if info else None,
        "csrf_token": info.csrf_token if info else "",
        "is_reviewer": bool(info and info.user.has_role(Role.REVIEWER, Role.ADMIN)),
        "is_admin": bool(info and info.user.has_role(Role.ADMIN)),
        "is_editor": bool(info and info.user.has_role(*EDITORIAL_ROLES)),
        "is_dpo": bool(info and info.user.has_role(Role.DPO, Role.ADMIN)),
        "is_supervisor": bool(info and info.user.has_role(Role.SUPERVISOR, Role.ADMIN)),
        "service_areas": [(area.value, service_area_name(area.value)) for area in ServiceArea],
        "notice": _notice(request, language),
        **values,
    }
    response = state.templates.TemplateResponse(request, template, context, status_code=status)
    chosen = language_of(request.query_params.get("lang"))
    if chosen is not None:
        response.set_cookie(
            LANGUAGE_COOKIE, chosen, max_age=ONE_YEAR, httponly=True, samesite="lax",
            path="/editor", secure=bool(state.settings.secure_cookies),
        )  # fmt: skip
    return response
