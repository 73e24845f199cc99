"""Paying another fee of the council's profile (``fees.other``), on SQLite and
PostgreSQL: through the GOV.UK Pay adapter against the local Pay server, and on
the website with the demo provider. The amount is always the profile's; only the
provider's answer marks a payment paid (a forged return books nothing); coming
back twice records once; bad input and unknown fees are clear 4xx answers."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from frontdoor.profile import load_profile
from payments import store
from payments.demo import DemoPay
from payments.journey import FeeOrder, Payments, UnknownFee
from payments.settings import PaymentsSettings, payments_from
from tests.integration.knowledge.conftest import client, settings  # noqa: F401
from tests.integration.payments.conftest import RETURN, Kit, MovingClock

HARROWGATE = load_profile(Path(__file__).parents[2] / "profiles" / "harrowgate.toml")
BIN = HARROWGATE.fees.fee("replacement_bin")
HTML = {"accept": "text/html"}
FORM = {"name": "Ann Jones", "email": "ann@example.com", "purpose": "1 High Street, bin stolen"}
ORDER = FeeOrder(code="replacement_bin", **FORM)


def test_a_fee_paid_through_govuk_pay_is_the_profiles_amount_and_recorded_once(kit: Kit) -> None:
    assert BIN is not None and BIN.amount_pence == 2_750
    kit.payments.fees = HARROWGATE.fees.other
    started = kit.payments.start_fee(ORDER, idempotency_key="fee:form-1")
    assert started.amount_pence == 2_750
    paid = kit.pay.payments[started.next_url.rsplit("/", 1)[1]]
    assert (paid["amount"], paid["email"]) == (2_750, "ann@example.com")
    assert paid["return_url"] == f"{RETURN}/{started.reference}"
    assert kit.payments.start_fee(ORDER, idempotency_key="fee:form-1") == started  # sent twice
    assert kit.payments.settle(started.reference).state == "processing"  # type: ignore[union-attr]
    back = kit.resident_chooses(started.next_url, "pay")
    assert back.headers["location"] == f"{RETURN}/{started.reference}"
    outcome = kit.payments.settle(started.reference)
    assert outcome is not None and outcome.state == "paid" and outcome.fee_code == "replacement_bin"
    kit.pay.fail_next(500, times=2)  # were Pay asked again, settling would say "unavailable"
    for _ in range(3):
        assert kit.payments.settle(started.reference) == outcome
    kit.pay.faults.clear()
    created = kit.pay.created
    resent = kit.payments.start_fee(ORDER, idempotency_key="fee:form-1")  # the form again
    assert resent.next_url == f"{RETURN}/{started.reference}" and kit.pay.created == created
    record = store.get(kit.engine, started.reference)  # type: ignore[arg-type]
    assert record is not None and record.status == "paid" and record.purpose == "fee"
    assert [p.reference for p in store.recent(kit.engine)] == [started.reference]  # type: ignore[arg-type]
    with pytest.raises(UnknownFee):
        kit.payments.start_fee(FeeOrder(code="garden_waste", **FORM), idempotency_key="fee:x")


@pytest.mark.parametrize(("choice", "state"), [("decline", "failed"), ("cancel", "cancelled")])
def test_a_declined_or_cancelled_fee_is_not_paid(kit: Kit, choice: str, state: str) -> None:
    kit.payments.fees = HARROWGATE.fees.other
    started = kit.payments.start_fee(ORDER, idempotency_key="fee:form-1")
    kit.resident_chooses(started.next_url, choice)
    outcome = kit.payments.settle(started.reference)
    assert outcome is not None and outcome.state == state
    again = kit.payments.start_fee(ORDER, idempotency_key="fee:form-1")  # a fresh payment
    assert again.reference != started.reference


# --- the website, with the demo provider -------------------------------------------------


@pytest.fixture
def payments(client, database):  # type: ignore[no-untyped-def]  # noqa: F811
    clock = MovingClock()
    demo = DemoPay(database.engine, page_url="http://testserver/pay/demo", clock=clock)
    service = Payments(
        database.engine,
        demo,
        None,  # type: ignore[arg-type]  # a fee needs no back office
        clock=clock,
        return_url="http://testserver/pay/return",
        fees=HARROWGATE.fees.other,
    )
    client.app.state.payments = service
    client.app.state.payments_settings = PaymentsSettings.load({})
    return service


def _start(client, **form: str):  # type: ignore[no-untyped-def]  # noqa: F811
    page = client.get("/pay/fees/replacement_bin", headers=HTML)
    token = page.text.split('name="token" value="')[1].split('"')[0]
    return client.post(
        "/pay/fees/replacement_bin",
        data={**FORM, "token": token, **form},
        follow_redirects=False,
    )


def test_pay_a_fee_on_the_website_for_the_profiles_amount(client, payments, database) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    listed = client.get("/pay/fees", headers=HTML)
    assert listed.status_code == 200 and "Replacement wheelie bin" in listed.text
    assert "£27.50" in listed.text and 'href="/pay/fees/replacement_bin"' in listed.text
    welsh = client.get("/pay/fees?lang=cy", headers=HTML)
    assert "Bin olwynion newydd" in welsh.text and "Talu ffi" in welsh.text
    sent = _start(client, amount="1", amount_pence="1")  # an amount in the form is ignored
    assert sent.status_code == 303 and sent.headers["location"].startswith(
        "http://testserver/pay/demo/"
    )
    demo = client.get(sent.headers["location"].removeprefix("http://testserver"), headers=HTML)
    assert "£27.50" in demo.text and "Replacement wheelie bin" in demo.text
    (record,) = store.recent(database.engine)
    assert record.amount_pence == 2_750 and record.order["purpose"] == FORM["purpose"]
    # a forged return before paying: nothing is paid, no reference given as a receipt
    forged = client.get(f"/pay/return/{record.reference}?status=success", headers=HTML)
    assert "Payment received" not in forged.text and "being processed" in forged.text
    back = client.post(sent.headers["location"].removeprefix("http://testserver"),
                       data={"choice": "pay"}, follow_redirects=False)  # fmt: skip
    assert back.headers["location"] == f"http://testserver/pay/return/{record.reference}"
    for _ in range(2):  # coming back twice records once
        done = client.get(f"/pay/return/{record.reference}", headers=HTML)
        assert done.status_code == 200 and "Payment received" in done.text
        assert html.unescape(done.text).count(f"Your payment reference is {record.reference}.") == 1
        assert "You paid £27.50 for Replacement wheelie bin." in done.text
    assert [(r.reference, r.status) for r in store.recent(database.engine)] == [
        (record.reference, "paid")
    ]


def test_a_declined_fee_says_so_in_welsh(client, payments, database) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    sent = _start(client, lang="cy")
    path = sent.headers["location"].removeprefix("http://testserver")
    back = client.post(path, data={"choice": "decline"}, follow_redirects=False)
    done = client.get(back.headers["location"].removeprefix("http://testserver"), headers=HTML)
    text = html.unescape(done.text)
    assert "Ni chymerwyd eich taliad" in text and "Ni chymerwyd unrhyw arian." in text
    assert "cyfeirnod talu" not in text.lower()
    assert store.recent(database.engine)[0].status == "failed"


def test_bad_input_and_unknown_fees_are_clear_answers(client, payments, database) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    bad = _start(client, name=" ", email="not-an-email", purpose="x" * 201)
    text = html.unescape(bad.text)
    assert bad.status_code == 422 and "There is a problem" in text
    assert 'href="#fee-name">Enter your full name' in text
    assert 'href="#fee-email">Enter an email address in the correct format' in text
    assert "must be 200 characters or fewer" in text
    assert store.recent(database.engine) == []
    for answer in (
        client.get("/pay/fees/council_tax", headers=HTML),
        client.post("/pay/fees/council_tax", data=FORM, follow_redirects=False),
        client.get("/pay/fees/" + "a" * 80, headers=HTML),
    ):
        assert answer.status_code == 404 and "We cannot find that fee." in answer.text
    assert store.recent(database.engine) == []


def test_the_fee_form_is_rate_limited(client, payments) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    client.app.state.payments_settings = PaymentsSettings.load({}, payments_limit_fees="2/minute")
    codes = [_start(client, email="bad").status_code for _ in range(3)]
    assert codes == [422, 422, 429]


def test_the_service_offers_the_profiles_payable_fees(database) -> None:  # type: ignore[no-untyped-def]
    from frontdoor.profile import Fee, Text

    free = Fee(code="free_advice", name=Text(en="Advice", cy="Cyngor"), amount_pence=0)
    council = HARROWGATE.model_copy(
        update={
            "fees": HARROWGATE.fees.model_copy(update={"other": (*HARROWGATE.fees.other, free)})
        }
    )
    service = payments_from(
        database.engine,
        None,
        MovingClock(),
        settings=PaymentsSettings.load({}),
        council=council,  # type: ignore[arg-type]
    )
    assert [fee.code for fee in service.fees] == ["replacement_bin"]  # nothing free to pay
    assert service.fee("free_advice") is None
    default = payments_from(
        database.engine, None, MovingClock(), settings=PaymentsSettings.load({})
    )  # type: ignore[arg-type]
    assert ("garden_waste", 4_500) in [(f.code, f.amount_pence) for f in default.fees]
