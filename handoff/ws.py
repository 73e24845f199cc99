"""The two websocket endpoints: thin adapters over protocol, hub and service.

Each socket has one task, the reader (this coroutine: size check, parse, rate
limit, act); its outbox starts a writer task only while frames wait. One
sweeper in ``live`` keeps the heartbeat of every socket. Domain errors become
an ``error`` frame, or a close code for the few that end the socket.

The two routes are plain ASGI endpoints mounted ahead of the middleware stack
(:class:`WebsocketRoutes`): every middleware there (CORS, security headers,
body limits, request metrics) is HTTP-only, yet each socket kept a coroutine
frame per layer for its whole life and every frame crossed them (issue 12).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import anyio
from prometheus_client import Counter
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect

from frontdoor.ratelimit import Check, RateLimited, client_address
from handoff import protocol
from handoff.delivery import Audience, Kind
from handoff.exceptions import (
    CLOSE_BAD_REQUEST,
    CLOSE_FORBIDDEN,
    CLOSE_NOT_AUTHENTICATED,
    CLOSE_TOO_BIG,
    CLOSE_TRY_AGAIN,
    Busy,
    HandoffError,
    InvalidFrame,
    StoreUnavailable,
    Throttled,
    close_code,
)
from handoff.hub import Connection, Outbox
from handoff.states import State
from handoff.store import DatabaseError, Store, unreachable

log = logging.getLogger(__name__)
# An advisor console's frames per rate window, all chats together (each chat has its own
# window of protocol.RATE_LIMIT_FRAMES): ten busy chats at the per-chat limit.
ADVISOR_FRAMES_PER_WINDOW = 10 * protocol.RATE_LIMIT_FRAMES


Endpoint = Callable[[WebSocket], Awaitable[None]]


class WebsocketRoutes:
    """ASGI middleware: the websocket routes by exact path, ahead of the app's stack.

    Added last (outermost), so a socket on one of these paths skips the HTTP
    middleware, the exception middleware, the router and FastAPI's per-route
    wrappers; anything else (HTTP, other paths) goes through unchanged. An
    exception the endpoint does not handle reaches the server, which closes
    the socket with 1011, as the exception middleware did for these routes.
    """

    def __init__(self, app: ASGIApp, routes: Mapping[str, Endpoint]) -> None:
        self.app, self.routes = app, dict(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            path, root = scope["path"], scope.get("root_path", "")
            if root and path.startswith(root):
                path = path[len(root) :]
            endpoint = self.routes.get(path)
            if endpoint is not None:
                await endpoint(WebSocket(scope, receive, send))
                return
        await self.app(scope, receive, send)


def origin_allowed(websocket: WebSocket, allowed: list[str]) -> bool:
    return websocket.headers.get("origin", "") in allowed


# a socket opening while the database restarts: "come back shortly", never a 1011
TRY_AGAIN_REASON = "the service cannot reach its database; try again shortly"


def database_gone(exc: BaseException) -> bool:
    return isinstance(exc, StoreUnavailable) or (
        isinstance(exc, DatabaseError) and unreachable(exc)
    )


async def refuse(websocket: WebSocket, code: int, reason: str) -> None:
    """Accept, then close with an application code the browser can read."""
    await websocket.accept()
    await websocket.close(code=code, reason=reason[:120])


async def resident_endpoint(websocket: WebSocket) -> None:
    app = websocket.app.state
    if not origin_allowed(websocket, app.settings.handoff_allowed_origins):
        await websocket.close(code=1008)  # before accept: the handshake is refused (HTTP 403)
        return
    params = websocket.query_params
    conversation_id = params.get("conversation_id", "")
    try:
        cursor = protocol.parse_cursor_param(params.get("cursor"))
        if not conversation_id:
            raise InvalidFrame("conversation_id is required")
        conversation = await app.handoff.authorize(conversation_id, params.get("token"))
    except HandoffError as exc:
        if database_gone(exc):
            await refuse(websocket, CLOSE_TRY_AGAIN, TRY_AGAIN_REASON)
            return
        await refuse(websocket, close_code(exc) or CLOSE_BAD_REQUEST, exc.message)
        return
    except DatabaseError as exc:
        if not database_gone(exc):
            raise
        await refuse(websocket, CLOSE_TRY_AGAIN, TRY_AGAIN_REASON)
        return
    await websocket.accept()
    connection = _connection(websocket, Audience.ALL)
    connection.send(
        {
            "type": "welcome",
            "conversation_id": conversation_id,
            "state": conversation.state,
            "last_seq": conversation.last_seq,
            "heartbeat_seconds": app.settings.handoff_heartbeat_seconds,
            "max_frame_bytes": protocol.MAX_FRAME_BYTES,
        }
    )

    async def on_open() -> None:
        await app.hub.subscribe(connection, conversation_id, cursor)
        if conversation.state == State.WAITING:  # heard now, not at the next presence tick
            await _touch_resident(app.handoff.store, conversation_id)
        app.live.refresher.mark(positions=True)
        app.handoff.cobrowse.resident_joined(connection, conversation_id)

    address = client_address(websocket)
    handoff, limiter = app.handoff, app.limiter  # looked up once, not per frame
    # the rate-limit checks, built on the socket's first write (an idle socket keeps none)
    checks: dict[type, tuple[Check, Check]] | None = None

    async def on_frame(frame: Any) -> None:
        nonlocal checks
        if type(frame) in _WRITE_LIMITS:
            if checks is None:
                checks = write_checks(app.settings, address, conversation_id)
            counted = checks[type(frame)]
            if limiter.blocking:  # counted off the loop: the count lives in Redis
                await anyio.to_thread.run_sync(hit, limiter, counted)
            else:  # in this process's memory: a few microseconds, no worker-thread trip
                hit(limiter, counted)
        await handoff.resident_frame(connection, conversation_id, frame)

    try:
        await serve(
            websocket,
            connection,
            "resident",
            on_open,
            on_frame,
            heartbeat=app.settings.handoff_heartbeat_seconds,
        )
    finally:
        app.handoff.cobrowse.resident_left(conversation_id)


async def _touch_resident(store: Store, conversation_id: str) -> None:
    """A waiting resident's socket opened: they are here (``dispatcher`` expires the
    unheard). With the database away the presence loop writes it once it is back."""
    try:
        await anyio.to_thread.run_sync(store.touch_residents, [conversation_id])
    except (HandoffError, DatabaseError) as exc:
        if not database_gone(exc):
            raise
        log.info("resident presence not written on connect: the database is away")


# frame type -> the settings naming its limits (per conversation, per client address)
_WRITE_LIMITS: dict[type, tuple[str, str, str]] = {
    protocol.Message: (
        "messages",
        "handoff_limit_messages_per_conversation",
        "handoff_limit_messages_per_address",
    ),
    protocol.Rate: (
        "ratings",
        "handoff_limit_ratings_per_conversation",
        "handoff_limit_ratings_per_address",
    ),
    protocol.LeaveMessage: (
        "left-messages",
        "handoff_limit_left_messages_per_conversation",
        "handoff_limit_left_messages_per_address",
    ),
}


def write_checks(
    settings: Any, address: str, conversation_id: str
) -> dict[type, tuple[Check, Check]]:
    """A resident socket's counts per write frame type (message, rating,
    leave-a-message): per conversation and per client address."""
    return {
        frame_type: (
            Check(getattr(settings, per_conversation), f"handoff:{scope}:c", conversation_id),
            Check(getattr(settings, per_address), f"handoff:{scope}:a", address),
        )
        for frame_type, (scope, per_conversation, per_address) in _WRITE_LIMITS.items()
    }


def hit(limiter: Any, checks: tuple[Check, ...]) -> None:
    """Count a resident's write or raise ``Throttled``, in the service's shared limiter
    (Redis when configured, so every instance sees the same counts)."""
    try:
        limiter.hit(*checks)
    except RateLimited as exc:
        raise Throttled(retry_after=float(exc.retry_after)) from None


async def advisor_endpoint(websocket: WebSocket) -> None:
    app = websocket.app.state
    if not origin_allowed(websocket, app.settings.handoff_allowed_origins):
        await websocket.close(code=1008)
        return
    try:
        staff = await app.staff_from_cookie(websocket.cookies.get("fd_session"))
    except DatabaseError as exc:
        if not database_gone(exc):
            raise
        await refuse(websocket, CLOSE_TRY_AGAIN, TRY_AGAIN_REASON)
        return
    if staff is None:
        await refuse(websocket, CLOSE_NOT_AUTHENTICATED, "sign in first")
        return
    if not ({"advisor", "supervisor"} & set(staff.roles)):
        await refuse(websocket, CLOSE_FORBIDDEN, "the advisor role is needed")
        return
    try:
        cursors = protocol.parse_cursors_param(websocket.query_params.get("cursors"))
    except HandoffError as exc:
        await refuse(websocket, CLOSE_BAD_REQUEST, exc.message)
        return
    await websocket.accept()
    connection = _connection(websocket, Audience.ADVISORS, user_id=staff.user_id)
    connection.state.update(staff=staff, cursors=cursors, supervisor=staff.supervisor)
    desk = app.desk
    me = await desk.me(staff)
    connection.send(
        {
            "type": "welcome",
            "advisor": me,
            "heartbeat_seconds": app.settings.handoff_heartbeat_seconds,
        }
    )

    async def on_open() -> None:
        await app.live.refresher.refresh_advisor(connection)
        await app.live.presence_once()

    async def on_frame(frame: Any) -> None:
        if isinstance(frame, protocol.Message):
            result = await desk.write(
                staff,
                frame.conversation_id,
                kind=Kind.MESSAGE,
                client_id=frame.client_id,
                text=frame.text,
                links=frame.links,
            )
            connection.send(protocol.ack_frame(frame.client_id, result["seq"], result["duplicate"]))
        elif isinstance(frame, protocol.Typing):
            await desk.typing(staff, frame.conversation_id, frame.on)
        elif isinstance(frame, protocol.Ack):
            await desk.read(staff, frame.conversation_id, frame.seq)
        elif isinstance(frame, protocol.Resume):
            for cid, seq in frame.cursors.items():
                if cid in connection.subscriptions:
                    await app.hub.subscribe(connection, cid, seq)
                else:
                    connection.send(protocol.error_frame("not_assigned", f"{cid} is not your chat"))
        elif isinstance(frame, protocol.Ping):
            connection.send({"type": "pong"})
        elif isinstance(frame, protocol.CobrowseRequest):
            await app.handoff.cobrowse.request(staff, frame.conversation_id)
        elif isinstance(frame, protocol.CobrowseStop):
            await app.handoff.cobrowse.stop_by_advisor(staff, frame.conversation_id)
        elif isinstance(frame, protocol.CobrowseGuide):
            await app.handoff.cobrowse.guide(staff, frame)
        elif isinstance(frame, protocol.CobrowseSnapshot):
            await app.handoff.cobrowse.snapshot(staff, frame.conversation_id)

    await serve(
        websocket,
        connection,
        "advisor",
        on_open,
        on_frame,
        heartbeat=app.settings.handoff_heartbeat_seconds,
    )


def _connection(websocket: WebSocket, audience: Audience, user_id: int | None = None) -> Connection:
    async def close(code: int, reason: str) -> None:
        with contextlib.suppress(Exception):  # the peer may already be gone
            await websocket.close(code=code, reason=reason)

    outbox = Outbox(websocket.send_text, close, spawn_writer=True)
    return Connection(outbox, audience, user_id=user_id)


async def serve(
    websocket: WebSocket,
    connection: Connection,
    role: protocol.Role,
    on_open: Callable[[], Awaitable[None]],
    on_frame: Callable[[Any], Awaitable[None]],
    *,
    heartbeat: float,
) -> None:
    hub = websocket.app.state.hub
    throttled = websocket.app.state.handoff.metrics.throttled.labels(role=role)
    hub.add(connection)
    beat = connection.beat = protocol.Heartbeat(time.monotonic(), heartbeat)
    # an advisor's console: a window per chat, and room for a full desk of busy chats
    overall = ADVISOR_FRAMES_PER_WINDOW if role == "advisor" else None
    limiter = protocol.FrameLimiter(overall=overall)
    try:
        try:
            await on_open()
        except (HandoffError, DatabaseError) as exc:
            if not database_gone(exc):
                raise
            connection.outbox.close_with(CLOSE_TRY_AGAIN, TRY_AGAIN_REASON)
            return
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                break
            raw = message.get("text") if message.get("text") is not None else message.get("bytes")
            beat.received(time.monotonic())
            if raw is None:
                continue
            if protocol.too_big(raw):
                connection.outbox.close_with(CLOSE_TOO_BIG, "frame too big")
                break
            await _one_frame(connection, raw, role, limiter, on_frame, throttled)
    except WebSocketDisconnect:
        pass
    finally:
        hub.remove(connection)  # stops the outbox: what is queued is sent, then the close
        await connection.outbox.finish(timeout=5)


async def _one_frame(
    connection: Connection,
    raw: str | bytes,
    role: protocol.Role,
    limiter: protocol.FrameLimiter,
    on_frame: Callable[[Any], Awaitable[None]],
    throttled: Counter,
) -> None:
    frame: Any = None
    counted = False
    try:
        frame = protocol.parse_frame(raw, role)
        if not isinstance(frame, protocol.CobrowseMirror):  # the mirror has a byte budget
            limiter.check(time.monotonic(), getattr(frame, "conversation_id", None))
            counted = True
        await on_frame(frame)
    except Throttled as exc:
        if isinstance(exc, Busy):  # shed load is counted where it is shed
            if counted:  # and the resend is not held against the sender's own window
                limiter.refund(getattr(frame, "conversation_id", None))
        else:
            throttled.inc()
        connection.send(
            protocol.throttled_frame(exc.retry_after, protocol.client_id_of(frame), exc.code)
        )
    except InvalidFrame as exc:
        try:
            limiter.check(time.monotonic())  # junk counts towards the limit too
        except Throttled as again:
            throttled.inc()
            connection.send(protocol.throttled_frame(again.retry_after))
            return
        connection.send(protocol.error_frame(exc.code, exc.message))
    except HandoffError as exc:  # the socket stays open: the client may correct itself
        connection.send(protocol.error_frame(exc.code, exc.message, protocol.client_id_of(frame)))
    except Exception:
        log.exception("handling a %s frame failed", role)
        connection.send(
            protocol.error_frame(
                "internal_error",
                "Sorry, something went wrong. Please try again.",
                protocol.client_id_of(frame),
            )
        )
