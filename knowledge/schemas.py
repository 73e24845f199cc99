"""API and import schemas: separate input (Create/Update) and output (Public) shapes.

Input models forbid unknown fields, so a typo is a 422 naming the field
rather than silently ignored. The same ``ArticleMetadata`` validates the
editor's form, the API and every imported front-matter block.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from frontdoor.contracts.knowledge import ArticleSlug as Slug
from frontdoor.http import MAX_DB_INT
from knowledge.vocabulary import Language, ServiceArea

Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
_SAFE_URL = re.compile(r"^(/(?!/)|#|https?://|mailto:|tel:)", re.IGNORECASE)


class Link(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    url: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]

    @field_validator("url")
    @classmethod
    def _safe_url(cls, value: str) -> str:
        if not _SAFE_URL.match(value):
            raise ValueError("must be a site path (/...) or an http(s), mailto: or tel: address")
        return value


class ArticleMetadata(BaseModel):
    """Everything but the body, in front-matter order."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    slug: Slug
    summary: Annotated[str, StringConstraints(min_length=1, max_length=600)]
    service_area: ServiceArea
    tags: list[Tag] = Field(default_factory=list, max_length=30)
    alternative_questions: list[Question] = Field(default_factory=list, max_length=100)
    owner_team: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    review_by: date
    language: Language = Language.ENGLISH
    translation_of: Slug | None = None
    related: list[Slug] = Field(default_factory=list, max_length=30)
    links: list[Link] = Field(default_factory=list, max_length=30)

    @model_validator(mode="after")
    def _translation_only_for_welsh(self) -> ArticleMetadata:
        if self.translation_of and self.language != Language.WELSH:
            raise ValueError("translation_of is only for Welsh (cy) articles")
        return self

    def as_front_matter(self) -> dict[str, Any]:
        data = self.model_dump(mode="python")
        data["service_area"] = self.service_area.value
        data["language"] = self.language.value
        return data


class ArticleCreate(ArticleMetadata):
    body: Annotated[str, StringConstraints(min_length=1, strip_whitespace=False)]
    publish_at: datetime | None = None
    unpublish_at: datetime | None = None


class ArticleUpdate(BaseModel):
    """A save: the full new content plus the revision it was based on."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    base_version: int = Field(
        ge=0, le=MAX_DB_INT, description="The revision number the editor started from."
    )
    title: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    summary: Annotated[str, StringConstraints(min_length=1, max_length=600)]
    service_area: ServiceArea
    tags: list[Tag] = Field(default_factory=list, max_length=30)
    alternative_questions: list[Question] = Field(default_factory=list, max_length=100)
    owner_team: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    review_by: date
    translation_of: Slug | None = None
    related: list[Slug] = Field(default_factory=list, max_length=30)
    links: list[Link] = Field(default_factory=list, max_length=30)
    body: Annotated[str, StringConstraints(min_length=1, strip_whitespace=False)]
    publish_at: datetime | None = None
    unpublish_at: datetime | None = None
    note: Annotated[str, StringConstraints(max_length=500)] = ""


class WorkflowRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class LinkPublic(BaseModel):
    title: str
    url: str


class ArticleSummaryPublic(BaseModel):
    slug: str
    language: str
    title: str
    summary: str
    service_area: str
    url: str
    last_reviewed: date | None


class ArticlePublic(ArticleSummaryPublic):
    """A published article as residents, the bot and the console see it."""

    tags: list[str]
    alternative_questions: list[str]
    owner_team: str
    review_by: date
    translation_of: str | None
    translations: dict[str, str] = Field(description="language -> url of the same article")
    related: list[ArticleSummaryPublic]
    links: list[LinkPublic]
    body_markdown: str
    body_html: str
    body_text: str
    revision: int


class RevisionPublic(BaseModel):
    number: int
    author_name: str
    note: str
    created_at: datetime


class ArticleEditorial(BaseModel):
    """An article as editors see it (working copy + workflow)."""

    id: int
    slug: str
    language: str
    state: str
    version: int
    title: str
    summary: str
    service_area: str
    tags: list[str]
    alternative_questions: list[str]
    owner_team: str
    review_by: date
    translation_of: str | None
    related: list[str]
    links: list[LinkPublic]
    body: str
    publish_at: datetime | None
    unpublish_at: datetime | None
    is_live: bool
    live_version: int | None
    updated_at: datetime


class SearchResultPublic(BaseModel):
    slug: str
    title: str
    url: str
    section_anchor: str | None
    section_title: str | None
    snippet: str
    score: float
    service_area: str
    language: str


class SearchResponse(BaseModel):
    query: str
    results: list[SearchResultPublic]
    no_good_answer: bool
    took_ms: float


class FeedbackCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: Slug
    language: Language = Language.ENGLISH
    helpful: bool
    comment: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""


class ContentGapCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)
    ]
    source: Literal["bot", "site_search"]
    language: Language = Language.ENGLISH
    conversation_id: Annotated[str, StringConstraints(max_length=120)] | None = None


class Accepted(BaseModel):
    id: int
    status: Literal["recorded"] = "recorded"


class ConflictDetail(BaseModel):
    code: Literal["edit_conflict"] = "edit_conflict"
    detail: str
    base_version: int
    current: ArticleEditorial
