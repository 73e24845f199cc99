"""`frontdoor audit ...`: read the audit log of staff access and check its chain."""

from __future__ import annotations

import json
from typing import Annotated

import typer

app = typer.Typer(help="The audit log of staff access.", no_args_is_help=True)


@app.command("list")
def list_entries(
    limit: Annotated[int, typer.Option(min=1, max=100_000, help="How many, newest first.")] = 50,
    subject: Annotated[
        str | None, typer.Option(help="Only entries about this subject, e.g. resident:CT40012345.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object a line.")] = False,
) -> None:
    """Print the newest entries: when, who, what, about whom."""
    from frontdoor import audit
    from frontdoor.commands import common_engine
    from frontdoor.db import make_session_factory

    with make_session_factory(common_engine())() as db:
        entries = audit.list_entries(db, limit=limit, subject=subject)
    for entry in entries:
        if as_json:
            typer.echo(json.dumps(entry.as_json(), sort_keys=True))
        else:
            detail = json.dumps(entry.detail, sort_keys=True) if entry.detail else ""
            typer.echo(
                f"{entry.id}\t{entry.at.isoformat(timespec='seconds')}\t{entry.actor}\t"
                f"{entry.action}\t{entry.subject}\t{detail}".rstrip()
            )


@app.command("verify")
def verify() -> None:
    """Check every entry's hash and link; exit 1 at the first broken one."""
    from frontdoor import audit
    from frontdoor.commands import common_engine, fail
    from frontdoor.db import make_session_factory

    with make_session_factory(common_engine())() as db:
        result = audit.verify(db)
    if not result.ok:
        fail(
            f"audit log tampered with at entry {result.broken_at}: {result.reason} "
            f"({result.checked} entries before it are intact)"
        )
    typer.echo(f"audit log intact: {result.checked} entries checked")
