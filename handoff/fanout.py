"""Waking the other instances: Redis pub/sub, or nothing when running alone.

Pub/sub loses messages (a reconnect, a slow subscriber), so a wake-up carries
no data that matters: it only says "conversation X reached seq N", "team Y's
queue changed", "advisor Z's chats changed". The instance then reads the
store. The periodic poll in ``live`` catches anything a lost wake-up missed,
and ``on_reconnect`` catches up as soon as the channel is subscribed again:
on Redis's confirmation of the subscription, not when the command is sent
(a command can be written to a connection that is already gone, and a
catch-up before the subscription is live would leave a gap behind it).

Publishing never waits on Redis: ``publish`` queues the wake-up (bounded) and
one task sends what is queued, in order, on one connection. A
message is stored before its wake-up is queued, so a wake-up that cannot be
sent is only counted and dropped (``RedisOutage`` logs the outage once, not
per wake-up): the other instances' poll finds the message. Many writes at
once used to open a connection each while Redis was slow or coming back, and
the pool's limit then refused wake-ups ("Too many connections").
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from redis.exceptions import RedisError

from frontdoor.redis import RedisOutage

log = logging.getLogger(__name__)
CHANNEL = "frontdoor:handoff:wake"
QUEUE = 10_000  # wake-ups waiting to be sent; beyond it the oldest are dropped (and counted)

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
        self._publisher: Any = None
        self._task: asyncio.Task[None] | None = None
        self._sender: asyncio.Task[None] | None = None
        self._queue: deque[str] = deque()
        self._queued = asyncio.Event()
        self.outage = RedisOutage(log, "wake-ups")
        self._on_reconnect: Callable[[], Awaitable[None]] | None = None
        self.subscriptions = 0  # how many times Redis confirmed the subscription

    def on_reconnect(self, callback: Callable[[], Awaitable[None]]) -> None:
        """Called after (re)subscribing, when wake-ups may have been missed."""
        self._on_reconnect = callback

    async def start(self, handler: Handler) -> None:
        import redis.asyncio as redis

        self._client = redis.Redis.from_url(self._url, socket_connect_timeout=2)
        # one sender, one connection: the pool can neither grow nor refuse
        pool = redis.BlockingConnectionPool.from_url(
            self._url, max_connections=1, timeout=2, socket_connect_timeout=2, socket_timeout=2
        )
        self._publisher = redis.Redis(connection_pool=pool)
        self._task = asyncio.create_task(self._listen(handler), name="handoff-redis-listen")
        self._sender = asyncio.create_task(self._send(), name="handoff-redis-publish")

    async def _listen(self, handler: Handler) -> None:
        delay = 0.2
        while True:
            pubsub = self._client.pubsub()
            try:
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
            finally:
                with contextlib.suppress(Exception):  # give its connection back to the pool
                    await pubsub.aclose()

    async def publish(self, message: dict[str, Any]) -> None:
        """Queue a wake-up; it never waits for Redis and never raises."""
        if self._sender is None:
            return
        if len(self._queue) >= QUEUE:
            self._queue.popleft()
            self.outage.failed(OverflowError("wake-up queue full"))
        self._queue.append(json.dumps({**message, "i": self._instance}))
        self._queued.set()

    async def _send(self) -> None:
        delay = 0.2
        while True:
            await self._queued.wait()
            self._queued.clear()
            while self._queue:
                batch = list(self._queue)
                self._queue.clear()
                sent = 0
                try:
                    for data in batch:  # one connection: one at a time, in order
                        try:
                            await self._publisher.publish(self._channel, data)
                        except (ConnectionError, OSError, RedisError):
                            # the connection may have been dropped while idle (Redis
                            # restarted): once more, on a new one, before giving up
                            await self._publisher.publish(self._channel, data)
                        sent += 1
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # stored first: the poll covers a lost wake-up
                    self.outage.failed(exc, len(batch) - sent)
                    await asyncio.sleep(delay)  # what queues meanwhile goes in one try
                    delay = min(delay * 2, 2.0)
                    continue
                delay = 0.2
                self.outage.succeeded()

    async def stop(self) -> None:
        for task in (self._task, self._sender):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task  # it was cancelled: nothing to report
        self._sender = None
        for client in (self._client, self._publisher):
            if client is not None:
                await client.aclose()
