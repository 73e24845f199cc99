"""The notifications port: what any provider of email and text messages offers.

A :class:`Notifier` sends one message and says what became of it. Failures
are exceptions of two kinds: :class:`PermanentFailure` (a bad key, a bad
request: sending again cannot help) and :class:`TemporaryFailure` (rate
limited, the provider is down or slow: try again later). ``reference`` is
always the message's idempotency key, so :meth:`Notifier.find` can tell
whether a message whose sender died mid-send already reached the provider.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

Channel = Literal["email", "sms"]
CHANNELS: tuple[Channel, ...] = ("email", "sms")


@dataclass(frozen=True)
class Message:
    channel: Channel
    template_id: str
    recipient: str
    reference: str  # the idempotency key
    personalisation: dict[str, str] = field(default_factory=dict)


class PermanentFailure(Exception):
    """Sending this message again cannot succeed."""


class TemporaryFailure(Exception):
    """The provider could not take the message now; try again later."""


class Notifier(Protocol):
    name: str

    def send(self, message: Message) -> str:
        """Send ``message``; returns the provider's id for it."""
        ...

    def find(self, reference: str) -> str | None:
        """The provider's id of a message already sent with ``reference``, if any."""
        ...
