"""`frontdoor handoff ...`: teams, hours and who answers chats."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import Connection, Engine, delete, insert, select, update

from handoff import models as m
from handoff.hours import OpeningHours

app = typer.Typer(help="Live chat: teams, opening hours, advisors.", no_args_is_help=True)


def _engine() -> Engine:
    from frontdoor.db import check_database, make_engine
    from frontdoor.settings import CommonSettings

    engine = make_engine(CommonSettings.load().database_url)  # needs no secrets
    check_database(engine)
    return engine


def _user_id(conn: Connection, email: str) -> int:
    from frontdoor.accounts.models import User

    user_id = conn.execute(select(User.id).where(User.email == email.strip().lower())).scalar()
    if user_id is None:
        typer.secho(f"frontdoor: no user {email}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1)
    return int(user_id)


@app.command("teams")
def list_teams() -> None:
    """List chat teams, their skills, hours and members."""
    with _engine().connect() as conn:
        for team in conn.execute(select(m.teams).order_by(m.teams.c.sort_order)).all():
            members = (
                conn.execute(
                    select(m.team_members.c.user_id).where(m.team_members.c.team_slug == team.slug)
                )
                .scalars()
                .all()
            )
            hours = OpeningHours.parse(team.opening_hours).describe()
            typer.echo(f"{team.slug:10} {team.name:28} {hours:40} members {list(members)}")


@app.command("set-hours")
def set_hours(
    team: str, spec: Annotated[str, typer.Argument(help='e.g. "mon-fri 09:00-17:00"')]
) -> None:
    """Change a team's opening hours (Europe/London)."""
    try:
        OpeningHours.parse(spec)
    except ValueError as exc:
        typer.secho(f"frontdoor: {exc}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1) from None
    with _engine().begin() as conn:
        if not conn.execute(
            update(m.teams).where(m.teams.c.slug == team).values(opening_hours=spec)
        ).rowcount:
            typer.secho(f"frontdoor: no team {team}", err=True, fg=typer.colors.RED)
            raise typer.Exit(1)
    typer.echo(f"{team}: {OpeningHours.parse(spec).describe()}")


@app.command("add-member")
def add_member(team: str, email: str) -> None:
    """Let an advisor take chats for a team."""
    with _engine().begin() as conn:
        user_id = _user_id(conn, email)
        conn.execute(
            delete(m.team_members).where(
                m.team_members.c.team_slug == team, m.team_members.c.user_id == user_id
            )
        )
        conn.execute(insert(m.team_members).values(team_slug=team, user_id=user_id))
    typer.echo(f"{email} now answers chats for {team}")


@app.command("set-cap")
def set_cap(email: str, cap: Annotated[int, typer.Argument(min=1, max=20)]) -> None:
    """Set how many chats one advisor may have at once."""
    with _engine().begin() as conn:
        user_id = _user_id(conn, email)
        if not conn.execute(
            update(m.advisors).where(m.advisors.c.user_id == user_id).values(cap=cap)
        ).rowcount:
            conn.execute(
                insert(m.advisors).values(
                    user_id=user_id,
                    display_name=email,
                    availability="away",
                    connected=False,
                    cap=cap,
                )
            )
    typer.echo(f"{email}: up to {cap} chats at once")


@app.command("set-mode")
def set_mode(
    team: str,
    mode: Annotated[str, typer.Argument(help="direct (least-busy advisor) or pool (whole team)")],
) -> None:
    """Offer a team's chats to its least-busy advisor, or show them to the whole team."""
    if mode not in ("direct", "pool"):
        typer.secho("frontdoor: mode must be direct or pool", err=True, fg=typer.colors.RED)
        raise typer.Exit(1)
    with _engine().begin() as conn:
        if not conn.execute(
            update(m.teams).where(m.teams.c.slug == team).values(routing_mode=mode)
        ).rowcount:
            typer.secho(f"frontdoor: no team {team}", err=True, fg=typer.colors.RED)
            raise typer.Exit(1)
    typer.echo(f"{team}: {mode}")
