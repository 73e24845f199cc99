"""Which notifier sends: GOV.UK Notify when an API key is configured, else the outbox.

``FRONTDOOR_NOTIFY_API_KEY`` (the GOV.UK Notify key; a secret, kept out of
the tree like every other) and ``FRONTDOOR_NOTIFY_BASE_URL`` (default: the
real Notify API).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from notify.adapters import GovukNotify, OutboxOnly
from notify.ports import Notifier

NOTIFY_API = "https://api.notifications.service.gov.uk"


def notifier_from(environ: Mapping[str, str] | None = None) -> Notifier:
    env = os.environ if environ is None else environ
    key = env.get("FRONTDOOR_NOTIFY_API_KEY", "").strip()
    if not key:
        return OutboxOnly()
    base_url = env.get("FRONTDOOR_NOTIFY_BASE_URL", "").strip() or NOTIFY_API
    return GovukNotify(key, base_url=base_url)
