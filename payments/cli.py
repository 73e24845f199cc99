"""`frontdoor payments ...`: settle payments whose hold ran out, list recent ones."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="Payments: held places, payments and refunds due.", no_args_is_help=True)


@app.command("sweep")
def sweep_command() -> None:
    """Settle payments whose hold expired (cancelled at the provider, place given
    back unless paid) and give back any other expired hold."""
    from datetime import UTC, datetime

    from frontdoor.commands import common_engine, guarded
    from payments.settings import council_bulky, payments_from

    @guarded
    def run() -> None:
        engine = common_engine()
        service = payments_from(engine, council_bulky(engine), lambda: datetime.now(UTC))
        typer.echo(f"settled {service.sweep()} payment(s) whose hold had expired")

    run()


@app.command("list")
def list_command(
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many, newest first.")] = 20,
) -> None:
    """The newest payments: reference, status, amount, booking (refund-due ones need staff)."""
    from frontdoor.commands import common_engine, guarded
    from payments import store

    @guarded
    def run() -> None:
        for row in store.recent(common_engine(), limit=limit):
            typer.echo(
                f"{row.reference}\t{row.status}\t{row.provider}\t{row.amount_pence}p"
                f"\t{row.booking_reference or '-'}\t{row.created_at:%Y-%m-%d %H:%M}"
            )

    run()
