"""The retention purge as one of the stack scheduler's jobs (``frontdoor.jobs``)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine

from frontdoor.clock import Clock
from frontdoor.jobs import Job
from privacy.purge import purge
from privacy.settings import PrivacySettings


def purge_job(settings: PrivacySettings | None = None) -> Job:
    settings = settings or PrivacySettings.load()

    def run(engine: Engine, clock: Clock) -> str:
        results = purge(engine, settings)
        deleted = {r.name: r.rows for r in results if r.rows}
        return f"purge done: {deleted or 'nothing past its schedule'}"

    return Job("privacy purge", timedelta(minutes=settings.purge_interval_minutes), run)
