"""Which articles residents use, so the top tasks can be listed most used first.

Two signals, counted per article and London day, nothing about who:

- **page views** of the website's article pages. The read path never writes:
  :class:`UsageCounter` adds to a counter in memory and a background loop
  (``knowledge.app``) flushes it in one transaction every
  ``FRONTDOOR_KNOWLEDGE_USAGE_FLUSH_SECONDS``. Crawlers, link previews and
  prefetches are not counted; the same visitor (a keyed hash of their address
  and browser, held in memory only) reloading the same page within
  ``REPEAT_WINDOW`` counts once; beyond ``FRONTDOOR_KNOWLEDGE_LIMIT_PAGE_VIEWS``
  per address views are served but not counted (an anonymous write is
  rate-limited like any other). No cookie, no stored address.
- **answers given to the bot**: a search by the action server (its bearer
  token) whose best result is good enough (``no_good_answer`` false) counts one
  answer for that article.

``use_since`` sums both over a window (a translation counts with its English
article: they are one task in two languages) and ``most_used_first`` orders by it.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Protocol, TypeVar

import anyio
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from frontdoor.clock import Clock, london_today
from knowledge.models import Article, ArticleUse

log = logging.getLogger(__name__)

REPEAT_WINDOW = timedelta(minutes=30)
MAX_VISITORS = 50_000  # recent (visitor, article) pairs held for the repeat window
MAX_PENDING = 20_000  # distinct (article, day) pairs waiting for a flush
WINDOW_DAYS = 28

_K = TypeVar("_K")

# User agents that are not a resident reading: search engines, link previews,
# monitoring, scripts and headless browsers.
_CRAWLER = re.compile(
    r"bot|crawl|spider|slurp|archiver|preview|facebookexternalhit|embedly|monitor|"
    r"pingdom|uptime|lighthouse|headless|curl|wget|python|httpx|aiohttp|java/|go-http|"
    r"okhttp|libwww|scrapy|node-fetch|axios",
    re.IGNORECASE,
)


def is_crawler(user_agent: str) -> bool:
    """No user agent at all is not a browser either."""
    return not user_agent.strip() or bool(_CRAWLER.search(user_agent))


def is_prefetch(headers: Mapping[str, str]) -> bool:
    purpose = (headers.get("sec-purpose") or headers.get("purpose") or "").lower()
    return "prefetch" in purpose or "prerender" in purpose


class UsageCounter:
    """Counts in memory; ``flush`` writes them. Safe to call from many threads."""

    def __init__(self, clock: Clock, *, repeat_window: timedelta = REPEAT_WINDOW) -> None:
        self._clock = clock
        self._repeat_window = repeat_window
        self._lock = threading.Lock()
        self._recent: OrderedDict[tuple[str, int], datetime] = OrderedDict()
        self._views: Counter[tuple[int, date]] = Counter()
        self._answers: Counter[tuple[str, date]] = Counter()
        self.dropped = 0  # counts lost because the pending batch was full

    def page_view(self, article_id: int, *, visitor: str, allowed: Callable[[], bool]) -> bool:
        """Count one view unless ``visitor`` saw this article within the repeat
        window or ``allowed()`` (the rate limit, asked only for a new view) says no."""
        now = self._clock()
        key = (visitor, article_id)
        with self._lock:
            seen = self._recent.get(key)
            if seen is not None and now - seen < self._repeat_window:
                return False
        if not allowed():
            return False
        with self._lock:
            self._recent[key] = now
            self._recent.move_to_end(key)
            while len(self._recent) > MAX_VISITORS:
                self._recent.popitem(last=False)
            return self._add(self._views, (article_id, london_today(now)))

    def bot_answer(self, slug: str) -> bool:
        with self._lock:
            return self._add(self._answers, (slug, london_today(self._clock())))

    def _add(self, counter: Counter[_K], key: _K) -> bool:
        if key not in counter and len(self._views) + len(self._answers) >= MAX_PENDING:
            self.dropped += 1
            return False
        counter[key] += 1
        return True

    def pending(self) -> int:
        with self._lock:
            return sum(self._views.values()) + sum(self._answers.values())

    def flush(self, session_factory: Callable[[], Session]) -> int:
        """Write what was counted in one transaction; on failure keep it for the next try."""
        with self._lock:
            views, answers = self._views, self._answers
            self._views, self._answers = Counter(), Counter()
        if not views and not answers:
            return 0
        try:
            with session_factory() as session:
                written = add_use(session, views=views, answers=answers)
                session.commit()
        except Exception:
            with self._lock:
                self._views.update(views)
                self._answers.update(answers)
            raise
        return written


async def flush_usage_once(counter: UsageCounter, session_factory: Callable[[], Session]) -> None:
    try:
        await anyio.to_thread.run_sync(counter.flush, session_factory)
    except Exception:  # the counts stay in memory for the next flush
        log.exception("could not write article use counts")


async def flush_usage_forever(
    counter: UsageCounter, session_factory: Callable[[], Session], interval: float
) -> None:
    """The knowledge service's background loop: one transaction per ``interval``."""
    while True:
        await asyncio.sleep(interval)
        await flush_usage_once(counter, session_factory)


def add_use(
    session: Session,
    *,
    views: Mapping[tuple[int, date], int],
    answers: Mapping[tuple[str, date], int],
) -> int:
    """Add counts to ``kb_article_use`` (an upsert per article and day); counts for
    articles that no longer exist are dropped. Returns the number of rows touched."""
    found = session.execute(
        select(Article.slug, Article.id).where(Article.slug.in_({s for s, _ in answers}))
    )
    ids_by_slug = {str(slug): int(article_id) for slug, article_id in found}
    rows: dict[tuple[int, date], list[int]] = {}
    for (article_id, day), count in views.items():
        rows.setdefault((article_id, day), [0, 0])[0] += count
    for (slug, day), count in answers.items():
        if slug in ids_by_slug:
            rows.setdefault((ids_by_slug[slug], day), [0, 0])[1] += count
    existing = set(session.scalars(select(Article.id).where(Article.id.in_({a for a, _ in rows}))))
    values = [
        {"article_id": article_id, "day": day, "page_views": v, "bot_answers": a}
        for (article_id, day), (v, a) in sorted(rows.items())
        if article_id in existing
    ]
    if not values:
        return 0
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(ArticleUse)
    statement = statement.on_conflict_do_update(
        index_elements=[ArticleUse.article_id, ArticleUse.day],
        set_={
            "page_views": ArticleUse.page_views + statement.excluded.page_views,
            "bot_answers": ArticleUse.bot_answers + statement.excluded.bot_answers,
        },
    )
    session.execute(statement, values)
    return len(values)


def use_since(session: Session, since: date) -> dict[str, int]:
    """English slug -> page views + bot answers from ``since`` (inclusive), a
    translation's use counted with its English article's."""
    rows = session.execute(
        select(
            Article.slug,
            Article.language,
            Article.translation_of,
            func.sum(ArticleUse.page_views + ArticleUse.bot_answers),
        )
        .join(ArticleUse, ArticleUse.article_id == Article.id)
        .where(ArticleUse.day >= since)
        .group_by(Article.id, Article.slug, Article.language, Article.translation_of)
    )
    totals: Counter[str] = Counter()
    for slug, language, translation_of, used in rows:
        totals[translation_of if language != "en" and translation_of else slug] += int(used or 0)
    return dict(totals)


def window_start(today: date) -> date:
    """The first day of the last ``WINDOW_DAYS`` days, today included."""
    return today - timedelta(days=WINDOW_DAYS - 1)


class _Task(Protocol):
    @property
    def english_slug(self) -> str: ...

    @property
    def title(self) -> str: ...


_T = TypeVar("_T", bound=_Task)


def most_used_first(items: Iterable[_T], use: Mapping[str, int]) -> list[_T]:
    """Most used first; equal use (a new council, a quiet month) alphabetically."""
    return sorted(items, key=lambda item: (-use.get(item.english_slug, 0), item.title.casefold()))


def split_top_tasks(
    items: Sequence[_T], is_top: Callable[[_T], bool], use: Mapping[str, int]
) -> tuple[list[_T], list[_T]]:
    """(the editor's top tasks, most used first; the rest in their own order)."""
    return (
        most_used_first((item for item in items if is_top(item)), use),
        [item for item in items if not is_top(item)],
    )
