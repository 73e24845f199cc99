"""Live connections on this instance and the delivery of stored events to them.

Each conversation with someone connected here has a :class:`Channel`: the
recent events in memory (a :class:`ChannelBuffer`) and the subscriptions of
the connections following it. Events reach a channel three ways, all ending in
the same ordered catch-up: published locally just after commit, woken by
another instance through Redis, or found by the periodic poll (which is what
makes a lost Redis message harmless). The store is the source of truth;
memory only saves reads.

Sending never waits on a client: frames go into each connection's bounded
outbox, written by that connection's own writer task (a socket's, only while
frames wait). A client that falls too far
behind is closed (1013) and resumes from its cursor when it reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import anyio

from handoff import protocol
from handoff.delivery import (
    REPLAY_WINDOW,
    Audience,
    ChannelBuffer,
    CursorVerdict,
    Event,
    Subscription,
    judge_cursor,
)
from handoff.exceptions import CLOSE_HEARTBEAT, CLOSE_TRY_AGAIN
from handoff.store import Store

log = logging.getLogger(__name__)
OUTBOX_FRAMES = 2000
BULK_BYTES = 512 * 1024  # co-browse mirror frames waiting for one socket


class Outbox:
    """A bounded queue of frames for one socket, drained by :meth:`run`.

    Two lanes: conversation frames, and bulk frames (the co-browse mirror). The
    writer always sends every waiting conversation frame before the next bulk
    one, so a mirrored page never holds up a chat message; bulk frames beyond
    ``bulk_bytes`` are refused (the sender coalesces into a fresh snapshot).

    Either :meth:`run` is the socket's long-lived writer, or (``spawn_writer``) a
    writer task is started when a frame arrives and ends once the queue is empty:
    an idle socket then has no writer task, no coroutine frame and no future.
    """

    # An idle resident's socket holds one of these: slots, and a frame queue, a bulk
    # lane, a wake-up future and a writer task made only when needed (issue 12: an
    # idle socket ≤ 40 KiB).
    __slots__ = (
        "_bulk",
        "_bulk_limit",
        "_bulk_queued",
        "_close",
        "_closing",
        "_finished",
        "_frames",
        "_send",
        "_size",
        "_spawn",
        "_wake",
        "_writer",
        "closed",
        "overflowed",
    )

    def __init__(
        self,
        send: Callable[[str], Awaitable[None]],
        close: Callable[[int, str], Awaitable[None]],
        *,
        size: int = OUTBOX_FRAMES,
        bulk_bytes: int = BULK_BYTES,
        spawn_writer: bool = False,
    ) -> None:
        self._send, self._close = send, close
        self._frames: deque[str | None] | None = None  # made when a frame waits
        self._bulk: deque[str] | None = None  # the co-browse lane, made on first use
        self._bulk_queued = 0
        self._wake: asyncio.Future[None] | None = None  # set while the writer waits
        self._size, self._bulk_limit = size, bulk_bytes
        self.overflowed = False
        self.closed = False
        self._closing: tuple[int, str] | None = None
        self._spawn = spawn_writer
        self._writer: asyncio.Task[None] | None = None  # the spawned writer, while it runs
        self._finished = False  # the writer has closed the socket (or lost it): no other

    def _signal(self) -> None:
        wake = self._wake
        if wake is not None:
            if not wake.done():
                wake.set_result(None)
        elif self._spawn and self._writer is None and not self._finished:
            self._writer = asyncio.get_running_loop().create_task(self._drain())

    def _push(self, item: str | None) -> None:
        if self._frames is None:
            self._frames = deque()
        self._frames.append(item)
        self._signal()

    def put(self, frame: dict[str, Any]) -> bool:
        return self.put_text(protocol.encode(frame))

    def put_text(self, text: str) -> bool:
        """Queue a frame already encoded (one event's text shared by its subscribers)."""
        if self.closed or self.overflowed:
            return False
        if self._frames is not None and len(self._frames) >= self._size:
            self.overflowed = True
            self._push(None)  # wake the writer, which closes the socket
            return False
        self._push(text)
        return True

    def put_bulk(self, frame: dict[str, Any]) -> bool:
        """Queue a bulk frame behind every conversation frame; False when the lane is full."""
        if self.closed or self.overflowed:
            return False
        text = protocol.encode(frame)
        if self._bulk_queued + len(text) > self._bulk_limit:
            return False
        if self._bulk is None:
            self._bulk = deque()
        self._bulk.append(text)
        self._bulk_queued += len(text)
        self._signal()
        return True

    @property
    def bulk_queued(self) -> int:
        return self._bulk_queued

    def stop(self) -> None:
        self.closed = True
        self._push(None)

    def close_with(self, code: int, reason: str) -> None:
        """Close the socket after what is already queued (e.g. 1012 on shutdown)."""
        self._closing = (code, reason)
        self.closed = True
        self._push(None)

    async def run(self) -> None:
        """The long-lived writer: waits for frames, returns when the socket is done."""
        while True:
            if not self._frames and not self._bulk:
                self._wake = asyncio.get_running_loop().create_future()
                try:
                    await self._wake
                finally:
                    self._wake = None
                continue
            if not await self._write_next():
                return

    async def _drain(self) -> None:
        """A spawned writer: sends what waits, then ends (the next frame starts another)."""
        try:
            while self._frames or self._bulk:
                if not await self._write_next():
                    self._finished = True
                    return
        except Exception:  # the peer is gone: its reader sees the disconnect and cleans up
            self._finished = True
        finally:
            self._writer = None

    async def finish(self, timeout: float) -> None:
        """Wait (up to ``timeout``) for a spawned writer to send what is queued."""
        writer = self._writer
        if writer is None:
            return
        # cancelled on a timeout; a lost peer already ended it quietly (see _drain)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(writer, timeout=timeout)

    async def _write_next(self) -> bool:
        """Send the next frame (conversation lane first); False once the socket is done."""
        frames = self._frames
        if frames:
            text = frames.popleft()
            if not frames:
                self._frames = None  # an idle socket keeps no deque (~0.7 KiB)
            if self.overflowed:
                await self._close(CLOSE_TRY_AGAIN, "too far behind; reconnect and resume")
                return False
            if text is None:
                if self._closing is not None:
                    await self._close(*self._closing)
                return False
        else:
            assert self._bulk is not None
            text = self._bulk.popleft()
            self._bulk_queued -= len(text)
            if not self._bulk:
                self._bulk = None  # the lane goes with the mirror
        await self._send(text)
        return True


@dataclass(eq=False, slots=True)
class Connection:
    outbox: Outbox
    audience: Audience
    user_id: int | None = None  # advisors
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)  # what the views last sent
    beat: protocol.Heartbeat | None = None

    def send(self, frame: dict[str, Any]) -> bool:
        return self.outbox.put(frame)

    def send_text(self, text: str) -> bool:
        return self.outbox.put_text(text)


@dataclass(eq=False, slots=True)
class Channel:
    conversation_id: str
    buffer: ChannelBuffer
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    connections: set[Connection] = field(default_factory=set)


class Hub:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.channels: dict[str, Channel] = {}
        self.advisors: dict[int, set[Connection]] = {}
        self.connections: set[Connection] = set()
        # event frames handed to sockets, per audience (metrics)
        self.on_delivered: Callable[[Audience, int], None] | None = None
        # events read from the store rather than committed here (another instance's):
        # co-browsing learns from them that a session ended elsewhere
        self.on_caught_up: Callable[[list[Event]], None] | None = None

    # --- membership ---------------------------------------------------------------------

    def add(self, connection: Connection) -> None:
        self.connections.add(connection)
        if connection.user_id is not None:
            self.advisors.setdefault(connection.user_id, set()).add(connection)

    def remove(self, connection: Connection) -> None:
        self.connections.discard(connection)
        for conversation_id in list(connection.subscriptions):
            self._leave(connection, conversation_id)
        if connection.user_id is not None:
            peers = self.advisors.get(connection.user_id)
            if peers is not None:
                peers.discard(connection)
                if not peers:
                    del self.advisors[connection.user_id]
        connection.outbox.stop()

    def _leave(self, connection: Connection, conversation_id: str) -> None:
        connection.subscriptions.pop(conversation_id, None)
        channel = self.channels.get(conversation_id)
        if channel is not None:
            channel.connections.discard(connection)
            if not channel.connections and not channel.lock.locked():
                del self.channels[conversation_id]

    async def subscribe(self, connection: Connection, conversation_id: str, cursor: int) -> None:
        """Follow a conversation from ``cursor``: replay what is missing, then live."""
        channel = self.channels.get(conversation_id)
        if channel is None:
            last = await anyio.to_thread.run_sync(self.store.last_seqs, [conversation_id])
            channel = self.channels.setdefault(
                conversation_id,
                Channel(conversation_id, ChannelBuffer(head=last.get(conversation_id, 0))),
            )
        async with channel.lock:
            await self._catch_up(channel)
            verdict = judge_cursor(cursor, channel.buffer.head, REPLAY_WINDOW)
            subscription = Subscription(conversation_id, connection.audience, cursor)
            channel.connections.add(connection)
            connection.subscriptions[conversation_id] = subscription
            if verdict is not CursorVerdict.REPLAY:
                subscription.sent_seq = channel.buffer.head
                advisor_side = connection.audience is Audience.ADVISORS
                connection.send(
                    protocol.reload_frame(verdict.value, conversation_id if advisor_side else None)
                )
                return
            await self._deliver(channel, [subscription_of(connection, conversation_id)])

    def unsubscribe(self, connection: Connection, conversation_id: str) -> None:
        self._leave(connection, conversation_id)

    # --- delivery --------------------------------------------------------------------------

    async def published(self, events: Iterable[Event]) -> None:
        """Events this instance just committed."""
        by_conversation: dict[str, list[Event]] = {}
        for event in events:
            by_conversation.setdefault(event.conversation_id, []).append(event)
        for conversation_id, batch in by_conversation.items():
            channel = self.channels.get(conversation_id)
            if channel is None:
                continue
            async with channel.lock:
                if not all(channel.buffer.offer(e) for e in sorted(batch, key=lambda e: e.seq)):
                    await self._catch_up(channel)
                await self._deliver(channel, self._subs(channel))

    async def wake(self, conversation_id: str, seq: int | None = None) -> None:
        """Another instance (or the poll) says the conversation has moved on."""
        channel = self.channels.get(conversation_id)
        if channel is None or (seq is not None and seq <= channel.buffer.head):
            return
        async with channel.lock:
            await self._catch_up(channel)
            await self._deliver(channel, self._subs(channel))

    async def poll(self) -> None:
        """Catch every local channel up with the store (covers lost wake-ups)."""
        for conversation_id, channel in list(self.channels.items()):
            if not channel.connections and not channel.lock.locked():
                del self.channels[conversation_id]
        if not self.channels:
            return
        heads = await anyio.to_thread.run_sync(self.store.last_seqs, list(self.channels))
        for conversation_id, last_seq in heads.items():
            live = self.channels.get(conversation_id)
            if live is not None and last_seq > live.buffer.head:
                await self.wake(conversation_id, last_seq)

    async def catch_up_one(self, conversation_id: str) -> None:
        """``poll`` for one conversation: has the store moved past what this instance saw?"""
        channel = self.channels.get(conversation_id)
        if channel is None:
            return
        heads = await anyio.to_thread.run_sync(self.store.last_seqs, [conversation_id])
        last_seq = heads.get(conversation_id, 0)
        if last_seq > channel.buffer.head:
            await self.wake(conversation_id, last_seq)

    async def _catch_up(self, channel: Channel) -> None:
        while True:
            fresh = await anyio.to_thread.run_sync(
                self.store.events_after, channel.conversation_id, channel.buffer.head
            )
            channel.buffer.extend(fresh)
            if fresh and self.on_caught_up is not None:
                self.on_caught_up(fresh)
            if len(fresh) < 2000:
                return

    async def _deliver(
        self, channel: Channel, subscriptions: list[tuple[Connection, Subscription]]
    ) -> None:
        # each event encoded once for all its subscribers (the resident, the advisor,
        # supervisors): JSON encoding was the loop's largest own cost in the stall
        # profile (issue 12); nothing is kept after this pass
        encoded: dict[int, str] = {}
        for connection, subscription in subscriptions:
            events = channel.buffer.after(subscription.sent_seq)
            if events is None:  # behind what memory holds: read the store
                events = await anyio.to_thread.run_sync(
                    self.store.events_after, channel.conversation_id, subscription.sent_seq
                )
                events = [e for e in events if e.seq <= channel.buffer.head]
            sent = 0
            for event in subscription.take(events):
                text = encoded.get(event.seq)
                if text is None:
                    text = encoded[event.seq] = protocol.encode(event.frame())
                sent += connection.send_text(text)
            if sent and self.on_delivered is not None:
                self.on_delivered(connection.audience, sent)

    def _subs(self, channel: Channel) -> list[tuple[Connection, Subscription]]:
        found = []
        for connection in list(channel.connections):  # a copy: the set may change meanwhile
            subscription = connection.subscriptions.get(channel.conversation_id)
            if subscription is not None:
                found.append((connection, subscription))
        return found

    # --- ephemeral frames ----------------------------------------------------------------

    def to_conversation(
        self,
        conversation_id: str,
        frame: dict[str, Any],
        *,
        audience: Audience | None = None,
        skip: Connection | None = None,
    ) -> None:
        channel = self.channels.get(conversation_id)
        if channel is None:
            return
        for connection in list(channel.connections):
            if connection is not skip and (audience is None or connection.audience is audience):
                connection.send(frame)

    def to_advisor(self, user_id: int, frame: dict[str, Any]) -> None:
        for connection in list(self.advisors.get(user_id, ())):
            connection.send(frame)

    def live_advisors(self, now: float) -> frozenset[int]:
        """Advisors with a console on this instance heard from within its heartbeat
        timeout (``now`` on the monotonic clock the sockets' beats are kept on)."""
        return frozenset(
            user_id
            for user_id, connections in self.advisors.items()
            if any(c.beat is not None and not c.beat.timed_out(now) for c in connections)
        )

    def sweep_heartbeats(self, now: float) -> None:
        """Ping quiet sockets; close the ones that stopped answering (4408)."""
        for connection in list(self.connections):
            beat = connection.beat
            if beat is None:
                continue
            if beat.timed_out(now):
                connection.outbox.close_with(CLOSE_HEARTBEAT, "heartbeat timeout")
            elif beat.ping_due(now):
                connection.send({"type": "ping"})
                beat.sent(now)

    def resident_conversations(self) -> list[str]:
        """The conversations with a resident's socket open on this instance (presence)."""
        return [
            conversation_id
            for conversation_id, channel in list(self.channels.items())
            if any(c.audience is Audience.ALL for c in list(channel.connections))
        ]

    def residents_waiting_here(self) -> list[tuple[str, Connection]]:
        return [
            (conversation_id, connection)
            for conversation_id, channel in list(self.channels.items())
            for connection in list(channel.connections)
            if connection.audience is Audience.ALL
        ]


def subscription_of(
    connection: Connection, conversation_id: str
) -> tuple[Connection, Subscription]:
    return connection, connection.subscriptions[conversation_id]
