"""A local GOV.UK Notify server, for tests and the benchmark.

It implements what the adapter uses of the Notify API v2 - POST
/v2/notifications/email and /v2/notifications/sms, GET /v2/notifications/{id}
and GET /v2/notifications?reference= - and checks the API-key JWT the way
Notify does: HS256 only, ``iss`` is the service id, ``iat`` within 30 seconds
of the server's clock, signed with the secret half of the key. Errors have
Notify's shape (``{"status_code": ..., "errors": [{"error", "message"}]}``).

Faults can be scripted (``fail_next``, ``hang_next``) so tests can see how the
sender copes with errors and timeouts. It runs in-process on a free port.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from frontdoor.localserver import ThreadedServer

TOKEN_BOUND_SECONDS = 30


def make_api_key(name: str = "frontdoor", service_id: str = "", secret: str = "") -> str:
    """A key in Notify's format: ``{name}-{service id}-{secret}`` (two UUIDs)."""
    return f"{name}-{service_id or uuid.uuid4()}-{secret or uuid.uuid4()}"


def _error(status: int, kind: str, message: str) -> JSONResponse:
    body = {"status_code": status, "errors": [{"error": kind, "message": message}]}
    return JSONResponse(body, status_code=status)


@dataclass
class _Fault:
    status: int = 0
    hang: float = 0.0
    accept: bool = False  # after hanging, record the notification anyway
    garbage: bool = False  # answer 201 with a body that is not JSON


@dataclass
class LocalNotify:
    api_key: str
    notifications: dict[str, dict[str, Any]] = field(default_factory=dict)
    received: Counter[str] = field(default_factory=Counter)  # reference -> accepted count
    requests: int = 0
    faults: list[_Fault] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # called with the number of distinct references received, before answering
    on_record: Callable[[int], None] | None = None

    @property
    def service_id(self) -> str:
        return self.api_key[-73:-37]

    @property
    def secret(self) -> str:
        return self.api_key[-36:]

    def fail_next(self, status: int, times: int = 1) -> None:
        self.faults.extend(_Fault(status=status) for _ in range(times))

    def garble_next(self) -> None:
        """The next send is answered with an HTML page instead of JSON (and not recorded)."""
        self.faults.append(_Fault(garbage=True))

    def hang_next(self, seconds: float, *, accept: bool) -> None:
        """The next send waits ``seconds`` (longer than the client's timeout),
        then records the message if ``accept``, as a slow Notify might."""
        self.faults.append(_Fault(hang=seconds, accept=accept))

    def duplicates(self) -> dict[str, int]:
        return {ref: n for ref, n in self.received.items() if n > 1}

    # --- the API -----------------------------------------------------------

    def _auth(self, request: Request) -> JSONResponse | None:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            return _error(401, "AuthError", "Unauthorized: authentication token must be provided")
        token = header[len("Bearer ") :]
        try:
            if jwt.get_unverified_header(token).get("alg") != "HS256":
                return _error(403, "AuthError", "Invalid token: algorithm used is not HS256")
            claims = jwt.decode(
                token, self.secret, algorithms=["HS256"], options={"verify_iat": False}
            )
        except jwt.InvalidSignatureError:
            return _error(403, "AuthError", "Invalid token: API key not found")
        except jwt.PyJWTError:
            return _error(403, "AuthError", "Invalid token: signature, api token not found")
        if claims.get("iss") != self.service_id:
            return _error(403, "AuthError", "Invalid token: service not found")
        iat = claims.get("iat")
        if not isinstance(iat, int | float):
            return _error(403, "AuthError", "Invalid token: iat field not provided")
        if abs(time.time() - iat) > TOKEN_BOUND_SECONDS:
            message = "Error: Your system clock must be accurate to within 30 seconds"
            return _error(403, "AuthError", message)
        return None

    async def _send(self, request: Request) -> Response:
        channel = request.path_params["channel"]
        if channel not in ("email", "sms"):
            return _error(404, "NotFound", "Not found")
        refused = self._auth(request)
        if refused is not None:
            return refused
        with self.lock:
            self.requests += 1
            fault = self.faults.pop(0) if self.faults else None
        try:
            body = await request.json()
        except ValueError:
            return _error(400, "BadRequestError", "Invalid JSON supplied in POST data")
        if not isinstance(body, dict):
            return _error(400, "ValidationError", "Request body must be a JSON object")
        recipient_field = "email_address" if channel == "email" else "phone_number"
        for name in ("template_id", recipient_field):
            if not isinstance(body.get(name), str) or not body[name]:
                return _error(400, "ValidationError", f"{name} is a required property")
        if fault is not None and fault.status:
            return _error(fault.status, "Exception", "Internal server error")
        if fault is not None and fault.garbage:
            return PlainTextResponse("<html>Service unavailable</html>", status_code=201)
        if fault is not None and fault.hang:
            if fault.accept:
                self._record(channel, body)
            await asyncio.sleep(fault.hang)
            return _error(500, "Exception", "Internal server error")
        notification = self._record(channel, body)
        answer = {
            "id": notification["id"],
            "reference": body.get("reference"),
            "content": {"body": f"template {body['template_id']}"},
            "uri": f"{request.base_url}v2/notifications/{notification['id']}",
            "template": {"id": body["template_id"], "version": 1, "uri": ""},
        }
        return JSONResponse(answer, status_code=201)

    def _record(self, channel: str, body: dict[str, Any]) -> dict[str, Any]:
        recipient = body.get("email_address") or body.get("phone_number")
        notification_id = str(uuid.uuid4())
        reference = body.get("reference")
        notification: dict[str, Any] = {
            "id": notification_id,
            "reference": body.get("reference"),
            "type": channel,
            "status": "created",
            "template": {"id": body["template_id"], "version": 1},
            "email_address" if channel == "email" else "phone_number": recipient,
            "personalisation": body.get("personalisation") or {},
        }
        with self.lock:
            self.notifications[notification_id] = notification
            if isinstance(reference, str):
                self.received[reference] += 1
            distinct = len(self.received)
        if self.on_record is not None:
            self.on_record(distinct)
        return notification

    async def _get_one(self, request: Request) -> JSONResponse:
        refused = self._auth(request)
        if refused is not None:
            return refused
        found = self.notifications.get(request.path_params["id"])
        if found is None:
            return _error(404, "NoResultFound", "No result found")
        return JSONResponse(found)

    async def _get_all(self, request: Request) -> JSONResponse:
        refused = self._auth(request)
        if refused is not None:
            return refused
        reference = request.query_params.get("reference")
        with self.lock:
            listed = [
                n
                for n in self.notifications.values()
                if reference is None or n["reference"] == reference
            ]
        return JSONResponse({"notifications": listed, "links": {"current": str(request.url)}})

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v2/notifications/{channel:str}", self._send, methods=["POST"]),
                Route("/v2/notifications/{id:str}", self._get_one, methods=["GET"]),
                Route("/v2/notifications", self._get_all, methods=["GET"]),
            ]
        )


class RunningServer(ThreadedServer):
    """The server on 127.0.0.1 and a free port, in a thread (a context manager)."""

    def __init__(self, notify: LocalNotify) -> None:
        self.notify = notify
        super().__init__(notify.app(), name="the local Notify server")
