"""The components Frontdoor is composed of, named once and imported explicitly.

Migrations (autogenerate needs every component's tables), the demo seed (one
transaction across components, in this order) and the ``frontdoor`` command
line all read this registry. A component that cannot be imported is an error
here, never silently skipped: a typo must not drop a component's tables from
autogenerate or its commands from the CLI. (cosmicpython's ``bootstrap`` is the
model: one composition root that imports what it composes.)

Imports happen inside :func:`components` so that importing core does not
import every component, and components may import core freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

import typer
from sqlalchemy import MetaData
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from frontdoor.jobs import Job
from frontdoor.notifications import Notifications
from frontdoor.subscriptions import Subscriptions


class Seeder(Protocol):
    """What each component's ``seed`` module provides to ``frontdoor seed``."""

    def is_empty(self, session: Session) -> bool: ...

    def seed(self, session: Session, *, rng_seed: int, progress: Any) -> str: ...


@dataclass(frozen=True)
class Component:
    name: str  # also its Alembic branch label and migrations/versions/<name> folder
    metadata: MetaData
    seeder: Seeder | None = None
    commands: tuple[tuple[str, typer.Typer], ...] = ()


def components() -> tuple[Component, ...]:
    """Every component, in seeding order: accounts first (teams), the back office
    before knowledge and handoff, insight's demo history last."""
    import actions.models
    import backoffice.cli
    import backoffice.models
    import backoffice.seed
    import bottools.cli
    import frontdoor.accounts.cli
    import frontdoor.accounts.models
    import frontdoor.accounts.seed
    import frontdoor.audit
    import frontdoor.audit_cli
    import handoff.cli
    import handoff.models
    import handoff.seed
    import insight.cli
    import insight.models
    import insight.seed
    import knowledge.cli
    import knowledge.models
    import knowledge.seed
    import notify.cli
    import notify.models
    import payments.cli
    import payments.models
    import privacy.cli
    import privacy.models
    import reports.models

    return (
        Component(
            "accounts",
            frontdoor.accounts.models.metadata,
            frontdoor.accounts.seed,
            (("user", frontdoor.accounts.cli.app),),
        ),
        Component("audit", frontdoor.audit.metadata, None, (("audit", frontdoor.audit_cli.app),)),
        Component(
            "backoffice",
            backoffice.models.metadata,
            backoffice.seed,
            (("token", backoffice.cli.app),),
        ),
        Component(
            "knowledge",
            knowledge.models.metadata,
            knowledge.seed,
            (("knowledge", knowledge.cli.app),),
        ),
        Component(
            "handoff",
            handoff.models.metadata,
            handoff.seed,
            (("handoff", handoff.cli.app),),
        ),
        Component("bot", actions.models.metadata, None, (("bot", bottools.cli.app),)),
        # after handoff: its demo history needs the teams and advisors
        Component(
            "insight", insight.models.metadata, insight.seed, (("insight", insight.cli.app),)
        ),
        Component("privacy", privacy.models.metadata, None, (("privacy", privacy.cli.app),)),
        Component("notify", notify.models.metadata, None, (("notify", notify.cli.app),)),
        Component("payments", payments.models.metadata, None, (("payments", payments.cli.app),)),
        Component("reports", reports.models.metadata, None, ()),
    )


# The names alone, for what must not import every component (Alembic's version
# locations); a test keeps them equal to :func:`components`.
COMPONENT_NAMES = (
    "accounts",
    "audit",
    "backoffice",
    "knowledge",
    "handoff",
    "bot",
    "insight",
    "privacy",
    "notify",
    "payments",
    "reports",
)


def staff_routers() -> tuple[Any, ...]:
    """Staff pages other components add to the knowledge service's editor (its
    look, sign-in and templates): subject access, erasure and the audit log; the
    notifications outbox; the refunds due of payments; a reported problem's case and
    photos."""
    import notify.web
    import payments.staff
    import privacy.web
    import reports.web

    return (
        privacy.web.router,
        notify.web.router,
        payments.staff.router,
        reports.web.staff_router,
    )


def site_routers() -> tuple[Any, ...]:
    """Public pages other components add to the council's website (the knowledge
    service's site look): the payment pages (demo payment page, return URL);
    the report-a-problem form and "where is my request?"; the subscription form
    and the pages its messages link to."""
    import notify.site
    import payments.web
    import reports.web

    return (payments.web.router, reports.web.router, notify.site.router)


def site_body_rules() -> tuple[Any, ...]:
    """Bodies larger than the website's default that its added pages take
    (``frontdoor.http.BodyRule``): the report form's photo."""
    import reports.web

    return reports.web.BODY_RULES


def notifications(engine: Engine) -> Notifications:
    """Core's notifications port (``frontdoor.notifications``) as notify provides it:
    its durable outbox, sent on by the embedded default or GOV.UK Notify."""
    import notify.outbox

    return notify.outbox.OutboxNotifications(engine)


def subscriptions(engine: Engine) -> Subscriptions:
    """Core's subscriptions port (``frontdoor.subscriptions``) as notify provides it,
    on the demo back office, naming the council from the knowledge settings: what
    the bot's actions use to subscribe a resident (they never import notify)."""
    from backoffice.sql import demo_backoffice
    from knowledge.settings import KnowledgeSettings
    from notify.settings import SubscriptionSettings, subscriptions_from

    settings = SubscriptionSettings.load()
    return subscriptions_from(
        engine,
        demo_backoffice(engine),
        council_name=KnowledgeSettings.load().council_name,
        secret=settings.require_secret("secret_key"),
        settings=settings,
    )


def scheduled_jobs() -> tuple[Job, ...]:
    """What the stack's scheduler runs (``frontdoor.jobs``): the retention purge,
    the knowledge base's review reminders and residents' subscriptions (bin days,
    disruptions, case updates), then the sender, so a message queued in one turn
    is on its way in the same turn; and the payment holds' sweep."""
    from datetime import timedelta

    import knowledge.jobs
    import notify.jobs
    import payments.jobs
    import privacy.jobs
    from knowledge.settings import KnowledgeSettings

    purge = privacy.jobs.purge_job()
    reminders = knowledge.jobs.reminders_job(notifications)
    council_name = KnowledgeSettings.load().council_name
    subscribed = notify.jobs.subscriptions_job(
        every=timedelta(minutes=5), council_name=council_name
    )
    sender = notify.jobs.send_due_job(every=timedelta(minutes=1))
    sweep = payments.jobs.sweep_job(every=timedelta(minutes=5))
    return (purge, reminders, subscribed, sender, sweep)
