"""Rate limits on anonymous writes, shared by the knowledge and handoff services.

Anyone on the internet may start a conversation, send chat messages, rate a
chat, leave a message, answer "was this page helpful?" or report a content
gap. Without limits one sequential client wrote hundreds of rows a second
(issue #10, finding 5). Every such write now passes through a ``RateLimiter``
first:

- ``RateLimiter`` is the port: ``hit(*checks)`` records one write against
  each ``Check`` (a limit such as ``"10/minute;100/hour"``, a scope naming the
  write, and a key: the client's address or the conversation) or raises
  ``RateLimited`` with the seconds until the write would be accepted. A refused
  write consumes nothing.
- ``LimitsRateLimiter`` is the adapter on the ``limits`` library's moving
  window, used on Redis when ``FRONTDOOR_REDIS_URL`` is set, so several
  instances of a service share one count. Keys are hashed with the instance
  secret, so neither Redis nor a log ever holds a raw address. If Redis cannot
  be reached the write is allowed (and logged): a limit is a guard against
  floods, not a reason to turn residents away.
- ``MemoryRateLimiter`` is the same moving window kept in this process (one
  instance, no Redis). Old hits are dropped when their key is next counted and
  idle keys in a sweep once a minute, on a hit; ``limits``' own memory storage
  instead ran a thread rescanning every key every 10 ms, 18% of the handoff
  server's CPU under load (issue #12). It never blocks, so callers on an event
  loop count inline (``blocking`` is False) instead of in a worker thread.
- ``client_address(request)`` is the one place that says who the client is
  (the socket peer today; trusted proxies are wired in here, nowhere else).
- ``install_handler(app, html=...)`` turns ``RateLimited`` into HTTP 429 with
  ``Retry-After`` and a plain-language message (JSON for APIs, a page for
  forms). Over the websocket the handoff service answers a ``throttled`` frame
  instead (handoff/PROTOCOL.md §2.6).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from limits import RateLimitItem, parse_many
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from pydantic import AfterValidator
from starlette.requests import HTTPConnection

from frontdoor import http
from frontdoor.exceptions import ConfigurationError, FrontdoorError
from frontdoor.redis import RedisOutage

log = logging.getLogger(__name__)

MESSAGE = "You have sent a lot of requests in a short time. Please wait {wait} and try again."


class RateLimited(FrontdoorError):
    """Too many writes from one client or into one conversation."""

    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(MESSAGE.format(wait=_wait_words(self.retry_after)))


def _wait_words(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def validate_limit(value: str) -> str:
    """A settings validator: ``"10/minute"`` or several joined by ``;``."""
    try:
        items = parse_many(value)
    except ValueError:
        items = []
    if not items:
        raise ValueError(
            f"{value!r} is not a rate limit; write it like '10/minute' or '10/minute;100/hour'"
        )
    return value


# a settings field type: "10/minute", or several joined by ";" ("10/minute;60/hour")
RateLimit = Annotated[str, AfterValidator(validate_limit)]


@lru_cache(maxsize=256)
def _items(limit: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(limit))


@dataclass(frozen=True)
class Check:
    """One count to take: ``limit`` per ``key`` within ``scope`` (e.g. "kb:feedback")."""

    limit: str
    scope: str
    key: str


class RateLimiter(ABC):
    blocking = True
    """Whether ``hit`` may wait on I/O (then an event loop counts in a worker thread)."""

    @abstractmethod
    def hit(self, *checks: Check) -> None:
        """Count one write against every check, or raise ``RateLimited`` (counting nothing)."""

    def allows(self, *checks: Check) -> bool:
        """Like ``hit`` but answers instead of raising (for writes that are optional)."""
        try:
            self.hit(*checks)
        except RateLimited:
            return False
        return True

    @abstractmethod
    def reset(self) -> None:
        """Forget every count (tests, and an operator clearing a false alarm)."""


class LimitsRateLimiter(RateLimiter):
    """The ``limits`` library's moving window over memory or Redis storage."""

    def __init__(
        self, storage_url: str | None = None, *, salt: str = "", namespace: str = "frontdoor"
    ) -> None:
        options: dict[str, Any] = {"key_prefix": f"{namespace}-limits"}
        if storage_url and storage_url.startswith("unix://"):  # limits spells it redis+unix
            storage_url = "redis+" + storage_url
        if storage_url and storage_url.startswith(("redis://", "rediss://", "redis+unix://")):
            # a stalled Redis must not stall the writes it guards (they are then allowed)
            options.update(socket_timeout=0.5, socket_connect_timeout=0.5)
        storage = storage_from_string(storage_url or "memory://", **options)
        if not isinstance(storage, Storage):  # an async scheme (async+redis://) is not for us
            raise ConfigurationError(f"rate limit storage {storage_url!r} is not a sync storage")
        self.storage = storage
        self._strategy = MovingWindowRateLimiter(self.storage)
        self._salt = salt.encode()
        # Redis away: writes are allowed unchecked; logged once, not per write
        self.outage = RedisOutage(log, "rate limit checks")

    def _key(self, check: Check) -> str:
        return _hashed(self._salt, check)

    def hit(self, *checks: Check) -> None:
        try:
            wanted = [(item, self._key(c)) for c in checks for item in _items(c.limit)]
            refused = [(item, key) for item, key in wanted if not self._strategy.test(item, key)]
            if not refused:
                # test-then-hit: a refused write consumes nothing; a race may let one through
                refused = [(item, key) for item, key in wanted if not self._strategy.hit(item, key)]
            if refused:
                self.outage.succeeded()
                raise RateLimited(max(self._retry_after(item, key) for item, key in refused))
        except RateLimited:
            raise
        except Exception as exc:  # Redis unreachable: allow the write, say so (once)
            self.outage.failed(exc)
        else:
            self.outage.succeeded()

    def _retry_after(self, item: RateLimitItem, key: str) -> int:
        reset = self._strategy.get_window_stats(item, key).reset_time
        return max(1, math.ceil(reset - time.time()))

    def reset(self) -> None:
        self.storage.reset()


@lru_cache(maxsize=8192)  # a live chat's socket hits the same few checks on every message
def _hashed(salt: bytes, check: Check) -> str:
    digest = hmac.new(salt, check.key.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{check.scope}:{digest}"


class MemoryRateLimiter(RateLimiter):
    """A moving window per limit and key, in this process, expired lazily.

    Each (limit, key) holds the times of its accepted hits, oldest first, at
    most ``amount`` of them. A hit is accepted when fewer than ``amount`` lie
    within the window (``limits``' rule: a hit ``expiry`` seconds old still
    counts). Keys whose newest hit has left the window are dropped by a sweep
    that runs on a hit at most once per ``SWEEP_SECONDS``.
    """

    blocking = False
    SWEEP_SECONDS = 60.0

    def __init__(self, *, salt: str = "") -> None:
        self._salt = salt.encode()
        self._lock = threading.Lock()
        # (amount, expiry seconds, hashed key) -> hit times, oldest first
        self.windows: dict[tuple[int, int, str], deque[float]] = {}
        self._next_sweep = 0.0

    def _window(self, slot: tuple[int, int, str], now: float) -> deque[float]:
        window = self.windows.get(slot)
        if window is None:
            window = self.windows[slot] = deque(maxlen=slot[0])
        oldest = now - slot[1]
        while window and window[0] < oldest:
            window.popleft()
        return window

    def hit(self, *checks: Check) -> None:
        now = time.time()
        slots = [
            (item.amount, item.get_expiry(), _hashed(self._salt, check))
            for check in checks
            for item in _items(check.limit)
        ]
        with self._lock:
            if now >= self._next_sweep:
                self._sweep(now)
            windows = [(slot, self._window(slot, now)) for slot in slots]
            refused = [(slot, w) for slot, w in windows if len(w) >= slot[0]]
            if refused:  # the oldest counted hit leaves the window at its time + expiry
                wait = max(w[0] + slot[1] - now for slot, w in refused)
                raise RateLimited(max(1, math.ceil(wait)))
            for _, window in windows:
                window.append(now)

    def _sweep(self, now: float) -> None:
        self._next_sweep = now + self.SWEEP_SECONDS
        idle = [slot for slot, w in self.windows.items() if not w or w[-1] < now - slot[1]]
        for slot in idle:
            del self.windows[slot]

    def reset(self) -> None:
        with self._lock:
            self.windows.clear()


def limiter_for(settings: Any, *, namespace: str) -> RateLimiter:
    """The service's limiter: Redis when ``redis_url`` is set, this process's memory otherwise."""
    salt = settings.require_secret("secret_key")
    if not settings.redis_url:
        return MemoryRateLimiter(salt=salt)
    return LimitsRateLimiter(settings.redis_url, salt=salt, namespace=namespace)


def client_address(connection: HTTPConnection) -> str:
    """Who is asking, as far as limits are concerned (requests and websockets alike).

    The socket peer, or the client behind one of the service's configured
    trusted proxies (``frontdoor.http.client_address`` decides, for sign-in
    throttling too); "unknown" when the server does not know the peer.
    """
    app = connection.scope.get("app")
    settings = getattr(getattr(app, "state", None), "settings", None)
    proxies = getattr(settings, "trusted_proxies", ())
    return http.client_address(connection, proxies) or "unknown"


def client_key(secret: str, identity: str) -> str:
    """A stable, non-reversible key for a client (stored instead of an address)."""
    return hmac.new(secret.encode(), identity.encode(), hashlib.sha256).hexdigest()[:32]


HtmlPage = Callable[..., Response]  # (request, status, *, title, message) -> a page


def install_handler(
    app: FastAPI, *, html: HtmlPage | None = None, is_api: Callable[[Request], bool] | None = None
) -> None:
    """429 + ``Retry-After``: JSON ``{"error", "message", "retry_after"}``, or ``html``'s page."""
    api = is_api or (lambda request: request.url.path.startswith("/api/"))

    @app.exception_handler(RateLimited)
    async def _rate_limited(request: Request, exc: RateLimited) -> Response:
        headers = {"Retry-After": str(exc.retry_after)}
        if html is not None and not api(request):
            response = html(request, 429, title="Please wait a moment", message=exc.message)
            response.headers.update(headers)
            return response
        return JSONResponse(
            {"error": exc.code, "message": exc.message, "retry_after": exc.retry_after},
            status_code=429,
            headers=headers,
        )
