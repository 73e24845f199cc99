"""Request dependencies as ``Annotated`` aliases, in one place.

``SessionDep``   a database session for the request (callers commit)
``SearchDep``    the SearchRuntime
``TodayDep``     the council's date by the app's clock (what "stale" is measured by)
``ApiActor``     who is calling a writing API: a service bearer token
                 (FRONTDOOR_KNOWLEDGE_API_TOKENS) or a staff session cookie
                 plus its CSRF header
``StaffDep``     a signed-in editor, reviewer or admin (editor pages)
``CsrfDep``      the form's CSRF token must match (editor POSTs)
``FormDep``      the posted form, read on the event loop so the route itself can be a
                 plain ``def`` and do its database work in FastAPI's threadpool
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date
from typing import Annotated

import anyio.to_thread
from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from frontdoor.accounts.exceptions import NotAuthenticated, PermissionDenied
from frontdoor.accounts.roles import Role
from frontdoor.accounts.service import SessionInfo
from frontdoor.accounts.web import AccountsGate, require_csrf, require_roles
from frontdoor.clock import london_today
from knowledge.actors import Actor, from_user
from knowledge.search_runtime import SearchRuntime
from knowledge.settings import KnowledgeSettings

EDITORIAL_ROLES = (Role.EDITOR, Role.REVIEWER, Role.ADMIN)


def get_settings(request: Request) -> KnowledgeSettings:
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.session_factory() as session:
        yield session


def get_search(request: Request) -> SearchRuntime:
    return request.app.state.search


def get_today(request: Request) -> date:
    """The council's date by the app's clock (``create_app(clock=...)``)."""
    return london_today(request.app.state.clock())


SettingsDep = Annotated[KnowledgeSettings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
SearchDep = Annotated[SearchRuntime, Depends(get_search)]
TodayDep = Annotated[date, Depends(get_today)]


def _service_actor(request: Request, settings: KnowledgeSettings) -> Actor | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    for index, allowed in enumerate(settings.knowledge_api_tokens):
        if secrets.compare_digest(token.encode(), allowed.get_secret_value().encode()):
            return Actor(id=None, name=f"service token {index + 1}", is_service=True)
    raise NotAuthenticated()


async def api_actor(request: Request, settings: SettingsDep) -> Actor:
    service = _service_actor(request, settings)
    if service is not None:
        return service
    gate: AccountsGate = request.app.state.accounts
    info = await anyio.to_thread.run_sync(gate.current, request)  # a database lookup
    if info is None:
        raise NotAuthenticated()
    if not info.user.has_role(*EDITORIAL_ROLES):
        raise PermissionDenied("editor, reviewer or admin")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        await require_csrf(request)  # cookies ride along on cross-site requests; tokens do not
    return from_user(info.user)


ApiActor = Annotated[Actor, Depends(api_actor)]
StaffSession = Annotated[SessionInfo, Depends(require_roles(*EDITORIAL_ROLES))]
CsrfDep = Depends(require_csrf)


async def read_form(request: Request) -> FormData:
    return await request.form()


FormDep = Annotated[FormData, Depends(read_form)]


def staff_actor(info: StaffSession) -> Actor:
    return from_user(info.user)


StaffActor = Annotated[Actor, Depends(staff_actor)]
