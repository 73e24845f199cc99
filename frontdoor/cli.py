"""The `frontdoor` operator command line.

Core commands live here (db, seed, run); each component adds its own group
(`frontdoor knowledge ...`, `frontdoor user ...`, `frontdoor token ...`,
`frontdoor bot ...`) from its `cli` module. Every failure the operator can fix
is one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from frontdoor import __version__
from frontdoor.commands import common_engine, fail, guarded

app = typer.Typer(
    help="Frontdoor: a council's digital front door.", no_args_is_help=True, add_completion=False
)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")
profile_app = typer.Typer(help="The council profile (FRONTDOOR_PROFILE).", no_args_is_help=True)
app.add_typer(profile_app, name="profile")


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


@db_app.command("upgrade")
@guarded
def db_upgrade() -> None:
    """Apply every pending migration (all components)."""
    from frontdoor.migrate import upgrade

    engine = common_engine()
    upgrade(engine)
    typer.echo(f"database at {engine.url.render_as_string(hide_password=True)} is up to date")


@db_app.command("check")
@guarded
def db_check() -> None:
    """Exit non-zero if the database is unreachable, corrupt or behind."""
    from frontdoor.migrate import check_heads, pending

    check_heads()
    engine = common_engine()
    if pending(engine):
        fail("migrations are pending; run `frontdoor db upgrade`")
    typer.echo("database ok")


@profile_app.command("check")
def profile_check(
    path: Annotated[
        Path | None,
        typer.Argument(help="The profile file; default: FRONTDOOR_PROFILE or the demo's."),
    ] = None,
) -> None:
    """Validate a council profile and print every problem, one a line."""
    from frontdoor.profile import DEFAULT_PROFILE, PROFILE_ENV, check_profile

    chosen = path or Path(os.environ.get(PROFILE_ENV) or DEFAULT_PROFILE)
    problems = check_profile(chosen)
    for problem in problems:
        typer.echo(f"{chosen}: {problem}", err=True)
    if problems:
        raise typer.Exit(1)
    typer.echo(f"{chosen}: profile ok")


@app.command()
@guarded
def seed(
    rng_seed: Annotated[
        int, typer.Option("--seed", help="Random seed for the demo data.")
    ] = 20261121,
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing (exit 0) when data is already there.")
    ] = False,
) -> None:
    """Build the Bramblefield demo council in one transaction."""
    from frontdoor.migrate import pending
    from frontdoor.seeding import seed_demo
    from frontdoor.settings import CommonSettings

    environment = CommonSettings.load().environment
    engine = common_engine()
    if pending(engine):
        fail("migrations are pending; run `frontdoor db upgrade` first")
    if seed_demo(
        engine,
        rng_seed=rng_seed,
        if_empty=if_empty,
        report=lambda s: typer.echo(f"  {s}"),
        environment=environment,
    ):
        typer.echo("demo council seeded")
    else:
        typer.echo("demo data already present; not seeding")


@app.command()
@guarded
def run(
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Start only these services.")
    ] = None,
) -> None:
    """Start every service, wait for their health checks and print the URLs."""
    from frontdoor.launcher import run_stack

    raise typer.Exit(run_stack(only=only or None))


def register_component_groups() -> None:
    """Each component's command group, from the registry (once)."""
    from frontdoor.components import components

    present = {group.name for group in app.registered_groups}
    for component in components():
        for name, group in component.commands:
            if name not in present:
                app.add_typer(group, name=name)


def main() -> None:
    register_component_groups()
    app()


if __name__ == "__main__":
    main()
