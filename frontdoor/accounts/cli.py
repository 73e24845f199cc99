"""`frontdoor user ...`: manage staff accounts."""

from __future__ import annotations

import os
from typing import Annotated

import typer

app = typer.Typer(
    help="Staff accounts (editors, reviewers, admins, advisors).", no_args_is_help=True
)


@app.command("create")
def create(
    email: Annotated[str, typer.Option(help="Sign-in email address.")],
    name: Annotated[str, typer.Option(help="Display name; advisors' first names are shown.")],
    role: Annotated[
        list[str],
        typer.Option(
            help="editor, reviewer, admin, advisor, supervisor, manager or dpo; repeatable.",
        ),
    ],
    team: Annotated[list[str] | None, typer.Option(help="Team name; repeatable.")] = None,
) -> None:
    """Create a user. The password comes from FRONTDOOR_NEW_USER_PASSWORD or a prompt."""
    from frontdoor.accounts.exceptions import AccountsError
    from frontdoor.accounts.roles import parse_roles
    from frontdoor.commands import common_engine, fail
    from frontdoor.db import make_session_factory
    from frontdoor.exceptions import FrontdoorError

    try:
        roles = parse_roles(",".join(role))
    except ValueError as exc:
        fail(str(exc), code=2)
    password = os.environ.get("FRONTDOOR_NEW_USER_PASSWORD") or typer.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    try:
        engine = common_engine()
        from frontdoor.accounts import service

        with make_session_factory(engine)() as db:
            user = service.create_user(
                db, email=email, display_name=name, password=password, roles=roles, teams=team or ()
            )
            db.commit()
    except (AccountsError, FrontdoorError) as exc:
        fail(exc.message)
    typer.echo(f"created {user.email} ({', '.join(sorted(r.value for r in user.roles))})")


@app.command("list")
def list_users() -> None:
    """List users and their roles."""
    from frontdoor.accounts import service
    from frontdoor.commands import common_engine
    from frontdoor.db import make_session_factory

    with make_session_factory(common_engine())() as db:
        for user in service.list_users(db):
            roles = ",".join(sorted(r.value for r in user.roles))
            typer.echo(f"{user.email}\t{user.display_name}\t{roles}\t{';'.join(user.teams)}")
