"""Keeps the search engine in step with the database, in this process.

- at start-up the engine opens its persisted index and the first ``sync``
  reconciles it with what is published (re-embedding only what differs); until
  then /healthz reports search as "starting";
- after a request publishes or unpublishes, ``sync_now`` runs before the
  response, so this instance's search shows the change at once;
- a background loop applies due publish/unpublish schedules and calls
  ``sync`` every second, so every other instance converges too;
- before answering, a search compares the database's content revision (one
  row, read in the request's own session) with the index's and catches up
  first when it is behind: a search on any instance sees every publish
  committed before it began, so instances behind a load balancer need no
  stickiness and an editor never sees "published here, missing there".
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from knowledge.indexing import DatabaseArticleSource
from knowledge.publishing import apply_schedule
from knowledge.search import SearchEngine, SearchResponse

logger = logging.getLogger(__name__)


class SearchRuntime:
    def __init__(
        self,
        engine: SearchEngine,
        session_factory: sessionmaker[Session],
        *,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.source = DatabaseArticleSource(session_factory)
        self._factory = session_factory
        self._interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._task: asyncio.Task[None] | None = None
        self.last_sync: float | None = None
        self.last_error: str | None = None

    # -- keeping up ---------------------------------------------------------------------

    def sync_now(self) -> None:
        """Apply due schedules, then catch up with the database (blocking)."""
        with self._lock:
            try:
                with self._factory() as session:
                    if apply_schedule(session):
                        session.commit()
                self.engine.sync(self.source)
            except Exception as exc:  # the loop must survive a database blip
                self.last_error = f"{type(exc).__name__}: {exc}"[:300]
                logger.exception("search sync failed")
                return
            self.last_sync = self._clock()
            self.last_error = None

    def catch_up(self, revision: int) -> bool:
        """Sync now if the index is behind the database's ``revision`` (read by the caller).

        Not before the first sync: a first-ever start embeds every article, and
        searches meanwhile answer from what is loaded (health says "starting").
        True when a sync ran.
        """
        if self.last_sync is None or self.engine.revision >= revision:
            return False
        with self._lock:
            if self.engine.revision >= revision:  # another request caught up meanwhile
                return False
            try:
                self.engine.sync(self.source)
            except Exception as exc:  # answer from the index we have; the loop retries
                self.last_error = f"{type(exc).__name__}: {exc}"[:300]
                logger.exception("search catch-up failed")
                return False
            self.last_sync = self._clock()
            self.last_error = None
            return True

    async def start(self, *, background: bool = True) -> None:
        """Begin keeping up. In the background the first sync does not hold up start-up:
        a first-ever start embeds every article (minutes on a small machine), while a
        restart reuses the persisted index and catches up in a moment."""
        if not background:
            await asyncio.to_thread(self.sync_now)
            return
        if self._task is None:
            self._task = asyncio.create_task(self._loop(), name="knowledge-search-sync")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            await asyncio.to_thread(self.sync_now)
            await asyncio.sleep(self._interval)

    # -- answering ----------------------------------------------------------------------

    def search(
        self, query: str, *, language: str, limit: int, service_area: str | None
    ) -> SearchResponse:
        return self.engine.search(query, language=language, limit=limit, service_area=service_area)

    def status(self) -> dict[str, Any]:
        details: dict[str, Any] = {
            "articles": len(self.engine),
            "revision": self.engine.revision,
            "index": getattr(self.engine, "load_status", "unknown"),
        }
        if self.last_error:
            return {"status": "error", "detail": self.last_error, **details}
        if self.last_sync is None:
            return {"status": "starting", **details}
        lag = self._clock() - self.last_sync
        status = "ok" if lag < max(10 * self._interval, 10) else "stale"
        return {"status": status, "seconds_since_sync": round(lag, 1), **details}
