"""HTTP hygiene every web service shares: who the client is, what a request may
carry, how a bad one is answered, and the headers every response wears.

- :func:`client_address`: the peer's address, or the ``X-Forwarded-For`` hop
  named by a *configured* trusted proxy. Nothing is trusted by default, not
  even loopback: otherwise anyone could rotate or forge the address that
  sign-in throttling and rate limits count against.
- :class:`RequestGuard`: pure ASGI (no buffering). A body over its route's
  limit is refused with 413 before anything parses it, whether the length is
  declared or streamed; a body of a media type the route does not take gets
  415.
- :class:`SecurityHeaders`: ``nosniff``, a Content-Security-Policy with
  ``frame-ancestors``, and a referrer policy on every response, errors
  included. A page that sets its own CSP keeps it.
- :class:`UnexpectedErrors`: an exception nothing else handled is answered by
  the service's own 500 inside the middleware stack, so that answer wears the
  security headers too (Starlette's last-resort 500 is sent outside them).
- :func:`validation_error_content`: a 422 body that names fields and never
  carries the values sent (a ``NaN`` there cannot be serialised, and errors
  must not echo requests).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from typing import Annotated, Any

from annotated_types import Ge, Le
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)

IPNetwork = IPv4Network | IPv6Network

JSON_TYPES = ("application/json",)
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
KIB = 1024
DEFAULT_JSON_LIMIT = 64 * KIB

# The integers an INTEGER column holds on both databases (PostgreSQL's is 32
# bits; SQLite's 64). Ids in paths, queries and bodies are bounded by them, so a
# huge number is a 422, not an overflow 500 from the driver.
MAX_DB_INT = 2**31 - 1
MIN_DB_INT = -(2**31)
# For fields with no bounds of their own: Ge/Le here would replace a Field(ge=0) given
# alongside, so bounded fields write ``Field(ge=0, le=MAX_DB_INT)`` instead.
DbInt = Annotated[int, Ge(MIN_DB_INT), Le(MAX_DB_INT)]


# --- who is the client -----------------------------------------------------


def parse_networks(values: str | Iterable[str | IPNetwork]) -> tuple[IPNetwork, ...]:
    """``"10.0.0.1, 192.168.0.0/16"`` (or a list) as networks; a bare address is a /32 or /128."""
    if isinstance(values, str):
        values = [part for part in values.split(",") if part.strip()]
    return tuple(
        value if isinstance(value, IPv4Network | IPv6Network) else ip_network(value.strip())
        for value in values
    )


def _address(text: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: IPv4Address | IPv6Address, proxies: Sequence[IPNetwork]) -> bool:
    return any(address.version == net.version and address in net for net in proxies)


def client_address(connection: HTTPConnection, trusted_proxies: Sequence[IPNetwork] = ()) -> str:
    """The address a request came from, for throttling and limits.

    The TCP peer, unless the peer is one of ``trusted_proxies``: then the
    ``X-Forwarded-For`` hops are walked from the right (the hop the nearest
    proxy added) past every trusted proxy, and the first untrusted hop is the
    client. Works for HTTP requests and websockets alike. Returns "" when the
    server does not know the peer (some test transports).
    """
    peer = connection.client.host if connection.client else ""
    peer_address = _address(peer)
    if peer_address is None or not trusted_proxies or not _trusted(peer_address, trusted_proxies):
        return peer
    hops = [
        hop
        for header in connection.headers.getlist("x-forwarded-for")
        for hop in header.split(",")
        if hop.strip()
    ]
    current = str(peer_address)
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # garbage written by someone before our proxies: stop at the last proxy
        current = str(address)
        if not _trusted(address, trusted_proxies):
            break
    return current


# --- what a request may carry -----------------------------------------------


@dataclass(frozen=True)
class BodyRule:
    """The body a path prefix accepts: its largest size and media types (empty: any)."""

    prefix: str
    max_bytes: int
    media_types: tuple[str, ...] = ()


_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class RequestGuard:
    """413 for bodies over the route's limit, 415 for media types it does not take.

    The rule with the longest matching path prefix applies; ``default`` covers
    everything else. Nothing is buffered: the declared ``Content-Length`` is
    checked first and streamed bytes are counted as the app reads them.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        rules: Sequence[BodyRule] = (),
        default: BodyRule = BodyRule("", DEFAULT_JSON_LIMIT),
    ) -> None:
        self.app = app
        self.rules = sorted(rules, key=lambda rule: len(rule.prefix), reverse=True)
        self.default = default

    def rule_for(self, path: str) -> BodyRule:
        for rule in self.rules:
            if path.startswith(rule.prefix):
                return rule
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rule = self.rule_for(scope.get("path", ""))
        headers = Headers(scope=scope)
        declared = headers.get("content-length", "")
        if declared and not declared.isdigit():
            await _refuse(send, 400, "invalid_content_length", "Content-Length is not a number.")
            return
        if declared and int(declared) > rule.max_bytes:
            await _too_large(send, rule.max_bytes)
            return
        has_body = bool(declared and int(declared) > 0) or "transfer-encoding" in headers
        if has_body and rule.media_types and scope.get("method", "GET") in _BODY_METHODS:
            media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if media_type not in rule.media_types:
                await _refuse(
                    send,
                    415,
                    "unsupported_media_type",
                    "This address takes a body of type " + " or ".join(rule.media_types) + ".",
                )
                return
        received = 0
        started = False
        refused = False

        async def counting_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > rule.max_bytes:
                    # answer now; the app sees a client that went away and its answer is dropped
                    if not started:
                        await _too_large(send, rule.max_bytes)
                    refused = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not refused:
                raise


async def _refuse(send: Send, status: int, code: str, message: str) -> None:
    body = json.dumps({"error": code, "message": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _too_large(send: Send, limit: int) -> None:
    await _refuse(
        send, 413, "request_too_large", f"The request is larger than the {limit:,}-byte limit."
    )


# --- headers on every response -----------------------------------------------

API_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeaders:
    """Adds nosniff, a CSP (unless the response has one), a referrer policy, and
    whatever a service adds (``extra``; HSTS when ``hsts``); responses under
    ``no_store`` path prefixes are never cached."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        content_security_policy: str = API_CONTENT_SECURITY_POLICY,
        extra: Mapping[str, str] | None = None,
        no_store: tuple[str, ...] = (),
        hsts: bool = False,
    ) -> None:
        self.app = app
        self.headers = {
            "Content-Security-Policy": content_security_policy,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "strict-origin-when-cross-origin",
            **(extra or {}),
        }
        if hsts:
            self.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        self.no_store = no_store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
                if self.no_store and str(scope.get("path", "")).startswith(self.no_store):
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


class UnexpectedErrors:
    """Answers an exception that nothing handled with ``answer(request, exc)`` (by
    default a JSON 500 that says nothing of the cause), logged with its traceback.

    Starlette sends its 500 from ``ServerErrorMiddleware``, outside every
    middleware a service adds, so that page went out without the CSP, nosniff or
    referrer policy. Added first (innermost), this answers inside them. An
    exception after the response has started cannot be answered and is re-raised:
    the server closes the connection as before."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        answer: Callable[[Request, Exception], Awaitable[Response]] | None = None,
    ) -> None:
        self.app = app
        self.answer = answer or internal_error_response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if started:
                raise
            logger.exception("unhandled error on %s %s", scope.get("method"), scope.get("path"))
            try:
                response = await self.answer(Request(scope, receive), exc)
            except Exception:  # the error page itself failed: the plain answer still goes out
                logger.exception("the error answer failed on %s", scope.get("path"))
                response = await internal_error_response(Request(scope, receive), exc)
            await response(scope, receive, send)


async def internal_error_response(request: Request, exc: Exception) -> Response:
    """The JSON APIs' 500: the same shape as their other errors, nothing of the cause."""
    return JSONResponse(
        {"error": "internal_error", "message": "Something went wrong on our side."},
        status_code=500,
    )


# --- validation errors ---------------------------------------------------------


def _location(parts: Iterable[Any]) -> list[str | int]:
    # a key of an unexpected field is the client's text: keep it short
    return [part if isinstance(part, int) else str(part)[:60] for part in parts]


def validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Each problem as ``{"loc", "msg", "type"}``: no input, no context values."""
    return [
        {
            "loc": _location(error.get("loc", ())),
            "msg": str(error.get("msg", "invalid value")),
            "type": str(error.get("type", "value_error")),
        }
        for error in exc.errors()
    ]


def validation_message(exc: RequestValidationError) -> str:
    """One line naming each field at fault, e.g. ``text: Field required``."""
    parts = []
    for error in validation_errors(exc):
        location = [str(p) for p in error["loc"] if p not in ("body", "query", "path", "header")]
        parts.append(f"{'.'.join(location) or 'request'}: {error['msg']}")
    return "; ".join(parts)


def validation_error_content(exc: RequestValidationError) -> dict[str, Any]:
    return {
        "error": "invalid_request",
        "message": validation_message(exc),
        "detail": validation_errors(exc),
    }


async def validation_error_response(request: Request, exc: Exception) -> JSONResponse:
    """An exception handler for ``RequestValidationError`` (JSON APIs)."""
    assert isinstance(exc, RequestValidationError)
    return JSONResponse(validation_error_content(exc), status_code=422)
