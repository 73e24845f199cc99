"""The sender as one of the stack scheduler's jobs (``frontdoor.jobs``): whatever is
due in the outbox (new messages, retries, a dead worker's leases) is sent."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine

from frontdoor.clock import Clock
from frontdoor.jobs import Job
from notify.sender import send_due
from notify.settings import notifier_from


def send_due_job(*, every: timedelta) -> Job:
    notifier = notifier_from()

    def run(engine: Engine, clock: Clock) -> str:
        outcome = send_due(engine, notifier, clock)
        return (
            f"{notifier.name}: sent {outcome.sent}, already delivered {outcome.recovered}, "
            f"to retry {outcome.retrying}, failed {outcome.failed}"
        )

    return Job("notifications", every, run)
