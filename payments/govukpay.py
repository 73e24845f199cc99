"""The GOV.UK Pay adapter (``https://publicapi.payments.service.gov.uk``).

``POST /v1/payments`` creates a payment (201: ``payment_id``, ``state``,
``_links.next_url``), ``GET /v1/payments/{id}`` reads it, ``POST
/v1/payments/{id}/cancel`` cancels one that has not finished (204), ``POST
/v1/payments/{id}/refunds`` refunds a successful one (202). The API
key goes in ``Authorization: Bearer``; errors are JSON ``{"code", "description"}``.

Timeouts on every call. Only the status read is retried (it is idempotent);
creating, cancelling and refunding are not, because a retried create could
make a second payment and a retried refund could refund twice. Timeouts,
refused connections, 5xx and answers that are not what the API documents
become ``ProviderUnavailable``; 4xx ``ProviderRefused``.
"""

from __future__ import annotations

from typing import Any

import httpx

from payments.ports import (
    PaymentRequest,
    PaymentStatus,
    ProviderPayment,
    ProviderRefund,
    ProviderRefused,
    ProviderUnavailable,
    RefundStatus,
    RefundSummary,
)

GOVUK_PAY_API = "https://publicapi.payments.service.gov.uk"


class GovUkPay:
    name = "govuk-pay"

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = GOVUK_PAY_API,
        timeout: float = 10.0,
        read_attempts: int = 2,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not api_key.strip():
            raise ValueError("a GOV.UK Pay API key is required")
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=httpx.Timeout(timeout),
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
            transport=transport,
        )
        self._read_attempts = max(1, read_attempts)

    def close(self) -> None:
        self._client.close()

    def create(self, request: PaymentRequest) -> ProviderPayment:
        body = {
            "amount": request.amount_pence,
            "reference": request.reference,
            "description": request.description,
            "return_url": request.return_url,
            "language": request.language if request.language in ("en", "cy") else "en",
        }
        if request.email:  # GOV.UK Pay prefills it and sends its receipt there
            body["email"] = request.email[:254]
        answer = self._call("POST", "/v1/payments", json=body, expect=(201,))
        return _payment(answer)

    def status(self, payment_id: str) -> ProviderPayment:
        last: ProviderUnavailable | None = None
        for _ in range(self._read_attempts):
            try:
                return _payment(self._call("GET", f"/v1/payments/{_id(payment_id)}"))
            except ProviderUnavailable as exc:
                last = exc
        assert last is not None
        raise last

    def cancel(self, payment_id: str) -> None:
        self._call("POST", f"/v1/payments/{_id(payment_id)}/cancel", expect=(204,), body=False)

    def refund(
        self, payment_id: str, *, amount_pence: int, amount_available_pence: int
    ) -> ProviderRefund:
        body = {"amount": amount_pence, "refund_amount_available": amount_available_pence}
        answer = self._call(
            "POST", f"/v1/payments/{_id(payment_id)}/refunds", json=body, expect=(200, 202)
        )
        try:
            refund_id, amount = answer["refund_id"], answer["amount"]
            status = RefundStatus(answer["status"])
            if not isinstance(refund_id, str) or not refund_id:
                raise TypeError("refund_id")
            if isinstance(amount, bool) or not isinstance(amount, int):
                raise TypeError("amount")
        except (KeyError, TypeError, ValueError) as exc:
            raise ProviderUnavailable(f"GOV.UK Pay answered garbage to a refund ({exc})") from exc
        return ProviderRefund(refund_id=refund_id, amount_pence=amount, status=status)

    def _call(
        self,
        method: str,
        path: str,
        *,
        json: dict[str, Any] | None = None,
        expect: tuple[int, ...] = (200,),
        body: bool = True,
    ) -> Any:
        try:
            response = self._client.request(method, path, json=json)
        except httpx.TimeoutException as exc:
            message = f"GOV.UK Pay did not answer in time ({method} {path})"
            raise ProviderUnavailable(message) from exc
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"GOV.UK Pay could not be reached: {exc}") from exc
        status = response.status_code
        if status >= 500 or status == 429:
            raise ProviderUnavailable(f"GOV.UK Pay answered {status} to {method} {path}")
        if 400 <= status < 500:
            code, description = _error(response)
            raise ProviderRefused(
                f"GOV.UK Pay refused {method} {path}: {status} {code or ''} {description}".strip(),
                provider_code=code,
            )
        if status not in expect:
            raise ProviderUnavailable(f"GOV.UK Pay answered {status} to {method} {path}")
        if not body:
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise ProviderUnavailable(f"GOV.UK Pay answered garbage to {method} {path}") from exc


def _id(payment_id: str) -> str:
    if not payment_id or not payment_id.isalnum() or len(payment_id) > 64:
        raise ProviderRefused(f"{payment_id!r} is not a GOV.UK Pay payment id")
    return payment_id


def _error(response: httpx.Response) -> tuple[str | None, str]:
    try:
        found = response.json()
    except ValueError:
        return None, response.text[:200]
    if not isinstance(found, dict):
        return None, ""
    code = found.get("code")
    return (code if isinstance(code, str) else None), str(found.get("description") or "")[:300]


def _payment(answer: Any) -> ProviderPayment:
    """A payment as the API documents it, or ProviderUnavailable (garbage)."""
    try:
        state = answer["state"]
        status = PaymentStatus(state["status"])
        payment_id, amount = answer["payment_id"], answer["amount"]
        if not isinstance(payment_id, str) or not payment_id:
            raise TypeError("payment_id")
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise TypeError("amount")
        if not isinstance(state.get("finished"), bool) or state["finished"] != status.finished:
            raise TypeError("state.finished")
        next_url = ((answer.get("_links") or {}).get("next_url") or {}).get("href")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ProviderUnavailable(f"GOV.UK Pay answered garbage ({exc})") from exc
    return ProviderPayment(
        payment_id=payment_id,
        status=status,
        amount_pence=amount,
        reference=str(answer.get("reference") or ""),
        next_url=next_url if isinstance(next_url, str) else None,
        code=state.get("code") if isinstance(state.get("code"), str) else None,
        message=state.get("message") if isinstance(state.get("message"), str) else None,
        refund=_refund_summary(answer.get("refund_summary")),
    )


def _refund_summary(found: Any) -> RefundSummary | None:
    """``refund_summary`` when it is what the API documents; None otherwise (unknown)."""
    if not isinstance(found, dict):
        return None
    status = found.get("status")
    available, submitted = found.get("amount_available"), found.get("amount_submitted", 0)
    if not isinstance(status, str) or not isinstance(available, int):
        return None
    if not isinstance(submitted, int) or isinstance(available, bool) or isinstance(submitted, bool):
        return None
    return RefundSummary(status=status, amount_available=available, amount_submitted=submitted)
