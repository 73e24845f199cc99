"""The knowledge base as the console sees it: a search proxy port.

Advisors search from the console; results come back as title, absolute URL and
snippet so one click sends a link (or the snippet) to the resident.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpx

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
    """``GET {knowledge_url}/api/v1/search?q=…&language=…&limit=…``."""

    def __init__(
        self,
        base_url: str,
        *,
        public_url: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=5.0, transport=transport
        )
        self._public = (public_url or base_url).rstrip("/") + "/"

    async def search(self, query: str, *, language: str, limit: int) -> list[Article]:
        try:
            response = await self._client.get(
                "/api/v1/search", params={"q": query, "language": language, "limit": limit}
            )
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise DependencyUnavailable(
                "knowledge", f"search failed: {type(exc).__name__}"
            ) from None
        results = body.get("results", []) if isinstance(body, dict) else []
        articles = []
        for item in results[:limit]:
            if not isinstance(item, dict) or not item.get("url"):
                continue
            url = urljoin(self._public, str(item["url"]))
            if item.get("section_anchor") and "#" not in url:
                url = f"{url}#{item['section_anchor']}"
            title = str(item.get("title") or "")
            if item.get("section_title"):
                title = f"{title}: {item['section_title']}"
            articles.append(Article(title, url, str(item.get("snippet") or "")))
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
