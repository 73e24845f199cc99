"""Managing staff accounts after creation: roles, teams, active flag; team lists.

Added for the knowledge editor's admin page (admins manage users and teams);
plain functions like ``service``, callers commit. Deactivating a user stops
their sessions at once, because ``resolve_session`` checks ``is_active``.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from frontdoor import audit
from frontdoor.accounts.exceptions import AccountsError
from frontdoor.accounts.models import Team, User
from frontdoor.accounts.roles import Role
from frontdoor.accounts.service import UserInfo, ensure_team, to_info
from frontdoor.audit import AuditAction


class UnknownUser(AccountsError):
    code = "unknown_user"


def list_teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name)))


def create_team(session: Session, name: str, description: str = "") -> Team:
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise AccountsError("a team name must be 1 to 120 characters long")
    return ensure_team(session, name, description)


def update_user(
    session: Session,
    user_id: int,
    *,
    roles: Iterable[Role] | None = None,
    teams: Iterable[str] | None = None,
    is_active: bool | None = None,
    acting_user_id: int | None = None,
) -> UserInfo:
    """Change what is given; an admin cannot deactivate or demote themselves."""
    user = session.get(User, user_id)
    if user is None:
        raise UnknownUser(f"no user {user_id}")
    if acting_user_id == user_id:
        if is_active is False:
            raise AccountsError("you cannot deactivate your own account")
        if roles is not None and Role.ADMIN not in set(roles):
            raise AccountsError("you cannot remove your own admin role")
    before = to_info(user)
    if roles is not None:
        user.roles = ",".join(sorted(role.value for role in set(roles)))
    if teams is not None:
        user.teams = [ensure_team(session, name) for name in sorted(set(teams))]
    if is_active is not None:
        user.is_active = is_active
    session.flush()
    after = to_info(user)
    _audit_changes(session, before, after, acting_user_id)
    return after


def _audit_changes(
    session: Session, before: UserInfo, after: UserInfo, acting_user_id: int | None
) -> None:
    acting = session.get(User, acting_user_id) if acting_user_id is not None else None
    actor = acting.email if acting is not None else "system"
    subject = f"user:{after.id}"
    if before.roles != after.roles or before.is_active != after.is_active:
        detail = {
            "email": after.email,
            "roles_before": sorted(r.value for r in before.roles),
            "roles_after": sorted(r.value for r in after.roles),
            "active": after.is_active,
        }
        audit.record(
            session, actor=actor, action=AuditAction.ROLE_CHANGED, subject=subject, detail=detail
        )
    if before.teams != after.teams:
        detail = {"email": after.email, "teams_before": before.teams, "teams_after": after.teams}
        audit.record(
            session, actor=actor, action=AuditAction.TEAM_CHANGED, subject=subject, detail=detail
        )
