"""The action server's Prometheus metrics and its ``GET /metrics`` (Sanic).

Each action run is timed by name and outcome (the histogram's ``_count`` is
the run count). The access rule is ``frontdoor.metrics.scrape_allowed``, the
same as the FastAPI services': a loopback scraper with no proxy in between, or
``Authorization: Bearer <FRONTDOOR_METRICS_TOKEN>``.
"""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection
from sanic import Sanic, response
from sanic.request import Request

from frontdoor.metrics import METRICS_PATH, MetricsRegistry, scrape_allowed


class ActionMetrics(MetricsRegistry):
    def __init__(self) -> None:
        super().__init__("actions")
        self.run_seconds = self.histogram(
            "run_seconds", "One action run, by action and outcome.", ["action", "outcome"]
        )

    def time_actions(self, executor: ActionExecutor) -> None:
        """Time every ``executor.run``; unknown names are one label, not one each."""
        run = executor.run

        async def timed(action_call: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
            name = action_call.get("next_action")
            action = name if isinstance(name, str) and name in executor.actions else "unknown"
            started, outcome = time.perf_counter(), "error"
            try:
                result = await run(action_call, *args, **kwargs)
                outcome = "ok"
                return result
            except ActionExecutionRejection:
                outcome = "rejected"
                raise
            finally:
                self.run_seconds.labels(action=action, outcome=outcome).observe(
                    time.perf_counter() - started
                )

        executor.run = timed

    def install(self, app: Sanic, *, token: str | None) -> None:
        @app.get(METRICS_PATH)
        async def scrape(request: Request) -> response.HTTPResponse:
            headers = {name.lower(): value for name, value in request.headers.items()}
            if not scrape_allowed(request.ip, headers, token):
                return response.json(
                    {
                        "error": "forbidden",
                        "message": "Metrics are for scrapers on this host or with the "
                        "metrics token.",
                    },
                    status=403,
                )
            return response.raw(self.exposition(), content_type=CONTENT_TYPE_LATEST)
