"""Redis health for services configured for scale-out."""

from __future__ import annotations

import logging
from collections.abc import Callable


def redis_status(url: str | None) -> dict[str, str]:
    """{"status": "not configured"} when no URL is set, else ok or error."""
    if not url:
        return {"status": "not configured"}
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        client.close()
    except Exception as exc:  # health must report, never raise
        return {"status": "error", "detail": type(exc).__name__}
    return {"status": "ok"}


class RedisOutage:
    """Logs a Redis outage once when it starts and once when it ends, not per call.

    For the best-effort uses of Redis (wake-ups, rate limit counts): while
    Redis is away each use is skipped (``failed``) and counted; the first
    success afterwards (``succeeded``) logs the recovery with the count.
    ``on_change(up)`` and ``on_skip(count)`` are plain hooks for a service's metrics,
    so this module stays free of Prometheus.
    """

    def __init__(self, log: logging.Logger, use: str) -> None:
        self.log, self.use = log, use
        self.up = True
        self.skipped = 0  # during the current (or last) outage
        self.on_change: Callable[[bool], None] | None = None
        self.on_skip: Callable[[int], None] | None = None

    def failed(self, exc: BaseException, count: int = 1) -> None:
        if self.up:
            self.up, self.skipped = False, 0
            self.log.warning(
                "redis unreachable (%s: %s); %s skipped until it is back",
                type(exc).__name__,
                exc,
                self.use,
            )
            if self.on_change is not None:
                self.on_change(False)
        self.skipped += count
        if self.on_skip is not None:
            self.on_skip(count)

    def succeeded(self) -> None:
        if self.up:
            return
        self.up = True
        self.log.warning("redis is back; %d %s were skipped meanwhile", self.skipped, self.use)
        if self.on_change is not None:
            self.on_change(True)
