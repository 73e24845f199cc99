"""The knowledge service's Prometheus metrics (served by ``frontdoor.metrics``).

Search latency, by where the search came from (the API the bot and handoff
use, or the website), and every HTTP request by route template and status.
"""

from __future__ import annotations

from frontdoor.metrics import MetricsRegistry


class KnowledgeMetrics(MetricsRegistry):
    def __init__(self) -> None:
        super().__init__("knowledge")
        self.search_seconds = self.histogram(
            "search_seconds", "One search, from the query to checked results.", ["via"]
        )
        self.requests = self.counter(
            "requests_total",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
        )
