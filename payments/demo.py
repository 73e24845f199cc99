"""DemoPay: the embedded default provider. A payment page served by the stack
(``/pay/demo/{id}``, see :mod:`payments.web`) that says plainly it is a demo
and that no money is taken, and lets the resident pay, have the card
declined, or cancel; then it returns to the return URL like GOV.UK Pay.

It keeps GOV.UK Pay's states and codes, including expiry after 90 minutes
(P0020) and a service's cancel (P0040), and its refunds (``refund_summary``,
P0603 when a payment cannot be refunded, P0604 when the amount available is
not what the caller saw; a demo refund succeeds at once), so the journey
cannot tell the two providers apart. Its payments live in ``pay_demo_payments``: the action
server creates them and the knowledge service serves the page.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from payments import store
from payments.ports import (
    CANCELLED_BY_SERVICE,
    CANCELLED_BY_USER,
    DECLINED,
    EXPIRED,
    MAX_AMOUNT_PENCE,
    REFUND_AMOUNT_MISMATCH,
    REFUND_NOT_AVAILABLE,
    PaymentRequest,
    PaymentStatus,
    ProviderPayment,
    ProviderRefund,
    ProviderRefused,
    RefundStatus,
    RefundSummary,
)

LIFETIME = timedelta(minutes=90)  # as GOV.UK Pay's
UNFINISHED = ("created", "started", "submitted")
# what the demo page's three buttons do: (status, failure code)
CHOICES: dict[str, tuple[PaymentStatus, str | None]] = {
    "pay": (PaymentStatus.SUCCESS, None),
    "decline": (PaymentStatus.FAILED, DECLINED),
    "cancel": (PaymentStatus.FAILED, CANCELLED_BY_USER),
}
MESSAGES = {
    DECLINED: "Payment method rejected",
    EXPIRED: "Payment expired",
    CANCELLED_BY_USER: "Payment was cancelled by the user",
    CANCELLED_BY_SERVICE: "Payment was cancelled by the service",
}


class DemoPay:
    name = "demo"

    def __init__(self, engine: Engine, *, page_url: str, clock: Callable[[], datetime]) -> None:
        self._engine = engine
        self._page_url = page_url.rstrip("/")
        self._clock = clock

    def create(self, request: PaymentRequest) -> ProviderPayment:
        if not 1 <= request.amount_pence <= MAX_AMOUNT_PENCE:
            raise ProviderRefused("amount must be 1 to 10,000,000 pence", provider_code="P0102")
        record = store.DemoRecord(
            payment_id=secrets.token_hex(13),
            reference=request.reference,
            amount_pence=request.amount_pence,
            description=request.description[:255],
            return_url=request.return_url,
            language=request.language if request.language in ("en", "cy") else "en",
            status="created",
            code=None,
            created_at=self._clock(),
        )
        store.demo_create(self._engine, record)
        return self._payment(record)

    def status(self, payment_id: str) -> ProviderPayment:
        return self._payment(self._load(payment_id))

    def cancel(self, payment_id: str) -> None:
        self._load(payment_id)
        if not store.demo_finish(
            self._engine,
            payment_id,
            status="cancelled",
            code=CANCELLED_BY_SERVICE,
            unfinished=UNFINISHED,
        ):
            raise ProviderRefused("the payment has already finished", provider_code="P0501")

    def refund(
        self, payment_id: str, *, amount_pence: int, amount_available_pence: int
    ) -> ProviderRefund:
        summary = self._summary(self._load(payment_id))
        if summary.status != "available":
            raise ProviderRefused(
                f"the payment cannot be refunded ({summary.status})",
                provider_code=REFUND_NOT_AVAILABLE,
            )
        if amount_available_pence != summary.amount_available:
            raise ProviderRefused(
                "refund amount available mismatch", provider_code=REFUND_AMOUNT_MISMATCH
            )
        if not 1 <= amount_pence <= summary.amount_available:
            raise ProviderRefused("the amount is more than can be refunded", provider_code="P0602")
        refund_id = secrets.token_hex(13)
        store.demo_refund_create(
            self._engine,
            refund_id=refund_id,
            payment_id=payment_id,
            amount_pence=amount_pence,
            now=self._clock(),
        )
        return ProviderRefund(refund_id, amount_pence, RefundStatus.SUCCESS)

    def _summary(self, record: store.DemoRecord) -> RefundSummary:
        if record.status in UNFINISHED:
            return RefundSummary("pending", 0, 0)
        if record.status != PaymentStatus.SUCCESS.value:
            return RefundSummary("unavailable", 0, 0)
        refunded = store.demo_refunded(self._engine, record.payment_id)
        available = record.amount_pence - refunded
        return RefundSummary("available" if available > 0 else "full", available, refunded)

    # --- what the demo page does -------------------------------------------------

    def open(self, payment_id: str) -> store.DemoRecord:
        """The resident opened the page; returns the payment as it now is."""
        self._load(payment_id)
        store.demo_start(self._engine, payment_id)
        return self._load(payment_id)

    def choose(self, payment_id: str, choice: str) -> store.DemoRecord:
        """Pay, decline or cancel (only while unfinished); returns the payment."""
        status, code = CHOICES[choice]
        self._load(payment_id)
        store.demo_finish(
            self._engine, payment_id, status=status.value, code=code, unfinished=UNFINISHED
        )
        return self._load(payment_id)

    def _load(self, payment_id: str) -> store.DemoRecord:
        found = store.demo_get(self._engine, payment_id)
        if found is None:
            raise ProviderRefused("no such payment", provider_code="P0200")
        if found.status in UNFINISHED and self._clock() >= found.created_at + LIFETIME:
            store.demo_finish(
                self._engine, payment_id, status="failed", code=EXPIRED, unfinished=UNFINISHED
            )
            found = store.demo_get(self._engine, payment_id)
            assert found is not None
        return found

    def _payment(self, record: store.DemoRecord) -> ProviderPayment:
        status = PaymentStatus(record.status)
        return ProviderPayment(
            payment_id=record.payment_id,
            status=status,
            amount_pence=record.amount_pence,
            reference=record.reference,
            next_url=None if status.finished else f"{self._page_url}/{record.payment_id}",
            code=record.code,
            message=MESSAGES.get(record.code or ""),
            refund=self._summary(record),
        )
