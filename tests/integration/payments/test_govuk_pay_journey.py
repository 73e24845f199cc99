"""A bulky-waste collection paid through the GOV.UK Pay adapter, against the
local GOV.UK Pay server, on SQLite and PostgreSQL: success, declined,
cancelled, expired (by GOV.UK Pay and by our hold), a late success, Pay
timing out, answering garbage or 5xx, a wrong key, and the return page
reloaded or hit twice at once. Nothing is booked unless Pay said success;
a place is never lost nor counted twice."""

from __future__ import annotations

import threading

import pytest

from backoffice.exceptions import SlotFull
from backoffice.ports import BookingStatus, HoldStatus
from payments import store
from payments.journey import PaymentUnavailable
from tests.contract import backoffice_scenario as s
from tests.integration.payments.conftest import ORDER, RETURN, Kit

BEFORE = 2  # places already booked on SLOT_LAST_PLACE (capacity 3)


def _bookings(kit: Kit) -> list[str]:
    return [b.reference for b in kit.backoffice.bulky.bookings_for_property(s.HOME)]


def test_a_successful_payment_books_once_however_often_the_resident_returns(kit: Kit) -> None:
    before, created = _bookings(kit), kit.pay.created
    started = kit.payments.start_bulky(ORDER, idempotency_key="conv-1")
    assert started.amount_pence == 2_800 and started.next_url.startswith(kit.pay.base_url)
    assert kit.places_booked() == -1  # the last place is held: nobody else can take it
    paid = kit.pay.payments[started.next_url.rsplit("/", 1)[1]]
    assert paid["return_url"] == f"{RETURN}/{started.reference}"
    assert paid["reference"] == started.reference and paid["amount"] == 2_800
    # pressing "pay" twice: the same payment, one place
    assert kit.payments.start_bulky(ORDER, idempotency_key="conv-1") == started
    assert kit.pay.created == created + 1
    # before paying, coming back books nothing
    assert kit.payments.settle(started.reference).state == "processing"  # type: ignore[union-attr]
    assert _bookings(kit) == before
    back = kit.resident_chooses(started.next_url, "pay")
    assert back.headers["location"] == f"{RETURN}/{started.reference}"
    outcome = kit.payments.settle(started.reference)
    assert outcome is not None and outcome.state == "booked"
    booking = kit.backoffice.bulky.get_booking(outcome.booking_reference or "")
    assert booking.status is BookingStatus.CONFIRMED and booking.price_pence == 2_800
    assert booking.payment_reference and booking.payment_reference.startswith("govuk-pay:")
    # reloading the return page: the same answer, no second booking, Pay not asked again
    kit.pay.fail_next(500, times=2)  # were Pay asked, settling would say "unavailable"
    for _ in range(3):
        assert kit.payments.settle(started.reference) == outcome
    assert len(kit.pay.faults) == 2
    kit.pay.faults.clear()
    assert _bookings(kit).count(booking.reference) == 1 and len(_bookings(kit)) == len(before) + 1
    assert kit.places_booked() == -1  # still exactly capacity: the hold became the booking


@pytest.mark.parametrize(
    ("choice", "state", "code"),
    [("decline", "failed", "P0010"), ("cancel", "cancelled", "P0030")],
)
def test_a_declined_or_cancelled_payment_releases_the_place(
    kit: Kit, choice: str, state: str, code: str
) -> None:
    before = _bookings(kit)
    started = kit.payments.start_bulky(ORDER, idempotency_key=f"conv-{choice}")
    kit.resident_chooses(started.next_url, choice)
    outcome = kit.payments.settle(started.reference)
    assert outcome is not None and (outcome.state, outcome.failure_code) == (state, code)
    assert outcome.booking_reference is None and _bookings(kit) == before
    assert kit.places_booked() == BEFORE  # the place is free again
    # the same conversation can try again: a fresh payment, not the spent one
    again = kit.payments.start_bulky(ORDER, idempotency_key=f"conv-{choice}")
    assert again.reference != started.reference


def test_a_payment_expired_by_govuk_pay_releases_the_place(kit: Kit) -> None:
    started = kit.payments.start_bulky(ORDER, idempotency_key="conv-1")
    kit.pay.expire(started.next_url.rsplit("/", 1)[1])
    outcome = kit.payments.settle(started.reference)
    assert outcome is not None and (outcome.state, outcome.failure_code) == ("expired", "P0020")
    assert kit.places_booked() == BEFORE


def test_when_the_hold_runs_out_the_payment_is_cancelled_and_the_place_released(kit: Kit) -> None:
    started = kit.payments.start_bulky(ORDER, idempotency_key="conv-1")
    payment_id = started.next_url.rsplit("/", 1)[1]
    kit.browser.get(started.next_url)  # the resident opened the page, then walked away
    kit.clock.advance(minutes=29)
    assert kit.payments.sweep() == 0 and kit.places_booked() == -1
    kit.clock.advance(minutes=1)
    assert kit.payments.sweep() == 1
    assert kit.pay.payments[payment_id]["state"]["status"] == "cancelled"  # at Pay too
    assert kit.payments.settle(started.reference).state == "expired"  # type: ignore[union-attr]
    assert kit.places_booked() == BEFORE
    # the resident comes back to the page later: GOV.UK Pay no longer takes it
    assert kit.browser.post(started.next_url, data={"choice": "pay"}).status_code == 303
    assert kit.pay.payments[payment_id]["state"]["status"] == "cancelled"


def test_pressing_pay_again_after_the_hold_ran_out_starts_afresh(kit: Kit) -> None:
    stale = kit.payments.start_bulky(ORDER, idempotency_key="conv-1")
    kit.clock.advance(minutes=31)
    fresh = kit.payments.start_bulky(ORDER, idempotency_key="conv-1")
    assert fresh.reference != stale.reference and fresh.next_url != stale.next_url
    assert kit.payments.settle(stale.reference).state == "expired"  # type: ignore[union-attr]
    stale_id = stale.next_url.rsplit("/", 1)[1]
    assert kit.pay.payments[stale_id]["state"]["status"] == "cancelled"  # cancelled at Pay
    assert kit.places_booked() == -1  # one place held: the fresh payment's


def test_a_late_success_rebooks_if_the_day_has_room_else_a_refund_is_due(kit: Kit) -> None:
    # the back office's own sweep gave the place back while the resident was paying
    first = kit.payments.start_bulky(ORDER, idempotency_key="late-1")
    kit.clock.advance(minutes=31)
    kit.backoffice.bulky.release_expired_holds(now=kit.clock())
    kit.pay.choose(first.next_url.rsplit("/", 1)[1], "pay")
    rebooked = kit.payments.settle(first.reference)
    assert rebooked is not None and rebooked.state == "booked"  # the day still had room
    assert kit.places_booked() == -1
    # the same again on a day that filled up meanwhile: the payment is to be refunded
    order = ORDER.__class__(uprn=s.HOME, slot_id=s.SLOT_OPEN, items={"sofa": 1})
    second = kit.payments.start_bulky(order, idempotency_key="late-2")
    kit.clock.advance(minutes=31)
    kit.backoffice.bulky.release_expired_holds(now=kit.clock())
    for n in range(4):  # others take every place left
        kit.backoffice.bulky.book(
            uprn=s.HOME,
            slot_id=s.SLOT_OPEN,
            items={"sofa": 1},
            idempotency_key=f"other-{n}",
            now=kit.clock(),
            payment_reference="P",
        )
    with pytest.raises(SlotFull):
        kit.backoffice.bulky.book(
            uprn=s.HOME,
            slot_id=s.SLOT_OPEN,
            items={"sofa": 1},
            idempotency_key="other-x",
            now=kit.clock(),
            payment_reference="P",
        )
    kit.pay.choose(second.next_url.rsplit("/", 1)[1], "pay")
    refund = kit.payments.settle(second.reference)
    assert refund is not None and (refund.state, refund.booking_reference) == ("refund-due", None)
    assert [r.status for r in store.recent(kit.engine)][:2] == ["refund-due", "booked"]  # type: ignore[arg-type]


@pytest.mark.parametrize("fault", ["timeout", "garbage", "5xx", "wrong key"])
def test_pay_failing_to_create_holds_nothing_and_says_so(kit: Kit, fault: str) -> None:
    created = kit.pay.created
    if fault == "timeout":
        kit.pay.hang_next(1.5)  # longer than the adapter's 0.5 s timeout
    elif fault == "garbage":
        kit.pay.garble_next()
    elif fault == "5xx":
        kit.pay.fail_next(503)
    else:
        kit.pay.api_key, key = "api_test_someone_else", kit.pay.api_key
    try:
        with pytest.raises(PaymentUnavailable):
            kit.payments.start_bulky(ORDER, idempotency_key="conv-1")
    finally:
        if fault == "wrong key":
            kit.pay.api_key = key
    assert kit.pay.created == created  # never retried into a second payment
    assert kit.places_booked() == BEFORE  # the place was given back at once
    [record] = store.recent(kit.engine)  # type: ignore[arg-type]
    assert record.status == "error"
    holds = kit.backoffice.bulky.get_hold(record.hold_id or "")
    assert holds.status is HoldStatus.RELEASED


def test_pay_failing_while_the_resident_returns_changes_nothing_until_it_answers(kit: Kit) -> None:
    started = kit.payments.start_bulky(ORDER, idempotency_key="conv-1")
    kit.resident_chooses(started.next_url, "pay")
    kit.pay.garble_next(2)  # the status read is retried once: both answers garbage
    assert kit.payments.settle(started.reference).state == "unavailable"  # type: ignore[union-attr]
    kit.pay.hang_next(1.5, times=2)
    assert kit.payments.settle(started.reference).state == "unavailable"  # type: ignore[union-attr]
    assert kit.places_booked() == -1  # still held: the resident did pay
    kit.pay.fail_next(502)  # one 5xx: the idempotent read is retried and succeeds
    assert kit.payments.settle(started.reference).state == "booked"  # type: ignore[union-attr]


def test_two_returns_at_once_book_once(kit: Kit) -> None:
    started = kit.payments.start_bulky(ORDER, idempotency_key="conv-1")
    kit.resident_chooses(started.next_url, "pay")
    barrier, results = threading.Barrier(3), []

    def come_back() -> None:
        barrier.wait()
        results.append(kit.payments.settle(started.reference))

    threads = [threading.Thread(target=come_back) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    references = {r.booking_reference for r in results if r is not None}
    assert len(results) == 3 and len(references) == 1 and None not in references
    assert _bookings(kit).count(references.pop()) == 1  # type: ignore[arg-type]
