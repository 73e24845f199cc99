"""Pay for a bulky-waste collection: hold the place, pay, then book (issue #16).

1. :meth:`Payments.start_bulky` holds one place in the slot until
   ``hold_minutes`` from now, creates the payment with the provider and
   returns the page the resident pays on. If the provider fails, the place is
   given back at once and the resident is told plainly: nothing half-booked.
2. The resident comes back to ``/pay/return/{reference}``;
   :meth:`Payments.settle` asks the *provider* (never the query string) and:
   - success: books the held place in the back office and records the
     booking reference; only now is anything confirmed;
   - failed, cancelled or error: gives the place back;
   - still in progress: nothing changes (the page says so), unless the hold
     has expired: then the payment is cancelled at the provider and the place
     given back.
3. Settling is idempotent: a settled payment answers from its record and
   never calls the back office again; two returns racing each other book
   once (the back office books a hold once, and the record settles once).

A late success (the provider says success after the hold was given back,
e.g. the cancel lost a race with the resident's last click) follows one rule:
**rebook if the slot still has a place, otherwise record a refund** (status
``refund-due``: the page tells the resident the payment will be refunded and
staff see it in ``frontdoor payments list``). Staff refund it through the
provider from the staff pages (:mod:`payments.refunds`, :mod:`payments.staff`).

Any other fee of the council's profile (``fees.other``, e.g. garden waste) is paid
the same way without a hold: :meth:`Payments.start_fee` creates the payment for the
profile's amount, and settling marks it ``paid`` only when the provider says success.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.engine import Engine

from backoffice import bulky_rules
from backoffice.exceptions import BackOfficeError, HoldReleased, InvalidRequest, SlotFull
from backoffice.ports import BulkyHold, BulkyPriceList, BulkyWaste, Concession
from frontdoor.profile import Fee
from payments import store
from payments.chat import ChatMessages, confirm_booking
from payments.ports import (
    CANCELLED_BY_SERVICE,
    CANCELLED_BY_USER,
    EXPIRED,
    PaymentError,
    PaymentProvider,
    PaymentRequest,
    PaymentStatus,
    ProviderPayment,
    ProviderRefused,
    ProviderUnavailable,
)

logger = logging.getLogger("frontdoor.payments")

BULKY = "bulky-waste"
FEE = "fee"  # any other fee the council's profile lists (fees.other)
FEE_MINUTES = 90  # how long a fee payment may take: GOV.UK Pay's own limit


class PaymentUnavailable(PaymentError):
    """The payment could not be started; the place was given back."""

    code = "payment_unavailable"


@dataclass(frozen=True)
class BulkyOrder:
    uprn: str
    slot_id: str
    items: Mapping[str, int]
    resident_id: str | None = None
    conversation_id: str | None = None
    language: str = "en"


@dataclass(frozen=True)
class FeeOrder:
    """What a resident paying another fee tells us: who they are, an email address for
    the receipt and what the payment is for (their reference). Never the amount."""

    code: str
    name: str
    email: str
    purpose: str
    language: str = "en"


class UnknownFee(PaymentError):
    """The council's profile has no payable fee with that code."""

    code = "unknown_fee"


@dataclass(frozen=True)
class Started:
    reference: str
    next_url: str
    amount_pence: int
    collection_day: date
    expires_at: datetime


@dataclass(frozen=True)
class FeeStarted:
    reference: str
    next_url: str
    amount_pence: int


@dataclass(frozen=True)
class Outcome:
    """What the return page shows: ``state`` is one of booked, paid (a fee), failed,
    cancelled, expired, refund-due, error (settled) or processing,
    unavailable (not settled yet: come back)."""

    state: str
    reference: str
    amount_pence: int
    language: str
    booking_reference: str | None = None
    collection_day: date | None = None
    failure_code: str | None = None
    purpose: str = BULKY
    fee_code: str | None = None  # a fee's: the form to try again on
    description: str = ""


class Payments:
    def __init__(
        self,
        engine: Engine,
        provider: PaymentProvider,
        bulky: BulkyWaste,
        *,
        clock: Callable[[], datetime],
        return_url: str,
        hold_minutes: int = 30,
        chat: ChatMessages | None = None,
        bulky_prices: BulkyPriceList | None = None,
        fees: tuple[Fee, ...] = (),
    ) -> None:
        """``chat`` confirms a booking in the conversation it was paid from (None: only
        the return page says so); ``fees``: the profile's other fees (``fees.other``)."""
        self._engine = engine
        self.fees = tuple(fee for fee in fees if fee.amount_pence > 0)
        self._chat = chat
        # the council's fee table (its profile's): what a collection is charged
        self._tariff = bulky_prices
        self.provider = provider
        self._bulky = bulky
        self._clock = clock
        self._return_url = return_url.rstrip("/")
        self._hold = timedelta(minutes=hold_minutes)

    # --- start ---------------------------------------------------------------------

    def _charge_for(self, held: BulkyHold) -> int:
        """What the held items cost by the council's fee table (with the resident's
        concession at the table's rate); the hold's own price without a table."""
        if self._tariff is None:
            return held.price_pence
        concession = None
        if held.concession is not None:
            concession = Concession(held.concession.reason, self._tariff.concession_percent)
        items = {line.code: line.quantity for line in held.lines}
        item_types = self._bulky.item_types()
        return bulky_rules.quote(self._tariff, item_types, items, concession).price_pence

    def start_bulky(self, order: BulkyOrder, *, idempotency_key: str) -> Started:
        """Hold the place and create the payment. Raises SlotFull, InvalidRequest
        (back office), PaymentUnavailable (provider; the place is given back)."""
        existing = store.by_key(self._engine, idempotency_key)
        if existing is not None:
            live = existing.status == store.PENDING and existing.next_url
            if live and self._clock() < existing.expires_at:
                return _started(existing)  # pressed "pay" twice: the same payment
            if not existing.settled:
                self.settle(existing.reference)  # its hold ran out: cancel, give back
            # this key is spent: a fresh payment (and a fresh hold)
            idempotency_key = f"{idempotency_key}:{secrets.token_hex(4)}"
        now = self._clock()
        held = self._bulky.hold(
            uprn=order.uprn,
            slot_id=order.slot_id,
            items=dict(order.items),
            idempotency_key=f"pay:{idempotency_key}",
            now=now,
            expires_at=now + self._hold,
            resident_id=order.resident_id,
        )
        if self._charge_for(held) != held.price_pence:
            # never charge one price and book another: the back office must agree
            logger.error("hold %s: the back office's price is not the fee table's", held.hold_id)
            self._bulky.release_hold(held.hold_id)
            raise PaymentUnavailable("the back office's price differs from the fee table")
        if held.price_pence <= 0:
            self._bulky.release_hold(held.hold_id)
            raise InvalidRequest("a free collection is booked without a payment")
        reference = "FD" + secrets.token_hex(6).upper()
        record, _ = store.create(
            self._engine,
            store.PaymentRecord(
                reference=reference,
                idempotency_key=idempotency_key,
                purpose=BULKY,
                provider=self.provider.name,
                provider_id=None,
                amount_pence=held.price_pence,
                description=_description(held.lines, order.language),
                language=order.language,
                status=store.CREATING,
                provider_status=None,
                failure_code=None,
                next_url=None,
                hold_id=held.hold_id,
                booking_reference=None,
                collection_day=held.collection_day.isoformat(),
                order={
                    "uprn": held.uprn,
                    "slot_id": held.slot_id,
                    "items": {line.code: line.quantity for line in held.lines},
                    "resident_id": held.resident_id,
                    "conversation_id": order.conversation_id,
                },
                created_at=now,
                expires_at=held.expires_at,
                settled_at=None,
            ),
        )
        try:
            made = self.provider.create(
                PaymentRequest(
                    amount_pence=record.amount_pence,
                    reference=record.reference,
                    description=record.description,
                    return_url=f"{self._return_url}/{record.reference}",
                    language=record.language,
                )
            )
            if not made.next_url:
                raise ProviderUnavailable("the provider gave no page to pay on")
        except PaymentError as exc:
            logger.warning("payment %s not started: %s", record.reference, exc)
            self._bulky.release_hold(held.hold_id)
            store.settle(
                self._engine,
                record.reference,
                status="error",
                now=self._clock(),
                failure_code=getattr(exc, "provider_code", None),
            )
            raise PaymentUnavailable(str(exc)) from exc
        store.created(
            self._engine,
            record.reference,
            provider_id=made.payment_id,
            next_url=made.next_url,
            provider_status=made.status.value,
        )
        found = store.get(self._engine, record.reference)
        assert found is not None
        return _started(found)

    def fee(self, code: str) -> Fee | None:
        """The payable fee ``code`` of the council's profile (None: there is none)."""
        return next((fee for fee in self.fees if fee.code == code), None)

    def start_fee(self, order: FeeOrder, *, idempotency_key: str) -> FeeStarted:
        """Create the payment of one of the profile's other fees, for the profile's
        amount. Raises UnknownFee, PaymentUnavailable (the provider failed: nothing
        was taken)."""
        fee = self.fee(order.code)
        if fee is None:
            raise UnknownFee(f"no payable fee {order.code!r}")
        existing = store.by_key(self._engine, idempotency_key)
        if existing is not None:
            live = existing.status == store.PENDING and existing.next_url
            if live and self._clock() < existing.expires_at:
                return _fee_started(existing)  # the form sent twice: the same payment
            if existing.status == "paid":  # sent again after paying: the receipt, not twice
                receipt = f"{self._return_url}/{existing.reference}"
                return FeeStarted(existing.reference, receipt, existing.amount_pence)
            if not existing.settled:
                self.settle(existing.reference)
            idempotency_key = f"{idempotency_key}:{secrets.token_hex(4)}"
        now = self._clock()
        record, _ = store.create(
            self._engine,
            store.PaymentRecord(
                reference="FD" + secrets.token_hex(6).upper(),
                idempotency_key=idempotency_key,
                purpose=FEE,
                provider=self.provider.name,
                provider_id=None,
                amount_pence=fee.amount_pence,  # the profile's, never the form's
                description=fee.name.in_language(order.language)[:255],
                language=order.language,
                status=store.CREATING,
                provider_status=None,
                failure_code=None,
                next_url=None,
                hold_id=None,
                booking_reference=None,
                collection_day=None,
                order={
                    "fee": fee.code,
                    "name": order.name,
                    "email": order.email,
                    "purpose": order.purpose,
                },
                created_at=now,
                expires_at=now + timedelta(minutes=FEE_MINUTES),
                settled_at=None,
            ),
        )
        return self._create_at_provider(record, email=order.email)

    def _create_at_provider(self, record: store.PaymentRecord, *, email: str) -> FeeStarted:
        try:
            made = self.provider.create(
                PaymentRequest(
                    amount_pence=record.amount_pence,
                    reference=record.reference,
                    description=record.description,
                    return_url=f"{self._return_url}/{record.reference}",
                    language=record.language,
                    email=email,
                )
            )
            if not made.next_url:
                raise ProviderUnavailable("the provider gave no page to pay on")
        except PaymentError as exc:
            logger.warning("payment %s not started: %s", record.reference, exc)
            store.settle(
                self._engine,
                record.reference,
                status="error",
                now=self._clock(),
                failure_code=getattr(exc, "provider_code", None),
            )
            raise PaymentUnavailable(str(exc)) from exc
        store.created(
            self._engine,
            record.reference,
            provider_id=made.payment_id,
            next_url=made.next_url,
            provider_status=made.status.value,
        )
        found = store.get(self._engine, record.reference)
        assert found is not None
        return _fee_started(found)

    # --- come back -----------------------------------------------------------------

    def settle(self, reference: str) -> Outcome | None:
        """What became of payment ``reference`` (None: no such payment)."""
        record = store.get(self._engine, reference)
        if record is None:
            return None
        if record.settled:
            return _outcome(record)
        if record.provider_id is None:  # still being created (or died creating)
            if self._clock() >= record.expires_at:
                self._give_back(record)
                return self._settled(record, "expired", failure_code=EXPIRED)
            return _outcome(record, "processing")
        try:
            payment = self.provider.status(record.provider_id)
        except PaymentError as exc:
            logger.warning("payment %s: status unknown: %s", reference, exc)
            return _outcome(record, "unavailable")
        if not payment.finished and self._clock() >= record.expires_at:
            payment = self._cancel(record, payment)
        store.seen(self._engine, reference, provider_status=payment.status.value)
        if payment.status is PaymentStatus.SUCCESS:
            if payment.amount_pence != record.amount_pence:
                logger.error(
                    "payment %s: paid %s, expected %s",
                    reference,
                    payment.amount_pence,
                    record.amount_pence,
                )
            if record.purpose == FEE:
                return self._settled(record, "paid")
            return self._book(record, payment)
        if not payment.finished:
            return _outcome(record, "processing")
        self._give_back(record)
        state = {
            EXPIRED: "expired",
            CANCELLED_BY_USER: "cancelled",
            CANCELLED_BY_SERVICE: "expired" if self._clock() >= record.expires_at else "cancelled",
        }.get(payment.code or "", "error" if payment.status is PaymentStatus.ERROR else "failed")
        if payment.status is PaymentStatus.CANCELLED and state == "failed":
            state = "cancelled"
        return self._settled(record, state, failure_code=payment.code)

    def held_until(self, reference: str) -> datetime | None:
        found = store.get(self._engine, reference)
        return None if found is None else found.expires_at

    def sweep(self) -> int:
        """Settle every payment whose hold has expired (the place goes back unless
        it was paid for), then give back any other expired hold. Returns how
        many payments were settled."""
        count = 0
        for reference in store.overdue(self._engine, now=self._clock()):
            outcome = self.settle(reference)
            if outcome is not None and outcome.state not in ("processing", "unavailable"):
                count += 1
        self._bulky.release_expired_holds(now=self._clock())
        return count

    # --- steps -----------------------------------------------------------------------

    def _cancel(self, record: store.PaymentRecord, payment: ProviderPayment) -> ProviderPayment:
        """The hold ran out while the resident had not finished: stop the payment."""
        try:
            self.provider.cancel(payment.payment_id)
        except ProviderRefused:
            pass  # it finished meanwhile: what it finished as is read next
        except ProviderUnavailable as exc:
            logger.warning("payment %s: cancel failed: %s", record.reference, exc)
        try:
            return self.provider.status(payment.payment_id)
        except PaymentError:
            return payment

    def _book(self, record: store.PaymentRecord, payment: ProviderPayment) -> Outcome:
        payment_reference = f"{record.provider}:{payment.payment_id}"[:60]
        try:
            assert record.hold_id is not None
            booking = self._bulky.book_held(
                record.hold_id, payment_reference=payment_reference, now=self._clock()
            )
        except HoldReleased:
            # late success: rebook if the slot still has a place, else refund
            order = record.order
            try:
                booking = self._bulky.book(
                    uprn=order["uprn"],
                    slot_id=order["slot_id"],
                    items=order["items"],
                    idempotency_key=f"late:{record.reference}",
                    now=self._clock(),
                    resident_id=order.get("resident_id"),
                    payment_reference=payment_reference,
                )
            except (SlotFull, InvalidRequest) as exc:
                logger.warning(
                    "payment %s paid late, slot gone (%s): refund due", record.reference, exc
                )
                return self._settled(record, "refund-due")
        except BackOfficeError as exc:
            logger.error("payment %s paid but not booked yet: %s", record.reference, exc)
            return _outcome(record, "unavailable")
        return self._settled(
            record,
            "booked",
            booking_reference=booking.reference,
            collection_day=booking.collection_day.isoformat(),
        )

    def _give_back(self, record: store.PaymentRecord) -> None:
        if record.hold_id:
            self._bulky.release_hold(record.hold_id)

    def _settled(self, record: store.PaymentRecord, state: str, **values: object) -> Outcome:
        won = store.settle(
            self._engine, record.reference, status=state, now=self._clock(), **values
        )
        final = store.get(self._engine, record.reference)
        assert final is not None
        if won:  # only the request that settled it says so in the chat
            confirm_booking(self._chat, final)
        return _outcome(final)


def _description(lines: tuple[object, ...], language: str) -> str:
    count = sum(getattr(line, "quantity", 0) for line in lines)
    if language == "cy":
        return f"Casgliad gwastraff swmpus ({count} eitem)"
    return f"Bulky waste collection ({count} item{'s' if count != 1 else ''})"


def _started(record: store.PaymentRecord) -> Started:
    assert record.next_url and record.collection_day
    return Started(
        reference=record.reference,
        next_url=record.next_url,
        amount_pence=record.amount_pence,
        collection_day=date.fromisoformat(record.collection_day),
        expires_at=record.expires_at,
    )


def _fee_started(record: store.PaymentRecord) -> FeeStarted:
    assert record.next_url
    return FeeStarted(record.reference, record.next_url, record.amount_pence)


def _outcome(record: store.PaymentRecord, state: str | None = None) -> Outcome:
    day = date.fromisoformat(record.collection_day) if record.collection_day else None
    return Outcome(
        state=state or record.status,
        reference=record.reference,
        amount_pence=record.amount_pence,
        language=record.language,
        booking_reference=record.booking_reference,
        collection_day=day,
        failure_code=record.failure_code,
        purpose=record.purpose,
        fee_code=record.order.get("fee") if record.purpose == FEE else None,
        description=record.description,
    )


__all__ = [
    "BulkyOrder",
    "FeeOrder",
    "FeeStarted",
    "Outcome",
    "PaymentUnavailable",
    "Payments",
    "Started",
    "UnknownFee",
]
