"""Which notifier sends: GOV.UK Notify when an API key is configured, else the outbox.

``FRONTDOOR_NOTIFY_API_KEY`` (the GOV.UK Notify key; a secret, kept out of
the tree like every other) and ``FRONTDOOR_NOTIFY_BASE_URL`` (default: the
real Notify API); and the subscriptions' settings (:class:`SubscriptionSettings`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import time

from pydantic import Field
from sqlalchemy.engine import Engine

from backoffice.ports import BackOffice
from frontdoor.ratelimit import RateLimit
from frontdoor.stack import StackSettings
from notify.adapters import GovukNotify, OutboxOnly
from notify.outbox import OutboxNotifications
from notify.ports import Notifier
from notify.subscriptions import MessageSettings, Subscriptions

NOTIFY_API = "https://api.notifications.service.gov.uk"


def notifier_from(environ: Mapping[str, str] | None = None) -> Notifier:
    env = os.environ if environ is None else environ
    key = env.get("FRONTDOOR_NOTIFY_API_KEY", "").strip()
    if not key:
        return OutboxOnly()
    base_url = env.get("FRONTDOOR_NOTIFY_BASE_URL", "").strip() or NOTIFY_API
    return GovukNotify(key, base_url=base_url)


class SubscriptionSettings(StackSettings):
    """Residents' subscriptions (``FRONTDOOR_SUBSCRIPTION_*``): when bin-day reminders
    go out (the evening before, council's local time), the GOV.UK Notify template
    for each channel (a template of ``((subject))`` and ``((body))`` for email,
    ``((body))`` for text; the outbox shows the names), and the limits on the
    anonymous writes (the form; the links in messages), per client address."""

    subscription_reminder_time: str = Field(default="18:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    subscription_email_template: str = Field(default="subscription-email", min_length=1)
    subscription_sms_template: str = Field(default="subscription-sms", min_length=1)
    subscription_limit_form: RateLimit = "10/minute;50/hour"
    subscription_limit_links: RateLimit = "30/minute;300/hour"

    @property
    def site_url(self) -> str:
        """Where residents reach the subscription pages (the public website)."""
        return (self.public_url or self.url(self.knowledge_port)).rstrip("/")

    @property
    def reminder_at(self) -> time:
        hours, minutes = self.subscription_reminder_time.split(":")
        return time(int(hours), int(minutes))


def subscriptions_from(
    engine: Engine,
    backoffice: BackOffice,
    *,
    council_name: str,
    secret: str,
    settings: SubscriptionSettings | None = None,
    site_url: str | None = None,
    council_name_cy: str | None = None,
) -> Subscriptions:
    """The subscriptions service on this database, queueing into notify's outbox.
    Welsh messages name the council by ``council_name_cy``; by default the
    profile's Welsh name (``settings.council``), when ``council_name`` is the
    profile's English one (a different council's name is never paired with it)."""
    settings = settings or SubscriptionSettings.load()
    if council_name_cy is None:
        name = settings.council.council.name
        council_name_cy = name.cy if name.en == council_name else ""
    return Subscriptions(
        engine,
        backoffice,
        OutboxNotifications(engine),
        MessageSettings(
            site_url=site_url or settings.site_url,
            council_name=council_name,
            council_name_cy=council_name_cy,
            secret=secret,
            email_template=settings.subscription_email_template,
            sms_template=settings.subscription_sms_template,
            reminder_at=settings.reminder_at,
        ),
    )
