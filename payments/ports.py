"""The payments port: what any card-payment provider offers (GOV.UK Pay's model).

A payment is created with an amount in pence, a reference, a description and
the URL the resident comes back to; the provider answers with its id and the
page the resident pays on (``next_url``). Only the provider's own answer to
:meth:`PaymentProvider.status` says whether it succeeded: the return URL's
query string is never trusted.

Errors (a ``PaymentError`` is a ``FrontdoorError``):

PaymentError
├── ProviderUnavailable   timeout, refused connection, 5xx, an answer that is
│                         not what the API documents: try later, tell the
│                         resident plainly, nothing is booked
└── ProviderRefused       4xx: our request or API key is wrong (``code``, e.g. P0102)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from frontdoor.exceptions import FrontdoorError


class PaymentStatus(StrEnum):
    """GOV.UK Pay's payment states (``state.status``)."""

    CREATED = "created"
    STARTED = "started"
    SUBMITTED = "submitted"
    CAPTURABLE = "capturable"
    SUCCESS = "success"
    FAILED = "failed"
    CANCELLED = "cancelled"
    ERROR = "error"

    @property
    def finished(self) -> bool:
        return self in FINISHED


FINISHED = frozenset(
    {PaymentStatus.SUCCESS, PaymentStatus.FAILED, PaymentStatus.CANCELLED, PaymentStatus.ERROR}
)

# GOV.UK Pay's failure codes (``state.code``) the journey tells apart
DECLINED = "P0010"
EXPIRED = "P0020"
CANCELLED_BY_USER = "P0030"
CANCELLED_BY_SERVICE = "P0040"
PAY_ERROR = "P0050"

MAX_AMOUNT_PENCE = 10_000_000  # GOV.UK Pay's upper limit (£100,000)


@dataclass(frozen=True)
class PaymentRequest:
    amount_pence: int
    reference: str  # ours: shown to the resident and on the council's reports
    description: str
    return_url: str
    language: str = "en"  # GOV.UK Pay's pages speak "en" and "cy"


@dataclass(frozen=True)
class ProviderPayment:
    payment_id: str
    status: PaymentStatus
    amount_pence: int
    reference: str
    next_url: str | None = None  # where the resident pays (while not finished)
    code: str | None = None  # why it failed (P0010 declined, P0020 expired, ...)
    message: str | None = None

    @property
    def finished(self) -> bool:
        return self.status.finished


class PaymentError(FrontdoorError):
    code = "payment_error"


class ProviderUnavailable(PaymentError):
    code = "payment_provider_unavailable"


class ProviderRefused(PaymentError):
    code = "payment_provider_refused"

    def __init__(self, message: str, *, provider_code: str | None = None) -> None:
        super().__init__(message)
        self.provider_code = provider_code


class PaymentProvider(Protocol):
    name: str

    def create(self, request: PaymentRequest) -> ProviderPayment:
        """Create a payment; raises ProviderUnavailable or ProviderRefused."""
        ...

    def status(self, payment_id: str) -> ProviderPayment:
        """The provider's current view of the payment (safe to repeat)."""
        ...

    def cancel(self, payment_id: str) -> None:
        """Cancel a payment that has not finished (ProviderRefused if it has)."""
        ...
