"""Co-browsing: the advisor asks, the resident allows, the resident's page is mirrored.

The session state lives here, in the memory of every instance: the instance
where a step happens (the advisor's request or Stop, the resident's Allow or
Stop) records it and relays it to the others through the wake-up channel
(``fanout``, Redis pub/sub when scaled out), so a resident on one instance and
an advisor on another share one session and Stop on either ends it on both.

Pub/sub loses what is sent while a subscriber reconnects, so the end of a
session is durable: Stop (and Decline, hand-back, a closed tab) is recorded as
a ``cobrowse`` event in the store before anyone is told. Every instance reads
the events it did not commit itself (the hub's catch-up: on a wake-up, on the
periodic poll and at once after (re)subscribing) and ends its own copy of the
session when one of them says it ended (``ended_elsewhere``). When scaled out,
the instance holding the resident's socket also catches up with the store
before it relays each mirror frame, so a session stopped on another instance
passes on no frame after Stop even while the wake-up channel is down.
The DOM stream (rrweb events, masked on the resident's device) passes through
without being stored: the instance holding the resident's socket keeps the
byte budget and relays each frame to the instance holding the advisor's,
which queues it on the advisor's bulk lane. Every step that matters is audited as a
``cobrowse`` conversation event (advisors only): requested, allowed or
declined, started, stopped (by whom, why, how long). PROTOCOL.md §9.

Rules the server keeps whatever a client sends:

* only the resident of the conversation sends mirror frames, and only while
  sharing (after Allow, before Stop);
* only the advisor the conversation is assigned to receives them, on the bulk
  lane of their outbox (behind every chat frame; refused when it is full, and
  the resident is then asked for one fresh snapshot instead of the backlog);
* a byte budget per second per session; frames over it are dropped;
* handing back, transfer, close or the resident's tab closing end sharing
  (a page load within ``RESUME_GRACE_SECONDS`` carries on).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from handoff import protocol
from handoff.delivery import Event, Kind
from handoff.exceptions import HandoffError, NotAssigned
from handoff.service import run
from handoff.states import State

if TYPE_CHECKING:
    from handoff.hub import Connection
    from handoff.service import Handoff
    from handoff.settings import HandoffSettings
    from handoff.store import Store, Tx

RESUME_GRACE_SECONDS = 10.0
RESYNC_INTERVAL_SECONDS = 2.0


class Timer(Protocol):
    def cancel(self) -> None: ...


# ``call_later(delay, callback)``: the event loop's by default; tests pass a clock they move
Schedule = Callable[[float, Callable[[], None]], Timer]


class CobrowseError(HandoffError):
    code = "cobrowse"

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


class ByteBudget:
    """At most ``per_second`` bytes in any one-second window (``now`` from the caller)."""

    def __init__(self, per_second: int) -> None:
        self.per_second = per_second
        self._window_start = 0.0
        self._used = 0

    def take(self, size: int, now: float) -> bool:
        if now - self._window_start >= 1.0:
            self._window_start, self._used = now, 0
        if self._used + size > self.per_second:
            return False
        self._used += size
        return True


@dataclass(eq=False)
class Session:
    conversation_id: str
    advisor_id: int
    advisor_name: str
    requested_at: datetime
    budget: ByteBudget
    sharing: bool = False
    started_at: datetime | None = None
    streaming: bool = False  # the first mirror frame arrived ("started")
    grace: Timer | None = None
    last_resync: float = field(default=-RESYNC_INTERVAL_SECONDS)
    dropped: bool = False  # over budget: the next frame after the window asks for a snapshot
    seq: int | None = None  # the conversation event that recorded the request


# the audit actions that end a session (PROTOCOL.md §9)
ENDING_ACTIONS = frozenset({"declined", "stopped", "withdrawn"})


def widget_settings(settings: HandoffSettings) -> dict[str, Any]:
    """What the resident's recorder is told to hide and how much it may send."""
    return {
        "mask_selectors": list(settings.handoff_cobrowse_mask_selectors),
        "block_selectors": list(settings.handoff_cobrowse_block_selectors),
        "private": settings.handoff_cobrowse_private_by_default,
        "allow_selectors": list(settings.handoff_cobrowse_allow_selectors),
        "max_snapshot_bytes": settings.handoff_cobrowse_max_snapshot_bytes,
        "bytes_per_second": settings.handoff_cobrowse_bytes_per_second,
    }


def audit(store: Store, conversation_id: str, data: dict[str, Any]) -> Tx:
    """Append one ``cobrowse`` event through the ordinary event path."""
    with store.transaction() as tx:
        conversation = tx.lock_conversation(conversation_id)
        tx.append(conversation, Kind.COBROWSE, data)
    return tx


class Cobrowse:
    def __init__(
        self,
        handoff: Handoff,
        settings: HandoffSettings,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        grace_seconds: float = RESUME_GRACE_SECONDS,
        call_later: Schedule | None = None,
    ) -> None:
        self.h = handoff
        self.settings = settings
        self.sessions: dict[str, Session] = {}
        self.monotonic = monotonic
        self.grace_seconds = grace_seconds
        self.call_later = call_later
        # the server's own ceiling: twice what the recorder is told to keep to
        self.budget_bytes = 2 * settings.handoff_cobrowse_bytes_per_second

    # --- frames from the advisor ---------------------------------------------------------

    # --- relay between instances -------------------------------------------------------

    async def _publish(self, message: dict[str, Any]) -> None:
        await self.h.waker.publish({"k": "cb", **message})

    def _share_state(self, session: Session) -> dict[str, Any]:
        started = session.started_at
        return {
            "op": "s",
            "c": session.conversation_id,
            "u": session.advisor_id,
            "n": session.advisor_name,
            "sharing": session.sharing,
            "q": session.seq,
            "started": None
            if started is None
            else (started - session.requested_at).total_seconds(),
        }

    async def on_relay(self, message: dict[str, Any]) -> None:
        """A co-browse step or frame from another instance (``fanout`` ``k: cb``)."""
        op, conversation_id = message.get("op"), str(message.get("c") or "")
        if op == "s":
            self._replica(message)
        elif op == "x":
            seq = message.get("q")
            self._end_here(
                conversation_id,
                seq if isinstance(seq, int) else None,
                resident_frame=message.get("fr") if isinstance(message.get("fr"), dict) else None,
                advisor_frame=message.get("fa") if isinstance(message.get("fa"), dict) else None,
            )
        elif op == "here":
            session = self.sessions.get(conversation_id)
            if session is not None and session.grace is not None:
                session.grace.cancel()
                session.grace = None
        elif op == "r" and isinstance(message.get("f"), dict):
            self._to_resident_here(conversation_id, message["f"])
        elif op == "a" and isinstance(message.get("f"), dict):
            self.h.hub.to_advisor(int(message.get("u") or 0), message["f"])
        elif op == "m" and isinstance(message.get("f"), dict):
            session = self.sessions.get(conversation_id)
            if session is None or not session.sharing:
                return  # stopped here already: nothing after Stop reaches the advisor
            if not self._bulk_to_advisor(int(message.get("u") or 0), message["f"]):
                await self._publish({"op": "full", "c": conversation_id})
        elif op == "full":
            session = self.sessions.get(conversation_id)
            if session is not None and self._resident_here(conversation_id):
                self._ask_snapshot(session)

    def _replica(self, message: dict[str, Any]) -> None:
        conversation_id = str(message.get("c") or "")
        seq = message.get("q") if isinstance(message.get("q"), int) else None
        session = self.sessions.get(conversation_id)
        if session is not None and seq is not None and session.seq not in (None, seq):
            # a new request: the end of the one this copy belongs to was missed here
            if session.grace is not None:
                session.grace.cancel()
            session = None
        if session is None:
            session = Session(
                conversation_id,
                int(message.get("u") or 0),
                str(message.get("n") or ""),
                self.h.store.clock(),
                ByteBudget(self.budget_bytes),
            )
            self.sessions[conversation_id] = session
        if seq is not None:
            session.seq = seq
        session.sharing = bool(message.get("sharing"))
        started = message.get("started")
        if session.sharing and session.started_at is None and isinstance(started, int | float):
            session.started_at = session.requested_at + timedelta(seconds=started)

    # --- frames from the advisor ---------------------------------------------------------

    async def request(self, staff: Any, conversation_id: str) -> None:
        conversation = await run(self.h.store.get, conversation_id)
        if conversation.assigned_to != staff.user_id or conversation.state != State.WITH_ADVISOR:
            raise NotAssigned("You can co-browse only in a live chat assigned to you.")
        if conversation_id in self.sessions:
            raise CobrowseError("Co-browsing is already asked for or on.", code="cobrowse_busy")
        session = Session(
            conversation_id,
            staff.user_id,
            staff.first_name,
            self.h.store.clock(),
            ByteBudget(self.budget_bytes),
        )
        self.sessions[conversation_id] = session
        try:
            session.seq = await self._audit(session, "requested", by="advisor")
        except BaseException:
            self.sessions.pop(conversation_id, None)
            raise
        await self._publish(self._share_state(session))
        await self._to_resident(conversation_id, self._request_frame(session))
        await self._to_advisor(session, "requested")

    async def stop_by_advisor(self, staff: Any, conversation_id: str) -> None:
        session = self._own(staff, conversation_id)
        await self.stop(session.conversation_id, by="advisor", reason="advisor_stopped")

    async def guide(self, staff: Any, frame: protocol.CobrowseGuide) -> None:
        session = self._own(staff, frame.conversation_id)
        if not session.sharing:
            raise CobrowseError("The resident is not sharing their page.", code="cobrowse_off")
        await self._to_resident(
            session.conversation_id,
            {
                "type": "cobrowse",
                "action": "guide",
                "kind": frame.kind,
                "node": frame.node,
                "x": frame.x,
                "y": frame.y,
                "label": frame.label,
            },
        )

    async def snapshot(self, staff: Any, conversation_id: str | None) -> None:
        session = self._own(staff, conversation_id)
        if session.sharing:
            await self._ask_snapshot_anywhere(session)

    # --- frames from the resident --------------------------------------------------------

    async def consent(self, conversation_id: str, allow: bool) -> None:
        session = self.sessions.get(conversation_id)
        if session is None or session.sharing:
            raise CobrowseError("Nobody has asked to co-browse.", code="cobrowse_no_request")
        if not allow:
            del self.sessions[conversation_id]
            await self._audit(session, "declined", by="resident")
            advisor_frame = self._advisor_frame(session, "declined")
            self.h.hub.to_advisor(session.advisor_id, advisor_frame)
            await self._publish_end(session, None, advisor_frame)
            return
        session.sharing = True
        session.started_at = self.h.store.clock()
        await self._audit(session, "allowed", by="resident")
        await self._publish(self._share_state(session))
        await self._to_resident(conversation_id, {"type": "cobrowse", "action": "allowed"})
        await self._to_advisor(session, "sharing")

    async def mirror(self, conversation_id: str, frame: protocol.CobrowseMirror) -> None:
        session = self.sessions.get(conversation_id)
        if session is not None and session.sharing and self.h.waker.shared:
            # stopped on another instance while the wake-up channel was down? The store knows.
            await self.h.hub.catch_up_one(conversation_id)
            session = self.sessions.get(conversation_id)
        if session is None or not session.sharing:
            raise CobrowseError("This page is not being shared.", code="cobrowse_not_sharing")
        now = self.monotonic()
        if not session.budget.take(len(frame.data), now):
            session.dropped = True  # the stream has a hole: a snapshot mends it
            return
        if not session.streaming:
            session.streaming = True
            await self._audit(session, "started", by="resident")
        if session.dropped:
            session.dropped = False
            self._ask_snapshot(session)
        out = {
            "type": "cobrowse_mirror",
            "conversation_id": conversation_id,
            "batch": frame.batch,
            "part": frame.part,
            "parts": frame.parts,
            "data": frame.data,
        }
        if not self._bulk_to_advisor(session.advisor_id, out):  # the advisor's lane is full
            self._ask_snapshot(session)
        # the advisor may be on another instance: it queues the frame on its bulk lane
        await self._publish({"op": "m", "c": conversation_id, "u": session.advisor_id, "f": out})

    def _bulk_to_advisor(self, advisor_id: int, frame: dict[str, Any]) -> bool:
        """Queue a mirror frame behind the chat on this instance's sockets of the advisor."""
        accepted = True
        for connection in list(self.h.hub.advisors.get(advisor_id, ())):
            if not connection.outbox.put_bulk(frame):
                accepted = False
        return accepted

    async def too_large(self, conversation_id: str, size: int) -> None:
        session = self.sessions.get(conversation_id)
        if session is None or not session.sharing:
            return
        await self._to_advisor(session, "too_large", size=size)
        await self.stop(conversation_id, by="resident", reason="too_large")

    async def stop_by_resident(self, conversation_id: str) -> None:
        if conversation_id not in self.sessions:
            # nothing to stop, but the resident's Stop is still acknowledged
            self._to_resident_here(
                conversation_id, {"type": "cobrowse", "action": "stopped", "reason": "stopped"}
            )
            return
        await self.stop(conversation_id, by="resident", reason="resident_stopped")

    # --- the resident's socket -----------------------------------------------------------

    def resident_joined(self, connection: Connection, conversation_id: str) -> None:
        """A (re)connected resident socket: carry on sharing, or ask again."""
        session = self.sessions.get(conversation_id)
        if session is None:
            return
        if session.grace is not None:
            session.grace.cancel()
            session.grace = None
        # the tab may have closed on another instance, whose grace timer is running
        self.h.spawn(self._publish({"op": "here", "c": conversation_id}))
        if session.sharing:
            connection.send(
                {
                    "type": "cobrowse",
                    "action": "resume",
                    "advisor": session.advisor_name,
                    "settings": widget_settings(self.settings),
                }
            )
        else:
            connection.send(self._request_frame(session))

    def resident_left(self, conversation_id: str) -> None:
        """The resident's socket closed: a page load comes back; a closed tab does not."""
        session = self.sessions.get(conversation_id)
        if session is None or self._resident_here(conversation_id):
            return
        schedule = self.call_later or asyncio.get_running_loop().call_later
        if session.grace is not None:
            session.grace.cancel()
        session.grace = schedule(
            self.grace_seconds,
            lambda: self.h.spawn(self.stop(conversation_id, by="resident", reason="tab_closed")),
        )

    # --- ending --------------------------------------------------------------------------

    def on_events(self, events: list[Event]) -> None:
        """Committed events: leaving the advisor (hand back, transfer, close) ends sharing."""
        for event in events:
            if event.conversation_id not in self.sessions:
                continue
            if event.kind == Kind.STATE and event.data.get("state") != State.WITH_ADVISOR:
                reason = str(event.data.get("reason") or event.data.get("state"))
                self.h.spawn(self.stop(event.conversation_id, by="system", reason=reason))
            elif event.kind == Kind.ADVISOR_LEFT:
                reason = str(event.data.get("reason") or "advisor_left")
                self.h.spawn(self.stop(event.conversation_id, by="system", reason=reason))

    async def stop(self, conversation_id: str, *, by: str, reason: str) -> None:
        # forgotten here at once (no frame passes from now), then recorded, then told
        session = self.sessions.pop(conversation_id, None)
        if session is None:
            return
        if session.grace is not None:
            session.grace.cancel()
        if session.sharing and session.started_at is not None:
            seconds = (self.h.store.clock() - session.started_at).total_seconds()
            extra = {"reason": reason, "duration_seconds": round(seconds, 1)}
            await self._audit(session, "stopped", by=by, **extra)
        else:
            await self._audit(session, "withdrawn", by=by, reason=reason)
        # recorded, then acknowledged: the resident's Stop is answered here
        resident_frame = {"type": "cobrowse", "action": "stopped", "reason": reason}
        advisor_frame = self._advisor_frame(session, "stopped", reason=reason)
        self._to_resident_here(conversation_id, resident_frame)
        self.h.hub.to_advisor(session.advisor_id, advisor_frame)
        await self._publish_end(session, resident_frame, advisor_frame)

    async def _publish_end(
        self,
        session: Session,
        resident_frame: dict[str, Any] | None,
        advisor_frame: dict[str, Any],
    ) -> None:
        """Tell the other instances (each tells its own sockets, if it still had the session)."""
        await self._publish(
            {
                "op": "x",
                "c": session.conversation_id,
                "q": session.seq,
                "fr": resident_frame,
                "fa": advisor_frame,
            }
        )

    def ended_elsewhere(self, events: list[Event]) -> None:
        """Events read from the store (``Hub.on_caught_up``): a session that another
        instance recorded as ended ends here too, even if its wake-up was lost."""
        for event in events:
            if event.kind != Kind.COBROWSE or event.data.get("action") not in ENDING_ACTIONS:
                continue
            session = self.sessions.get(event.conversation_id)
            if session is None or session.seq is None or event.seq <= session.seq:
                continue  # not this session's end (or not known here)
            if event.data["action"] == "declined":
                resident_frame = None
                advisor_frame = self._advisor_frame(session, "declined")
            else:
                reason = str(event.data.get("reason") or "stopped")
                resident_frame = {"type": "cobrowse", "action": "stopped", "reason": reason}
                advisor_frame = self._advisor_frame(session, "stopped", reason=reason)
            self._end_here(
                event.conversation_id,
                session.seq,
                resident_frame=resident_frame,
                advisor_frame=advisor_frame,
            )

    def _end_here(
        self,
        conversation_id: str,
        seq: int | None,
        *,
        resident_frame: dict[str, Any] | None,
        advisor_frame: dict[str, Any] | None,
    ) -> None:
        """Forget the session here and tell this instance's sockets, once."""
        session = self.sessions.get(conversation_id)
        if session is None or (seq is not None and session.seq not in (None, seq)):
            return  # ended here already, or a newer session began
        del self.sessions[conversation_id]
        if session.grace is not None:
            session.grace.cancel()
        if resident_frame is not None:
            self._to_resident_here(conversation_id, resident_frame)
        if advisor_frame is not None:
            self.h.hub.to_advisor(session.advisor_id, advisor_frame)

    # --- helpers -------------------------------------------------------------------------

    def _own(self, staff: Any, conversation_id: str | None) -> Session:
        session = self.sessions.get(conversation_id or "")
        if session is None:
            raise CobrowseError("There is no co-browse session in this chat.", code="cobrowse_off")
        if session.advisor_id != staff.user_id:
            raise NotAssigned()
        return session

    def _request_frame(self, session: Session) -> dict[str, Any]:
        return {
            "type": "cobrowse",
            "action": "request",
            "advisor": session.advisor_name,
            "settings": widget_settings(self.settings),
        }

    def _ask_snapshot(self, session: Session, *, force: bool = False) -> None:
        now = self.monotonic()
        if not force and now - session.last_resync < RESYNC_INTERVAL_SECONDS:
            return
        session.last_resync = now
        self._to_resident_here(session.conversation_id, {"type": "cobrowse", "action": "snapshot"})

    async def _ask_snapshot_anywhere(self, session: Session) -> None:
        """The advisor asked: the recorder may be on this instance or another."""
        session.last_resync = self.monotonic()
        await self._to_resident(session.conversation_id, {"type": "cobrowse", "action": "snapshot"})

    def _resident_here(self, conversation_id: str) -> bool:
        channel = self.h.hub.channels.get(conversation_id)
        return channel is not None and any(
            c.audience.value == "all" for c in list(channel.connections)
        )

    async def _to_resident(self, conversation_id: str, frame: dict[str, Any]) -> None:
        self._to_resident_here(conversation_id, frame)
        await self._publish({"op": "r", "c": conversation_id, "f": frame})

    def _to_resident_here(self, conversation_id: str, frame: dict[str, Any]) -> None:
        channel = self.h.hub.channels.get(conversation_id)
        if channel is None:
            return
        for connection in list(channel.connections):
            if connection.audience.value == "all":
                connection.send(frame)

    def _advisor_frame(self, session: Session, state: str, **extra: Any) -> dict[str, Any]:
        return {
            "type": "cobrowse",
            "conversation_id": session.conversation_id,
            "state": state,
            **extra,
        }

    async def _to_advisor(self, session: Session, state: str, **extra: Any) -> None:
        frame = self._advisor_frame(session, state, **extra)
        self.h.hub.to_advisor(session.advisor_id, frame)
        await self._publish(
            {"op": "a", "c": session.conversation_id, "u": session.advisor_id, "f": frame}
        )

    async def _audit(self, session: Session, action: str, *, by: str, **extra: Any) -> int:
        """Record one step in the conversation; its event's sequence number."""
        data = {
            "action": action,
            "by": by,
            "advisor_id": session.advisor_id,
            "advisor_name": session.advisor_name,
            **extra,
        }
        tx = await run(audit, self.h.store, session.conversation_id, data)
        await self.h.commit(tx)
        return tx.appended[-1].seq
