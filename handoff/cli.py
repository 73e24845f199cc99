"""`frontdoor handoff ...`: teams, hours and who answers chats."""

from __future__ import annotations

from typing import Annotated

import typer

from handoff.hours import OpeningHours
from handoff.store import SqlStore

app = typer.Typer(help="Live chat: teams, opening hours, advisors.", no_args_is_help=True)


def _store() -> SqlStore:
    from frontdoor.db import check_database, make_engine
    from frontdoor.settings import CommonSettings

    engine = make_engine(CommonSettings.load().database_url)  # needs no secrets
    check_database(engine)
    return SqlStore(engine)


def _user_id(store: SqlStore, email: str) -> int:
    user_id = store.user_id(email)
    if user_id is None:
        typer.secho(f"frontdoor: no user {email}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1)
    return user_id


@app.command("teams")
def list_teams() -> None:
    """List chat teams, their skills, hours and members."""
    for team in _store().team_records():
        hours = OpeningHours.parse(team.opening_hours).describe()
        typer.echo(f"{team.slug:10} {team.name:28} {hours:40} members {list(team.members)}")


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
    if not _store().set_team(team, opening_hours=spec):
        typer.secho(f"frontdoor: no team {team}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1)
    typer.echo(f"{team}: {OpeningHours.parse(spec).describe()}")


@app.command("add-member")
def add_member(team: str, email: str) -> None:
    """Let an advisor take chats for a team."""
    store = _store()
    store.add_member(team, _user_id(store, email))
    typer.echo(f"{email} now answers chats for {team}")


@app.command("set-cap")
def set_cap(email: str, cap: Annotated[int, typer.Argument(min=1, max=20)]) -> None:
    """Set how many chats one advisor may have at once."""
    store = _store()
    store.set_cap(_user_id(store, email), cap, display_name=email)
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
    if not _store().set_team(team, routing_mode=mode):
        typer.secho(f"frontdoor: no team {team}", err=True, fg=typer.colors.RED)
        raise typer.Exit(1)
    typer.echo(f"{team}: {mode}")
