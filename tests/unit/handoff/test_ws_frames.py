"""How the websocket adapter answers one frame when the instance sheds load."""

from __future__ import annotations

import json
from typing import Any

import pytest

from handoff import protocol
from handoff.exceptions import Busy
from handoff.ws import WebsocketRoutes, _one_frame


class Sent:
    def __init__(self) -> None:
        self.frames: list[dict[str, Any]] = []

    def send(self, frame: dict[str, Any]) -> None:
        self.frames.append(frame)


class Count:
    def __init__(self) -> None:
        self.value = 0

    def inc(self) -> None:
        self.value += 1


async def test_shed_messages_do_not_spend_the_senders_frame_window() -> None:
    connection, throttled = Sent(), Count()
    limiter = protocol.FrameLimiter(limit=3, window=10)
    shedding = True

    async def on_frame(frame: Any) -> None:
        if shedding:
            raise Busy(retry_after=1.0)

    def message(n: int) -> str:
        return json.dumps({"type": "message", "client_id": f"m{n}", "text": "hello"})

    for n in range(10):  # shed ten times: each resend is the server's doing
        await _one_frame(connection, message(n), "resident", limiter, on_frame, throttled)  # type: ignore[arg-type]
    assert {f["reason"] for f in connection.frames} == {"busy"}
    shedding = False
    connection.frames.clear()
    for n in range(3):  # the recovered instance takes the sender's full window
        await _one_frame(connection, message(n), "resident", limiter, on_frame, throttled)  # type: ignore[arg-type]
    assert connection.frames == [] and throttled.value == 0


@pytest.mark.parametrize(
    ("scope_type", "path", "root_path", "reaches"),
    [
        ("websocket", "/ws/resident", "", "endpoint"),
        ("websocket", "/chat/ws/resident", "/chat", "endpoint"),  # behind a path prefix
        ("websocket", "/ws/elsewhere", "", "stack"),  # the router refuses it, as before
        ("http", "/ws/resident", "", "stack"),  # HTTP keeps every middleware
    ],
)
async def test_the_websocket_routes_skip_only_the_stack_for_their_own_sockets(
    scope_type: str, path: str, root_path: str, reaches: str
) -> None:
    reached: list[str] = []

    async def stack(scope: Any, receive: Any, send: Any) -> None:
        reached.append("stack")

    async def endpoint(websocket: Any) -> None:
        reached.append("endpoint")
        assert websocket.url.path == path

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(message: Any) -> None:
        return None

    routes = WebsocketRoutes(stack, routes={"/ws/resident": endpoint})
    scope = {
        "type": scope_type,
        "path": path,
        "root_path": root_path,
        "headers": [],
        "query_string": b"",
    }
    await routes(scope, receive, send)
    assert reached == [reaches]
