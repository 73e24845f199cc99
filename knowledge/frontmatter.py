"""Markdown files with YAML front matter: parse, and write back losslessly.

A file is ``---\\n<YAML>---\\n<Markdown body>``. Writing uses the house
layout (keys in a fixed order, flow lists for tags and related, block lists
for questions and links). When an article's metadata has not changed since
it was imported, the original front-matter text is written back as it was,
so a round trip is byte-identical even for hand-formatted files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import yaml

DELIMITER = "---\n"
KEY_ORDER = (
    "title", "slug", "summary", "service_area", "tags", "alternative_questions", "owner_team",
    "review_by", "language", "translation_of", "related", "links",
)  # fmt: skip
FLOW_LISTS = {"tags", "related"}
BLOCK_LISTS = {"alternative_questions"}
OPTIONAL_KEYS = {"translation_of"}


class FrontMatterError(ValueError):
    """The file is not front matter plus body (the message says why)."""


@dataclass(frozen=True)
class ArticleFile:
    metadata: dict[str, Any]
    body: str
    front_matter: str  # the YAML text exactly as found


def parse(text: str) -> ArticleFile:
    if text.startswith("\ufeff"):
        raise FrontMatterError(
            "the file starts with a byte-order mark; save it as UTF-8 without BOM"
        )
    if not text.startswith(DELIMITER):
        raise FrontMatterError("the file must start with a '---' line opening the front matter")
    end = text.find("\n" + DELIMITER, len(DELIMITER) - 1)
    if end == -1:
        if text.endswith("\n---"):
            end = len(text) - 4
        else:
            raise FrontMatterError("the front matter is not closed by a '---' line")
    front_matter = text[len(DELIMITER) : end + 1]
    body = text[end + 1 + len(DELIMITER) :]
    try:
        data = yaml.safe_load(front_matter) if front_matter.strip() else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise FrontMatterError(f"the front matter is not valid YAML{where}: {exc}") from None
    if not isinstance(data, dict):
        raise FrontMatterError("the front matter must be a set of 'key: value' lines")
    return ArticleFile(metadata=data, body=body, front_matter=front_matter)


def _scalar(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    text = yaml.safe_dump(value, allow_unicode=True, width=1_000_000, default_flow_style=False)
    return text.removesuffix("\n...\n").removesuffix("\n")


def _flow_list(values: list[Any]) -> str:
    if not values:
        return "[]"
    text = yaml.safe_dump(
        list(values), allow_unicode=True, width=1_000_000, default_flow_style=True
    )
    return text.rstrip("\n")


def dump_front_matter(metadata: dict[str, Any]) -> str:
    """The house layout of a front-matter block (without the '---' lines)."""
    lines: list[str] = []
    for key in KEY_ORDER:
        value = metadata.get(key)
        if key in OPTIONAL_KEYS and value in (None, ""):
            continue
        if key in FLOW_LISTS:
            lines.append(f"{key}: {_flow_list(value or [])}")
        elif key in BLOCK_LISTS or key == "links":
            if not value:
                lines.append(f"{key}: []")
                continue
            lines.append(f"{key}:")
            for item in value:
                if key == "links":
                    lines.append(f"  - title: {_scalar(item['title'])}")
                    lines.append(f"    url: {_scalar(item['url'])}")
                else:
                    lines.append(f"  - {_scalar(item)}")
        else:
            lines.append(f"{key}: {_scalar(value)}")
    return "\n".join(lines) + "\n"


def _comparable(metadata: dict[str, Any]) -> dict[str, Any]:
    result = {}
    for key in KEY_ORDER:
        value = metadata.get(key)
        if key in OPTIONAL_KEYS and value in (None, ""):
            value = None
        elif value is None and key in FLOW_LISTS | BLOCK_LISTS | {"links"}:
            value = []
        elif key == "links" and value:
            value = [{"title": link["title"], "url": link["url"]} for link in value]
        result[key] = value
    return result


def same_metadata(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return _comparable(a) == _comparable(b)


def write(metadata: dict[str, Any], body: str, *, original_front_matter: str | None = None) -> str:
    """The whole file; reuses ``original_front_matter`` if it still says the same."""
    front_matter = dump_front_matter(metadata)
    if original_front_matter is not None:
        try:
            original = parse(DELIMITER + original_front_matter + DELIMITER).metadata
        except FrontMatterError:
            original = None
        if original is not None and same_metadata(original, metadata):
            front_matter = original_front_matter
    return DELIMITER + front_matter + DELIMITER + body
