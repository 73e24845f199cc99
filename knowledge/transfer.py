"""Import a folder of Markdown articles, and export the knowledge base back to one.

Layout: ``<dir>/<language>/<service_area>/<slug>.md`` (Markdown files directly
in ``<dir>``, such as a README, are notes and are skipped). Import validates every
file first and reports each bad one with its path and reason; if any is bad,
or anything fails while writing, nothing is imported (the caller's
transaction rolls back). Export writes the live revision of every published
article (or the newest revision with ``drafts=True``); an article whose
metadata is unchanged since import gets its original front matter back, so
import → export is byte-identical.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from knowledge import frontmatter, publishing, translations
from knowledge.actors import Actor
from knowledge.articles import (
    MAX_ARTICLE_BYTES,
    create_article,
    edit_fields,
    find_article,
    revision_content,
    utcnow,
)
from knowledge.exceptions import ImportFailed
from knowledge.models import Article
from knowledge.schemas import ArticleCreate, ArticleMetadata
from knowledge.workflow import ArticleState

Progress = Callable[[str, int | None], Any]


@dataclass
class ParsedFile:
    path: Path
    relative: str
    metadata: ArticleMetadata
    body: str
    front_matter: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged" + (
            f", {len(self.warnings)} warning(s)" if self.warnings else ""
        )


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error["loc"]) or "front matter"
        parts.append(f"{location}: {error['msg']}")
    return "; ".join(parts)


def read_folder(folder: Path, *, max_bytes: int = MAX_ARTICLE_BYTES) -> list[ParsedFile]:
    """Parse and validate every ``*.md`` under ``folder``; ImportFailed lists all problems."""
    if not folder.is_dir():
        raise ImportFailed([(str(folder), "not a folder")])
    parsed: list[ParsedFile] = []
    problems: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.rglob("*.md")):
        relative = path.relative_to(folder).as_posix()
        if "/" not in relative:  # README.md and other notes beside the language folders
            continue
        try:
            raw = path.read_bytes()
            if len(raw) > max_bytes:
                raise ValueError(f"larger than the {max_bytes:,}-byte limit")
            text = raw.decode("utf-8")
            document = frontmatter.parse(text)
            metadata = ArticleMetadata.model_validate(document.metadata)
        except ValidationError as exc:
            problems.append((relative, _describe(exc)))
            continue
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append((relative, str(exc)))
            continue
        if not document.body.strip():
            problems.append((relative, "the article has no body"))
            continue
        expected = f"{metadata.language.value}/{metadata.service_area.value}/{metadata.slug}.md"
        if relative != expected:
            problems.append((relative, f"front matter says it belongs at {expected}"))
            continue
        key = metadata.slug  # unique across languages
        if key in seen:
            problems.append((relative, f"slug {metadata.slug!r} is also used by {seen[key]}"))
            continue
        seen[key] = relative
        parsed.append(ParsedFile(path, relative, metadata, document.body, document.front_matter))
    if problems:
        raise ImportFailed(problems)
    return parsed


def _cross_check(session: Session, files: list[ParsedFile]) -> list[str]:
    rows = session.execute(select(Article.slug, Article.language))
    languages = {slug: language for slug, language in rows}
    languages.update({f.metadata.slug: f.metadata.language.value for f in files})
    warnings = []
    for item in files:
        if item.metadata.translation_of and languages.get(item.metadata.translation_of) != "en":
            warnings.append(f"{item.relative}: translation_of {item.metadata.translation_of!r} "
                            "is not an English article")  # fmt: skip
        for slug in item.metadata.related:
            if slug not in languages:
                warnings.append(f"{item.relative}: related article {slug!r} does not exist")
    return warnings


def import_folder(
    session: Session,
    folder: Path,
    *,
    actor: Actor,
    publish: bool = True,
    progress: Progress | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
    now: datetime | None = None,
) -> ImportReport:
    """Create or update one article per file (flushes; the caller commits)."""
    files = read_folder(folder, max_bytes=max_bytes)
    report = ImportReport(warnings=_cross_check(session, files))
    bar = progress("importing articles", len(files)) if progress else None
    now = now or utcnow()
    try:
        translated = []
        for item in files:
            before = report.created + report.updated
            _import_one(session, item, actor=actor, publish=publish, report=report, now=now)
            if item.metadata.translation_of and report.created + report.updated > before:
                translated.append(item.metadata.slug)
            if bar is not None:
                bar.update(1)
        # a Welsh file imported beside its English source was translated from it
        session.flush()
        for slug in translated:
            article = find_article(session, slug)
            if article is not None:
                translations.stamp(session, article)
    finally:
        if bar is not None:
            bar.close()
    return report


def _import_one(
    session: Session, item: ParsedFile, *, actor: Actor, publish: bool, report: ImportReport,
    now: datetime,
) -> None:  # fmt: skip
    meta = item.metadata
    article = find_article(session, meta.slug)
    if article is not None and article.language != meta.language.value:
        raise ImportFailed([(item.relative, f"slug {meta.slug!r} is a {article.language} article")])
    if article is None:
        data = ArticleCreate(**meta.model_dump(), body=item.body)
        article = create_article(
            session, data, actor=actor, note=f"Imported from {item.relative}", now=now
        )
        report.created += 1
    else:
        values = meta.as_front_matter()
        values.pop("slug"), values.pop("language")
        values["body"] = item.body
        if revision_content_of(article) == values:
            report.unchanged += 1
        else:
            edit_fields(
                session, article, actor=actor, note=f"Imported from {item.relative}", now=now,
                **values,
            )  # fmt: skip
            report.updated += 1
    article.source_front_matter = item.front_matter
    if publish and article.state != ArticleState.PUBLISHED:
        _publish_imported(session, article, actor=actor, now=now)


def revision_content_of(article: Article) -> dict[str, Any]:
    return {
        "title": article.title, "summary": article.summary, "service_area": article.service_area,
        "owner_team": article.owner_team, "review_by": article.review_by, "body": article.body,
        "tags": list(article.tags), "alternative_questions": list(article.alternative_questions),
        "translation_of": article.translation_of, "related": list(article.related),
        "links": [dict(link) for link in article.links],
    }  # fmt: skip


def _publish_imported(session: Session, article: Article, *, actor: Actor, now: datetime) -> None:
    """An import is an editorial decision taken by whoever runs it: publish directly.

    It goes through the same moves (submit, approve) so the trail shows it.
    """
    if article.state == ArticleState.ARCHIVED:
        publishing.reopen(session, article.id, actor=actor, comment="Imported", now=now)
    if article.state == ArticleState.DRAFT:
        publishing.submit(session, article.id, actor=actor, comment="Imported", now=now)
    publishing.publish_imported(session, article.id, actor=actor, now=now)


def export_folder(session: Session, folder: Path, *, drafts: bool = False) -> int:
    """Write one file per article; returns how many were written."""
    statement = select(Article).where(Article.state != ArticleState.ARCHIVED)
    if not drafts:
        statement = statement.where(Article.live_revision_id.is_not(None))
    count = 0
    for article in session.scalars(statement.order_by(Article.id)).unique():
        if drafts or article.live_revision is None:
            content = revision_content_of(article)
        else:
            content = revision_content(article.live_revision)
        body = content.pop("body")
        metadata = {**content, "slug": article.slug, "language": article.language}
        text = frontmatter.write(metadata, body, original_front_matter=article.source_front_matter)
        target = folder / article.language / metadata["service_area"] / f"{article.slug}.md"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("utf-8"))
        count += 1
    return count
