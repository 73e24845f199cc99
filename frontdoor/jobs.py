"""Scheduled jobs: what the stack's scheduler process runs, each at its interval.

One scheduler (``python -m privacy.scheduler``, started by the launcher) runs
every job core's registry lists (``frontdoor.components.scheduled_jobs``): the
retention purge, the knowledge base's review reminders, the notifications
sender. A job is a plain function of the engine and the clock that returns one
line for the log; a job that fails is logged and tried again at its next turn,
and never stops the others. Jobs must be idempotent: two schedulers, or a
restart mid-run, must not do anything twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.engine import Engine

from frontdoor.clock import Clock

log = logging.getLogger("frontdoor.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[Engine, Clock], str]


def run_due(
    jobs: Sequence[Job], engine: Engine, clock: Clock, last_run: dict[str, float], now: float
) -> list[str]:
    """Run each job whose interval has passed since its last run (``now`` is monotonic
    seconds); returns the log lines. ``last_run`` is updated in place."""
    lines = []
    for job in jobs:
        previous = last_run.get(job.name)
        if previous is not None and now - previous < job.every.total_seconds():
            continue
        last_run[job.name] = now
        try:
            line = f"{job.name}: {job.run(engine, clock)}"
        except Exception:  # one job's failure never stops the others
            log.exception("%s failed; trying again at its next turn", job.name)
            line = f"{job.name}: failed"
        log.info(line)
        lines.append(line)
    return lines
