"""The websocket protocol without sockets: parsing, limits, heartbeats, frames.

The websocket endpoints feed raw text to :func:`parse_frame` and send what the
builders here return; everything about the wire format lives in this module
(and PROTOCOL.md), so it is tested with plain values.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Literal

from frontdoor.redaction import mask_card_numbers, redact
from handoff.exceptions import FrameTooLarge, InvalidFrame, Throttled

MAX_FRAME_BYTES = 16 * 1024
MAX_TEXT_CHARS = 4000
RATE_LIMIT_FRAMES = 20
RATE_LIMIT_WINDOW_SECONDS = 10.0
HEARTBEAT_SECONDS = 25.0
HEARTBEAT_MISSES = 3

Role = Literal["resident", "advisor"]
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_CONVERSATION_ID = re.compile(r"^[0-9a-f]{32}$")


# --- client frames --------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    client_id: str
    text: str
    payload: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    links: tuple[dict[str, str], ...] = ()
    conversation_id: str | None = None  # advisor frames name the chat


@dataclass(frozen=True)
class Ack:
    seq: int
    conversation_id: str | None = None


@dataclass(frozen=True)
class Resume:
    cursors: dict[str | None, int]  # resident: {None: cursor}


@dataclass(frozen=True)
class Typing:
    on: bool
    conversation_id: str | None = None


@dataclass(frozen=True)
class RequestHuman:
    pass


@dataclass(frozen=True)
class LeaveQueue:
    pass


@dataclass(frozen=True)
class LeaveMessage:
    client_id: str
    text: str
    contact: str = ""


@dataclass(frozen=True)
class CloseConversation:
    pass


@dataclass(frozen=True)
class Rate:
    stars: int
    comment: str = ""


@dataclass(frozen=True)
class Ping:
    pass


# --- co-browsing (PROTOCOL.md §9) -----------------------------------------------------

MIRROR_CHUNK_CHARS = 12 * 1024  # a mirror frame's slice of the serialised rrweb batch
MIRROR_MAX_PARTS = 512  # parts of one batch (the recorder's own page-size limit is lower)
GUIDE_LABEL_CHARS = 80
_GUIDE_KINDS = {"highlight", "point", "clear"}


@dataclass(frozen=True)
class CobrowseRequest:
    conversation_id: str | None = None


@dataclass(frozen=True)
class CobrowseConsent:
    allow: bool


@dataclass(frozen=True)
class CobrowseStop:
    conversation_id: str | None = None


@dataclass(frozen=True)
class CobrowseMirror:
    batch: int
    part: int
    parts: int
    data: str


@dataclass(frozen=True)
class CobrowseTooLarge:
    size: int


@dataclass(frozen=True)
class CobrowseGuide:
    kind: str
    node: int | None = None
    x: float | None = None
    y: float | None = None
    label: str = ""
    conversation_id: str | None = None


@dataclass(frozen=True)
class CobrowseSnapshot:
    conversation_id: str | None = None


COBROWSE_FRAMES = (
    CobrowseRequest,
    CobrowseConsent,
    CobrowseStop,
    CobrowseMirror,
    CobrowseTooLarge,
    CobrowseGuide,
    CobrowseSnapshot,
)


Frame = (
    Message
    | Ack
    | Resume
    | Typing
    | RequestHuman
    | LeaveQueue
    | LeaveMessage
    | CloseConversation
    | Rate
    | Ping
    | CobrowseRequest
    | CobrowseConsent
    | CobrowseStop
    | CobrowseMirror
    | CobrowseTooLarge
    | CobrowseGuide
    | CobrowseSnapshot
)

_RESIDENT_TYPES = {
    "message",
    "ack",
    "resume",
    "typing",
    "request_human",
    "leave_queue",
    "leave_message",
    "close",
    "rate",
    "ping",
    "cobrowse_consent",
    "cobrowse_stop",
    "cobrowse_mirror",
    "cobrowse_too_large",
}
_ADVISOR_TYPES = {
    "message",
    "ack",
    "resume",
    "typing",
    "ping",
    "cobrowse_request",
    "cobrowse_stop",
    "cobrowse_guide",
    "cobrowse_snapshot",
}


def too_big(raw: str | bytes) -> bool:
    """More than ``MAX_FRAME_BYTES`` of UTF-8? A text of at most a quarter of that many
    characters cannot be (four bytes a character at most): no copy made to count."""
    if isinstance(raw, bytes):
        return len(raw) > MAX_FRAME_BYTES
    return len(raw) * 4 > MAX_FRAME_BYTES and len(raw.encode("utf-8")) > MAX_FRAME_BYTES


def check_size(raw: str | bytes) -> None:
    if too_big(raw):
        raise FrameTooLarge(f"frames are limited to {MAX_FRAME_BYTES} bytes")


def parse_frame(raw: str | bytes, role: Role = "resident") -> Frame:
    """Decode one client frame. Raises FrameTooLarge or InvalidFrame (with a code)."""
    check_size(raw)
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise InvalidFrame("frames must be JSON objects", code="invalid_json") from None
    if not isinstance(data, dict) or not isinstance(data.get("type"), str):
        raise InvalidFrame("frames must be JSON objects with a type", code="invalid_frame")
    kind = data["type"]
    allowed = _RESIDENT_TYPES if role == "resident" else _ADVISOR_TYPES
    if kind not in allowed:
        raise InvalidFrame(f"unknown frame type {kind[:40]!r}", code="unknown_type")
    conversation_id = _conversation_id(data) if role == "advisor" and kind != "ping" else None
    if kind == "message":
        text = _text(data, "text")
        return Message(
            client_id=_client_id(data),
            # a card number never reaches a transcript, whoever typed it
            text=mask_card_numbers(text),
            payload=_optional_str(data, "payload", 1000),
            metadata=_mapping(data, "metadata"),
            links=_links(data.get("links")),
            conversation_id=conversation_id,
        )
    if kind == "ack":
        return Ack(seq=_non_negative(data, "seq"), conversation_id=conversation_id)
    if kind == "resume":
        if role == "advisor":
            return Resume(cursors=_cursor_map(data.get("cursors")))
        return Resume(cursors={None: _non_negative(data, "cursor")})
    if kind == "typing":
        return Typing(on=bool(data.get("on", True)), conversation_id=conversation_id)
    if kind == "leave_message":
        return LeaveMessage(
            client_id=_client_id(data),
            text=mask_card_numbers(_text(data, "text")),
            contact=_optional_str(data, "contact", 200) or "",
        )
    if kind == "rate":
        stars = data.get("stars")
        if not isinstance(stars, int) or isinstance(stars, bool) or not 1 <= stars <= 5:
            raise InvalidFrame("stars must be a whole number from 1 to 5")
        comment = redact(_optional_str(data, "comment", 1000) or "")
        return Rate(stars=stars, comment=comment)
    if kind.startswith("cobrowse_"):
        return _cobrowse(kind, data, conversation_id)
    simple: dict[str, Frame] = {
        "request_human": RequestHuman(),
        "leave_queue": LeaveQueue(),
        "close": CloseConversation(),
        "ping": Ping(),
    }
    return simple[kind]


def _cobrowse(kind: str, data: dict[str, Any], conversation_id: str | None) -> Frame:
    if kind == "cobrowse_request":
        return CobrowseRequest(conversation_id)
    if kind == "cobrowse_stop":
        return CobrowseStop(conversation_id)
    if kind == "cobrowse_snapshot":
        return CobrowseSnapshot(conversation_id)
    if kind == "cobrowse_consent":
        if not isinstance(data.get("allow"), bool):
            raise InvalidFrame("allow must be true or false")
        return CobrowseConsent(allow=data["allow"])
    if kind == "cobrowse_too_large":
        return CobrowseTooLarge(size=_non_negative(data, "size"))
    if kind == "cobrowse_mirror":
        parts = _non_negative(data, "parts")
        part = _non_negative(data, "part")
        if not 1 <= parts <= MIRROR_MAX_PARTS or part >= parts:
            raise InvalidFrame(f"a batch has 1 to {MIRROR_MAX_PARTS} parts, numbered from 0")
        chunk = data.get("data")
        if not isinstance(chunk, str) or not chunk or len(chunk) > MIRROR_CHUNK_CHARS:
            raise InvalidFrame(f"data must be text of 1 to {MIRROR_CHUNK_CHARS} characters")
        return CobrowseMirror(
            batch=_non_negative(data, "batch"), part=part, parts=parts, data=chunk
        )
    guide = data.get("kind")
    if guide not in _GUIDE_KINDS:
        raise InvalidFrame("kind must be highlight, point or clear")
    label = _optional_str(data, "label", GUIDE_LABEL_CHARS) or ""
    node = data.get("node")
    if guide == "highlight" and (not isinstance(node, int) or isinstance(node, bool) or node < 0):
        raise InvalidFrame("a highlight names the mirrored node (a whole number)")
    x, y = data.get("x"), data.get("y")
    if guide == "point" and not all(
        isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1_000_000
        for v in (x, y)
    ):
        raise InvalidFrame("a point needs x and y in page pixels")
    return CobrowseGuide(
        kind=guide,
        node=node if guide == "highlight" else None,
        x=float(x) if guide == "point" and x is not None else None,
        y=float(y) if guide == "point" and y is not None else None,
        label=label.strip(),
        conversation_id=conversation_id,
    )


def _client_id(data: dict[str, Any]) -> str:
    value = data.get("client_id")
    if not isinstance(value, str) or not _CLIENT_ID.match(value):
        raise InvalidFrame("client_id must be 1-64 letters, digits or -_.:")
    return value


def _conversation_id(data: dict[str, Any]) -> str | None:
    value = data.get("conversation_id")
    if data["type"] == "resume":
        return None
    if not isinstance(value, str) or not _CONVERSATION_ID.match(value):
        raise InvalidFrame("conversation_id is required")
    return value


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidFrame(f"{key} must be non-empty text")
    if len(value) > MAX_TEXT_CHARS:
        raise InvalidFrame(f"{key} is limited to {MAX_TEXT_CHARS} characters")
    return value.strip()


def _optional_str(data: dict[str, Any], key: str, limit: int) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise InvalidFrame(f"{key} must be text of at most {limit} characters")
    return value


def _mapping(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise InvalidFrame(f"{key} must be an object")
    return value


def _non_negative(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InvalidFrame(f"{key} must be a whole number, 0 or more")
    return value


def _cursor_map(value: Any) -> dict[str | None, int]:
    if not isinstance(value, dict) or len(value) > 100:
        raise InvalidFrame("cursors must be an object of conversation id to seq")
    cursors: dict[str | None, int] = {}
    for key, seq in value.items():
        if not _CONVERSATION_ID.match(str(key)):
            raise InvalidFrame("cursors must be keyed by conversation id")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise InvalidFrame("cursors must be whole numbers")
        cursors[key] = seq
    return cursors


def _links(value: Any) -> tuple[dict[str, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > 5:
        raise InvalidFrame("links must be a list of at most 5 {title, url}")
    links = []
    for item in value:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("title"), str)
            or not isinstance(item.get("url"), str)
            or not item["url"].startswith(("https://", "http://", "/"))
            or len(item["url"]) > 2000
        ):
            raise InvalidFrame("each link needs a title and an http(s) url")
        links.append({"title": item["title"][:200], "url": item["url"]})
    return tuple(links)


def parse_cursor_param(value: str | None) -> int:
    """The ``cursor`` query parameter of the resident socket."""
    if value in (None, ""):
        return 0
    if not value.isdigit() or len(value) > 18:
        raise InvalidFrame("cursor must be a whole number")
    return int(value)


def parse_cursors_param(value: str | None) -> dict[str, int]:
    """The advisor socket's ``cursors=<id>:<seq>,…`` query parameter."""
    cursors: dict[str, int] = {}
    for part in (value or "").split(","):
        if not part:
            continue
        conversation_id, _, seq = part.partition(":")
        if not _CONVERSATION_ID.match(conversation_id) or not seq.isdigit():
            raise InvalidFrame("cursors must be <conversation_id>:<seq>,…")
        cursors[conversation_id] = int(seq)
    return cursors


# --- limits -----------------------------------------------------------------------------


class RateLimiter:
    """At most ``limit`` frames in any ``window`` seconds; refused frames do not count."""

    def __init__(
        self, limit: int = RATE_LIMIT_FRAMES, window: float = RATE_LIMIT_WINDOW_SECONDS
    ) -> None:
        self.limit, self.window = limit, window
        self._times: deque[float] = deque()

    def check(self, now: float) -> None:
        while self._times and self._times[0] <= now - self.window:
            self._times.popleft()
        if len(self._times) >= self.limit:
            raise Throttled(retry_after=round(self._times[0] + self.window - now, 1))
        self._times.append(now)

    def forget_last(self) -> None:
        if self._times:
            self._times.pop()

    def idle(self, now: float) -> bool:
        return not self._times or self._times[-1] <= now - self.window


class FrameLimiter:
    """A :class:`RateLimiter` per conversation under one ceiling for the whole connection.

    A resident's socket carries one conversation, so it has one window. An
    advisor's console carries all their chats: each chat gets its own window
    (a busy chat does not throttle the quiet ones), and ``overall`` bounds the
    connection. Frames that name no conversation (ping, resume, junk) share one.
    """

    KEEP = 64  # windows kept before the idle ones are dropped

    def __init__(
        self,
        limit: int = RATE_LIMIT_FRAMES,
        window: float = RATE_LIMIT_WINDOW_SECONDS,
        *,
        overall: int | None = None,
    ) -> None:
        self.limit, self.window = limit, window
        self._per: dict[str | None, RateLimiter] = {}
        self._overall = RateLimiter(overall, window) if overall else None

    def check(self, now: float, conversation_id: str | None = None) -> None:
        limiter = self._per.get(conversation_id)
        if limiter is None:
            if len(self._per) >= self.KEEP:
                self._forget_idle(now)
            limiter = self._per[conversation_id] = RateLimiter(self.limit, self.window)
        limiter.check(now)
        if self._overall is not None:
            try:
                self._overall.check(now)
            except Throttled:
                limiter.forget_last()  # refused frames do not count
                raise

    def refund(self, conversation_id: str | None = None) -> None:
        """Forget the frame just counted: the server shed it (``Busy``), so its resend
        must not find the sender's window spent by the server's own overload."""
        limiter = self._per.get(conversation_id)
        if limiter is not None:
            limiter.forget_last()
        if self._overall is not None:
            self._overall.forget_last()

    def _forget_idle(self, now: float) -> None:
        for key, limiter in list(self._per.items()):
            if limiter.idle(now):
                del self._per[key]


class Heartbeat:
    """When to send a ping and when to give up on a silent peer."""

    def __init__(self, now: float, interval: float = HEARTBEAT_SECONDS) -> None:
        self.interval = interval
        self.last_received = now
        self.last_sent = now

    def received(self, now: float) -> None:
        self.last_received = now

    def sent(self, now: float) -> None:
        self.last_sent = now

    def ping_due(self, now: float) -> bool:
        return now - self.last_sent >= self.interval

    def timed_out(self, now: float) -> bool:
        return now - self.last_received > HEARTBEAT_MISSES * self.interval


# --- server frames ---------------------------------------------------------------------


# One encoder for every frame: ``json.dumps`` with options builds a new JSONEncoder per
# call (issue 12: three or more frames encoded per message).
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def encode(frame: dict[str, Any]) -> str:
    return _ENCODER.encode(frame)


def error_frame(code: str, message: str, client_id: str | None = None) -> dict[str, Any]:
    return {"type": "error", "code": code, "message": message, "client_id": client_id}


def throttled_frame(
    retry_after: float, client_id: str | None = None, reason: str = "throttled"
) -> dict[str, Any]:
    """``reason`` is ``throttled`` (this sender is too fast) or ``busy`` (load shed)."""
    return {
        "type": "throttled",
        "retry_after": retry_after,
        "client_id": client_id,
        "reason": reason,
    }


def ack_frame(client_id: str, seq: int, duplicate: bool) -> dict[str, Any]:
    return {"type": "ack", "client_id": client_id, "seq": seq, "duplicate": duplicate}


def reload_frame(reason: str, conversation_id: str | None = None) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": "reload_required", "reason": reason}
    if conversation_id:
        frame["conversation_id"] = conversation_id
    return frame


def queue_frame(position: int, estimated_wait_seconds: int | None) -> dict[str, Any]:
    return {"type": "queue", "position": position, "estimated_wait_seconds": estimated_wait_seconds}


def client_id_of(frame: Frame) -> str | None:
    return getattr(frame, "client_id", None)
