"""Waking the other instances: Redis pub/sub, or nothing when running alone.

Pub/sub loses messages (a reconnect, a slow subscriber), so a wake-up carries
no data that matters: it only says "conversation X reached seq N", "team Y's
queue changed", "advisor Z's chats changed". The instance then reads the
store. The periodic poll in ``live`` catches anything a lost wake-up missed,
and ``on_reconnect`` catches up as soon as the channel is subscribed again:
on Redis's confirmation of the subscription, not when the command is sent
(a command can be written to a connection that is already gone, and a
catch-up before the subscription is live would leave a gap behind it).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)
CHANNEL = "frontdoor:handoff:wake"

Handler = Callable[[dict[str, Any]], Awaitable[None]]


class Waker:
    """Single instance: nobody else to wake."""

    shared = False  # other instances may hold the other end of a conversation

    async def start(self, handler: Handler) -> None:
        return None

    async def publish(self, message: dict[str, Any]) -> None:
        return None

    async def stop(self) -> None:
        return None


class RedisWaker(Waker):
    shared = True

    def __init__(self, url: str, instance_id: str, *, channel: str = CHANNEL) -> None:
        self._url, self._instance, self._channel = url, instance_id, channel
        self._client: Any = None
        self._task: asyncio.Task[None] | None = None
        self._on_reconnect: Callable[[], Awaitable[None]] | None = None
        self.subscriptions = 0  # how many times Redis confirmed the subscription

    def on_reconnect(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Called after (re)subscribing, when wake-ups may have been missed."""
        self._on_reconnect = callback

    async def start(self, handler: Handler) -> None:
        import redis.asyncio as redis

        self._client = redis.Redis.from_url(self._url, socket_connect_timeout=2)
        self._task = asyncio.create_task(self._listen(handler), name="handoff-redis-listen")

    async def _listen(self, handler: Handler) -> None:
        delay = 0.2
        while True:
            try:
                pubsub = self._client.pubsub()
                await pubsub.subscribe(self._channel)
                async for raw in pubsub.listen():
                    if raw.get("type") == "subscribe":
                        # confirmed (also after redis-py resubscribed by itself): what
                        # was published while unsubscribed is lost, so catch up
                        delay = 0.2
                        self.subscriptions += 1
                        if self._on_reconnect:
                            try:
                                await self._on_reconnect()
                            except Exception:  # the periodic poll tries again
                                log.exception("catching up after subscribing failed")
                        continue
                    if raw.get("type") != "message":
                        continue
                    try:
                        message = json.loads(raw["data"])
                    except ValueError:
                        continue
                    if message.get("i") == self._instance:
                        continue
                    try:
                        await handler(message)
                    except Exception:  # one bad wake-up must not stop the listener
                        log.exception("handling wake-up %s failed", message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("redis subscription lost (%s); retrying in %.1fs", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def publish(self, message: dict[str, Any]) -> None:
        if self._client is None:
            return
        try:
            await self._client.publish(self._channel, json.dumps({**message, "i": self._instance}))
        except Exception as exc:  # the poll covers a lost wake-up
            log.warning("redis publish failed: %s", exc)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task  # it was cancelled: nothing to report
        if self._client is not None:
            await self._client.aclose()
