"""Prometheus metrics: one registry per app, and the internal ``GET /metrics``.

Every service builds its metrics on its own :class:`MetricsRegistry` (never
``prometheus_client``'s global default registry), so tests that create
several apps in one process do not collide and each app reports only itself.

``GET /metrics`` answers in the Prometheus text format, but only to:

- a scraper on the same host: the TCP peer is loopback, and the request did
  not come through a proxy (no ``X-Forwarded-For`` or ``Forwarded`` header;
  a reverse proxy on the same host would otherwise make every visitor look
  local), or
- a scraper showing ``Authorization: Bearer <FRONTDOOR_METRICS_TOKEN>`` (the
  setting is optional; unset, only loopback scrapers are answered).

Everyone else gets 403. The health endpoints stay open to all.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Mapping, Sequence

import anyio
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from frontdoor import http
from frontdoor.secrets import same_secret

METRICS_PATH = "/metrics"
PREFIX = "frontdoor_"
# seconds: from a fast SQLite commit to a slow bot answer
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")
_SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum")}


class MetricsRegistry:
    """A service's own registry and the helpers that build metrics on it."""

    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry(auto_describe=True)

    def _name(self, name: str) -> str:
        return f"{PREFIX}{self.service}_{name}"

    def counter(self, name: str, documentation: str, labels: Sequence[str] = ()) -> Counter:
        return Counter(self._name(name), documentation, labels, registry=self.registry)

    def gauge(self, name: str, documentation: str, labels: Sequence[str] = ()) -> Gauge:
        return Gauge(self._name(name), documentation, labels, registry=self.registry)

    def histogram(
        self,
        name: str,
        documentation: str,
        labels: Sequence[str] = (),
        buckets: Sequence[float] = LATENCY_BUCKETS,
    ) -> Histogram:
        return Histogram(
            self._name(name), documentation, labels, registry=self.registry, buckets=buckets
        )

    def register(self, collector: Collector) -> None:
        """A collector that computes its values at scrape time."""
        self.registry.register(collector)

    def names(self) -> set[str]:
        """Every sample name a scrape can show (``_total``, ``_bucket``… included),
        even for labelled metrics that have no samples yet."""
        found: set[str] = set()
        for family in self.registry.collect():
            found |= {family.name + suffix for suffix in _SUFFIXES.get(family.type, ("",))}
        return found

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def scrape_allowed(client_host: str, headers: Mapping[str, str], token: str | None) -> bool:
    """Loopback without a proxy in between, or the right bearer token."""
    if token:
        scheme, _, given = headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and same_secret(given.strip(), token):
            return True
    if any(name in headers for name in _PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(client_host).is_loopback
    except ValueError:
        return False


def install(app: FastAPI, metrics: MetricsRegistry, *, token: str | None) -> None:
    """Add ``GET /metrics`` (not in the OpenAPI document) serving ``metrics``."""

    async def scrape(request: Request) -> Response:
        proxies = getattr(request.app.state.settings, "trusted_proxies", ())
        host = http.client_address(request, proxies)
        if not scrape_allowed(host, request.headers, token):
            return JSONResponse(
                {
                    "error": "forbidden",
                    "message": "Metrics are for scrapers on this host or with the metrics token.",
                },
                status_code=403,
            )
        body = await anyio.to_thread.run_sync(metrics.exposition)  # collectors may query
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    app.add_api_route(METRICS_PATH, scrape, methods=["GET"], include_in_schema=False)


class CallbackCollector:
    """A gauge family whose samples a function computes at scrape time."""

    def __init__(
        self,
        name: str,
        documentation: str,
        labels: Sequence[str],
        read: Callable[[], Iterable[tuple[Sequence[str], float]]],
    ) -> None:
        self.name, self.documentation, self.labels, self.read = name, documentation, labels, read

    def describe(self) -> Iterable[Metric]:
        return [GaugeMetricFamily(self.name, self.documentation, labels=list(self.labels))]

    def collect(self) -> Iterable[Metric]:
        family = GaugeMetricFamily(self.name, self.documentation, labels=list(self.labels))
        for values, value in self.read():
            family.add_metric(list(values), value)
        return [family]


class RequestMetrics:
    """ASGI middleware counting HTTP requests by method, route template and status.

    The route's template (``/articles/{slug}``), never the raw path, so a
    crawler cannot create a series per URL; "unmatched" for 404s.
    """

    def __init__(self, app: ASGIApp, counter: Counter) -> None:
        self.app, self.counter = app, counter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # what the server answers if the app fails before starting a response

        async def remember(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, remember)
        finally:
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.counter.labels(method=scope["method"], route=route, status=str(status)).inc()
