"""Refund a ``refund-due`` payment through the provider, once (issue #16).

A payment recorded ``refund-due`` (paid after its place was given back and the
day had filled) is refunded in full by a member of staff from the staff page
(:mod:`payments.staff`). The rules:

- **Once.** Asking the provider needs a claim on the payment's row in
  ``pay_refunds`` (:func:`payments.store.refund_claim`): a double click, or two
  people at once, get one refund; the others see it already asked for.
- **Look before asking again.** The payment's ``refund_summary`` is read first:
  when what was asked for is already submitted (an earlier attempt whose
  answer was lost), it is recorded as refunded and nothing is sent. The
  refund carries the amount available as seen, so the provider itself refuses
  a second one (P0604) if anything changed in between.
- **A refusal is kept with its code** (P0603 cannot be refunded, P0604 the
  amount changed, P0602 more than is available) for staff to read, and the
  refund may be asked for again; so may one the provider did not answer
  (``unknown``: the next attempt looks first).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine

from payments import store
from payments.ports import (
    REFUND_NOT_AVAILABLE,
    PaymentError,
    PaymentProvider,
    ProviderRefused,
    ProviderUnavailable,
)

logger = logging.getLogger("frontdoor.payments")


class NotRefundable(PaymentError):
    """No such payment, or it is not one recorded as refund-due."""

    code = "payment_not_refundable"


@dataclass(frozen=True)
class RefundOutcome:
    """``status``: submitted, success (money on its way back), error (the provider's
    refund failed), refused (``failure_code`` says why), unavailable (the provider
    could not be asked), unknown (no answer: look again), requesting (another
    request is asking right now). ``already``: nothing was sent by this call."""

    reference: str
    status: str
    amount_pence: int
    failure_code: str | None = None
    already: bool = False


class Refunds:
    def __init__(
        self, engine: Engine, provider: PaymentProvider, *, clock: Callable[[], datetime]
    ) -> None:
        self._engine = engine
        self._provider = provider
        self._clock = clock

    def refund(self, reference: str, *, by: str) -> RefundOutcome:
        """Refund payment ``reference`` in full; ``by`` is who asked (for the record)."""
        record = store.get(self._engine, reference)
        if record is None or record.status != store.REFUND_DUE or not record.provider_id:
            raise NotRefundable(f"payment {reference[:32]} is not waiting for a refund")
        if record.provider != self._provider.name:
            raise NotRefundable(f"payment {reference} was taken by {record.provider}")
        amount = record.amount_pence
        if not store.refund_claim(
            self._engine, reference, amount_pence=amount, by=by, now=self._clock()
        ):
            found = store.refund_get(self._engine, reference)
            status = found.status if found else store.REQUESTING
            code = found.failure_code if found else None
            return RefundOutcome(reference, status, amount, code, already=True)
        status, code, refund_id = self._ask(record.provider_id, amount)
        store.refund_finish(self._engine, reference, status=status, now=self._clock(),
                            provider_refund_id=refund_id, failure_code=code)  # fmt: skip
        logger.info("payment %s: refund %s (%s) by %s", reference, status, code or "-", by)
        return RefundOutcome(reference, status, amount, code)

    def _ask(self, payment_id: str, amount: int) -> tuple[str, str | None, str | None]:
        """(status, failure code, provider's refund id) of one attempt."""
        try:
            payment = self._provider.status(payment_id)
        except PaymentError as exc:
            logger.warning("payment %s: refund not asked, status unknown: %s", payment_id, exc)
            return "unavailable", None, None
        summary = payment.refund
        if summary is None:
            return "unavailable", None, None
        if summary.amount_submitted >= amount:  # an earlier attempt went through
            return "success", None, None
        if summary.status != "available":
            return "refused", REFUND_NOT_AVAILABLE, None
        try:
            made = self._provider.refund(
                payment_id, amount_pence=amount, amount_available_pence=summary.amount_available
            )
        except ProviderRefused as exc:
            return "refused", (exc.provider_code or "")[:10] or None, None
        except ProviderUnavailable as exc:  # it may or may not have gone through
            logger.warning("payment %s: refund unanswered: %s", payment_id, exc)
            return "unknown", None, None
        return made.status.value, None, made.refund_id[:64]


__all__ = ["NotRefundable", "RefundOutcome", "Refunds"]
