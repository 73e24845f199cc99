"""Redis health for services configured for scale-out."""

from __future__ import annotations


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
