"""The notifications port as the other components see it: "put this message in
the outbox, once".

A component that must tell someone something (the knowledge base's review
reminders) builds a :class:`Notification` and hands it to a
:class:`Notifications`; it never imports ``notify`` (import contracts: knowledge
stands alone). ``notify`` implements the port with its durable outbox (sent on
by the embedded default or GOV.UK Notify), and core's registry provides it
(``frontdoor.components.notifications``). ``key`` is the idempotency key: the
same key twice is one message, which is what makes a re-run or a restart safe.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

Channel = Literal["email", "sms"]


@dataclass(frozen=True)
class Notification:
    channel: Channel
    template: str  # the provider's template id (GOV.UK Notify) or the outbox's name for it
    recipient: str
    key: str  # idempotency key, at most 200 characters
    personalisation: dict[str, str] = field(default_factory=dict)


class Notifications(Protocol):
    def enqueue(self, notification: Notification, *, now: datetime) -> bool:
        """Queue ``notification``; False when its key was already queued (nothing new)."""
        ...


class Recorded:
    """An in-memory :class:`Notifications` for unit tests: what was queued, once per key."""

    def __init__(self) -> None:
        self.queued: dict[str, Notification] = {}

    def enqueue(self, notification: Notification, *, now: datetime) -> bool:
        if notification.key in self.queued:
            return False
        self.queued[notification.key] = notification
        return True
