"""FastAPI dependencies: the service objects and the signed-in advisor.

All ``async`` and none blocking: FastAPI hands a plain ``def`` dependency to a worker
thread, a hop per dependency per request (three per advisor message before, beside
the session's own read); the session is read once, in a thread, by
``AccountsGate.resolve``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from frontdoor.accounts.roles import Role, effective_roles
from frontdoor.accounts.service import SessionInfo
from frontdoor.accounts.web import require_csrf, require_roles_async
from handoff.desk import Desk
from handoff.service import Handoff
from handoff.views import Staff


async def get_handoff(request: Request) -> Handoff:
    handoff: Handoff = request.app.state.handoff
    return handoff


async def get_desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


def staff_of(info: SessionInfo) -> Staff:
    roles = tuple(sorted(role.value for role in effective_roles(info.user.roles)))
    return Staff(info.user.id, info.user.display_name, roles, info.user.email)


async def _advisor(
    info: Annotated[SessionInfo, Depends(require_roles_async(Role.ADVISOR))],
) -> Staff:
    return staff_of(info)


async def _supervisor(
    info: Annotated[SessionInfo, Depends(require_roles_async(Role.SUPERVISOR))],
) -> Staff:
    return staff_of(info)


HandoffDep = Annotated[Handoff, Depends(get_handoff)]
DeskDep = Annotated[Desk, Depends(get_desk)]
AdvisorDep = Annotated[Staff, Depends(_advisor)]
SupervisorDep = Annotated[Staff, Depends(_supervisor)]
CsrfChecked = Depends(require_csrf)
