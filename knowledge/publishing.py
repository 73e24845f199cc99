"""Workflow moves (submit, approve, send back, archive, reopen) and scheduling.

Publishing makes the newest revision the *live* one and bumps the content
revision counter so search catches up. Every publication, withdrawal and
scheduled change appends an entry to the audit log of staff access (who, which
article, which version) in the same transaction: core's ``frontdoor.audit``,
which knowledge may use without importing any other service.

An article is visible to the public when it has a live revision and its
publish/unpublish window is open; that rule is applied on every read
(``visible_clause``) and by ``apply_schedule``, which a background loop runs so
search hears about scheduled changes too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session

from frontdoor import audit
from frontdoor.audit import AuditAction
from knowledge import content_revision
from knowledge.actors import SYSTEM, Actor
from knowledge.articles import get_article, record_event, utcnow
from knowledge.exceptions import InvalidArticle, NotAllowed, SelfApproval
from knowledge.models import Article, Revision
from knowledge.workflow import Action, ArticleState, next_state


def visible_clause(now: datetime) -> ColumnElement[bool]:
    return and_(
        Article.live_revision_id.is_not(None),
        or_(Article.publish_at.is_(None), Article.publish_at <= now),
        or_(Article.unpublish_at.is_(None), Article.unpublish_at > now),
    )


def is_visible(article: Article, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return (
        article.live_revision_id is not None
        and (article.publish_at is None or article.publish_at <= now)
        and (article.unpublish_at is None or article.unpublish_at > now)
    )


def _move(
    session: Session, article: Article, action: Action, *, actor: Actor, comment: str, now: datetime
) -> Article:
    before = article.state
    article.state = next_state(before, action).value
    article.updated_at = now
    record_event(
        session, article, action=action, from_state=before, actor=actor, comment=comment, now=now
    )
    session.flush()
    return article


def submit(
    session: Session,
    article_id: int,
    *,
    actor: Actor,
    comment: str = "",
    now: datetime | None = None,
) -> Article:
    if not actor.can_write:
        raise NotAllowed("Only editors can send articles for review.")
    article = get_article(session, article_id, for_update=True)
    return _move(session, article, Action.SUBMIT, actor=actor, comment=comment, now=now or utcnow())


def authors_since_live(session: Session, article: Article) -> set[int | None]:
    """Who wrote the revisions that are not live yet (the change under review)."""
    live_number = article.live_revision.number if article.live_revision is not None else 0
    rows = session.scalars(
        select(Revision.author_id).where(
            Revision.article_id == article.id, Revision.number > live_number
        )
    )
    return set(rows)


def approve(
    session: Session,
    article_id: int,
    *,
    actor: Actor,
    comment: str = "",
    now: datetime | None = None,
) -> Article:
    """Publish the revision under review. Nobody approves their own change."""
    if not actor.can_review:
        raise NotAllowed("Only reviewers can approve articles.")
    now = now or utcnow()
    article = get_article(session, article_id, for_update=True)
    next_state(article.state, Action.APPROVE)  # raise before the author check
    if actor.id is None or actor.id in authors_since_live(session, article):
        raise SelfApproval()
    return _make_live(session, article, actor=actor, comment=comment, now=now)


def publish_imported(
    session: Session, article_id: int, *, actor: Actor, now: datetime | None = None
) -> Article:
    """Approve on behalf of the operator running an import or the demo seed.

    Running ``frontdoor knowledge import`` is itself the editorial decision (the
    files were reviewed where they were written), so the author check is skipped;
    the trail still shows who did it.
    """
    if not actor.can_review:
        raise NotAllowed("Only reviewers and admins can publish imported articles.")
    article = get_article(session, article_id, for_update=True)
    return _make_live(session, article, actor=actor, comment="Imported", now=now or utcnow())


def _live_version(article: Article) -> int:
    return article.live_revision.number if article.live_revision is not None else 0


def _audit(
    session: Session,
    action: AuditAction,
    article: Article,
    *,
    who: str,
    version: int,
    now: datetime,
    **detail: object,
) -> None:
    audit.record(
        session,
        actor=who,
        action=action,
        subject=f"article:{article.id}",
        detail={"slug": article.slug, "language": article.language, "version": version,
                **detail},
        clock=lambda: now,
    )  # fmt: skip


def _make_live(
    session: Session, article: Article, *, actor: Actor, comment: str, now: datetime
) -> Article:
    _move(session, article, Action.APPROVE, actor=actor, comment=comment, now=now)
    newest = session.scalar(
        select(Revision.id).where(
            Revision.article_id == article.id, Revision.number == article.version
        )
    )
    article.live_revision_id = newest
    article.last_reviewed_at = now
    article.schedule_applied = article.publish_at is None or article.publish_at <= now
    content_revision.touch(session, article)
    scheduled = {} if article.schedule_applied else {"scheduled_for": article.publish_at}
    _audit(session, AuditAction.PUBLISH, article, who=actor.audit_name, version=article.version,
           now=now, **scheduled)  # fmt: skip
    session.flush()
    session.expire(article, ["live_revision"])
    return article


def send_back(
    session: Session, article_id: int, *, actor: Actor, comment: str, now: datetime | None = None
) -> Article:
    if not actor.can_review:
        raise NotAllowed("Only reviewers can send articles back.")
    if not comment.strip():
        raise InvalidArticle("comment", "say what needs changing")
    article = get_article(session, article_id, for_update=True)
    return _move(
        session, article, Action.SEND_BACK, actor=actor, comment=comment, now=now or utcnow()
    )


def archive(
    session: Session,
    article_id: int,
    *,
    actor: Actor,
    comment: str = "",
    now: datetime | None = None,
) -> Article:
    """Take an article off the website and out of search."""
    if not actor.can_review:
        raise NotAllowed("Only reviewers can archive articles.")
    now = now or utcnow()
    article = get_article(session, article_id, for_update=True)
    was_live = article.live_revision_id is not None
    live_version = _live_version(article)
    _move(session, article, Action.ARCHIVE, actor=actor, comment=comment, now=now)
    article.live_revision_id = None
    if was_live:
        content_revision.touch(session, article)
        _audit(session, AuditAction.UNPUBLISH, article, who=actor.audit_name,
               version=live_version, now=now)  # fmt: skip
    session.flush()
    session.expire(article, ["live_revision"])
    return article


def reopen(
    session: Session,
    article_id: int,
    *,
    actor: Actor,
    comment: str = "",
    now: datetime | None = None,
) -> Article:
    if not actor.can_write:
        raise NotAllowed("Only editors can reopen articles.")
    article = get_article(session, article_id, for_update=True)
    return _move(session, article, Action.REOPEN, actor=actor, comment=comment, now=now or utcnow())


def apply_schedule(session: Session, now: datetime | None = None) -> Sequence[int]:
    """Apply publish_at / unpublish_at that have come due; returns the article ids."""
    now = now or utcnow()
    changed: list[int] = []
    due_publish = session.scalars(
        select(Article).where(
            Article.schedule_applied.is_(False),
            Article.live_revision_id.is_not(None),
            Article.publish_at <= now,
        )
    ).unique()
    for article in due_publish:
        article.schedule_applied = True
        content_revision.touch(session, article)
        _audit(session, AuditAction.SCHEDULED_PUBLISH, article, who="system",
               version=_live_version(article), now=now,
               publish_at=article.publish_at)  # fmt: skip
        changed.append(article.id)
    due_unpublish = session.scalars(
        select(Article).where(Article.live_revision_id.is_not(None), Article.unpublish_at <= now)
    ).unique()
    for article in due_unpublish:
        live_version = _live_version(article)
        article.live_revision_id = None
        if article.state == ArticleState.PUBLISHED:
            before = article.state
            article.state = ArticleState.ARCHIVED.value
            record_event(
                session, article, action="unpublish", from_state=before, actor=SYSTEM,
                comment="Scheduled unpublish", now=now,
            )  # fmt: skip
        content_revision.touch(session, article)
        _audit(session, AuditAction.SCHEDULED_UNPUBLISH, article, who="system",
               version=live_version, now=now, unpublish_at=article.unpublish_at)  # fmt: skip
        changed.append(article.id)
    session.flush()
    return changed
