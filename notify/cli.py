"""`frontdoor notify ...`: send what is due, read the outbox."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="Notifications: the outbox and its sender.", no_args_is_help=True)


@app.command("send-due")
def send_due_command(
    batch: Annotated[int, typer.Option(min=1, max=1000, help="Messages per batch.")] = 100,
) -> None:
    """Send every message that is due (retries included), batch by batch."""
    from frontdoor.clock import system_clock
    from frontdoor.commands import common_engine, fail, guarded
    from notify.sender import Policy, send_due
    from notify.settings import notifier_from

    @guarded
    def run() -> None:
        try:
            notifier = notifier_from()
        except ValueError as exc:
            fail(str(exc), code=2)
        outcome = send_due(common_engine(), notifier, system_clock, Policy(batch=batch))
        typer.echo(
            f"{notifier.name}: sent {outcome.sent}, already delivered {outcome.recovered}, "
            f"to retry {outcome.retrying}, failed {outcome.failed}"
        )
        for error in outcome.errors[:20]:
            typer.echo(f"  {error}", err=True)

    run()


@app.command("outbox")
def outbox_command(
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many, newest first.")] = 20,
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
) -> None:
    """List the newest messages in the outbox."""
    from frontdoor.commands import common_engine, fail, guarded
    from notify import outbox

    @guarded
    def run() -> None:
        try:
            listed = outbox.page(common_engine(), status=status, size=limit)
        except outbox.InvalidMessage as exc:
            fail(str(exc), code=2)
        for row in listed.rows:
            typer.echo(
                f"{row.id}\t{row.status}\t{row.channel}\t{row.recipient}\t{row.template_id}"
                f"\t{row.idempotency_key}\tattempts={row.attempts}\t{row.error or ''}".rstrip()
            )
        typer.echo(f"{listed.total} message(s)" + (f" {status}" if status else ""))

    run()


@app.command("queue-due")
def queue_due_command(
    at: Annotated[
        str | None,
        typer.Option(help="Run as if it were this moment (ISO 8601 with a zone), for checks."),
    ] = None,
) -> None:
    """Queue residents' due messages now (what the scheduler's subscriptions job does):
    bin-day reminders from the reminder time the evening before, disruptions, case
    updates. Each is queued once, however often this runs."""
    from datetime import datetime

    from backoffice import demo_backoffice
    from frontdoor.clock import system_clock
    from frontdoor.commands import common_engine, fail, guarded
    from knowledge.settings import KnowledgeSettings
    from notify.settings import SubscriptionSettings, subscriptions_from

    @guarded
    def run() -> None:
        now = system_clock()
        if at is not None:
            try:
                now = datetime.fromisoformat(at)
            except ValueError:
                fail(
                    f"--at must be an ISO 8601 moment, like 2026-12-07T18:05+00:00: {at!r}", code=2
                )
            if now.tzinfo is None:
                fail("--at needs a time zone, like 2026-12-07T18:05+00:00", code=2)
        settings = SubscriptionSettings.load()
        engine = common_engine()
        service = subscriptions_from(
            engine,
            demo_backoffice(engine),
            council_name=KnowledgeSettings.load().council_name,
            secret=settings.require_secret("secret_key"),
            settings=settings,
        )
        outcome = service.run_due(now=now)
        typer.echo(outcome.line())
        for error in outcome.errors[:20]:
            typer.echo(f"  {error}", err=True)

    run()
