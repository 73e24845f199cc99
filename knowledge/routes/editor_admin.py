"""Admins manage staff and teams (frontdoor.accounts), from the editor."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from frontdoor.accounts import admin, service, twofactor
from frontdoor.accounts.exceptions import AccountsError
from frontdoor.accounts.roles import Role, parse_roles
from frontdoor.accounts.service import SessionInfo
from frontdoor.accounts.web import require_roles
from frontdoor.http import DbInt
from knowledge.deps import CsrfDep, FormDep, SessionDep
from knowledge.editor_text import text
from knowledge.routes.editor_pages import render, staff_language

router = APIRouter(prefix="/editor/admin", tags=["editor"], include_in_schema=False)
AdminDep = Annotated[SessionInfo, Depends(require_roles(Role.ADMIN))]
ROLES = [role.value for role in Role]


def _two_factor_rule(request: Request, session: SessionDep) -> dict[str, bool]:
    """What the admin pages say about the two-factor rule (server setting and admin's rule)."""
    config = request.app.state.accounts.two_factor
    return {
        "two_factor_server_rule": config.required,
        "two_factor_everyone": twofactor.required_for_everyone(session),
        "two_factor_ready": config.box is not None,
    }


def _problem_key(exc: Exception) -> tuple[str, str]:
    """An accounts error as (form field, catalogue key): never the library's words."""
    message = str(getattr(exc, "message", exc)).lower()
    if isinstance(exc, AccountsError) and exc.code == "user_exists":
        return "email", "admin.email.taken"
    if "email address" in message:
        return "email", "admin.email.invalid"
    if "password" in message:
        return "password", "admin.password.short"
    if "deactivate your own" in message or "own admin role" in message:
        return "form", "admin.self"
    if "team name" in message:
        return "name", "admin.team.too_long"
    if "unknown role" in message:
        return "roles", "admin.roles.missing"
    return "form", "admin.invalid"


def _check_new_user(values: dict[str, str], password: str, roles: list[str]) -> dict[str, str]:
    """What the form is missing, field by field, before the account service is asked."""
    problems: dict[str, str] = {}
    if not values["display_name"].strip():
        problems["display_name"] = "admin.name.missing"
    email = values["email"].strip()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or " " in email:
        problems["email"] = "admin.email.invalid"
    if len(password) < service.MIN_PASSWORD_LENGTH:
        problems["password"] = "admin.password.short"  # noqa: S105 - a message key
    if not roles:
        problems["roles"] = "admin.roles.missing"
    return problems


def _overview(request: Request, session: SessionDep, *, errors: dict[str, str] | None = None,
              status: int = 200, values: dict[str, str] | None = None) -> HTMLResponse:  # fmt: skip
    language = staff_language(request)
    shown = {name: text(key, language) for name, key in (errors or {}).items()}
    return render(request, "editor/admin.html", status=status, users=service.list_users(session),
                  teams=admin.list_teams(session), roles=ROLES, errors=shown,
                  values=values or {}, title="Staff and teams",
                  **_two_factor_rule(request, session))  # fmt: skip


@router.get("", response_class=HTMLResponse)
def overview(request: Request, session: SessionDep, info: AdminDep) -> HTMLResponse:
    return _overview(request, session)


@router.post("/users", dependencies=[CsrfDep])
def create_user(request: Request, session: SessionDep, info: AdminDep, form: FormDep) -> Response:
    values = {k: str(form.get(k, "")) for k in ("email", "display_name")}
    password = str(form.get("password", ""))
    chosen = [str(r) for r in form.getlist("roles")]
    problems = _check_new_user(values, password, chosen)
    if problems:
        return _overview(request, session, errors=problems, status=422, values=values)
    try:
        roles = parse_roles(",".join(chosen))
        service.create_user(
            session, email=values["email"], display_name=values["display_name"],
            password=password, roles=roles, teams=[str(t) for t in form.getlist("teams")],
        )  # fmt: skip
    except (AccountsError, ValueError) as exc:
        session.rollback()
        field, key = _problem_key(exc)
        return _overview(request, session, errors={field: key}, status=422, values=values)
    session.commit()
    return RedirectResponse("/editor/admin?done=user_created", status_code=303)


@router.get("/users/{user_id}", response_class=HTMLResponse)
def edit_user(
    user_id: DbInt, request: Request, session: SessionDep, info: AdminDep
) -> HTMLResponse:
    user = service.get_user(session, user_id)
    if user is None:
        from knowledge.exceptions import ArticleNotFound

        raise ArticleNotFound(user_id)
    return _user_page(request, session, user, error="", status=200)


def _user_page(request: Request, session: SessionDep, user: service.UserInfo | None, *,
               error: str, status: int) -> HTMLResponse:  # fmt: skip
    if user is None:
        from knowledge.exceptions import ArticleNotFound

        raise ArticleNotFound(0)
    rule = _two_factor_rule(request, session)
    two_factor = twofactor.status(session, user.id, server_rule=rule["two_factor_server_rule"])
    return render(request, "editor/admin_user.html", status=status, user=user,
                  teams=admin.list_teams(session), roles=ROLES, error=error,
                  title=f"Change {user.display_name}", two_factor=two_factor, **rule)  # fmt: skip


@router.post("/users/{user_id}", dependencies=[CsrfDep])
def update_user(
    user_id: DbInt, request: Request, session: SessionDep, info: AdminDep, form: FormDep
) -> Response:
    try:
        admin.update_user(
            session, user_id, roles=parse_roles(",".join(str(r) for r in form.getlist("roles"))),
            teams=[str(t) for t in form.getlist("teams")], is_active=form.get("active") == "yes",
            acting_user_id=info.user.id,
        )  # fmt: skip
        twofactor.set_required(session, user_id, required=form.get("two_factor_required") == "yes",
                               actor=info.user.email, now=request.app.state.clock())  # fmt: skip
    except (AccountsError, ValueError) as exc:
        session.rollback()
        user = service.get_user(session, user_id)
        _, key = _problem_key(exc)
        return _user_page(request, session, user, error=text(key, staff_language(request)),
                          status=422)  # fmt: skip
    session.commit()
    return RedirectResponse("/editor/admin?done=user_updated", status_code=303)


@router.post("/users/{user_id}/two-factor/reset", dependencies=[CsrfDep])
def reset_two_factor(user_id: DbInt, request: Request, session: SessionDep,
                     info: AdminDep) -> Response:  # fmt: skip
    """Switch off a person's authenticator and recovery codes (audited): lost phone, left job."""
    gate = request.app.state.accounts
    try:
        twofactor.reset(session, user_id, actor=info.user.email, now=request.app.state.clock(),
                        client_ip=gate.client_address(request))  # fmt: skip
    except AccountsError as exc:
        session.rollback()
        return _user_page(request, session, service.get_user(session, user_id),
                          error=exc.message, status=422)  # fmt: skip
    session.commit()
    return RedirectResponse(f"/editor/admin/users/{user_id}?done=two_factor_reset",
                            status_code=303)  # fmt: skip


@router.post("/two-factor", dependencies=[CsrfDep])
def two_factor_for_everyone(request: Request, session: SessionDep, info: AdminDep,
                            form: FormDep) -> Response:  # fmt: skip
    """The admin's rule: every local (password) account must use two-factor sign-in."""
    required = form.get("required") == "yes"
    if required and request.app.state.accounts.two_factor.box is None:
        return _overview(request, session, status=422,
                         errors={"form": "admin.two_factor.no_key"})  # fmt: skip
    twofactor.set_required_for_everyone(session, required=required, actor=info.user.email,
                                        now=request.app.state.clock(),
                                        client_ip=request.app.state.accounts.client_address(
                                            request))  # fmt: skip
    session.commit()
    return RedirectResponse("/editor/admin?done=two_factor_policy", status_code=303)


@router.post("/teams", dependencies=[CsrfDep])
def create_team(
    request: Request, session: SessionDep, info: AdminDep,
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:  # fmt: skip
    if not name.strip():
        return _overview(request, session, errors={"name": "admin.team.missing"}, status=422)
    try:
        admin.create_team(session, name)
    except AccountsError as exc:
        session.rollback()
        field, key = _problem_key(exc)
        return _overview(request, session, errors={field: key}, status=422)
    session.commit()
    return RedirectResponse("/editor/admin?done=team_created", status_code=303)
