"""Translation freshness: is a Welsh article behind its English source?

Each Welsh article records the number of the English article's live revision
it was translated from (``Article.source_version``). Publishing the English
article with a different title, summary or body (the text a translator
translates) flags the Welsh one until an editor marks the translation as
updated. A newer revision that changes only the English article's search aids
and bookkeeping (alternative questions, tags, related articles, review date,
owner team) does not: the Welsh article has its own alternative questions,
written in Welsh, not translated. A Welsh article with no recorded source
revision (or whose English source is not live) is not flagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import Session, aliased

from knowledge.actors import Actor
from knowledge.articles import record_event
from knowledge.exceptions import KnowledgeError
from knowledge.models import Article, Revision

OUTDATED_MESSAGE = "The English version has changed since this was translated"
# What a translator translates; any other field of the English may change without flagging.
TRANSLATED_FIELDS = ("title", "summary", "body")
MARKED = "translation_updated"


class NotATranslation(KnowledgeError):
    code = "not_a_translation"
    status_code = 409

    def __init__(self) -> None:
        super().__init__("Only a Welsh article whose English source is published can be marked.")


def english_live_number(session: Session, slug: str) -> int | None:
    """The live revision number of the English article ``slug`` (None if not live)."""
    return session.scalar(
        select(Revision.number)
        .join(Article, Article.live_revision_id == Revision.id)
        .where(Article.slug == slug, Article.language == "en")
    )


def english_source(session: Session, article: Article) -> Article | None:
    if article.language != "cy" or not article.translation_of:
        return None
    return session.scalars(
        select(Article).where(Article.slug == article.translation_of, Article.language == "en")
    ).first()


def outdated_condition() -> ColumnElement[bool]:
    """SQL: this Welsh article's English source has a newer live revision whose
    translated text differs from the revision it was translated from."""
    english = aliased(Article)
    live = aliased(Revision)
    source = aliased(Revision)
    same_text = select(source.id).where(
        source.article_id == english.id,
        source.number == Article.source_version,
        *(getattr(source, name) == getattr(live, name) for name in TRANSLATED_FIELDS),
    )
    newer = (
        select(live.id)
        .join(english, english.live_revision_id == live.id)
        .where(
            english.slug == Article.translation_of,
            english.language == "en",
            live.number > Article.source_version,
            ~exists(same_text),
        )
    )
    return and_(Article.language == "cy", Article.source_version.is_not(None), exists(newer))


def outdated_ids(session: Session, ids: Iterable[int]) -> set[int]:
    wanted = list(ids)
    if not wanted:
        return set()
    statement = select(Article.id).where(Article.id.in_(wanted), outdated_condition())
    return set(session.scalars(statement))


def is_outdated(session: Session, article: Article) -> bool:
    """One article's flag, by the same rule as the list's (``outdated_condition``)."""
    if article.language != "cy" or not article.translation_of or article.source_version is None:
        return False
    return article.id in outdated_ids(session, [article.id])


def stamp(session: Session, article: Article) -> None:
    """Record that ``article`` matches its English source's live revision now."""
    if article.language == "cy" and article.translation_of:
        article.source_version = english_live_number(session, article.translation_of)


def mark_updated(session: Session, article: Article, *, actor: Actor, now: datetime) -> None:
    """The editor says the Welsh text now matches the English: clear the flag."""
    number = (
        english_live_number(session, article.translation_of)
        if article.language == "cy" and article.translation_of
        else None
    )
    if number is None:
        raise NotATranslation()
    article.source_version = number
    record_event(
        session, article, action=MARKED, from_state=article.state, actor=actor,
        comment=f"Translation matches English revision {number}", now=now,
    )  # fmt: skip
    session.flush()
