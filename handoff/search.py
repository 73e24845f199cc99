"""The knowledge base as the console sees it: a search proxy port.

Advisors search from the console; results come back as title, absolute URL and
snippet so one click sends a link (or the snippet) to the resident.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpx
from pydantic import ValidationError

from frontdoor.contracts.knowledge import KnowledgeSearchClient, KnowledgeSearchFailed, SearchQuery
from handoff.exceptions import DependencyUnavailable


@dataclass(frozen=True)
class Article:
    title: str
    url: str
    snippet: str

    def as_dict(self) -> dict[str, str]:
        return {"title": self.title, "url": self.url, "snippet": self.snippet}


class KnowledgeSearch(ABC):
    @abstractmethod
    async def search(self, query: str, *, language: str, limit: int) -> list[Article]:
        """Raise DependencyUnavailable("knowledge") when the service does not answer."""

    async def aclose(self) -> None:
        return None


class HttpKnowledgeSearch(KnowledgeSearch):
    """``GET {knowledge_url}/api/v1/search?q=…&lang=…&limit=…`` through the client
    the bot's actions share (``frontdoor.contracts.knowledge``)."""

    def __init__(
        self,
        base_url: str,
        *,
        public_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._client = KnowledgeSearchClient(base_url, timeout=5.0, async_transport=transport)
        self._public = (public_url or base_url).rstrip("/") + "/"

    async def search(self, query: str, *, language: str, limit: int) -> list[Article]:
        try:
            answer = await self._client.asearch(SearchQuery(q=query, lang=language, limit=limit))
        except (KnowledgeSearchFailed, ValidationError) as exc:
            cause = exc.cause if isinstance(exc, KnowledgeSearchFailed) else type(exc).__name__
            raise DependencyUnavailable("knowledge", f"search failed: {cause}") from None
        articles = []
        for item in answer.results[:limit]:
            if not item.url:
                continue
            url = urljoin(self._public, item.url)
            if item.section_anchor and "#" not in url:
                url = f"{url}#{item.section_anchor}"
            title = f"{item.title}: {item.section_title}" if item.section_title else item.title
            articles.append(Article(title, url, item.snippet))
        return articles

    async def aclose(self) -> None:
        await self._client.aclose()


@dataclass
class FakeKnowledgeSearch(KnowledgeSearch):
    articles: list[Article] = field(default_factory=list)
    healthy: bool = True

    async def search(self, query: str, *, language: str, limit: int) -> list[Article]:
        if not self.healthy:
            raise DependencyUnavailable("knowledge")
        words = query.lower().split()
        found = [a for a in self.articles if any(w in a.title.lower() for w in words)]
        return found[:limit]
