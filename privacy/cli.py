"""`frontdoor privacy ...`: the retention purge and legal holds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="Retention purge and legal holds.", no_args_is_help=True)


@app.command("purge")
def purge_command(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print what would be deleted; delete nothing.")
    ] = False,
) -> None:
    """Delete everything past its retention period, class by class, in batches."""
    from frontdoor.commands import common_engine, fail, guarded
    from frontdoor.migrate import pending
    from privacy.purge import purge
    from privacy.settings import PrivacySettings

    @guarded
    def run() -> None:
        settings = PrivacySettings.load()
        engine = common_engine()
        if pending(engine):  # a clear message, not a missing table's traceback
            fail("migrations are pending; run `frontdoor db upgrade` first")
        results = purge(engine, settings, dry_run=dry_run)
        verb = "would delete" if dry_run else "deleted"
        for result in results:
            detail = f" ({result.detail})" if result.detail else ""
            typer.echo(f"{result.name}: {verb} {result.rows}{detail}")

    run()


@app.command("hold")
def hold(
    reference: Annotated[str, typer.Option(help="A conversation id or a resident's reference.")],
    reason: Annotated[str, typer.Option(help="Why: shown to whoever tries to purge or erase.")],
    kind: Annotated[str, typer.Option(help="conversation or resident.")] = "resident",
    by: Annotated[str, typer.Option(help="Who places it (for the audit log).")] = "operator",
) -> None:
    """Place a legal hold: nothing it covers is purged or erased until it is lifted."""
    from frontdoor.clock import system_clock
    from frontdoor.commands import common_engine, fail
    from privacy.holds import InvalidHold, checked_hold, place_hold

    engine = common_engine()
    try:
        wanted = checked_hold(engine, kind=kind, reference=reference, reason=reason)
    except InvalidHold as exc:
        fail(exc.message, code=2)
    placed = place_hold(
        engine,
        kind=wanted.kind,
        reference=wanted.reference,
        reason=wanted.reason,
        by=by,
        now=system_clock(),
    )
    typer.echo(f"hold {placed.id} placed on {wanted.kind} {placed.reference}: {placed.reason}")


@app.command("lift")
def lift(
    hold_id: Annotated[int, typer.Argument(help="The hold's number.")],
    by: Annotated[str, typer.Option(help="Who lifts it (for the audit log).")] = "operator",
) -> None:
    """Lift a legal hold."""
    from frontdoor.clock import system_clock
    from frontdoor.commands import common_engine, fail
    from privacy.holds import lift_hold

    if not lift_hold(common_engine(), hold_id, by=by, now=system_clock()):
        fail(f"no active legal hold {hold_id}")
    typer.echo(f"hold {hold_id} lifted")


@app.command("export")
def export_command(
    reference: Annotated[
        str,
        typer.Option(
            help="Council tax, tenancy or case reference; postcode and surname; "
            "email; phone number; conversation id; or card payment reference."
        ),
    ],
    out: Annotated[Path, typer.Option(help="Folder to write the bundle into.")],
    by: Annotated[str, typer.Option(help="Who asks (for the audit log).")] = "dpo",
) -> None:
    """Export everything held about a resident: subject-access.json and .html, and
    the photos of problems they reported (photos/)."""
    from frontdoor.commands import common_engine, guarded
    from privacy.subject import export

    @guarded
    def run() -> None:
        for path in export(common_engine(), reference, out, actor=by):
            typer.echo(f"wrote {path}")

    run()


@app.command("erase")
def erase_command(
    reference: Annotated[str, typer.Option(help="Any identifier, as for export.")],
    by: Annotated[str, typer.Option(help="Who asks (for the audit log).")] = "dpo",
) -> None:
    """Erase what the council need not keep about a resident; list what is kept and why."""
    from frontdoor.commands import common_engine, guarded
    from privacy.subject import erase

    @guarded
    def run() -> None:
        report = erase(common_engine(), reference, actor=by)
        for name, rows in report["removed"].items():
            typer.echo(f"removed {name}: {rows}")
        for name, why in report["kept"].items():
            typer.echo(f"kept {name}: {why}")

    run()


@app.command("paperwork")
def paperwork(
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 if a file differs; write nothing.")
    ] = False,
) -> None:
    """Write the privacy article's retention section, the record of processing and the DPIA."""
    from frontdoor.commands import fail
    from privacy import paperwork as docs
    from privacy.settings import PrivacySettings

    settings = PrivacySettings.load()
    if check:
        stale = [
            str(p)
            for p, text in docs.generated(settings).items()
            if not p.exists() or p.read_text() != text
        ]
        if stale:
            fail(f"out of step with the settings: {', '.join(stale)}")
        typer.echo("paperwork matches the settings")
        return
    for path in docs.write(settings):
        typer.echo(f"wrote {path}")
