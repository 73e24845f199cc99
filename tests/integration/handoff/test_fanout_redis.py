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


async def test_a_burst_of_wake_ups_shares_one_connection_and_none_is_refused(redis_url):
    # Many writes at once (a backlog draining after an outage) each published on a
    # connection of its own: the pool's limit then refused them ("Too many connections")
    tag = uuid.uuid4().hex
    heard: list[dict] = []

    async def handler(message: dict) -> None:
        heard.append(message)

    with CuttableProxy(redis_url) as proxy:
        listener = RedisWaker(redis_url, f"listener-{tag}", channel=f"test:{tag}")
        publisher = RedisWaker(proxy.url, f"publisher-{tag}", channel=f"test:{tag}")
        await listener.start(handler)
        await publisher.start(handler)
        try:
            await eventually(lambda: listener.subscriptions == 1, "never subscribed")
            await asyncio.gather(*(publisher.publish({"n": n}) for n in range(300)))
            await eventually(lambda: len(heard) == 300, f"heard {len(heard)} of 300")
            assert [m["n"] for m in heard] == list(range(300))  # in order, once each
            assert proxy.accepted <= 2, proxy.accepted  # its subscription and one publisher
        finally:
            await listener.stop()
            await publisher.stop()


async def test_an_outage_is_logged_once_counted_and_recovered_from(redis_url, caplog):
    tag = uuid.uuid4().hex
    heard: list[dict] = []

    async def handler(message: dict) -> None:
        heard.append(message)

    with CuttableProxy(redis_url) as proxy:
        listener = RedisWaker(redis_url, f"listener-{tag}", channel=f"test:{tag}")
        publisher = RedisWaker(proxy.url, f"publisher-{tag}", channel=f"test:{tag}")
        await listener.start(handler)
        await publisher.start(handler)
        try:
            await eventually(lambda: listener.subscriptions == 1, "never subscribed")
            proxy.cut()
            for n in range(50):
                await publisher.publish({"n": n})  # never raises, never waits for Redis
            await eventually(lambda: publisher.outage.skipped == 50, "not all counted")
            assert not publisher.outage.up
            proxy.restore()
            await publisher.publish({"n": "back"})
            await eventually(lambda: [m["n"] for m in heard] == ["back"], "not heard after")
            assert publisher.outage.up
        finally:
            await listener.stop()
            await publisher.stop()
    said = [r.getMessage() for r in caplog.records if r.name == "handoff.fanout"]
    said = [line for line in said if "subscription" not in line]
    assert len(said) == 2, said
    assert said[0].startswith("redis unreachable")
    assert said[1] == "redis is back; 50 wake-ups were skipped meanwhile"
