"""The handoff service's Prometheus metrics (served by ``frontdoor.metrics``).

Counters and histograms move where the work happens (the service, the store,
the hub, the websocket adapter); the queue depth and the open connections are
read at scrape time, so they cost nothing between scrapes. The store and the
hub only see plain callbacks (``Store.on_commit``, ``Hub.on_delivered``), so
they stay free of Prometheus.

``shed_total`` counts messages refused because the instance is saturated
(``handoff.groupcommit``); ``write_batch_size`` shows the group commit at work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from frontdoor.metrics import CallbackCollector, MetricsRegistry
from frontdoor.redis import RedisOutage
from handoff.delivery import Audience
from handoff.hub import Hub
from handoff.store import Store

ROLE_OF = {Audience.ALL: "resident", Audience.ADVISORS: "advisor"}


class HandoffMetrics(MetricsRegistry):
    def __init__(self) -> None:
        super().__init__("handoff")
        self.messages_in = self.counter(
            "messages_in_total", "Messages stored from residents and advisors.", ["role"]
        )
        self.frames_out = self.counter(
            "frames_out_total", "Conversation events delivered to sockets here.", ["role"]
        )
        self.store_commit_seconds = self.histogram(
            "store_commit_seconds",
            "One write transaction, from asking for it to its commit (SQLite's write lock "
            "included).",
        )
        self.bot_relay_seconds = self.histogram(
            "bot_relay_seconds", "One call to the bot, by outcome.", ["outcome"]
        )
        self.throttled = self.counter(
            "throttled_frames_total", "Frames answered with `throttled`.", ["role"]
        )
        self.requests = self.counter(
            "requests_total",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
        )
        self.shed = self.counter(
            "shed_total",
            "Messages refused (`throttled`, reason `busy`) because the write queue was "
            "more than half a second behind.",
        )
        self.redis_up = self.gauge(
            "redis_up",
            "1 while Redis answers, 0 from a failed use until the next success, by use "
            "(`wake` wake-ups to other instances, `limits` rate limit counts).",
            ["use"],
        )
        self.redis_skipped = self.counter(
            "redis_skipped_total",
            "Uses of Redis skipped because it did not answer: wake-ups not sent (the other "
            "instances' poll finds the messages) and writes let through unchecked.",
            ["use"],
        )
        self.expired = self.counter(
            "queue_expired_total",
            "Waiting chats closed because the resident was not heard for "
            "`resident_gone_seconds` (they left the page).",
        )
        self.write_batch = self.histogram(
            "write_batch_size",
            "Messages committed together in one transaction (group commit).",
            buckets=(1, 2, 4, 8, 16, 32, 64, 100),
        )
        # each role's series made once (a ``labels()`` look-up per message was ~5 % of a
        # message's calls), and shown at 0 before the first message
        self.resident_in = self.messages_in.labels(role="resident")
        self.advisor_in = self.messages_in.labels(role="advisor")
        self._frames_out = {
            audience: self.frames_out.labels(role=role) for audience, role in ROLE_OF.items()
        }

    def watch(self, store: Store, hub: Hub) -> None:
        """Hook the store's commits and the hub's deliveries; add the scrape-time gauges."""
        store.on_commit = self.store_commit_seconds.observe
        hub.on_delivered = self._delivered
        self.register(
            CallbackCollector(
                "frontdoor_handoff_connections",
                "Open websockets on this instance.",
                ["role"],
                lambda: _connections(hub),
            )
        )
        self.register(
            CallbackCollector(
                "frontdoor_handoff_queue_waiting",
                "Conversations waiting for an advisor, by team (all instances).",
                ["team"],
                lambda: _waiting(store),
            )
        )

    def watch_redis(self, use: str, outage: RedisOutage | None) -> None:
        """Follow a best-effort use of Redis (``frontdoor.redis.RedisOutage``)."""
        if outage is None:
            return
        up, skipped = self.redis_up.labels(use=use), self.redis_skipped.labels(use=use)
        up.set(1 if outage.up else 0)
        outage.on_change = lambda now_up: up.set(1 if now_up else 0)
        outage.on_skip = skipped.inc

    def _delivered(self, audience: Audience, count: int) -> None:
        self._frames_out[audience].inc(count)


def _connections(hub: Hub) -> Iterable[tuple[Sequence[str], float]]:
    counts = dict.fromkeys(ROLE_OF.values(), 0)
    for connection in list(hub.connections):
        counts[ROLE_OF[connection.audience]] += 1
    return [((role,), float(count)) for role, count in counts.items()]


def _waiting(store: Store) -> Iterable[tuple[Sequence[str], float]]:
    counts = {"general": 0.0}  # a series even when nobody waits
    for team, count in store.waiting_by_team().items():
        counts[team or "general"] = counts.get(team or "general", 0.0) + count
    return [((team,), count) for team, count in counts.items()]
