"""Lossless delivery without sockets: events, cursors, subscriptions, buffers.

Every conversation event is stored with the next sequence number of its
conversation (1, 2, 3, … with no gaps in storage) before anyone is told about
it. A client says which ``seq`` it has; it is sent everything after that, in
order. Some events are for advisors only, so a resident sees gaps: those never
mean loss. A cursor the server cannot honour makes the client reload; nothing
is ever skipped silently.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

REPLAY_WINDOW = 1000  # events; a client further behind reloads the transcript
CHANNEL_BUFFER = 64  # recent events kept in memory per live conversation


class Audience(StrEnum):
    ALL = "all"
    ADVISORS = "advisors"


class Kind(StrEnum):
    MESSAGE = "message"
    STATE = "state"
    ADVISOR_JOINED = "advisor_joined"
    ADVISOR_LEFT = "advisor_left"
    NOTICE = "notice"
    CASE_CREATED = "case_created"
    RATING_REQUEST = "rating_request"
    RATING = "rating"
    # advisors only
    NOTE = "note"
    HANDOFF = "handoff"
    TRANSFER = "transfer"
    CLOSED_OUTCOME = "closed_outcome"
    COBROWSE = "cobrowse"  # the audit of a co-browse session (handoff/cobrowse.py)
    UNDERSTOOD = "understood"  # the bot's NLU intent of a resident message (insight)


ADVISOR_ONLY = frozenset(
    {Kind.NOTE, Kind.HANDOFF, Kind.TRANSFER, Kind.CLOSED_OUTCOME, Kind.COBROWSE, Kind.UNDERSTOOD}
)


def audience_of(kind: Kind | str) -> Audience:
    return Audience.ADVISORS if Kind(kind) in ADVISOR_ONLY else Audience.ALL


@dataclass(frozen=True, slots=True)
class Event:
    """One stored conversation event."""

    conversation_id: str
    seq: int
    kind: str
    data: dict[str, Any]
    at: datetime
    audience: str = Audience.ALL
    client_id: str | None = None

    def visible_to(self, audience: Audience | str) -> bool:
        return audience == Audience.ADVISORS or self.audience == Audience.ALL

    def frame(self) -> dict[str, Any]:
        return {
            "type": "event",
            "seq": self.seq,
            "conversation_id": self.conversation_id,
            "kind": self.kind,
            "at": iso(self.at),
            "data": self.data,
        }


def iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class CursorVerdict(StrEnum):
    REPLAY = "replay"
    UNKNOWN = "unknown_cursor"
    EXPIRED = "expired_cursor"


def judge_cursor(cursor: int, last_seq: int, window: int = REPLAY_WINDOW) -> CursorVerdict:
    """Can we replay after ``cursor`` when the conversation is at ``last_seq``?"""
    if cursor > last_seq:
        return CursorVerdict.UNKNOWN  # from another conversation, or a wiped database
    if last_seq - cursor > window:
        return CursorVerdict.EXPIRED
    return CursorVerdict.REPLAY


@dataclass
class Subscription:
    """One connection's position in one conversation."""

    conversation_id: str
    audience: Audience
    sent_seq: int

    def take(self, events: Iterable[Event]) -> list[Event]:
        """The events to send now, in order; advances past the invisible ones too."""
        out = []
        for event in events:
            if event.seq <= self.sent_seq:
                continue
            if event.seq != self.sent_seq + 1:
                raise GapError(self.conversation_id, self.sent_seq, event.seq)
            self.sent_seq = event.seq
            if event.visible_to(self.audience):
                out.append(event)
        return out


class GapError(RuntimeError):
    """Events offered out of order: a bug in the caller, never silently skipped."""

    def __init__(self, conversation_id: str, have: int, got: int) -> None:
        super().__init__(f"conversation {conversation_id}: after seq {have} got {got}")


@dataclass
class ChannelBuffer:
    """The recent events of one live conversation, contiguous by seq, in memory."""

    head: int  # the highest seq known here
    capacity: int = CHANNEL_BUFFER
    _events: deque[Event] = field(default_factory=deque)

    def offer(self, event: Event) -> bool:
        """Append if it is the next event; False means "fetch from the store"."""
        if event.seq <= self.head:
            return True  # already known
        if event.seq != self.head + 1:
            return False
        self._append(event)
        return True

    def extend(self, events: Iterable[Event]) -> None:
        """Events read from the store after ``head``, in order."""
        for event in events:
            if event.seq <= self.head:
                continue
            if event.seq != self.head + 1:
                raise GapError(event.conversation_id, self.head, event.seq)
            self._append(event)

    def after(self, seq: int) -> list[Event] | None:
        """Events after ``seq`` from memory, or None when memory does not reach back."""
        if seq >= self.head:
            return []
        events, wanted = self._events, self.head - seq
        if wanted > len(events):
            return None
        # contiguous by seq, so the newest ``wanted`` are the ones: no walk over the
        # whole buffer on every delivery (a deque indexes cheaply near its ends)
        return [events[index] for index in range(len(events) - wanted, len(events))]

    def _append(self, event: Event) -> None:
        self._events.append(event)
        self.head = event.seq
        while len(self._events) > self.capacity:
            self._events.popleft()


def render_transcript(events: Iterable[Event]) -> str:
    """Plain text for a back-office case: who said what, when (UTC)."""
    lines = []
    for event in events:
        if event.kind != Kind.MESSAGE:
            continue
        author = event.data.get("author") or "?"
        who = {"resident": "Resident", "bot": "Bot"}.get(author) or event.data.get("author_name")
        lines.append(f"[{event.at:%Y-%m-%d %H:%M}] {who}: {event.data.get('text', '')}")
    return "\n".join(lines)
