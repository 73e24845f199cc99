"""GOV.UK Pay's states and answers, read by the adapter without a network
(httpx.MockTransport); the demo provider's states on an in-memory database."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine
from sqlalchemy.pool import StaticPool

from payments import models
from payments.demo import DemoPay
from payments.govukpay import GovUkPay
from payments.ports import (
    PaymentRequest,
    PaymentStatus,
    ProviderRefused,
    ProviderUnavailable,
)
from tests.integration.payments.conftest import NOW, MovingClock

REQUEST = PaymentRequest(2_800, "FD0001", "Bulky waste collection (1 item)", "https://c.test/r")


def _answer(status: str = "created", finished: bool = False, **extra: Any) -> dict[str, Any]:
    state: dict[str, Any] = {"status": status, "finished": finished}
    return {
        "payment_id": "abc123",
        "amount": 2_800,
        "reference": "FD0001",
        "state": state | extra,
        "_links": {"next_url": {"href": "https://pay.test/secure/x", "method": "GET"}},
    }


def _adapter(handler: Any, seen: list[httpx.Request] | None = None) -> GovUkPay:
    def record(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return handler(request)

    return GovUkPay(
        "api_test_key", base_url="https://pay.test", transport=httpx.MockTransport(record)
    )


def test_every_documented_state_and_whether_it_is_finished() -> None:
    finished = {s for s in PaymentStatus if s.finished}
    assert finished == {"success", "failed", "cancelled", "error"}
    for status in PaymentStatus:
        adapter = _adapter(lambda _, s=status: httpx.Response(200, json=_answer(s, s.finished)))
        assert adapter.status("abc123").status is status


def test_create_sends_pence_reference_description_return_url_and_the_bearer_key() -> None:
    seen: list[httpx.Request] = []
    adapter = _adapter(lambda _: httpx.Response(201, json=_answer()), seen)
    made = adapter.create(REQUEST)
    assert (made.payment_id, made.next_url) == ("abc123", "https://pay.test/secure/x")
    [request] = seen
    assert (request.method, request.url.path) == ("POST", "/v1/payments")
    assert request.headers["authorization"] == "Bearer api_test_key"
    assert json.loads(request.content) == {
        "amount": 2_800,
        "reference": "FD0001",
        "description": "Bulky waste collection (1 item)",
        "return_url": "https://c.test/r",
        "language": "en",
    }


def test_a_failed_payment_carries_its_code() -> None:
    answer = _answer("failed", True, code="P0010", message="Payment method rejected")
    answer["_links"] = {}
    failed = _adapter(lambda _: httpx.Response(200, json=answer)).status("abc123")
    assert (failed.status, failed.code, failed.next_url) == ("failed", "P0010", None)


@pytest.mark.parametrize(
    "body",
    [
        b"<html>oops</html>",
        b"[]",
        json.dumps({"payment_id": "abc123"}).encode(),
        json.dumps(_answer("paid")).encode(),  # not a documented state
        json.dumps(_answer("success", False)).encode(),  # finished contradicts the state
        json.dumps({**_answer(), "amount": "2800"}).encode(),
        json.dumps({**_answer(), "payment_id": ""}).encode(),
    ],
)
def test_garbage_is_unavailable_never_a_guess(body: bytes) -> None:
    adapter = _adapter(lambda _: httpx.Response(200, content=body))
    with pytest.raises(ProviderUnavailable):
        adapter.status("abc123")


def test_errors_4xx_are_refusals_with_pay_s_code_5xx_and_timeouts_unavailable() -> None:
    refusal = {"code": "P0102", "description": "Invalid attribute value: amount"}
    with pytest.raises(ProviderRefused) as refused:
        _adapter(lambda _: httpx.Response(422, json=refusal)).create(REQUEST)
    assert refused.value.provider_code == "P0102"
    with pytest.raises(ProviderUnavailable):
        _adapter(lambda _: httpx.Response(503, json=refusal)).create(REQUEST)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(ProviderUnavailable):
        _adapter(slow).create(REQUEST)


def test_only_the_status_read_is_retried() -> None:
    seen: list[httpx.Request] = []
    answers = [httpx.Response(502), httpx.Response(200, json=_answer("started"))]
    assert _adapter(lambda _: answers.pop(0), seen).status("abc123").status == "started"
    assert len(seen) == 2
    seen.clear()
    with pytest.raises(ProviderUnavailable):
        _adapter(lambda _: httpx.Response(502), seen).create(REQUEST)
    with pytest.raises(ProviderUnavailable):
        _adapter(lambda _: httpx.Response(502), seen).cancel("abc123")
    assert len(seen) == 2  # one create, one cancel: neither repeated


def test_a_payment_id_is_never_put_into_a_path_unchecked() -> None:
    with pytest.raises(ProviderRefused):
        _adapter(lambda _: httpx.Response(200, json=_answer())).status("../v1/refunds")


def test_the_demo_provider_keeps_gov_uk_pay_s_states() -> None:
    engine = create_engine("sqlite://", poolclass=StaticPool)
    models.metadata.create_all(engine)
    clock = MovingClock()
    demo = DemoPay(engine, page_url="https://c.test/pay/demo", clock=clock)
    made = demo.create(REQUEST)
    assert made.status is PaymentStatus.CREATED
    assert made.next_url == f"https://c.test/pay/demo/{made.payment_id}"
    assert demo.open(made.payment_id).status == "started"
    assert demo.choose(made.payment_id, "decline").status == "failed"
    assert demo.status(made.payment_id).code == "P0010"
    assert demo.choose(made.payment_id, "pay").status == "failed"  # finished stays finished
    with pytest.raises(ProviderRefused):
        demo.cancel(made.payment_id)
    cancelled = demo.create(REQUEST)
    demo.cancel(cancelled.payment_id)
    assert (demo.status(cancelled.payment_id).status, demo.status(cancelled.payment_id).code) == (
        "cancelled",
        "P0040",
    )
    late = demo.create(REQUEST)
    clock.advance(minutes=90)
    expired = demo.status(late.payment_id)
    assert (expired.status, expired.code, expired.next_url) == ("failed", "P0020", None)
    with pytest.raises(ProviderRefused):
        demo.create(PaymentRequest(0, "FD0002", "Nothing", "https://c.test/r"))
    with pytest.raises(ProviderRefused):
        demo.status("nosuchpayment")
    assert clock.now - NOW == timedelta(minutes=90)
