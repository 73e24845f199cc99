"""The `frontdoor` operator command line.

Core commands live here (db, seed, run); each component adds its own group
(`frontdoor knowledge ...`, `frontdoor user ...`, `frontdoor token ...`,
`frontdoor bot ...`) from its `cli` module. Every failure the operator can fix
is one line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Annotated, Any

import typer

from frontdoor import __version__
from frontdoor.exceptions import FrontdoorError

app = typer.Typer(
    help="Frontdoor: a council's digital front door.", no_args_is_help=True, add_completion=False
)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")

# Component command groups: (module, name). A module that does not exist yet
# is skipped, so the CLI works while components are being built.
_COMPONENT_GROUPS = (
    ("frontdoor.accounts.cli", "user"),
    ("actions.cli", "token"),
    ("actions.bot_cli", "bot"),
    ("knowledge.cli", "knowledge"),
    ("handoff.cli", "handoff"),
)


def fail(message: str, code: int = 1) -> None:
    typer.secho(f"frontdoor: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def guarded(function: Callable[..., Any]) -> Callable[..., Any]:
    """Turn FrontdoorError into one line and exit code 1."""
    import functools

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except FrontdoorError as exc:
            fail(exc.message)

    return wrapper


def _common_engine():  # type: ignore[no-untyped-def]
    from frontdoor.db import check_database, make_engine
    from frontdoor.settings import CommonSettings

    settings = CommonSettings.load()
    engine = make_engine(settings.database_url)
    check_database(engine)
    return engine


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


@db_app.command("upgrade")
@guarded
def db_upgrade() -> None:
    """Apply every pending migration (all components)."""
    from frontdoor.migrate import upgrade

    engine = _common_engine()
    upgrade(engine)
    typer.echo(f"database at {engine.url.render_as_string(hide_password=True)} is up to date")


@db_app.command("check")
@guarded
def db_check() -> None:
    """Exit non-zero if the database is unreachable, corrupt or behind."""
    from frontdoor.migrate import check_heads, pending

    check_heads()
    engine = _common_engine()
    if pending(engine):
        fail("migrations are pending; run `frontdoor db upgrade`")
    typer.echo("database ok")


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
    engine = _common_engine()
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


def _register_component_groups() -> None:
    for module_name, group in _COMPONENT_GROUPS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue
            raise
        app.add_typer(module.app, name=group)


def main() -> None:
    _register_component_groups()
    app()


if __name__ == "__main__":
    main()
