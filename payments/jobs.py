"""The hold sweep as one of the stack scheduler's jobs (``frontdoor.jobs``): a payment
whose hold ran out is cancelled at the provider and its place given back (unless it
was paid), and any other expired hold is released, without waiting for the resident
to come back or for somebody to run ``frontdoor payments sweep``."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine

from frontdoor.clock import Clock
from frontdoor.jobs import Job


def sweep_job(*, every: timedelta) -> Job:
    def run(engine: Engine, clock: Clock) -> str:
        from payments.settings import council_bulky, payments_from

        service = payments_from(engine, council_bulky(engine), clock)
        return f"settled {service.sweep()} payment(s) whose hold had expired"

    return Job("payment holds", every, run)
