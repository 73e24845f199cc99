"""The knowledge base behind a port: search articles, report content gaps.

- ``KnowledgeClient``: the interface the bot's actions use;
- ``HttpKnowledgeClient``: the knowledge service's HTTP API, searched through
  the client the handoff service shares (``frontdoor.contracts.knowledge``);
- ``FakeKnowledgeClient``: in memory, for tests (word-overlap scoring).

API (the knowledge service, ``{knowledge_url}``):

    GET  /api/v1/search?q=...&lang=en&limit=3
         -> {"query", "results": [{"slug", "title", "url", "section_anchor",
             "section_title", "snippet", "score", "service_area", "language"}],
             "no_good_answer": bool, "took_ms"}
    GET  /api/v1/articles/{slug}
         -> {"slug", "title", "body_markdown", "revision", ...} (the bot reads the body
            to answer in the article's own sentences: ``actions.answers``)
    POST /api/v1/review/signals  {"text", "source": "fallback" | "not_helpful" | "handover",
         "language", "conversation_id", "closest_slug"?}
         (``frontdoor.contracts.review.MissedMessage``: the review queue of what the bot
         missed, with the article its search thought closest when it had one)

Links residents see are built on the council's public address (``public_url``,
``FRONTDOOR_PUBLIC_URL``), whatever address the service itself answered on.

Failures (timeouts, 5xx, malformed bodies) become ``KnowledgeUnavailable``.
"""

from __future__ import annotations

import re
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

import httpx
from pydantic import ValidationError

from actions.exceptions import KnowledgeUnavailable
from frontdoor.contracts.knowledge import (
    KnowledgeSearchClient,
    KnowledgeSearchFailed,
    SearchHit,
    SearchQuery,
    is_article_slug,
)
from frontdoor.contracts.review import SIGNALS_PATH, MissedMessage, MissSource

MAX_QUERY_CHARS = 500
ARTICLE_CACHE_SECONDS = 60.0  # an edit reaches the bot's answers within a minute
ARTICLE_CACHE_SIZE = 256


@dataclass(frozen=True, slots=True)
class KnowledgeHit:
    slug: str
    title: str
    url: str
    snippet: str
    score: float
    section_anchor: str | None = None
    section_title: str | None = None
    service_area: str | None = None
    language: str = "en"

    @property
    def link(self) -> str:
        """The article URL, at the section when there is one."""
        if self.section_anchor and "#" not in self.url:
            return f"{self.url}#{self.section_anchor}"
        return self.url

    @property
    def link_title(self) -> str:
        if self.section_title and self.section_title != self.title:
            return f"{self.title}: {self.section_title}"
        return self.title


@dataclass(frozen=True, slots=True)
class SearchAnswer:
    query: str
    hits: tuple[KnowledgeHit, ...]
    no_good_answer: bool
    took_ms: float = 0.0

    @property
    def best(self) -> KnowledgeHit | None:
        return self.hits[0] if self.hits else None


class KnowledgeClient(ABC):
    @abstractmethod
    def search(self, query: str, *, language: str = "en", limit: int = 3) -> SearchAnswer:
        """Raises KnowledgeUnavailable."""

    @abstractmethod
    def article_body(self, slug: str) -> str | None:
        """The published article's Markdown, or None when it is gone. Raises
        KnowledgeUnavailable."""

    @abstractmethod
    def report_gap(
        self,
        *,
        question: str,
        language: str,
        conversation_id: str,
        source: MissSource = MissSource.FALLBACK,
        closest_slug: str | None = None,
    ) -> None:
        """Tell the review queue the bot missed a message (fell back, did not help, or
        sent it to a person), with the article its search thought closest when it had
        one. Raises KnowledgeUnavailable."""

    @abstractmethod
    def health(self) -> dict[str, str]:
        """{"status": "ok"} or {"status": "error", "detail": ...}; never raises."""


def clip_query(text: str) -> str:
    return " ".join(text.split())[:MAX_QUERY_CHARS]


def public_link(url: str, public_url: str) -> str:
    """The article's address on the council's public site: the path (and
    section) of ``url`` on ``public_url``, whichever host the service named."""
    if not url:
        return url
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    path += f"#{parts.fragment}" if parts.fragment else ""
    return urljoin(public_url.rstrip("/") + "/", path.lstrip("/"))


def _hit(raw: SearchHit, base_url: str) -> KnowledgeHit:
    url = public_link(raw.url, base_url)
    return KnowledgeHit(
        slug=raw.slug,
        title=raw.title,
        url=url,
        snippet=raw.snippet,
        score=raw.score,
        section_anchor=raw.section_anchor,
        section_title=raw.section_title,
        service_area=raw.service_area,
        language=raw.language,
    )


class HttpKnowledgeClient(KnowledgeClient):
    """The knowledge service over HTTP. ``public_url`` turns relative article
    URLs into links a resident can open (the website is the knowledge service)."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 2.5,
        public_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        token: str | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._public_url = public_url or base_url
        self._monotonic = monotonic
        self._bodies: dict[str, tuple[float, str | None]] = {}
        self._bodies_lock = threading.Lock()
        headers = {"User-Agent": "frontdoor-bot"}
        if token:  # gaps are then counted per conversation, not per this server's address
            headers["Authorization"] = f"Bearer {token}"
        self._search = KnowledgeSearchClient(
            base_url, timeout=timeout, headers=headers, transport=transport
        )
        self._client = self._search.client

    def close(self) -> None:
        self._search.close()

    def search(self, query: str, *, language: str = "en", limit: int = 3) -> SearchAnswer:
        try:
            answer = self._search.search(
                SearchQuery(q=clip_query(query), lang=language, limit=limit)
            )
        except (KnowledgeSearchFailed, ValidationError) as exc:
            cause = exc.cause if isinstance(exc, KnowledgeSearchFailed) else type(exc).__name__
            raise KnowledgeUnavailable(f"knowledge search failed: {cause}") from None
        return SearchAnswer(
            query=answer.query if "query" in answer.model_fields_set else query,
            hits=tuple(_hit(raw, self._public_url) for raw in answer.results),
            no_good_answer=answer.nothing_good,
            took_ms=answer.took_ms,
        )

    def article_body(self, slug: str) -> str | None:
        now = self._monotonic()
        with self._bodies_lock:
            cached = self._bodies.get(slug)
        if cached is not None and now - cached[0] < ARTICLE_CACHE_SECONDS:
            return cached[1]
        try:
            response = self._client.get(f"/api/v1/articles/{quote(slug, safe='')}")
            if response.status_code == 404:
                body = None
            else:
                response.raise_for_status()
                data = response.json()
                value = data.get("body_markdown") if isinstance(data, dict) else None
                body = value if isinstance(value, str) else None
        except (httpx.HTTPError, ValueError) as exc:
            raise KnowledgeUnavailable(f"article fetch failed: {type(exc).__name__}") from None
        with self._bodies_lock:
            if len(self._bodies) >= ARTICLE_CACHE_SIZE:
                self._bodies.clear()
            self._bodies[slug] = (now, body)
        return body

    def report_gap(
        self,
        *,
        question: str,
        language: str,
        conversation_id: str,
        source: MissSource = MissSource.FALLBACK,
        closest_slug: str | None = None,
    ) -> None:
        try:
            signal = MissedMessage(
                text=clip_query(question),
                source=source,
                language="cy" if language == "cy" else "en",
                conversation_id=conversation_id[:120] or None,
                # a slug not in the format is left out, never the message with it
                closest_slug=closest_slug if is_article_slug(closest_slug) else None,
            )
            # without a slug, the body is what a service from before closest_slug accepts
            body = signal.model_dump(mode="json", exclude_none=True)
            response = self._client.post(SIGNALS_PATH, json=body)
            response.raise_for_status()
        except (httpx.HTTPError, ValidationError) as exc:
            cause = type(exc).__name__
            raise KnowledgeUnavailable(f"missed message report failed: {cause}") from None

    def health(self) -> dict[str, str]:
        try:
            response = self._client.get("/healthz", timeout=1.5)
        except httpx.HTTPError as exc:
            return {"status": "error", "detail": type(exc).__name__}
        if response.status_code != 200:
            return {"status": "error", "detail": f"HTTP {response.status_code}"}
        return {"status": "ok"}


# --- the fake ------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "can",
        "do",
        "does",
        "for",
        "how",
        "i",
        "in",
        "is",
        "it",
        "me",
        "my",
        "of",
        "on",
        "or",
        "the",
        "to",
        "what",
        "when",
        "where",
        "who",
        "why",
        "will",
        "with",
        "you",
        "your",
    ]
)


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


@dataclass
class FakeArticle:
    slug: str
    title: str
    body: str
    service_area: str = "general"
    section_anchor: str | None = None
    section_title: str | None = None
    language: str = "en"


@dataclass
class FakeKnowledgeClient(KnowledgeClient):
    """Scores articles by the share of query words they contain."""

    articles: list[FakeArticle] = field(default_factory=list)
    threshold: float = 0.34
    available: bool = True
    base_url: str = "http://localhost:8000"
    gaps: list[dict[str, str | None]] = field(default_factory=list)
    searches: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, articles: Iterable[FakeArticle]) -> FakeKnowledgeClient:
        self.articles.extend(articles)
        return self

    def search(self, query: str, *, language: str = "en", limit: int = 3) -> SearchAnswer:
        if not self.available:
            raise KnowledgeUnavailable("knowledge search failed: fake is down")
        with self._lock:
            self.searches.append(query)
        wanted = _words(query)
        scored = []
        for article in self.articles:
            if article.language != language:
                continue
            have = _words(f"{article.title} {article.body}")
            score = len(wanted & have) / len(wanted) if wanted else 0.0
            if score > 0:
                scored.append((score, article))
        scored.sort(key=lambda pair: (-pair[0], pair[1].slug))
        hits = tuple(
            KnowledgeHit(
                slug=a.slug,
                title=a.title,
                url=f"{self.base_url}/articles/{a.slug}",
                snippet=a.body[:240],
                score=round(s, 3),
                section_anchor=a.section_anchor,
                section_title=a.section_title,
                service_area=a.service_area,
                language=a.language,
            )
            for s, a in scored[:limit]
        )
        best = hits[0].score if hits else 0.0
        return SearchAnswer(query=query, hits=hits, no_good_answer=best < self.threshold)

    def article_body(self, slug: str) -> str | None:
        if not self.available:
            raise KnowledgeUnavailable("article fetch failed: fake is down")
        return next((a.body for a in self.articles if a.slug == slug), None)

    def report_gap(
        self,
        *,
        question: str,
        language: str,
        conversation_id: str,
        source: MissSource = MissSource.FALLBACK,
        closest_slug: str | None = None,
    ) -> None:
        if not self.available:
            raise KnowledgeUnavailable("content gap report failed: fake is down")
        with self._lock:
            self.gaps.append(
                {
                    "question": clip_query(question),
                    "source": source.value,
                    "language": language,
                    "conversation_id": conversation_id,
                    "closest_slug": closest_slug,
                }
            )

    def health(self) -> dict[str, str]:
        return {"status": "ok"} if self.available else {"status": "error", "detail": "down"}
