"""``frontdoor token ...``: identity tokens for demos and tests.

``frontdoor token mint --council-tax CT40012345 --tenancy TEN-004512 --minutes 30``
prints a token signed with ``FRONTDOOR_IDENTITY_SIGNING_KEY`` (the council's
account system does this for real; after the first ``make run`` the key is the
one in ``var/secrets.env``). Pass it to the bot as message metadata
``frontdoor_identity_token``. The token goes to stdout alone, so it can be
captured: ``TOKEN=$(frontdoor token mint --council-tax CT40012345)``.
"""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="Identity tokens for the bot (demo and tests).", no_args_is_help=True)


@app.callback()
def token() -> None:
    """Identity tokens for the bot (demo and tests)."""


@app.command("mint")
def mint(
    council_tax: Annotated[
        list[str] | None, typer.Option("--council-tax", help="A council tax account (repeatable).")
    ] = None,
    tenancy: Annotated[
        list[str] | None, typer.Option("--tenancy", help="A tenancy reference (repeatable).")
    ] = None,
    subject: Annotated[str | None, typer.Option("--subject", help="The resident id.")] = None,
    minutes: Annotated[int, typer.Option("--minutes", min=1, max=24 * 60)] = 30,
) -> None:
    """Mint a signed identity token naming the accounts it covers."""
    from backoffice.exceptions import InvalidReference
    from backoffice.identity import mint_token
    from backoffice.settings import IdentityKeySettings
    from frontdoor.exceptions import FrontdoorError

    if not council_tax and not tenancy:
        typer.secho("frontdoor: name at least one --council-tax or --tenancy", err=True, fg="red")
        raise typer.Exit(2)
    try:
        settings = IdentityKeySettings.load()
    except FrontdoorError as exc:
        typer.secho(f"frontdoor: {exc.message}", err=True, fg="red")
        raise typer.Exit(1) from None
    key = settings.require_secret("identity_signing_key")
    try:
        token = mint_token(
            key.encode("utf-8"),
            council_tax=council_tax or (),
            tenancies=tenancy or (),
            subject=subject,
            minutes=minutes,
            audience=settings.identity_token_audience,
        )
    except InvalidReference as exc:
        typer.secho(f"frontdoor: {exc.message}", err=True, fg="red")
        raise typer.Exit(2) from None
    typer.echo(token)
    typer.secho(f"valid for {minutes} minutes", err=True)
