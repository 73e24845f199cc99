"""The wake-up channel on a real Redis: after its connection drops, the instance
is told to catch up with the store as soon as it is subscribed again (what it
missed meanwhile is in the store, never only in a wake-up), and hears again."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from handoff.fanout import RedisWaker
from tests.integration.handoff.redis_proxy import CuttableProxy

pytestmark = pytest.mark.redis


async def eventually(check, what: str) -> None:
    for _ in range(400):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(what)


async def test_after_a_dropped_connection_the_instance_catches_up_and_hears_again(redis_url):
    tag = uuid.uuid4().hex
    heard: list[dict] = []
    catch_ups: list[int] = []

    async def handler(message: dict) -> None:
        heard.append(message)

    async def catch_up() -> None:
        catch_ups.append(len(heard))

    with CuttableProxy(redis_url) as proxy:
        waker = RedisWaker(proxy.url, f"listener-{tag}", channel=f"test:{tag}")
        other = RedisWaker(redis_url, f"other-{tag}", channel=f"test:{tag}")
        waker.on_reconnect(catch_up)
        await waker.start(handler)
        await other.start(handler)
        try:
            await eventually(lambda: catch_ups == [0], "never subscribed")
            await other.publish({"n": 1})
            await eventually(lambda: [m["n"] for m in heard] == [1], "not heard")
            # a drop: while Redis is out of reach the listener keeps trying, and a
            # subscription that Redis never confirmed is no reason to catch up
            proxy.cut()
            await eventually(lambda: proxy.refused >= 2, "the listener never retried")
            assert waker.subscriptions == 1 and catch_ups == [0]
            proxy.restore()
            await eventually(lambda: len(catch_ups) == 2, "not told to catch up")
            assert waker.subscriptions == 2
            await other.publish({"n": 2})
            await eventually(lambda: [m["n"] for m in heard] == [1, 2], "deaf after the drop")
        finally:
            await waker.stop()
            await other.stop()
