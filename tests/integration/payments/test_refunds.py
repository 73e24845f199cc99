"""Refunds of refund-due payments, SQLite and PostgreSQL: through the GOV.UK Pay
adapter against the local GOV.UK Pay server, and through the demo provider; once
however many clicks; refusals kept with their code; and the staff page
(supervisors and admins, confirmation, audited, English and Welsh)."""

from __future__ import annotations

import html
import re

import pytest

from frontdoor import audit
from frontdoor.accounts import service as accounts
from frontdoor.accounts.roles import Role
from frontdoor.db import make_session_factory
from payments import store
from payments.demo import DemoPay
from payments.journey import Payments
from payments.ports import PaymentRequest, ProviderRefused
from payments.refunds import NotRefundable, Refunds
from payments.settings import PaymentsSettings
from tests.integration.knowledge.conftest import PASSWORD, client, settings  # noqa: F401
from tests.integration.payments.conftest import NOW, RETURN, Kit, MovingClock

AMOUNT = 2800


def refund_due(engine, provider, reference: str, *, paid: bool = True, choose=None) -> str:  # type: ignore[no-untyped-def]
    """A payment the journey recorded refund-due (paid after its day filled); returns
    the provider's payment id."""
    made = provider.create(
        PaymentRequest(amount_pence=AMOUNT, reference=reference,
                       description="Bulky waste collection (1 item)", return_url=RETURN)
    )  # fmt: skip
    if paid and choose is not None:
        choose(made.payment_id)
    store.create(
        engine,
        store.PaymentRecord(
            reference=reference, idempotency_key=f"key-{reference}", purpose="bulky-waste",
            provider=provider.name, provider_id=made.payment_id, amount_pence=AMOUNT,
            description="Bulky waste collection (1 item)", language="en", status="refund-due",
            provider_status="success", failure_code=None, next_url=None, hold_id=None,
            booking_reference=None, collection_day="2026-04-22", order={}, created_at=NOW,
            expires_at=NOW, settled_at=NOW,
        ),
    )  # fmt: skip
    return made.payment_id


def test_govuk_pay_refunds_a_refund_due_payment_once_however_many_clicks(kit: Kit) -> None:
    provider = kit.payments.provider
    payment_id = refund_due(kit.engine, provider, "FDR1", choose=lambda i: kit.pay.choose(i, "pay"))
    refunds = Refunds(kit.engine, provider, clock=kit.clock)  # type: ignore[arg-type]
    first = refunds.refund("FDR1", by="sam@example.gov.uk")
    assert (first.status, first.already, first.amount_pence) == ("success", False, AMOUNT)
    for _ in range(2):  # a double click, a reload
        again = refunds.refund("FDR1", by="sam@example.gov.uk")
        assert (again.status, again.already) == ("success", True)
    assert [r["amount"] for r in kit.pay.refunds[payment_id]] == [AMOUNT]  # refunded once
    record = store.refund_get(kit.engine, "FDR1")
    assert (
        record is not None
        and record.provider_refund_id == kit.pay.refunds[payment_id][0]["refund_id"]
    )
    assert provider.status(payment_id).refund.status == "full"  # type: ignore[union-attr]
    with pytest.raises(NotRefundable):  # a payment that was booked is never refunded here
        refunds.refund("NOSUCH", by="sam@example.gov.uk")


def test_govuk_pay_refusals_are_kept_with_their_code_and_can_be_tried_again(kit: Kit) -> None:
    provider = kit.payments.provider
    refunds = Refunds(kit.engine, provider, clock=kit.clock)  # type: ignore[arg-type]
    # the provider says the payment cannot be refunded (still in progress there): P0603
    payment_id = refund_due(kit.engine, provider, "FDR2", paid=False)
    refused = refunds.refund("FDR2", by="sam@example.gov.uk")
    assert (refused.status, refused.failure_code) == ("refused", "P0603")
    assert payment_id not in kit.pay.refunds
    kit.pay.choose(payment_id, "pay")  # it settles at the provider: trying again refunds it
    assert refunds.refund("FDR2", by="ann@example.gov.uk").status == "success"
    assert kit.pay.refunded(payment_id) == AMOUNT
    # the adapter against the server: the amount available changed since it was read
    # (P0604), and more than is available (P0602); nothing refunded by either
    other = refund_due(kit.engine, provider, "FDR3", choose=lambda i: kit.pay.choose(i, "pay"))
    with pytest.raises(ProviderRefused) as mismatch:
        provider.refund(other, amount_pence=100, amount_available_pence=AMOUNT - 1)
    assert mismatch.value.provider_code == "P0604"
    with pytest.raises(ProviderRefused) as too_much:
        provider.refund(other, amount_pence=AMOUNT + 1, amount_available_pence=AMOUNT)
    assert too_much.value.provider_code == "P0602"
    assert kit.pay.refunded(other) == 0
    # the provider's own refund fails (status error): kept, and trying again refunds once
    kit.pay.refund_status = "error"
    failed = refunds.refund("FDR3", by="sam@example.gov.uk")
    kit.pay.refund_status = "success"
    assert failed.status == "error" and kit.pay.refunded(other) == 0
    assert refunds.refund("FDR3", by="sam@example.gov.uk").status == "success"
    assert kit.pay.refunded(other) == AMOUNT


def test_a_refund_whose_answer_was_lost_is_looked_up_before_anything_is_sent_again(
    kit: Kit,
) -> None:
    provider = kit.payments.provider
    payment_id = refund_due(kit.engine, provider, "FDR4", choose=lambda i: kit.pay.choose(i, "pay"))
    # the first attempt reached the provider but its answer never came back
    assert store.refund_claim(kit.engine, "FDR4", amount_pence=AMOUNT, by="a", now=NOW)
    provider.refund(payment_id, amount_pence=AMOUNT, amount_available_pence=AMOUNT)
    store.refund_finish(kit.engine, "FDR4", status="unknown", now=NOW)
    again = Refunds(kit.engine, provider, clock=kit.clock).refund("FDR4", by="b")  # type: ignore[arg-type]
    assert (again.status, again.already) == ("success", False)
    assert len(kit.pay.refunds[payment_id]) == 1  # found submitted: nothing sent twice


def test_the_demo_provider_refunds_the_same_way(database) -> None:  # type: ignore[no-untyped-def]
    clock = MovingClock()
    demo = DemoPay(database.engine, page_url="http://testserver/pay/demo", clock=clock)
    payment_id = refund_due(database.engine, demo, "FDD1", choose=lambda i: demo.choose(i, "pay"))
    refunds = Refunds(database.engine, demo, clock=clock)
    assert refunds.refund("FDD1", by="sam@example.gov.uk").status == "success"
    assert refunds.refund("FDD1", by="sam@example.gov.uk").already is True
    assert store.demo_refunded(database.engine, payment_id) == AMOUNT
    summary = demo.status(payment_id).refund
    assert summary is not None and (summary.status, summary.amount_submitted) == ("full", AMOUNT)
    with pytest.raises(ProviderRefused) as again:
        demo.refund(payment_id, amount_pence=1, amount_available_pence=0)
    assert again.value.provider_code == "P0603"


def _sign_in(browser, email: str) -> None:  # type: ignore[no-untyped-def]
    browser.cookies.clear()
    form = {"email": email, "password": PASSWORD, "next": "/editor"}
    signed = browser.post("/editor/login", data=form, follow_redirects=False)
    assert signed.status_code == 303, signed.text


def test_the_staff_page_refunds_after_a_confirmation_once_audited_in_english_and_welsh(
    client,  # noqa: F811
    database,
) -> None:  # type: ignore[no-untyped-def]
    clock = MovingClock()
    demo = DemoPay(database.engine, page_url="http://testserver/pay/demo", clock=clock)
    client.app.state.payments = Payments(database.engine, demo, None, clock=clock,  # type: ignore[arg-type]
                                         return_url="http://testserver/pay/return")  # fmt: skip
    client.app.state.payments_settings = PaymentsSettings.load({})
    client.app.state.clock = clock
    payment_id = refund_due(database.engine, demo, "FDS1", choose=lambda i: demo.choose(i, "pay"))
    with make_session_factory(database.engine).begin() as session:
        for email, role in (("sup@example.gov.uk", Role.SUPERVISOR),
                            ("adv@example.gov.uk", Role.ADVISOR)):  # fmt: skip
            accounts.create_user(session, email=email, display_name=email[:3], password=PASSWORD,
                                 roles=[role])  # fmt: skip

    _sign_in(client, "adv@example.gov.uk")  # an advisor may not
    assert client.get("/editor/payments/refunds").status_code == 403
    _sign_in(client, "sup@example.gov.uk")
    listed = client.get("/editor/payments/refunds", headers={"accept": "text/html"})
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', listed.text).group(1)  # type: ignore[union-attr]
    assert listed.status_code == 200 and "FDS1" in listed.text and "£28.00" in listed.text
    assert (
        "Not refunded yet" in listed.text and 'href="/editor/payments/refunds/FDS1"' in listed.text
    )
    confirm = client.get("/editor/payments/refunds/FDS1")
    assert "Refund this payment?" in confirm.text and "Yes, refund £28.00" in confirm.text
    assert (
        store.demo_refunded(database.engine, payment_id) == 0
    )  # the confirmation page sends nothing
    assert client.post("/editor/payments/refunds/FDS1").status_code == 403  # no CSRF token
    done = client.post("/editor/payments/refunds/FDS1", data={"csrf_token": csrf})
    assert done.status_code == 200 and "Payment FDS1 is refunded: £28.00." in done.text
    twice = client.post("/editor/payments/refunds/FDS1", data={"csrf_token": csrf})
    assert "was already asked for: nothing more was sent" in twice.text
    assert store.demo_refunded(database.engine, payment_id) == AMOUNT
    with make_session_factory(database.engine)() as session:
        entries = audit.list_entries(session, action="payment_refund")
    assert [(e.actor, e.subject, e.detail["status"]) for e in entries] == [
        ("sup@example.gov.uk", "payment:FDS1", "success")
    ]
    welsh = client.get("/editor/payments/refunds?lang=cy", headers={"accept": "text/html"})
    text = html.unescape(welsh.text)
    assert "Ad-daliadau sy'n ddyledus" in text and "Wedi'i ad-dalu" in text
    assert (
        client.get("/editor/payments/refunds/NOPE", headers={"accept": "text/html"}).status_code
        == 404
    )
    assert client.get("/editor/payments/refunds/bad%20ref").status_code == 422
