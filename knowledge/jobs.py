"""The review reminders as one of the stack scheduler's jobs (``frontdoor.jobs``).

The notifications port comes from core's registry, passed in by it: knowledge
never imports notify.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.engine import Engine

from frontdoor.clock import Clock, london_today
from frontdoor.db import make_session_factory
from frontdoor.jobs import Job
from frontdoor.notifications import Notifications
from knowledge import reminders
from knowledge.settings import KnowledgeSettings


def policy_from(settings: KnowledgeSettings) -> reminders.Policy:
    return reminders.Policy(
        days_before=settings.knowledge_review_reminder_days,
        period_months=settings.knowledge_review_period_months,
        template=settings.knowledge_reminder_template,
        team_addresses=dict(settings.knowledge_team_addresses),
        base_url=settings.public_url or "http://127.0.0.1:8000",
    )


def remind_once(
    engine: Engine, clock: Clock, notifications: Notifications, settings: KnowledgeSettings
) -> reminders.Outcome:
    now = clock()
    return reminders.run(
        make_session_factory(engine), notifications, policy_from(settings),
        now=now, today=london_today(now),
    )  # fmt: skip


def reminders_job(
    notifications_for: Callable[[Engine], Notifications],
    settings: KnowledgeSettings | None = None,
) -> Job:
    settings = settings or KnowledgeSettings.load()

    def run(engine: Engine, clock: Clock) -> str:
        return remind_once(engine, clock, notifications_for(engine), settings).line()

    every = timedelta(minutes=settings.knowledge_reminder_interval_minutes)
    return Job("review reminders", every, run)
