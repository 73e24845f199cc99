"""The subscriptions port as the bot and the website see it: "this resident asks
to be told about these things at this address, by this channel".

A resident subscribes to bin-day reminders for their address (the evening
before), service disruptions on their round, and updates on a case they
raised; by email or text. Nothing is sent but the confirmation message until
its link is followed (double opt-in). ``notify`` implements the port (its
subscriptions table, the confirmation through its outbox) and core's registry
provides it (``frontdoor.components.subscriptions``): the bot's actions never
import ``notify`` (import contracts), as they never import any other service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from frontdoor.exceptions import FrontdoorError
from frontdoor.notifications import Channel

Topic = Literal["bins", "disruptions", "case"]
TOPICS: tuple[Topic, ...] = ("bins", "disruptions", "case")
Language = Literal["en", "cy"]


@dataclass(frozen=True)
class SubscriptionRequest:
    channel: Channel
    contact: str  # an email address or a UK mobile number, as the resident typed it
    topics: frozenset[Topic]
    uprn: str | None = None  # the address (bins and disruptions)
    case_reference: str | None = None  # the case (case updates)
    language: Language = "en"


class SubscriptionRefused(FrontdoorError):
    """A request the subscriptions refuse; ``reason`` says which field and why
    (the callers word it for the resident in English or Welsh)."""

    code = "subscription_refused"

    def __init__(self, reason: str, field: str) -> None:
        super().__init__(reason)
        self.reason = reason  # e.g. "unknown_address", "bad_email", "bad_phone", "no_topic"
        self.field = field


class Subscriptions(Protocol):
    def request(self, request: SubscriptionRequest, *, now: datetime) -> None:
        """Record a pending subscription and queue its confirmation message.
        Raises :class:`SubscriptionRefused` for bad input."""
        ...
