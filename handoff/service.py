"""The conversation service: what happens when a resident or the bot acts.

``Handoff`` wires the store, the live hub, the wake-ups and the ports. Every
use case stores first (a transaction in ``lifecycle``/``assignment``), then
:meth:`Handoff.commit` publishes: events to local sockets, wake-ups to other
instances, fresh queue and chat views, and the bot's pause/resume.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, TypeVar

import anyio

from frontdoor.profile import Text
from handoff import lifecycle, protocol
from handoff.bot import BotMetadata, BotPort
from handoff.cases import open_case_for_message, resident_name
from handoff.delivery import Audience, Event, Kind, render_transcript
from handoff.exceptions import Busy, ConversationClosed, DependencyUnavailable, InvalidToken
from handoff.fanout import Waker
from handoff.groupcommit import GroupWriter
from handoff.hub import Connection, Hub
from handoff.identity import ConversationTokens, IdentityVerifier
from handoff.lifecycle import Limits
from handoff.metrics import HandoffMetrics
from handoff.states import Reason, State
from handoff.store import Conversation, Store, Tx

log = logging.getLogger(__name__)
T = TypeVar("T")


async def run(function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking store code in a worker thread."""
    return await anyio.to_thread.run_sync(partial(function, *args, **kwargs))


@dataclass
class Started:
    conversation: Conversation
    token: str


class Handoff:
    def __init__(
        self,
        *,
        store: Store,
        hub: Hub,
        waker: Waker,
        bot: BotPort,
        identity: IdentityVerifier,
        tokens: ConversationTokens,
        limits: Limits,
        instance_id: str,
        backoffice: Any = None,
        heartbeat_seconds: float = 25.0,
        metrics: HandoffMetrics | None = None,
        bot_name: Text | None = None,
    ) -> None:
        self.heartbeat_seconds = heartbeat_seconds
        self.bot_name = bot_name  # its messages' author, from the council profile
        self.metrics = metrics or HandoffMetrics()
        self.store, self.hub, self.waker, self.bot = store, hub, waker, bot
        self.identity, self.tokens, self.limits = identity, tokens, limits
        self.instance_id, self.backoffice = instance_id, backoffice
        self._bot_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )
        self._tasks: set[asyncio.Task[Any]] = set()
        self.writer = GroupWriter(store, on_batch=self.metrics.write_batch.observe)
        self.on_views_changed: Callable[[set[str], set[int]], Any] | None = None
        self.cobrowse: Any = None  # handoff.cobrowse.Cobrowse, set by the app

    # --- storing -----------------------------------------------------------------------

    def live_advisors(self) -> frozenset[int]:
        """Advisors whose consoles this instance hears now (``Hub.live_advisors``)."""
        return self.hub.live_advisors(time.monotonic())

    async def write(
        self, conversation_id: str, function: Callable[..., T], /, *args: Any, **kwargs: Any
    ) -> T:
        """One message-sized use case, committed with the others arriving with it
        (``function(store, *args, **kwargs)``); refused with ``Busy`` when saturated."""
        try:
            self.writer.admit()
        except Busy:
            self.metrics.shed.inc()
            raise
        result: T = await self.writer.run(conversation_id, function, *args, **kwargs)
        return result

    # --- publishing ------------------------------------------------------------------

    async def commit(self, tx: Tx | None) -> None:
        if tx is None:
            return
        if tx.appended:
            await self.hub.published(tx.appended)
            last: dict[str, int] = {}
            for event in tx.appended:
                last[event.conversation_id] = max(last.get(event.conversation_id, 0), event.seq)
            for conversation_id, seq in last.items():
                await self.waker.publish({"k": "c", "c": conversation_id, "s": seq})
            self._bot_side_effects(tx.appended)
            if self.cobrowse is not None:
                self.cobrowse.on_events(tx.appended)
        if tx.touched_teams or tx.touched_advisors:
            await self.waker.publish(
                {"k": "v", "t": sorted(tx.touched_teams), "u": sorted(tx.touched_advisors)}
            )
            if self.on_views_changed is not None:
                self.spawn(self.on_views_changed(set(tx.touched_teams), set(tx.touched_advisors)))

    def _bot_side_effects(self, events: list[Event]) -> None:
        for event in events:
            if event.kind != Kind.STATE:
                continue
            if event.data.get("state") == State.WITH_ADVISOR:
                self.spawn(self.bot.pause(event.conversation_id))
            elif event.data.get("reason") == Reason.HANDED_BACK:
                self.spawn(self.bot.resume(event.conversation_id))

    def spawn(self, coroutine: Any) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task failed", exc_info=task.exception())

    async def drain(self) -> None:
        """Wait for background work (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # --- residents --------------------------------------------------------------------

    async def start(self, *, language: str, page_url: str, identity_token: str | None) -> Started:
        verified = self.identity.verify(identity_token)
        name: str | None = None
        if verified is not None:
            name = verified.name or None
            if name is None:
                name = await run(resident_name, self.backoffice, verified.resident_id)
        conversation = await run(
            self.store.create_conversation,
            language=language,
            page_url=page_url,
            identity_token=identity_token,
            verified_resident_id=verified.resident_id if verified else None,
            verified_name=name,
            verified_refs=verified.references if verified else (),
        )
        return Started(conversation, self.tokens.issue(conversation.id))

    async def authorize(self, conversation_id: str, token: str | None) -> Conversation:
        conversation = await run(self.store.get, conversation_id)  # NotFound first: 404/4404
        if not self.tokens.check(token, conversation_id):
            raise InvalidToken()
        return conversation

    async def resident_frame(
        self, connection: Connection, conversation_id: str, frame: Any
    ) -> None:
        """Act on one parsed resident frame; errors propagate to the adapter."""
        if isinstance(frame, protocol.Message):
            await self.resident_message(connection, conversation_id, frame)
        elif isinstance(frame, protocol.Ack):
            connection.state["acked"] = max(connection.state.get("acked", 0), frame.seq)
        elif isinstance(frame, protocol.Resume):
            await self.hub.subscribe(connection, conversation_id, frame.cursors[None])
        elif isinstance(frame, protocol.Typing):
            await self.typing(conversation_id, "resident", frame.on, audience=Audience.ADVISORS)
        elif isinstance(frame, protocol.RequestHuman):
            await self.commit(
                await run(
                    lifecycle.request_human,
                    self.store,
                    conversation_id,
                    limits=self.limits,
                    live=self.live_advisors(),
                )
            )
        elif isinstance(frame, protocol.LeaveQueue):
            await self.commit(await run(lifecycle.leave_queue, self.store, conversation_id))
        elif isinstance(frame, protocol.LeaveMessage):
            await self.leave_message(connection, conversation_id, frame)
        elif isinstance(frame, protocol.CloseConversation):
            await self.commit(await run(lifecycle.close_by_resident, self.store, conversation_id))
        elif isinstance(frame, protocol.Rate):
            await self.commit(
                await run(
                    lifecycle.rate,
                    self.store,
                    conversation_id,
                    stars=frame.stars,
                    comment=frame.comment,
                )
            )
        elif isinstance(frame, protocol.Ping):
            connection.send({"type": "pong"})
        elif isinstance(frame, protocol.COBROWSE_FRAMES):
            await self.cobrowse_frame(conversation_id, frame)

    async def cobrowse_frame(self, conversation_id: str, frame: Any) -> None:
        if isinstance(frame, protocol.CobrowseMirror):
            await self.cobrowse.mirror(conversation_id, frame)
        elif isinstance(frame, protocol.CobrowseConsent):
            await self.cobrowse.consent(conversation_id, frame.allow)
        elif isinstance(frame, protocol.CobrowseStop):
            await self.cobrowse.stop_by_resident(conversation_id)
        elif isinstance(frame, protocol.CobrowseTooLarge):
            await self.cobrowse.too_large(conversation_id, frame.size)

    async def resident_message(
        self, connection: Connection | None, conversation_id: str, frame: protocol.Message
    ) -> lifecycle.Stored:
        stored = await self.write(
            conversation_id,
            lifecycle.resident_message,
            conversation_id,
            client_id=frame.client_id,
            text=frame.text,
            payload=frame.payload,
        )
        if connection is not None:
            connection.send(protocol.ack_frame(frame.client_id, stored.event.seq, stored.duplicate))
        if not stored.duplicate:
            self.metrics.resident_in.inc()
            await self.commit(stored.tx)
            if stored.state == State.BOT:
                self.spawn(
                    self.relay(
                        conversation_id,
                        stored.event.seq,
                        frame.payload or frame.text,
                        language=frame.metadata.get("language"),
                        chosen=frame.metadata.get("language_chosen") is True,
                    )
                )
        return stored

    async def service_message(
        self, conversation_id: str, *, key: str, text: str
    ) -> lifecycle.Stored:
        """Another component's message as the assistant's (payments' confirmation), once."""
        stored = await self.write(
            conversation_id,
            lifecycle.service_message,
            conversation_id,
            client_id=f"service:{key}",
            text=text,
        )
        if not stored.duplicate:
            await self.commit(stored.tx)
        return stored

    async def relay(
        self,
        conversation_id: str,
        seq: int,
        text: str,
        *,
        language: object = None,
        chosen: bool = False,
    ) -> None:
        """Send one resident message to the bot and store its replies, one at a time.
        ``language``: the widget's when the resident sent it, else the conversation's
        (a message relayed again after a restart); ``chosen``: they pressed its
        language button for it (``actions.base.chosen_language``)."""
        lock = self._bot_locks.get(conversation_id)
        if lock is None:
            lock = self._bot_locks[conversation_id] = asyncio.Lock()
        async with lock:
            conversation = await run(self.store.get, conversation_id)
            if conversation.state != State.BOT:
                await self.commit(
                    await run(
                        lifecycle.bot_answered,
                        self.store,
                        conversation_id,
                        relayed_seq=seq,
                        replies=[],
                        limits=self.limits,
                        live=self.live_advisors(),
                    )
                )
                return
            widget = language if language in {"en", "cy"} else None
            metadata = BotMetadata(
                str(widget or conversation.language),
                conversation.identity_token,
                conversation.page_url,
                language_chosen=chosen and widget is not None,
            )
            await self.typing(conversation_id, "bot", True, audience=Audience.ALL)
            asked = time.perf_counter()
            try:
                replies = await self.bot.send(conversation_id, text, metadata)
                if self.bot_name is not None:
                    # its name in the language it answered in, when it said (a resident
                    # who writes Welsh on an English page is answered by its Welsh name)
                    spoken = next(
                        (r.understood.language for r in replies if r.understood is not None),
                        None,
                    )
                    name = self.bot_name.in_language(spoken or conversation.language)
                    replies = [replace(reply, author_name=name) for reply in replies]
            except DependencyUnavailable:
                self._bot_took(asked, "unavailable")
                tx = await run(lifecycle.bot_failed, self.store, conversation_id, relayed_seq=seq)
            else:
                self._bot_took(asked, "ok")
                tx = await run(
                    lifecycle.bot_answered,
                    self.store,
                    conversation_id,
                    relayed_seq=seq,
                    replies=replies,
                    limits=self.limits,
                    live=self.live_advisors(),
                )
            finally:
                await self.typing(conversation_id, "bot", False, audience=Audience.ALL)
            await self.commit(tx)

    def _bot_took(self, asked: float, outcome: str) -> None:
        self.metrics.bot_relay_seconds.labels(outcome=outcome).observe(time.perf_counter() - asked)

    async def typing(
        self, conversation_id: str, author: str, on: bool, *, audience: Audience
    ) -> None:
        frame = {"type": "typing", "conversation_id": conversation_id, "author": author, "on": on}
        self.hub.to_conversation(conversation_id, frame, audience=audience)
        await self.waker.publish({"k": "t", "c": conversation_id, "f": frame, "a": audience.value})

    async def leave_message(
        self, connection: Connection | None, conversation_id: str, frame: protocol.LeaveMessage
    ) -> None:
        conversation = await run(self.store.get, conversation_id)
        if conversation.state == State.CLOSED:
            raise ConversationClosed()
        events = await run(self.store.events_after, conversation_id, 0)
        reference = await run(
            open_case_for_message,
            self.backoffice,
            conversation,
            events,
            client_id=frame.client_id,
            text=frame.text,
            contact=frame.contact,
            now=self.store.clock(),
        )
        stored = await run(
            lifecycle.left_message,
            self.store,
            conversation_id,
            client_id=frame.client_id,
            text=frame.text,
            reference=reference,
            transcript=render_transcript(events),
        )
        if connection is not None:
            connection.send(protocol.ack_frame(frame.client_id, stored.event.seq, stored.duplicate))
        await self.commit(stored.tx)

    async def transcript(
        self, conversation_id: str, audience: Audience
    ) -> tuple[Conversation, list[Event]]:
        conversation = await run(self.store.get, conversation_id)
        events: list[Event] = []
        while True:
            batch = await run(
                self.store.events_after, conversation_id, events[-1].seq if events else 0
            )
            events.extend(batch)
            if len(batch) < 2000:
                break
        return conversation, [e for e in events if e.visible_to(audience)]
