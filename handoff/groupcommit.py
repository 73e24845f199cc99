"""Group commit: the writes that arrive together share one transaction.

A message costs a commit (an fsync on PostgreSQL, a WAL append and the write
lock on SQLite) no matter how small it is. :class:`GroupWriter` queues the
use cases that store one event (a resident's or an advisor's message) and runs
those waiting at the same moment inside one transaction: each use case still
locks its conversation, checks its ``client_id`` and appends with the next
``seq``, exactly as alone, and nothing is acknowledged before the shared commit.
The store is told the batch's conversations and client ids up front
(``Store.batch_transaction``): on SQL it locks them all in one statement, reads
their client ids in another and stores the batch's events with one multi-row
INSERT (``store.sql.BatchTx``), a few round trips per batch instead of four or
five per message; on PostgreSQL two (``store.pgpipeline``). A lone write takes
the same path: most batches at a steady rate are one message.

If any use case in a batch raises (a closed conversation, a chat that is not
yours, a lost database), the batch rolls back whole and each use case runs
again in its own transaction, so one refusal never takes the others with it and
nothing half-written survives (a batch of one fails with its write's own
error). Within a batch the conversations are locked in id order (each socket
sends one frame at a time, so no two frames of one sender are ever in the same
batch), which keeps concurrent batches on PostgreSQL from deadlocking each
other, or dispatch's tick, which locks its chats in that order too (the lock order
at the top of ``store.sql``).

The queue is also the instance's measure of saturation: when the oldest write
has waited longer than ``shed_after`` seconds, new writes are refused with
:class:`~handoff.exceptions.Busy` (the client resends later) instead of every
queue growing without bound.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import anyio

from handoff.exceptions import Busy
from handoff.store import Store, Tx

log = logging.getLogger(__name__)
MAX_BATCH = 100
SHED_AFTER_SECONDS = 0.5
POSTGRES_WRITERS = 2


@dataclass
class _Write:
    key: str  # the conversation it locks
    function: Callable[..., Any]
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    future: asyncio.Future[Any]
    queued: float


class SharedTransaction:
    """A store whose ``transaction()`` is a part of one open transaction.

    Each use case gets its own :class:`Tx` (its own appended events and touched
    views) in the shared transaction; everything else is the real store's.
    """

    def __init__(self, store: Store, tx: Tx) -> None:
        self._store, self._tx = store, tx

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        yield self._tx.part()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


class GroupWriter:
    def __init__(
        self,
        store: Store,
        *,
        writers: int | None = None,
        max_batch: int = MAX_BATCH,
        shed_after: float = SHED_AFTER_SECONDS,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        self.store = store
        # SQLite (and the memory store) have one writer at a time. PostgreSQL commits
        # several batches at once; at two round trips a batch (store.pgpipeline), two
        # writers make bigger batches than four, for less CPU and latency per message
        # (benchmarks/README.md, fifth pass), and still one writes while the other
        # waits on a conversation another transaction holds.
        self.writers = writers or (1 if store.serial_writers else POSTGRES_WRITERS)
        self.max_batch, self.shed_after, self.on_batch = max_batch, shed_after, on_batch
        self._queue: deque[_Write] = deque()
        self._running = 0
        self._drainers: set[asyncio.Future[None]] = set()
        self._busy: set[str] = set()  # conversations in a batch being written

    @property
    def pending(self) -> int:
        return len(self._queue)

    def lag(self, now: float | None = None) -> float:
        """Seconds the oldest queued write has waited."""
        if not self._queue:
            return 0.0
        return (time.monotonic() if now is None else now) - self._queue[0].queued

    def admit(self) -> None:
        """Refuse new work while the queue is more than ``shed_after`` behind."""
        lag = self.lag()
        if lag > self.shed_after:
            raise Busy(retry_after=max(1.0, round(lag * 2)))

    async def run(
        self, key: str, function: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> Any:
        """``function(store, *args, **kwargs)`` inside a shared transaction; its result."""
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.append(_Write(key, function, args, kwargs, future, time.monotonic()))
        if self._running < self.writers:
            self._running += 1
            drainer = asyncio.ensure_future(self._drain())
            self._drainers.add(drainer)
            drainer.add_done_callback(self._drainers.discard)
        return await future

    async def _drain(self) -> None:
        try:
            while batch := self._take():
                batch.sort(key=lambda write: write.key)  # stable: arrival order per conversation
                try:
                    results = await anyio.to_thread.run_sync(self._together, batch)
                except Exception as exc:
                    if len(batch) == 1:  # alone, the batch's failure is the write's own
                        results = [(False, exc)]
                    else:
                        results = await anyio.to_thread.run_sync(self._one_by_one, batch)
                if self.on_batch is not None:
                    self.on_batch(len(batch))
                self._busy.difference_update(write.key for write in batch)
                for write, (ok, value) in zip(batch, results, strict=True):
                    if write.future.done():  # the caller went away
                        continue
                    if ok:
                        write.future.set_result(value)
                    else:
                        write.future.set_exception(value)
        finally:
            self._running -= 1

    def _take(self) -> list[_Write]:
        """This writer's share of the queue, never a conversation another writer holds,
        and every queued write of the conversations it takes (so each conversation's
        writes are stored in the order they arrived)."""
        share = min(self.max_batch, -(-len(self._queue) // self.writers))
        batch: list[_Write] = []
        keys: set[str] = set()
        left: deque[_Write] = deque()
        for write in self._queue:
            if write.key in self._busy or (len(batch) >= share and write.key not in keys):
                left.append(write)
            else:
                batch.append(write)
                keys.add(write.key)
        self._queue = left
        self._busy |= keys
        return batch

    def _together(self, batch: list[_Write]) -> list[tuple[bool, Any]]:
        conversations = [write.key for write in batch]
        clients = [c for write in batch if isinstance(c := write.kwargs.get("client_id"), str)]
        with self.store.batch_transaction(conversations, clients) as tx:
            shared = SharedTransaction(self.store, tx)
            return [(True, w.function(shared, *w.args, **w.kwargs)) for w in batch]

    def _one_by_one(self, batch: list[_Write]) -> list[tuple[bool, Any]]:
        results: list[tuple[bool, Any]] = []
        for write in batch:
            try:
                results.append((True, write.function(self.store, *write.args, **write.kwargs)))
            except Exception as exc:
                results.append((False, exc))
        return results
