"""The knowledge service's search API, as its two callers see it.

The bot's actions (``actions.knowledge_client``, blocking, in a worker thread)
and the advisor console (``handoff.search``, async) both search the knowledge
base over HTTP; :class:`KnowledgeSearchClient` is the one client they share,
with one request (:class:`SearchQuery`, parameter ``lang`` as
``GET /api/v1/search`` takes it) and one reading of the answer
(:class:`SearchAnswer` of :class:`SearchHit`). An article's slug has one format,
:data:`SLUG_PATTERN` (:data:`ArticleSlug`), which the knowledge service validates
its articles with and the bot's reports to it are checked against.

Reading is tolerant the way the callers always were: a missing or null field
takes its default and a result that is not an object is skipped. Anything else
wrong (a failed request, a body that is not this shape) raises
:class:`KnowledgeSearchFailed`, which each caller turns into its own error.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import httpx
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

SEARCH_PATH = "/api/v1/search"
MAX_LIMIT = 20  # what the API accepts
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
MAX_SLUG_CHARS = 120
ArticleSlug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=MAX_SLUG_CHARS)]
_SLUG = re.compile(SLUG_PATTERN)


def is_article_slug(value: object) -> bool:
    """Whether ``value`` is in the format of an article's slug (:data:`ArticleSlug`)."""
    return (
        isinstance(value, str)
        and len(value) <= MAX_SLUG_CHARS
        and _SLUG.fullmatch(value) is not None
    )


class KnowledgeSearchFailed(Exception):
    """The knowledge service did not answer a search, or answered something else."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause  # the exception's type name: never the body or the URL


class SearchQuery(BaseModel):
    q: str
    lang: str = "en"
    limit: int = Field(default=3, ge=1, le=MAX_LIMIT)

    def params(self) -> dict[str, str | int]:
        return {"q": self.q, "lang": self.lang, "limit": self.limit}


class SearchHit(BaseModel):
    """One result: an article, at a section when there is one."""

    model_config = ConfigDict(extra="ignore")

    slug: str = ""
    title: str = ""
    url: str = ""
    snippet: str = ""
    score: float = 0.0
    section_anchor: str | None = None
    section_title: str | None = None
    service_area: str | None = None
    language: str = "en"

    @field_validator("slug", "title", "url", "snippet", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        return "" if value is None else value

    @field_validator("score", mode="before")
    @classmethod
    def _score(cls, value: object) -> object:
        return value or 0.0

    @field_validator("section_anchor", "section_title", "service_area", mode="before")
    @classmethod
    def _optional(cls, value: object) -> object:
        return value or None

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: object) -> object:
        return value or "en"


class SearchAnswer(BaseModel):
    """``GET /api/v1/search``'s answer."""

    model_config = ConfigDict(extra="ignore")

    query: str = ""
    results: list[SearchHit] = Field(default_factory=list)
    no_good_answer: bool | None = None  # the service's verdict; None when it gave none
    took_ms: float = 0.0

    @field_validator("results", mode="before")
    @classmethod
    def _results(cls, value: object) -> object:
        if value is None:
            return []
        if isinstance(value, list):
            return [item for item in value if isinstance(item, dict)]
        return value

    @field_validator("took_ms", mode="before")
    @classmethod
    def _took(cls, value: object) -> object:
        return value or 0.0

    @property
    def nothing_good(self) -> bool:
        """The service's verdict, or "no results" when it gave none."""
        return not self.results if self.no_good_answer is None else self.no_good_answer


def _answer(response: httpx.Response) -> SearchAnswer:
    response.raise_for_status()
    return SearchAnswer.model_validate(response.json())


_FAILURES = (httpx.HTTPError, ValueError, ValidationError)


class KnowledgeSearchClient:
    """``GET {base_url}/api/v1/search`` from blocking code (:meth:`search`) or
    async code (:meth:`asearch`); each HTTP client is made on first use."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 2.5,
        headers: dict[str, str] | None = None,
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._options: dict[str, Any] = {
            "base_url": base_url.rstrip("/"),
            "timeout": timeout,
            "headers": headers or {},
        }
        self._transport = transport
        self._async_transport = async_transport
        self._client: httpx.Client | None = None
        self._async_client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.Client:
        """The blocking client (the bot's actions also post content gaps with it)."""
        if self._client is None:
            self._client = httpx.Client(transport=self._transport, **self._options)
        return self._client

    def _aclient(self) -> httpx.AsyncClient:
        if self._async_client is None:
            self._async_client = httpx.AsyncClient(transport=self._async_transport, **self._options)
        return self._async_client

    def search(self, query: SearchQuery) -> SearchAnswer:
        try:
            return _answer(self.client.get(SEARCH_PATH, params=query.params()))
        except _FAILURES as exc:
            raise KnowledgeSearchFailed(type(exc).__name__) from None

    async def asearch(self, query: SearchQuery) -> SearchAnswer:
        try:
            return _answer(await self._aclient().get(SEARCH_PATH, params=query.params()))
        except _FAILURES as exc:
            raise KnowledgeSearchFailed(type(exc).__name__) from None

    def close(self) -> None:
        if self._client is not None:
            self._client.close()

    async def aclose(self) -> None:
        if self._async_client is not None:
            await self._async_client.aclose()
        self.close()
