"""The editor's HTML form ⇄ ArticleCreate / ArticleUpdate.

Lists are typed one per line (questions, links as ``Title | URL``) or comma
separated (tags, related). Dates are GOV.UK date inputs (``review_by-day``,
``-month``, ``-year``; publishing moments add ``-time``, UK time); a single
ISO value (``review_by=2027-03-31``) is still accepted, as scripts post it.

Validation errors come back keyed by form field as :class:`Problem` (a key of
``knowledge.editor_text``'s catalogue and its values), never as a library's
text, so the page shows each in the staff member's language beside its input
and in the error summary. An empty web address is made from the title.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from frontdoor.clock import LONDON as UK
from knowledge.editor_text import state_name, text
from knowledge.exceptions import (
    ArticleTooLarge,
    IllegalTransition,
    InvalidArticle,
    KnowledgeError,
    NotAllowed,
    SelfApproval,
    SlugTaken,
)
from knowledge.schemas import ArticleCreate, ArticleUpdate

DATE_FIELDS = ("review_by", "publish_at", "unpublish_at")
PARTS = ("day", "month", "year")
FORM_FIELDS = (
    "title", "slug", "language", "summary", "service_area", "tags", "alternative_questions",
    "owner_team", "review_by", "translation_of", "related", "links", "body", "publish_at",
    "unpublish_at", "note", "base_version",
    "review_by-day", "review_by-month", "review_by-year",
    "publish_at-day", "publish_at-month", "publish_at-year", "publish_at-time",
    "unpublish_at-day", "unpublish_at-month", "unpublish_at-year", "unpublish_at-time",
)  # fmt: skip
SLUG_MAX = 120


@dataclass(frozen=True)
class Problem:
    """One error: a catalogue key and the values its text needs."""

    key: str
    values: tuple[tuple[str, object], ...] = ()

    def text(self, language: str = "en") -> str:
        values = dict(self.values)
        if "state" in values:
            values["state"] = state_name(str(values["state"]), language)
        return text(self.key, language, **values)


@dataclass
class FormResult:
    values: dict[str, str]
    data: ArticleCreate | ArticleUpdate | None = None
    errors: dict[str, Problem] = field(default_factory=dict)


PAGE_ORDER = (
    "form", "title", "slug", "language", "summary", "service_area", "owner_team", "review_by",
    "body", "alternative_questions", "tags", "related", "links", "translation_of", "publish_at",
    "unpublish_at", "note", "translation", "workflow",
)  # fmt: skip


def messages(errors: dict[str, Problem], language: str) -> dict[str, str]:
    """Errors as the texts a page shows, in ``language``, in the order of the page's fields
    (the error summary lists them as the page does)."""

    def position(name: str) -> int:
        return PAGE_ORDER.index(name) if name in PAGE_ORDER else len(PAGE_ORDER)

    return {name: errors[name].text(language) for name in sorted(errors, key=position)}


def slugify(title: str) -> str:
    """A web address from a title: "Cŵn a baw cŵn" → "cwn-a-baw-cwn" (editor.js does the same)."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", plain.replace("'", "").replace("\u2019", ""))
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > SLUG_MAX:
            break
        slug = longer
    return slug


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


class _Bad(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _date_from_parts(values: dict[str, str], name: str) -> date | None:
    """A GOV.UK date input's three boxes as a date; None when all are empty."""
    day, month, year = (values.get(f"{name}-{part}", "").strip() for part in PARTS)
    if not (day or month or year):
        return None
    if name == "review_by":
        for part, given in zip(PARTS, (day, month, year), strict=True):
            if not given:
                raise _Bad(f"review_by.{part}")
    elif not (day and month and year):
        raise _Bad(f"{name}.incomplete")
    if not (day.isdigit() and month.isdigit() and year.isdigit()):
        raise _Bad(f"{name}.real")
    if len(year) != 4:
        raise _Bad("review_by.year_digits" if name == "review_by" else f"{name}.real")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise _Bad(f"{name}.real") from None


def _time(text: str, name: str) -> time:
    """9:30, 09:30, 14:00, 9.30, 9am, 2:30pm; empty is midnight."""
    text = text.strip().lower().replace(" ", "").replace(".", ":")
    if not text:
        return time(0, 0)
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?(am|pm)?", text)
    if not match:
        raise _Bad(f"{name}.time")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3):
        if not 1 <= hour <= 12:
            raise _Bad(f"{name}.time")
        hour = hour % 12 + (12 if match.group(3) == "pm" else 0)
    if hour > 23 or minute > 59:
        raise _Bad(f"{name}.time")
    return time(hour, minute)


def _review_date(values: dict[str, str]) -> date | None:
    if any(values.get(f"review_by-{part}", "").strip() for part in PARTS):
        return _date_from_parts(values, "review_by")
    single = values.get("review_by", "").strip()
    if not single:
        return None
    try:
        return date.fromisoformat(single)
    except ValueError:
        raise _Bad("review_by.real") from None


def _moment(values: dict[str, str], name: str) -> datetime | None:
    """UK local date and time → an aware UTC datetime (None when left empty)."""
    if any(values.get(f"{name}-{part}", "").strip() for part in (*PARTS, "time")):
        day = _date_from_parts(values, name)
        if day is None:
            raise _Bad(f"{name}.incomplete")
        local = datetime.combine(day, _time(values.get(f"{name}-time", ""), name))
        return local.replace(tzinfo=UK).astimezone(UTC)
    single = values.get(name, "").strip()
    if not single:
        return None
    try:
        return datetime.fromisoformat(single).replace(tzinfo=UK).astimezone(UTC)
    except ValueError:
        raise _Bad(f"{name}.real") from None


def to_local_input(value: datetime | None) -> str:
    return value.astimezone(UK).strftime("%Y-%m-%dT%H:%M") if value else ""


def _date_parts(name: str, value: date | None) -> dict[str, str]:
    if value is None:
        return {f"{name}-{part}": "" for part in PARTS}
    return {f"{name}-day": str(value.day), f"{name}-month": str(value.month),
            f"{name}-year": str(value.year)}  # fmt: skip


def _moment_parts(name: str, value: datetime | None) -> dict[str, str]:
    local = value.astimezone(UK) if value else None
    parts = _date_parts(name, local.date() if local else None)
    parts[f"{name}-time"] = f"{local.hour}:{local.minute:02d}" if local else ""
    return parts


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
        **_date_parts("review_by", view["review_by"]),
        **_moment_parts("publish_at", view["publish_at"]),
        **_moment_parts("unpublish_at", view["unpublish_at"]),
    }


_LENGTH_KINDS = {"string_too_short": "missing", "missing": "missing", "string_type": "missing",
                 "string_too_long": "too_long"}  # fmt: skip
_LISTS = ("tags", "alternative_questions", "related", "links")


def problem_for(error: ErrorDetails, values: dict[str, str]) -> tuple[str, Problem]:
    """The form field and catalogue message for one pydantic error of the form models.

    Every error the models can raise has its own message; anything unforeseen
    still reads "Check the … and try again", never the library's words.
    """
    location = error.get("loc", ())
    kind = error.get("type", "")
    name = str(location[0]) if location else ""
    if not location:  # the model's own rule: a translation must be Welsh
        return "translation_of", Problem("translation_of.english")
    if name in _LISTS:
        if len(location) == 1:
            return name, Problem(f"{name}.too_many")
        item = (("item", int(location[1]) + 1),) if isinstance(location[1], int) else ()
        if name == "links":
            part = str(location[2]) if len(location) > 2 else "url"
            if part == "title":
                return name, Problem("links.title_too_long", item)
            if kind in ("string_too_short", "missing"):
                return name, Problem("links.url_missing", item)
            if kind == "string_too_long":
                return name, Problem("links.url_too_long", item)
            return name, Problem("links.url_unsafe", item)
        if name == "related" and kind == "string_pattern_mismatch":
            return name, Problem("related.pattern", item)
        return name, Problem(f"{name}.item_too_long", item)
    if name in ("slug", "translation_of"):
        if kind == "string_too_long":
            return name, Problem(f"{name}.too_long")
        if name == "slug" and not values.get("slug", "").strip():
            return name, Problem("slug.missing")
        return name, Problem(f"{name}.pattern")
    if name in ("title", "summary", "owner_team", "body"):
        suffix = _LENGTH_KINDS.get(kind, "missing")
        if name == "body":
            suffix = "missing"
        return name, Problem(f"{name}.{suffix}")
    if name == "review_by":
        return name, Problem("review_by.missing" if kind == "missing" else "review_by.real")
    if name in ("publish_at", "unpublish_at"):
        return name, Problem(f"{name}.real")
    if name in ("service_area", "language"):
        return name, Problem(f"{name}.invalid")
    if name == "note":
        return name, Problem("note.too_long")
    if name == "base_version":
        return "form", Problem("base_version.invalid")
    return "form", Problem("form.invalid", (("field", name.replace("_", " ") or "form"),))


def parse(form: dict[str, Any], *, creating: bool) -> FormResult:
    values = {name: str(form.get(name, "") or "") for name in FORM_FIELDS}
    values["body"] = values["body"].replace("\r\n", "\n")
    if creating and not values["slug"].strip():
        values["slug"] = slugify(values["title"])  # the fallback when the script did not run
    result = FormResult(values=values)
    review_by: date | None = None
    moments: dict[str, datetime | None] = {}
    try:
        review_by = _review_date(values)
    except _Bad as bad:
        result.errors["review_by"] = Problem(bad.key)
    for name in ("publish_at", "unpublish_at"):
        try:
            moments[name] = _moment(values, name)
        except _Bad as bad:
            result.errors[name] = Problem(bad.key)
            moments[name] = None
    payload: dict[str, Any] = {
        "title": values["title"],
        "summary": values["summary"],
        "service_area": values["service_area"],
        "tags": _commas(values["tags"]),
        "alternative_questions": _lines(values["alternative_questions"]),
        "owner_team": values["owner_team"],
        "review_by": review_by,
        "translation_of": values["translation_of"].strip() or None,
        "related": _commas(values["related"]),
        "links": _links(values["links"]),
        "body": values["body"],
        "publish_at": moments["publish_at"],
        "unpublish_at": moments["unpublish_at"],
    }
    if review_by is None:
        payload.pop("review_by")  # "missing" rather than "not a date"
    try:
        if creating:
            payload.update(slug=values["slug"].strip(), language=values["language"] or "en")
            result.data = ArticleCreate(**payload)
        else:
            payload.update(base_version=values["base_version"] or -1, note=values["note"])
            result.data = ArticleUpdate(**payload)
    except ValidationError as exc:
        for error in exc.errors():
            name, problem = problem_for(error, values)
            result.errors.setdefault(name, problem)
    start, end = moments.get("publish_at"), moments.get("unpublish_at")
    if start and end and end <= start:
        result.errors.setdefault("unpublish_at", Problem("unpublish_at.after"))
    if result.errors:
        result.data = None
    return result


def problem_from_error(exc: KnowledgeError, *, where: str = "form") -> tuple[str, Problem]:
    """A knowledge service error as the field it belongs to and a catalogue message."""
    if isinstance(exc, SlugTaken):
        return "slug", Problem("slug.taken")
    if isinstance(exc, ArticleTooLarge):
        limit = f"{exc.limit // 1000:,} KB" if exc.limit < 1_000_000 else f"{exc.limit / 1e6:g} MB"
        return "body", Problem("body.too_large", (("limit", limit),))
    if isinstance(exc, InvalidArticle):
        reason = exc.reason
        if exc.field == "comment":
            return where, Problem("comment.too_long" if reason == "too long" else "comment.missing")
        if exc.field == "unpublish_at" and "after" in reason:
            return "unpublish_at", Problem("unpublish_at.after")
        if exc.field == "publish_at" and "live" in reason:
            return "publish_at", Problem("publish_at.already_live")
        if exc.field in ("publish_at", "unpublish_at"):
            return exc.field, Problem(f"{exc.field}.real")
    if isinstance(exc, SelfApproval):
        return where, Problem("workflow.self_approval")
    if isinstance(exc, NotAllowed):
        return where, Problem("workflow.not_allowed")
    if isinstance(exc, IllegalTransition):
        return where, Problem("workflow.illegal", (("state", exc.current),))
    if exc.code == "not_a_translation":
        return where, Problem("translation.not_a_translation")
    return where, Problem("form.invalid", (("field", "details"),))
