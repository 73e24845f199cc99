"""Whether each knowledge answer helped: one row per answer, per article.

Every answer the bot gives from an article is logged (conversation, article,
section, language, the question redacted and clipped) with ``helpful`` unknown; "Yes" or
"No" to "Did that help?" sets it on that conversation's latest answer. The
insight work reads :func:`helpfulness_by_article` (per article: answers shown,
yes, no, no reply) and the rows themselves (per answer).

- ``AnswerLog``: the port the actions use;
- ``SqlAnswerLog``: table ``bot_answer_feedback`` (``actions.models``,
  migration ``bot_0003``), the one place this SQL lives;
- ``MemoryAnswerLog``: its in-memory twin, for unit tests.

The question is redacted at the door (``frontdoor.redaction``: phone numbers,
email addresses, card and account numbers...) before either log keeps it:
editors and the insight pages read these rows without needing the resident's
details, and upstream only card numbers are masked.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import case, func, insert, select, update
from sqlalchemy.engine import Engine

from actions.models import answer_feedback
from frontdoor.redaction import redact

MAX_QUESTION_CHARS = 500


@dataclass(frozen=True, slots=True)
class AnswerShown:
    conversation_id: str
    slug: str
    section_anchor: str | None
    language: str
    question: str
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class ArticleHelpfulness:
    """Per article: how often it answered and what residents said of it."""

    slug: str
    language: str
    answers: int
    helpful: int
    not_helpful: int

    @property
    def unrated(self) -> int:
        return self.answers - self.helpful - self.not_helpful


class AnswerLog(ABC):
    @abstractmethod
    def record_answer(self, shown: AnswerShown) -> None:
        """Log an answer the bot has just given."""

    @abstractmethod
    def rate_latest(self, conversation_id: str, *, helpful: bool, at: datetime) -> str | None:
        """Set ``helpful`` on the conversation's latest unrated answer; its slug, or None."""

    @abstractmethod
    def by_article(self, *, since: datetime | None = None) -> list[ArticleHelpfulness]:
        """Helpfulness per article, most answers first."""


def stored_question(text: str) -> str:
    """The question as it is kept: personal details redacted (before clipping, so a
    number cut in half at the limit is still recognised), spaces folded, clipped."""
    return " ".join(redact(text).split())[:MAX_QUESTION_CHARS]


class SqlAnswerLog(AnswerLog):
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def record_answer(self, shown: AnswerShown) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                insert(answer_feedback).values(
                    conversation_id=shown.conversation_id[:255],
                    slug=shown.slug[:200],
                    section_anchor=(shown.section_anchor or None) and shown.section_anchor[:200],
                    language=shown.language[:8],
                    question=stored_question(shown.question),
                    answered_at=shown.answered_at,
                    helpful=None,
                    rated_at=None,
                )
            )

    def rate_latest(self, conversation_id: str, *, helpful: bool, at: datetime) -> str | None:
        table = answer_feedback
        with self._engine.begin() as connection:
            row = connection.execute(
                select(table.c.id, table.c.slug)
                .where(table.c.conversation_id == conversation_id, table.c.helpful.is_(None))
                .order_by(table.c.answered_at.desc(), table.c.id.desc())
                .limit(1)
            ).first()
            if row is None:
                return None
            connection.execute(
                update(table).where(table.c.id == row.id).values(helpful=helpful, rated_at=at)
            )
            return str(row.slug)

    def by_article(self, *, since: datetime | None = None) -> list[ArticleHelpfulness]:
        table = answer_feedback
        query = select(
            table.c.slug,
            table.c.language,
            func.count().label("answers"),
            func.sum(case((table.c.helpful.is_(True), 1), else_=0)).label("helpful"),
            func.sum(case((table.c.helpful.is_(False), 1), else_=0)).label("not_helpful"),
        ).group_by(table.c.slug, table.c.language)
        if since is not None:
            query = query.where(table.c.answered_at >= since)
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return _ordered(
            ArticleHelpfulness(
                row.slug, row.language, int(row.answers), int(row.helpful), int(row.not_helpful)
            )
            for row in rows
        )


@dataclass
class _Row:
    shown: AnswerShown
    helpful: bool | None = None


@dataclass
class MemoryAnswerLog(AnswerLog):
    rows: list[_Row] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record_answer(self, shown: AnswerShown) -> None:
        with self._lock:
            self.rows.append(_Row(replace(shown, question=stored_question(shown.question))))

    def rate_latest(self, conversation_id: str, *, helpful: bool, at: datetime) -> str | None:
        with self._lock:
            for row in reversed(self.rows):
                if row.shown.conversation_id == conversation_id and row.helpful is None:
                    row.helpful = helpful
                    return row.shown.slug
        return None

    def by_article(self, *, since: datetime | None = None) -> list[ArticleHelpfulness]:
        counts: dict[tuple[str, str], list[int]] = {}
        with self._lock:
            for row in self.rows:
                if since is not None and row.shown.answered_at < since:
                    continue
                key = (row.shown.slug, row.shown.language)
                tally = counts.setdefault(key, [0, 0, 0])
                tally[0] += 1
                tally[1] += row.helpful is True
                tally[2] += row.helpful is False
        return _ordered(ArticleHelpfulness(s, lang, *tally) for (s, lang), tally in counts.items())


def _ordered(items: Iterable[ArticleHelpfulness]) -> list[ArticleHelpfulness]:
    return sorted(items, key=lambda item: (-item.answers, item.slug, item.language))


def helpfulness_by_article(
    engine: Engine, *, since: datetime | None = None
) -> list[ArticleHelpfulness]:
    """The read the insight dashboard uses: per article, answers and what residents said."""
    return SqlAnswerLog(engine).by_article(since=since)
