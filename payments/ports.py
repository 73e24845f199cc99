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
└── ProviderRefused       4xx: our request or API key is wrong (``code``, e.g. P0102);
                          for a refund, also P0603 (the payment cannot be refunded)
                          and P0604 (the amount available changed since we looked)

Refunds (GOV.UK Pay's ``POST /v1/payments/{id}/refunds``): the payment's
``refund_summary`` says how much can still be refunded; a refund is sent with
that amount as ``refund_amount_available``, so a refund that already went
through (a double click, a retry after a timeout) makes the provider refuse
the second one (P0604) rather than pay twice.
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

# GOV.UK Pay's refund refusals (HTTP 412)
REFUND_NOT_AVAILABLE = "P0603"
REFUND_AMOUNT_MISMATCH = "P0604"

MAX_AMOUNT_PENCE = 10_000_000  # GOV.UK Pay's upper limit (£100,000)


@dataclass(frozen=True)
class PaymentRequest:
    amount_pence: int
    reference: str  # ours: shown to the resident and on the council's reports
    description: str
    return_url: str
    language: str = "en"  # GOV.UK Pay's pages speak "en" and "cy"
    email: str | None = None  # prefilled on the provider's page; its receipt goes there


@dataclass(frozen=True)
class ProviderPayment:
    payment_id: str
    status: PaymentStatus
    amount_pence: int
    reference: str
    next_url: str | None = None  # where the resident pays (while not finished)
    code: str | None = None  # why it failed (P0010 declined, P0020 expired, ...)
    message: str | None = None
    refund: RefundSummary | None = None  # GOV.UK Pay's refund_summary, when it says

    @property
    def finished(self) -> bool:
        return self.status.finished


class RefundStatus(StrEnum):
    """A refund's own states (GOV.UK Pay: submitted, then success or error)."""

    SUBMITTED = "submitted"
    SUCCESS = "success"
    ERROR = "error"


@dataclass(frozen=True)
class RefundSummary:
    """Whether a payment can be refunded (``refund_summary``): ``status`` is pending,
    unavailable, available or full; amounts in pence."""

    status: str
    amount_available: int
    amount_submitted: int


@dataclass(frozen=True)
class ProviderRefund:
    refund_id: str
    amount_pence: int
    status: RefundStatus


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

    def refund(
        self, payment_id: str, *, amount_pence: int, amount_available_pence: int
    ) -> ProviderRefund:
        """Refund ``amount_pence`` of a successful payment, provided the provider still
        has ``amount_available_pence`` available (else ProviderRefused P0604). Never
        retried: only the caller knows whether it is safe to ask again."""
        ...
