"""Rendering editor pages: the shared context (who is signed in, CSRF, counts)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from frontdoor.accounts.roles import Role
from knowledge.deps import EDITORIAL_ROLES
from knowledge.vocabulary import ServiceArea, service_area_name

NOTICES = {
    "saved": "Your changes were saved as a new draft revision.",
    "created": "The draft was created.",
    "submit": "The article was sent for review.",
    "approve": "The article is published. The website and search show it now.",
    "send_back": "The article was sent back to the editor with your comment.",
    "archive": "The article was archived and taken off the website.",
    "reopen": "The article was reopened as a draft.",
    "translation_updated": "The translation is marked as matching the current English version.",
    "restored": "The old revision was restored as a new draft revision.",
    "user_created": "The account was created. Give the person their password securely.",
    "user_updated": "The account was changed.",
    "team_created": "The team was added.",
    "attached": "The questions were added to the article as alternative questions "
    "(a new draft revision).",
}


def render(request: Request, template: str, *, status: int = 200, **values: Any) -> HTMLResponse:
    state = request.app.state
    info = state.accounts.current(request)
    context = {
        "request": request,
        "lang": "en",
        "council_name": state.settings.council_name,
        "staff": info.user if info else None,
        "csrf_token": info.csrf_token if info else "",
        "is_reviewer": bool(info and info.user.has_role(Role.REVIEWER, Role.ADMIN)),
        "is_admin": bool(info and info.user.has_role(Role.ADMIN)),
        "is_editor": bool(info and info.user.has_role(*EDITORIAL_ROLES)),
        "is_dpo": bool(info and info.user.has_role(Role.DPO, Role.ADMIN)),
        "service_areas": [(area.value, service_area_name(area.value)) for area in ServiceArea],
        "notice": NOTICES.get(request.query_params.get("done", "")),
        **values,
    }
    return state.templates.TemplateResponse(request, template, context, status_code=status)
