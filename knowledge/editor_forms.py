"""The editor's HTML form ⇄ ArticleCreate / ArticleUpdate.

Lists are typed one per line (questions, links as ``Title | URL``) or comma
separated (tags, related); dates and times are UK local time. Validation
errors come back keyed by form field so the page can show each one beside
its input and in an error summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from frontdoor.clock import LONDON as UK
from knowledge.schemas import ArticleCreate, ArticleUpdate

FORM_FIELDS = (
    "title", "slug", "language", "summary", "service_area", "tags", "alternative_questions",
    "owner_team", "review_by", "translation_of", "related", "links", "body", "publish_at",
    "unpublish_at", "note", "base_version",
)  # fmt: skip


@dataclass
class FormResult:
    values: dict[str, str]
    data: ArticleCreate | ArticleUpdate | None = None
    errors: dict[str, str] = field(default_factory=dict)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _commas(text: str) -> list[str]:
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def _links(text: str) -> list[dict[str, str]]:
    links = []
    for line in _lines(text):
        title, _, url = line.rpartition("|")
        links.append({"title": title.strip() or url.strip(), "url": url.strip()})
    return links


def _local_time(text: str) -> datetime | None:
    if not text.strip():
        return None
    return datetime.fromisoformat(text.strip()).replace(tzinfo=UK).astimezone(UTC)


def to_local_input(value: datetime | None) -> str:
    return value.astimezone(UK).strftime("%Y-%m-%dT%H:%M") if value else ""


def values_from_article(view: dict[str, Any]) -> dict[str, str]:
    """An article (editorial_view) as the strings the form shows."""
    return {
        "title": view["title"],
        "slug": view["slug"],
        "language": view["language"],
        "summary": view["summary"],
        "service_area": view["service_area"],
        "tags": ", ".join(view["tags"]),
        "alternative_questions": "\n".join(view["alternative_questions"]),
        "owner_team": view["owner_team"],
        "review_by": view["review_by"].isoformat(),
        "translation_of": view["translation_of"] or "",
        "related": ", ".join(view["related"]),
        "links": "\n".join(f"{link['title']} | {link['url']}" for link in view["links"]),
        "body": view["body"],
        "publish_at": to_local_input(view["publish_at"]),
        "unpublish_at": to_local_input(view["unpublish_at"]),
        "note": "",
        "base_version": str(view["version"]),
    }


def parse(form: dict[str, Any], *, creating: bool) -> FormResult:
    values = {name: str(form.get(name, "") or "") for name in FORM_FIELDS}
    values["body"] = values["body"].replace("\r\n", "\n")
    result = FormResult(values=values)
    try:
        publish_at = _local_time(values["publish_at"])
    except ValueError:
        result.errors["publish_at"] = "Enter a real date and time"
        publish_at = None
    try:
        unpublish_at = _local_time(values["unpublish_at"])
    except ValueError:
        result.errors["unpublish_at"] = "Enter a real date and time"
        unpublish_at = None
    payload: dict[str, Any] = {
        "title": values["title"],
        "summary": values["summary"],
        "service_area": values["service_area"],
        "tags": _commas(values["tags"]),
        "alternative_questions": _lines(values["alternative_questions"]),
        "owner_team": values["owner_team"],
        "review_by": values["review_by"] or None,
        "translation_of": values["translation_of"].strip() or None,
        "related": _commas(values["related"]),
        "links": _links(values["links"]),
        "body": values["body"],
        "publish_at": publish_at,
        "unpublish_at": unpublish_at,
    }
    try:
        if creating:
            payload.update(slug=values["slug"].strip(), language=values["language"] or "en")
            result.data = ArticleCreate(**payload)
        else:
            payload.update(base_version=values["base_version"] or -1, note=values["note"])
            result.data = ArticleUpdate(**payload)
    except ValidationError as exc:
        for error in exc.errors():
            location = error.get("loc", ())
            name = str(location[0]) if location else "form"
            message = error.get("msg", "Invalid").removeprefix("Value error, ")
            if len(location) > 1:
                message = (
                    f"item {int(location[1]) + 1}: {message}"
                    if isinstance(location[1], int)
                    else message
                )
            result.errors.setdefault(name, message)
    if result.errors:
        result.data = None
    return result
