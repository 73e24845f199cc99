"""The hub without sockets or a database: ordering, catch-up, slow clients, heartbeats."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest

from handoff.delivery import Audience, Event, Kind, audience_of
from handoff.exceptions import CLOSE_HEARTBEAT, CLOSE_TRY_AGAIN
from handoff.hub import Connection, Hub, Outbox
from handoff.protocol import Heartbeat

CID = "c" * 32
AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class MemoryStore:
    """Just the reads the hub makes."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.reads = 0

    def add(self, kind: str = Kind.MESSAGE) -> Event:
        event = Event(CID, len(self.events) + 1, kind, {"text": "x"}, AT, audience_of(kind))
        self.events.append(event)
        return event

    def last_seqs(self, ids: list[str]) -> dict[str, int]:
        return {CID: len(self.events)} if CID in ids else {}

    def events_after(self, conversation_id: str, seq: int, limit: int = 2000) -> list[Event]:
        self.reads += 1
        return [e for e in self.events if e.seq > seq][:limit]


class Socket:
    def __init__(self, delay: float = 0.0) -> None:
        self.frames: list[dict] = []
        self.closed: tuple[int, str] | None = None
        self.delay = delay

    async def send(self, text: str) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.frames.append(json.loads(text))

    async def close(self, code: int, reason: str) -> None:
        self.closed = (code, reason)


def connect(hub: Hub, audience: Audience = Audience.ALL, *, delay: float = 0.0, size: int = 2000):
    socket = Socket(delay)
    connection = Connection(Outbox(socket.send, socket.close, size=size), audience)
    hub.add(connection)
    writer = asyncio.create_task(connection.outbox.run())
    return socket, connection, writer


def seqs(socket: Socket) -> list[int]:
    return [f["seq"] for f in socket.frames if f.get("type") == "event"]


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_subscribe_replays_then_delivers_live_in_order():
    store = MemoryStore()
    for _ in range(3):
        store.add()
    hub = Hub(store)
    socket, connection, writer = connect(hub)
    await hub.subscribe(connection, CID, 1)
    await hub.published([store.add(), store.add()])
    await settle()
    assert seqs(socket) == [2, 3, 4, 5]
    hub.remove(connection)
    await writer


async def test_out_of_order_publishes_are_read_from_the_store_never_skipped():
    store = MemoryStore()
    hub = Hub(store)
    socket, connection, writer = connect(hub)
    await hub.subscribe(connection, CID, 0)
    first, second = store.add(), store.add()
    await hub.published([second])  # 1 has not been announced yet: the hub reads the store
    await hub.published([first])
    await settle()
    assert seqs(socket) == [1, 2]
    hub.remove(connection)
    await writer


async def test_residents_never_receive_advisor_only_events():
    store = MemoryStore()
    hub = Hub(store)
    resident, r, w1 = connect(hub, Audience.ALL)
    advisor, a, w2 = connect(hub, Audience.ADVISORS)
    await hub.subscribe(r, CID, 0)
    await hub.subscribe(a, CID, 0)
    await hub.published([store.add(), store.add(Kind.NOTE), store.add()])
    await settle()
    assert seqs(resident) == [1, 3] and seqs(advisor) == [1, 2, 3]
    for c in (r, a):
        hub.remove(c)
    await asyncio.gather(w1, w2)


async def test_unknown_cursor_asks_for_a_reload_and_keeps_the_socket():
    store = MemoryStore()
    store.add()
    hub = Hub(store)
    socket, connection, writer = connect(hub)
    await hub.subscribe(connection, CID, 9)
    await hub.published([store.add()])
    await settle()
    assert socket.frames[0] == {"type": "reload_required", "reason": "unknown_cursor"}
    assert seqs(socket) == [2]
    hub.remove(connection)
    await writer


async def test_a_wake_up_or_the_poll_catches_up_with_other_instances():
    store = MemoryStore()
    hub = Hub(store)
    socket, connection, writer = connect(hub)
    await hub.subscribe(connection, CID, 0)
    store.add()
    store.add()  # written by another instance: nothing published here
    await hub.poll()
    await settle()
    assert seqs(socket) == [1, 2]
    hub.remove(connection)
    await writer


async def test_one_slow_client_never_blocks_the_others():
    store = MemoryStore()
    hub = Hub(store)
    slow, s, w1 = connect(hub, delay=10.0)  # a client that takes 10 s per frame
    fast, f, w2 = connect(hub)
    await hub.subscribe(s, CID, 0)
    await hub.subscribe(f, CID, 0)
    started = asyncio.get_running_loop().time()
    for _ in range(50):
        await hub.published([store.add()])
    await settle()
    assert seqs(fast) == list(range(1, 51))
    assert asyncio.get_running_loop().time() - started < 1.0
    assert len(slow.frames) == 0
    for c in (s, f):
        hub.remove(c)
    w1.cancel()
    await w2


async def test_a_client_too_far_behind_is_closed_to_resume_later():
    store = MemoryStore()
    hub = Hub(store)
    socket, connection, writer = connect(hub, delay=0.01, size=5)
    await hub.subscribe(connection, CID, 0)
    for _ in range(20):
        await hub.published([store.add()])
    await asyncio.wait_for(writer, timeout=2)
    assert socket.closed is not None and socket.closed[0] == CLOSE_TRY_AGAIN


async def test_broadcast_survives_connections_leaving_midway():
    store = MemoryStore()
    hub = Hub(store)
    sockets = [connect(hub) for _ in range(5)]
    for _, connection, _ in sockets:
        await hub.subscribe(connection, CID, 0)
    hub.remove(sockets[2][1])  # one leaves; the others still get everything
    await hub.published([store.add()])
    hub.to_conversation(CID, {"type": "typing", "author": "advisor", "on": True})
    await settle()
    for index, (socket, connection, writer) in enumerate(sockets):
        expected = [] if index == 2 else [1]
        assert seqs(socket) == expected
        if index != 2:
            hub.remove(connection)
        await writer


async def test_heartbeat_sweep_pings_and_closes_silent_sockets():
    store = MemoryStore()
    hub = Hub(store)
    quiet, q, w1 = connect(hub)
    chatty, c, w2 = connect(hub)
    q.beat = Heartbeat(now=0, interval=25)
    c.beat = Heartbeat(now=0, interval=25)
    hub.sweep_heartbeats(30)
    c.beat.received(70)
    hub.sweep_heartbeats(80)
    await settle()
    assert quiet.frames[0] == {"type": "ping"}
    await asyncio.wait_for(w1, timeout=1)
    assert quiet.closed == (CLOSE_HEARTBEAT, "heartbeat timeout")
    assert chatty.closed is None
    hub.remove(c)
    await w2


async def test_live_advisors_are_those_heard_within_the_heartbeat_timeout():
    hub = Hub(MemoryStore())
    heard = Connection(Outbox(Socket().send, Socket().close), Audience.ADVISORS, user_id=7)
    silent = Connection(Outbox(Socket().send, Socket().close), Audience.ADVISORS, user_id=8)
    for connection in (heard, silent):
        hub.add(connection)
        connection.beat = Heartbeat(now=0, interval=25)
    heard.beat.received(60)
    assert hub.live_advisors(70) == {7, 8}
    assert hub.live_advisors(80) == {7}  # 8 has been silent for three missed beats
    hub.remove(heard)
    assert hub.live_advisors(80) == frozenset()


async def test_an_idle_outbox_keeps_no_bulk_lane_and_no_instance_dict() -> None:
    socket = Socket()
    outbox = Outbox(socket.send, socket.close)
    connection = Connection(outbox, Audience.ALL)
    assert not hasattr(outbox, "__dict__") and not hasattr(connection, "__dict__")  # slots
    writer = asyncio.create_task(outbox.run())
    assert outbox.put({"type": "welcome"})
    await settle()
    assert outbox._bulk is None  # no co-browse, no lane
    assert outbox.put_bulk({"type": "cobrowse_mirror"})
    assert outbox._bulk is not None
    await settle()
    assert outbox._bulk is None and outbox.bulk_queued == 0  # drained: the lane goes too
    assert [f["type"] for f in socket.frames] == ["welcome", "cobrowse_mirror"]
    outbox.stop()
    await asyncio.wait_for(writer, timeout=5)


def test_the_launcher_starts_handoff_with_the_websocket_options_of_its_settings() -> None:
    from frontdoor.launcher import HANDOFF_WS_FLAGS
    from handoff.settings import UVICORN_WS_OPTIONS, uvicorn_ws_flags

    assert list(HANDOFF_WS_FLAGS) == uvicorn_ws_flags()
    assert UVICORN_WS_OPTIONS["ws_per_message_deflate"] is False


async def test_an_event_is_encoded_once_for_all_its_subscribers(monkeypatch):
    from handoff import protocol

    encoded: list[dict] = []
    real = protocol.encode

    def counting(frame: dict) -> str:
        encoded.append(frame)
        return real(frame)

    monkeypatch.setattr(protocol, "encode", counting)
    store = MemoryStore()
    hub = Hub(store)
    resident, resident_connection, resident_writer = connect(hub, Audience.ALL)
    advisor, advisor_connection, advisor_writer = connect(hub, Audience.ADVISORS)
    supervisor, supervisor_connection, supervisor_writer = connect(hub, Audience.ADVISORS)
    for connection in (resident_connection, advisor_connection, supervisor_connection):
        await hub.subscribe(connection, CID, 0)
    await hub.published([store.add(), store.add(Kind.NOTE)])
    await settle()

    assert seqs(resident) == [1]  # the note is for advisors only
    assert seqs(advisor) == seqs(supervisor) == [1, 2]
    assert advisor.frames == supervisor.frames
    assert [f["seq"] for f in encoded if f.get("type") == "event"] == [1, 2]
    for connection in (resident_connection, advisor_connection, supervisor_connection):
        hub.remove(connection)
    await asyncio.gather(resident_writer, advisor_writer, supervisor_writer)


async def test_a_spawned_writer_runs_only_while_frames_wait() -> None:
    socket = Socket()
    outbox = Outbox(socket.send, socket.close, spawn_writer=True)
    assert outbox._writer is None  # an idle socket: no writer task at all
    assert outbox.put({"type": "welcome"}) and outbox.put({"type": "ping"})
    assert outbox._writer is not None
    await settle()
    assert [f["type"] for f in socket.frames] == ["welcome", "ping"]
    assert outbox._writer is None and outbox._frames is None  # drained: task and queue gone
    assert outbox.put({"type": "pong"})
    await settle()
    assert [f["type"] for f in socket.frames] == ["welcome", "ping", "pong"]
    outbox.close_with(CLOSE_HEARTBEAT, "heartbeat timeout")
    await outbox.finish(timeout=5)
    assert socket.closed == (CLOSE_HEARTBEAT, "heartbeat timeout")
    assert not outbox.put({"type": "ping"}) and outbox._writer is None


async def test_a_spawned_writer_that_loses_its_peer_ends_quietly_and_for_good() -> None:
    sent: list[str] = []

    async def gone(text: str) -> None:
        sent.append(text)
        raise ConnectionResetError("peer gone")

    outbox = Outbox(gone, Socket().close, spawn_writer=True)
    outbox.put({"type": "welcome"})
    outbox.put({"type": "ping"})
    await settle()
    assert len(sent) == 1 and outbox._writer is None
    outbox.put({"type": "pong"})  # queued, but no second writer on a lost socket
    assert outbox._writer is None
    outbox.stop()
    await outbox.finish(timeout=5)
    assert len(sent) == 1


@pytest.mark.parametrize("spawn_writer", [False, True])
async def test_a_client_too_far_behind_is_closed_by_either_writer(spawn_writer: bool) -> None:
    socket = Socket(delay=0.01)
    outbox = Outbox(socket.send, socket.close, size=3, spawn_writer=spawn_writer)
    writer = None if spawn_writer else asyncio.create_task(outbox.run())
    accepted = [outbox.put({"type": "event", "seq": n}) for n in range(6)]
    assert accepted[:3] == [True] * 3 and not any(accepted[4:])
    if writer is not None:
        await asyncio.wait_for(writer, timeout=5)
    else:
        await outbox.finish(timeout=5)
    assert socket.closed is not None and socket.closed[0] == CLOSE_TRY_AGAIN
