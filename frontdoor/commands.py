"""What every `frontdoor` command group shares: one-line failures and the engine.

Component command modules (``knowledge.cli``, ``frontdoor.accounts.cli``, ...)
import these from here, never from ``frontdoor.cli``: that module composes the
groups, so importing it back from a group would be a cycle.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NoReturn

import typer
from sqlalchemy import Engine

from frontdoor.exceptions import FrontdoorError


def fail(message: str, code: int = 1) -> NoReturn:
    typer.secho(f"frontdoor: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def guarded(function: Callable[..., Any]) -> Callable[..., Any]:
    """Turn FrontdoorError into one line and exit code 1."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except FrontdoorError as exc:
            fail(exc.message)

    return wrapper


def common_engine() -> Engine:
    """The engine of the configured database, checked reachable."""
    from frontdoor.db import check_database, make_engine
    from frontdoor.settings import CommonSettings

    settings = CommonSettings.load()
    engine = make_engine(settings.database_url)
    check_database(engine)
    return engine
