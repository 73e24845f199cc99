"""Notify's jobs in the stack's scheduler (``frontdoor.jobs``): the subscriptions'
due messages are queued, and the sender sends whatever is due in the outbox
(new messages, retries, a dead worker's leases)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine

from backoffice import demo_backoffice
from frontdoor.clock import Clock
from frontdoor.jobs import Job
from notify.sender import send_due
from notify.settings import SubscriptionSettings, notifier_from, subscriptions_from


def send_due_job(*, every: timedelta) -> Job:
    notifier = notifier_from()

    def run(engine: Engine, clock: Clock) -> str:
        outcome = send_due(engine, notifier, clock)
        return (
            f"{notifier.name}: sent {outcome.sent}, already delivered {outcome.recovered}, "
            f"to retry {outcome.retrying}, failed {outcome.failed}"
        )

    return Job("notifications", every, run)


def subscriptions_job(*, every: timedelta, council_name: str) -> Job:
    """Queue residents' due messages (bin-day reminders from the reminder time the
    evening before, disruptions, case updates), each under its idempotency key."""
    settings = SubscriptionSettings.load()
    secret = settings.secret_value("secret_key")

    def run(engine: Engine, clock: Clock) -> str:
        if not secret:  # links cannot be signed; the website refuses subscriptions too
            return "FRONTDOOR_SECRET_KEY is not set: no subscriptions can be served"
        service = subscriptions_from(
            engine,
            demo_backoffice(engine),
            council_name=council_name,
            secret=secret,
            settings=settings,
        )
        return service.run_due(now=clock()).line()

    return Job("subscriptions", every, run)
