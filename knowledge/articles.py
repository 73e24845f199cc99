"""Writing articles: create, save (with revision check), restore, and reading them back.

Every save appends a full snapshot to ``kb_revisions``. A save must say which
revision it started from; if someone saved since, it is refused with
EditConflict carrying the newer revision, never silently merged or
overwritten. Callers own the transaction (flush, never commit).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from knowledge.actors import Actor
from knowledge.exceptions import (
    ArticleNotFound,
    ArticleTooLarge,
    EditConflict,
    InvalidArticle,
    NotAllowed,
    RevisionNotFound,
    SlugTaken,
)
from knowledge.models import Article, Revision, WorkflowEvent
from knowledge.schemas import ArticleCreate, ArticleUpdate
from knowledge.workflow import Action, ArticleState, next_state

MAX_ARTICLE_BYTES = 1_000_000
_EXTRA_FIELDS = ("tags", "alternative_questions", "translation_of", "related", "links")
_CONTENT_FIELDS = (
    "title", "summary", "service_area", "tags", "alternative_questions", "owner_team",
    "review_by", "translation_of", "related", "links", "body",
)  # fmt: skip


def utcnow() -> datetime:
    return datetime.now(UTC)


def check_size(body: str, limit: int = MAX_ARTICLE_BYTES) -> None:
    if len(body.encode("utf-8")) > limit:
        raise ArticleTooLarge(limit)


def _require_writer(actor: Actor) -> None:
    if not actor.can_write:
        raise NotAllowed("Only editors can change articles.")


def _check_schedule(
    article: Article | None, publish_at: datetime | None, unpublish_at: datetime | None
) -> None:
    for name, value in (("publish_at", publish_at), ("unpublish_at", unpublish_at)):
        if value is not None and value.tzinfo is None:
            raise InvalidArticle(name, "give a time zone (for example 2027-01-31T09:00:00Z)")
    if publish_at and unpublish_at and unpublish_at <= publish_at:
        raise InvalidArticle("unpublish_at", "must be after publish_at")
    if article is None or article.live_revision_id is None or publish_at is None:
        return
    if publish_at > utcnow() and article.publish_at != publish_at:
        raise InvalidArticle(
            "publish_at", "this article is already live; scheduling is for first publication"
        )


def _snapshot(article: Article, *, number: int, actor: Actor, note: str, now: datetime) -> Revision:
    return Revision(
        article_id=article.id,
        number=number,
        title=article.title,
        summary=article.summary,
        service_area=article.service_area,
        owner_team=article.owner_team,
        review_by=article.review_by,
        extra={
            "tags": list(article.tags),
            "alternative_questions": list(article.alternative_questions),
            "translation_of": article.translation_of,
            "related": list(article.related),
            "links": [dict(link) for link in article.links],
        },
        body=article.body,
        author_id=actor.id,
        author_name=actor.name,
        note=note,
        created_at=now,
    )


def record_event(
    session: Session,
    article: Article,
    *,
    action: Action | str,
    from_state: str,
    actor: Actor,
    comment: str = "",
    now: datetime,
) -> None:
    session.add(
        WorkflowEvent(
            article_id=article.id,
            action=str(action),
            from_state=from_state,
            to_state=article.state,
            revision_number=article.version,
            actor_id=actor.id,
            actor_name=actor.name,
            comment=comment,
            created_at=now,
        )
    )


def _append_revision(
    session: Session, article: Article, *, actor: Actor, note: str, now: datetime
) -> Revision:
    article.version += 1
    article.updated_at = now
    revision = _snapshot(article, number=article.version, actor=actor, note=note, now=now)
    session.add(revision)
    session.flush()
    return revision


def create_article(
    session: Session,
    data: ArticleCreate,
    *,
    actor: Actor,
    note: str = "Created",
    now: datetime | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
) -> Article:
    _require_writer(actor)
    check_size(data.body, max_bytes)
    _check_schedule(None, data.publish_at, data.unpublish_at)
    language = data.language.value
    existing = find_article(session, data.slug)
    if existing is not None:
        raise SlugTaken(data.slug, existing.language)
    now = now or utcnow()
    meta = data.as_front_matter()
    article = Article(
        slug=data.slug,
        language=language,
        title=meta["title"],
        summary=meta["summary"],
        service_area=meta["service_area"],
        tags=meta["tags"],
        alternative_questions=meta["alternative_questions"],
        owner_team=meta["owner_team"],
        review_by=meta["review_by"],
        translation_of=meta["translation_of"],
        related=meta["related"],
        links=meta["links"],
        body=data.body,
        state=ArticleState.DRAFT.value,
        version=0,
        publish_at=data.publish_at,
        unpublish_at=data.unpublish_at,
        schedule_applied=True,
        index_revision=0,
        created_at=now,
        updated_at=now,
    )
    session.add(article)
    session.flush()
    _append_revision(session, article, actor=actor, note=note, now=now)
    record_event(session, article, action="create", from_state="", actor=actor, now=now)
    return article


def _apply_content(article: Article, values: dict[str, Any]) -> bool:
    changed = False
    for name in _CONTENT_FIELDS:
        if name in values and getattr(article, name) != values[name]:
            setattr(article, name, values[name])
            changed = True
    return changed


def save_article(
    session: Session,
    article_id: int,
    data: ArticleUpdate,
    *,
    actor: Actor,
    now: datetime | None = None,
    max_bytes: int = MAX_ARTICLE_BYTES,
) -> Article:
    """Save a new revision; refused with EditConflict if ``base_version`` is old."""
    _require_writer(actor)
    check_size(data.body, max_bytes)
    article = get_article(session, article_id, for_update=True)
    if data.base_version != article.version:
        raise EditConflict(base_version=data.base_version, current=editorial_view(article))
    _check_schedule(article, data.publish_at, data.unpublish_at)
    values = data.model_dump(mode="python", exclude={"base_version", "note"})
    values["service_area"] = data.service_area.value
    values["links"] = [link.model_dump() for link in data.links]
    return _save(
        session, article, values, actor=actor, note=data.note or "Edited", now=now or utcnow(),
        publish_at=data.publish_at, unpublish_at=data.unpublish_at,
    )  # fmt: skip


def _save(
    session: Session,
    article: Article,
    values: dict[str, Any],
    *,
    actor: Actor,
    note: str,
    now: datetime,
    publish_at: datetime | None,
    unpublish_at: datetime | None,
) -> Article:
    from knowledge import content_revision

    before = article.state
    article.state = next_state(before, Action.SAVE).value
    _apply_content(article, values)
    schedule_changed = (article.publish_at, article.unpublish_at) != (publish_at, unpublish_at)
    article.publish_at, article.unpublish_at = publish_at, unpublish_at
    _append_revision(session, article, actor=actor, note=note, now=now)
    if before != article.state:
        record_event(session, article, action=Action.SAVE, from_state=before, actor=actor, now=now)
    if schedule_changed and article.live_revision_id is not None:
        content_revision.touch(session, article)  # visibility may have changed
    return article


def edit_fields(
    session: Session, article: Article, *, actor: Actor, note: str, now: datetime | None = None,
    **values: Any,
) -> Article:  # fmt: skip
    """A server-side edit of some fields at the newest revision (e.g. add a question)."""
    _require_writer(actor)
    return _save(
        session, article, values, actor=actor, note=note, now=now or utcnow(),
        publish_at=article.publish_at, unpublish_at=article.unpublish_at,
    )  # fmt: skip


def restore_revision(
    session: Session,
    article_id: int,
    number: int,
    *,
    base_version: int,
    actor: Actor,
    now: datetime | None = None,
) -> Article:
    """Make an old revision the newest one again (as a new revision, in draft)."""
    _require_writer(actor)
    article = get_article(session, article_id, for_update=True)
    if base_version != article.version:
        raise EditConflict(base_version=base_version, current=editorial_view(article))
    old = get_revision(session, article.id, number)
    values = revision_content(old)
    return _save(
        session, article, values, actor=actor, note=f"Restored revision {number}",
        now=now or utcnow(), publish_at=article.publish_at, unpublish_at=article.unpublish_at,
    )  # fmt: skip


def revision_content(revision: Revision) -> dict[str, Any]:
    extra = revision.extra or {}
    return {
        "title": revision.title,
        "summary": revision.summary,
        "service_area": revision.service_area,
        "owner_team": revision.owner_team,
        "review_by": revision.review_by,
        "body": revision.body,
        "tags": list(extra.get("tags", [])),
        "alternative_questions": list(extra.get("alternative_questions", [])),
        "translation_of": extra.get("translation_of"),
        "related": list(extra.get("related", [])),
        "links": [dict(link) for link in extra.get("links", [])],
    }


# -- reading ---------------------------------------------------------------------------


def get_article(session: Session, article_id: int, *, for_update: bool = False) -> Article:
    statement: Select[Article] = select(Article).where(Article.id == article_id)
    if for_update:
        statement = statement.with_for_update(of=Article)
    article = session.scalars(statement).unique().one_or_none()
    if article is None:
        raise ArticleNotFound(article_id)
    return article


def find_article(session: Session, slug: str, language: str | None = None) -> Article | None:
    """By slug (unique across languages); ``language`` narrows it if given."""
    statement = select(Article).where(Article.slug == slug)
    if language:
        statement = statement.where(Article.language == language)
    return session.scalars(statement).unique().one_or_none()


def get_revision(session: Session, article_id: int, number: int) -> Revision:
    revision = session.scalar(
        select(Revision).where(Revision.article_id == article_id, Revision.number == number)
    )
    if revision is None:
        raise RevisionNotFound(number)
    return revision


def list_revisions(session: Session, article_id: int) -> Sequence[Revision]:
    return session.scalars(
        select(Revision).where(Revision.article_id == article_id).order_by(Revision.number.desc())
    ).all()


def list_events(session: Session, article_id: int) -> Sequence[WorkflowEvent]:
    return session.scalars(
        select(WorkflowEvent)
        .where(WorkflowEvent.article_id == article_id)
        .order_by(WorkflowEvent.id.desc())
    ).all()


def editorial_view(article: Article) -> dict[str, Any]:
    """The working copy as a plain dict (the ArticleEditorial schema)."""
    live = article.live_revision
    return {
        "id": article.id,
        "slug": article.slug,
        "language": article.language,
        "state": article.state,
        "version": article.version,
        "number": article.version,
        "title": article.title,
        "summary": article.summary,
        "service_area": article.service_area,
        "tags": list(article.tags),
        "alternative_questions": list(article.alternative_questions),
        "owner_team": article.owner_team,
        "review_by": article.review_by,
        "translation_of": article.translation_of,
        "related": list(article.related),
        "links": [dict(link) for link in article.links],
        "body": article.body,
        "publish_at": article.publish_at,
        "unpublish_at": article.unpublish_at,
        "is_live": article.live_revision_id is not None,
        "live_version": live.number if live is not None else None,
        "updated_at": article.updated_at,
    }
