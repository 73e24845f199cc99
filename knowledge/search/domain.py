"""The values the search engine takes and gives back.

``IndexableArticle`` goes in (one published article in one language);
``SearchResponse`` with its ``Hit``s comes out. ``ArticleSource`` is the port
the knowledge service implements over its database so that every API instance
converges on the same published content (see ``SearchEngine.sync``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol, runtime_checkable

ArticleId = int | str


@dataclass(frozen=True)
class IndexableArticle:
    """One published article, as the search engine indexes it.

    ``id`` is the knowledge base's article id (stable across edits; one id per
    language version). ``translation_of`` is the id of the article this one
    translates, so a Welsh search can prefer the Welsh version of a page.
    """

    id: ArticleId
    slug: str
    title: str
    summary: str = ""
    body_markdown: str = ""
    alternative_questions: tuple[str, ...] = ()
    service_area: str = ""
    language: str = "en"
    tags: tuple[str, ...] = ()
    url: str = ""
    translation_of: ArticleId | None = None

    def __post_init__(self) -> None:
        # Lists are accepted for convenience; stored as tuples so the value stays hashable.
        object.__setattr__(self, "alternative_questions", tuple(self.alternative_questions))
        object.__setattr__(self, "tags", tuple(self.tags))
        if not self.url:
            object.__setattr__(self, "url", f"/articles/{self.slug}")

    def content_hash(self) -> str:
        """Changes whenever anything the index depends on changes."""
        encoded = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(encoded.encode("utf-8")).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["alternative_questions"] = list(self.alternative_questions)
        data["tags"] = list(self.tags)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IndexableArticle:
        return cls(**data)


@dataclass(frozen=True)
class Removal:
    """An article that must leave the index (unpublished, archived or deleted)."""

    article_id: ArticleId


@runtime_checkable
class ArticleSource(Protocol):
    """What ``SearchEngine.sync`` reads; the knowledge service implements it.

    Revisions are a monotonic counter owned by the source: every change search
    must see (publish, edit of the live version, unpublish, delete) gets a
    higher revision than any change already committed.
    """

    def changes_since(self, revision: int) -> tuple[Sequence[IndexableArticle | Removal], int]:
        """Changes with a revision above ``revision``, and the newest revision they reach.

        An article changed several times may appear once, in its latest state.
        """
        ...

    def all_published(self) -> tuple[Iterable[IndexableArticle], int]:
        """Every published article now, and the revision that snapshot reflects."""
        ...


@dataclass(frozen=True)
class Chunk:
    """A searchable piece of one article: its overview, its intro or one ## section."""

    article_id: ArticleId
    ordinal: int  # position inside the article, 0 = the overview chunk
    kind: str  # "overview" | "intro" | "section"
    section_title: str | None
    section_anchor: str | None
    text: str  # plain text shown in snippets
    language: str
    service_area: str

    def embedding_text(self, article_title: str) -> str:
        """What the embedder and BM25 see: the section in the context of its article."""
        if self.kind == "overview":
            return self.text
        heading = f"{article_title}: {self.section_title}" if self.section_title else article_title
        return f"{heading}. {self.text}"


@dataclass(frozen=True)
class ChunkHit:
    """One matching chunk of an article."""

    chunk_id: int
    section_anchor: str | None
    section_title: str | None
    snippet: str
    score: float
    dense_score: float | None  # cosine similarity; None when dense retrieval missed it
    lexical_score: float | None  # BM25; None when lexical retrieval missed it


@dataclass(frozen=True)
class Hit:
    """One article in the results, represented by its best matching chunk."""

    article_id: ArticleId
    slug: str
    title: str
    url: str
    language: str
    service_area: str
    section_anchor: str | None
    section_title: str | None
    snippet: str
    score: float
    chunks: tuple[ChunkHit, ...] = ()

    @property
    def link(self) -> str:
        return f"{self.url}#{self.section_anchor}" if self.section_anchor else self.url


@dataclass(frozen=True)
class AnswerSignals:
    """What the "no good answer" decision was based on (log these for content gaps)."""

    top_cosine: float  # best dense cosine among the top article's chunks
    lexical_agreement: bool  # BM25 also ranks the top article among its first few
    lexical_coverage: float  # share of the query's content words found in the top article


@dataclass(frozen=True)
class SearchResponse:
    query: str
    results: list[Hit]
    no_good_answer: bool
    took_ms: float
    signals: AnswerSignals | None = None
    revision: int = 0
    language: str | None = "en"
