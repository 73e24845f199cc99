"""A local GOV.UK Pay server, for tests and for trying the adapter by hand.

It implements what the adapter uses of the GOV.UK Pay API: ``POST
/v1/payments`` (validates amount 1..10,000,000 pence, reference,
description and return_url; answers 201 with ``payment_id``, ``state``
``{status, finished}`` and ``_links.next_url``), ``GET /v1/payments/{id}``,
``POST /v1/payments/{id}/cancel`` (204; 409 ``P0501`` once finished),
``POST /v1/payments/{id}/refunds`` (202 with ``refund_id``, ``amount`` and
``status``; ``amount`` 1..what is available else 400 ``P0602``; 412 ``P0603``
when the payment cannot be refunded, 412 ``P0604`` when
``refund_amount_available`` is not what is available now) and ``GET
/v1/payments/{id}/refunds/{refund_id}``; a payment shows its
``refund_summary`` (pending until it succeeds, then available, then full). Every
call must carry ``Authorization: Bearer <the key>`` (401 ``P0920``-style
error otherwise). Errors are ``{"code", "description"}`` as GOV.UK Pay's are.

The hosted page (``next_url``: ``GET /pay/{id}``) moves the payment to
``started`` and offers pay, decline (P0010) and cancel (P0030); its form
posts back and the resident is redirected (303) to the return URL.
:meth:`LocalPay.expire` times a payment out (P0020). Faults can be scripted
(``fail_next``, ``garble_next``, ``hang_next``) to see how the adapter copes.
"""

from __future__ import annotations

import asyncio
import html
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Route

from frontdoor.localserver import ThreadedServer, free_port

UNFINISHED = ("created", "started", "submitted")
CHOICES = {
    "pay": ("success", None, None),
    "decline": ("failed", "P0010", "Payment method rejected"),
    "cancel": ("failed", "P0030", "Payment was cancelled by the user"),
}


def _error(status: int, code: str, description: str) -> JSONResponse:
    return JSONResponse({"code": code, "description": description}, status_code=status)


@dataclass
class _Fault:
    status: int = 0
    hang: float = 0.0
    garbage: bool = False


@dataclass
class LocalPay:
    api_key: str = field(default_factory=lambda: "api_test_" + secrets.token_hex(16))
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: list[_Fault] = field(default_factory=list)
    created: int = 0  # payments created (a retried create would show here)
    refunds: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by payment id
    refund_status: str = "success"  # what a new refund answers (submitted, success, error)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base_url: str = ""  # set by RunningServer: where next_url points

    # --- scripting -----------------------------------------------------------------

    def fail_next(self, status: int, times: int = 1) -> None:
        self.faults.extend(_Fault(status=status) for _ in range(times))

    def garble_next(self, times: int = 1) -> None:
        """The next API call is answered 200/201 with an HTML page, not JSON."""
        self.faults.extend(_Fault(garbage=True) for _ in range(times))

    def hang_next(self, seconds: float, times: int = 1) -> None:
        self.faults.extend(_Fault(hang=seconds) for _ in range(times))

    def expire(self, payment_id: str) -> None:
        self._finish(payment_id, "failed", "P0020", "Payment expired")

    def choose(self, payment_id: str, choice: str) -> None:
        """What the hosted page's buttons do, for tests that skip the browser."""
        self._finish(payment_id, *CHOICES[choice])

    def _finish(self, payment_id: str, status: str, code: str | None, message: str | None) -> bool:
        with self.lock:
            found = self.payments[payment_id]
            if found["state"]["status"] not in UNFINISHED:
                return False
            found["state"] = {"status": status, "finished": True}
            if code:
                found["state"].update(code=code, message=message)
            return True

    # --- the API -------------------------------------------------------------------

    def _auth(self, request: Request) -> JSONResponse | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme != "Bearer" or not secrets.compare_digest(token, self.api_key):
            return _error(401, "P0920", "Credentials are required to access this resource")
        return None

    async def _fault(self) -> Response | None:
        with self.lock:
            fault = self.faults.pop(0) if self.faults else None
        if fault is None:
            return None
        if fault.hang:
            await asyncio.sleep(fault.hang)
            return _error(500, "P0198", "Downstream system error")
        if fault.garbage:
            return PlainTextResponse("<html>Service unavailable</html>", status_code=200)
        return _error(fault.status, "P0198", "Downstream system error")

    def refunded(self, payment_id: str) -> int:
        """Pence refunded so far (refunds in error give nothing back)."""
        return sum(r["amount"] for r in self.refunds.get(payment_id, ()) if r["status"] != "error")

    def _refund_summary(self, payment: dict[str, Any]) -> dict[str, Any]:
        status = payment["state"]["status"]
        refunded = self.refunded(payment["payment_id"])
        available = payment["amount"] - refunded if status == "success" else 0
        if status in UNFINISHED:
            state = "pending"
        elif status != "success":
            state = "unavailable"
        else:
            state = "available" if available > 0 else "full"
        return {"status": state, "amount_available": available, "amount_submitted": refunded}

    def _view(self, payment: dict[str, Any]) -> dict[str, Any]:
        view = {k: v for k, v in payment.items() if k != "return_url_internal"}
        view["refund_summary"] = self._refund_summary(payment)
        links: dict[str, Any] = {
            "self": {
                "href": f"{self.base_url}/v1/payments/{payment['payment_id']}",
                "method": "GET",
            },
        }
        if payment["state"]["status"] in UNFINISHED:
            links["next_url"] = {
                "href": f"{self.base_url}/pay/{payment['payment_id']}",
                "method": "GET",
            }
            links["cancel"] = {
                "href": f"{self.base_url}/v1/payments/{payment['payment_id']}/cancel",
                "method": "POST",
            }
        view["_links"] = links
        return view

    async def _create(self, request: Request) -> Response:
        refused = self._auth(request)
        if refused is not None:
            return refused
        faulty = await self._fault()
        if faulty is not None:
            return faulty
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "P0197", "Unable to parse JSON")
        if not isinstance(body, dict):
            return _error(400, "P0197", "Unable to parse JSON")
        for name in ("amount", "reference", "description", "return_url"):
            if name not in body:
                return _error(400, "P0101", f"Missing mandatory attribute: {name}")
        amount = body["amount"]
        if isinstance(amount, bool) or not isinstance(amount, int) or not 0 < amount <= 10_000_000:
            return _error(422, "P0102", "Invalid attribute value: amount. Must be 1 to 10000000")
        for name, limit in (("reference", 255), ("description", 255), ("return_url", 2000)):
            value = body[name]
            if not isinstance(value, str) or not value or len(value) > limit:
                return _error(422, "P0102", f"Invalid attribute value: {name}")
        if not body["return_url"].startswith(("http://", "https://")):
            return _error(422, "P0102", "Invalid attribute value: return_url. Must be a valid URL")
        email = body.get("email")
        if email is not None and (not isinstance(email, str) or not 0 < len(email) <= 254):
            return _error(422, "P0102", "Invalid attribute value: email")
        payment_id = secrets.token_hex(13)
        payment = {
            "payment_id": payment_id,
            "amount": amount,
            "reference": body["reference"],
            "description": body["description"],
            "return_url": body["return_url"],
            "language": body.get("language", "en"),
            **({"email": email} if email else {}),
            "state": {"status": "created", "finished": False},
            "payment_provider": "sandbox",
            "created_date": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        }
        with self.lock:
            self.payments[payment_id] = payment
            self.created += 1
        return JSONResponse(self._view(payment), status_code=201)

    async def _get(self, request: Request) -> Response:
        refused = self._auth(request)
        if refused is not None:
            return refused
        faulty = await self._fault()
        if faulty is not None:
            return faulty
        found = self.payments.get(request.path_params["id"])
        if found is None:
            return _error(404, "P0200", "Not found")
        return JSONResponse(self._view(found))

    async def _cancel(self, request: Request) -> Response:
        refused = self._auth(request)
        if refused is not None:
            return refused
        faulty = await self._fault()
        if faulty is not None:
            return faulty
        payment_id = request.path_params["id"]
        if payment_id not in self.payments:
            return _error(404, "P0500", "Not found")
        cancelled = "Payment was cancelled by the service"
        if not self._finish(payment_id, "cancelled", "P0040", cancelled):
            return _error(409, "P0501", "Cancellation of payment failed")
        return Response(status_code=204)

    async def _refund(self, request: Request) -> Response:
        refused = self._auth(request)
        if refused is not None:
            return refused
        faulty = await self._fault()
        if faulty is not None:
            return faulty
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "P0697", "Unable to parse JSON")
        if not isinstance(body, dict) or "amount" not in body:
            return _error(400, "P0601", "Missing mandatory attribute: amount")
        amount, expected = body["amount"], body.get("refund_amount_available")
        if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
            return _error(400, "P0602", "Invalid attribute value: amount. Must be greater than 0")
        payment_id = request.path_params["id"]
        with self.lock:  # one refund at a time per server: what is available is read once
            found = self.payments.get(payment_id)
            if found is None:
                return _error(404, "P0600", "Not found")
            summary = self._refund_summary(found)
            if summary["status"] != "available":
                return _error(
                    412,
                    "P0603",
                    f"The payment is not available for refund. Payment refund status: "
                    f"{summary['status']}",
                )
            if expected is not None and expected != summary["amount_available"]:
                return _error(412, "P0604", "Refund amount available mismatch.")
            if amount > summary["amount_available"]:
                return _error(
                    400,
                    "P0602",
                    f"Invalid attribute value: amount. Must be less than or equal to "
                    f"{summary['amount_available']}",
                )
            refund = {
                "refund_id": secrets.token_hex(13),
                "amount": amount,
                "status": self.refund_status,
                "created_date": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            }
            self.refunds.setdefault(payment_id, []).append(refund)
        return JSONResponse(dict(refund), status_code=202)

    async def _get_refund(self, request: Request) -> Response:
        refused = self._auth(request)
        if refused is not None:
            return refused
        for refund in self.refunds.get(request.path_params["id"], ()):
            if refund["refund_id"] == request.path_params["refund_id"]:
                return JSONResponse(dict(refund))
        return _error(404, "P0700", "Not found")

    # --- the hosted payment page (next_url) ------------------------------------------

    async def _page(self, request: Request) -> Response:
        payment_id = request.path_params["id"]
        found = self.payments.get(payment_id)
        if found is None:
            return PlainTextResponse("Not found", status_code=404)
        if request.method == "POST":
            form = await request.form()
            choice = str(form.get("choice", ""))
            if choice in CHOICES:
                self._finish(payment_id, *CHOICES[choice])
            return RedirectResponse(found["return_url"], status_code=303)
        with self.lock:
            if found["state"]["status"] == "created":
                found["state"] = {"status": "started", "finished": False}
        buttons = "".join(
            f'<button name="choice" value="{c}">{c.title()}</button>' for c in CHOICES
        )
        page = (
            f"<!DOCTYPE html><html lang='en'><title>Local GOV.UK Pay</title>"
            f"<h1>Local GOV.UK Pay (test server)</h1>"
            f"<p>{html.escape(found['description'])}: {found['amount']}p</p>"
            f"<form method='post'>{buttons}</form></html>"
        )
        return HTMLResponse(page)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/payments", self._create, methods=["POST"]),
                Route("/v1/payments/{id:str}", self._get, methods=["GET"]),
                Route("/v1/payments/{id:str}/cancel", self._cancel, methods=["POST"]),
                Route("/v1/payments/{id:str}/refunds", self._refund, methods=["POST"]),
                Route(
                    "/v1/payments/{id:str}/refunds/{refund_id:str}",
                    self._get_refund,
                    methods=["GET"],
                ),
                Route("/pay/{id:str}", self._page, methods=["GET", "POST"]),
            ]
        )


class RunningServer(ThreadedServer):
    """The server on 127.0.0.1 and a free port, in a thread (a context manager)."""

    def __init__(self, pay: LocalPay) -> None:
        self.pay = pay
        port = free_port()
        pay.base_url = f"http://127.0.0.1:{port}"  # where next_url points, before the app is made
        super().__init__(pay.app(), name="the local GOV.UK Pay server", port=port)
