"""The global content revision counter (one row, monotonic, in the database).

Every change to what the public can see bumps it and stamps the article with
the new value, so any search instance can ask "what changed since N?". The
bump is an ``UPDATE ... RETURNING`` on one row: the row lock (PostgreSQL) or
the write lock (SQLite) orders concurrent publishers, so a reader that sees
value N also sees every change stamped N or lower.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from knowledge.models import Article, ContentState


def current(session: Session) -> int:
    value = session.scalar(select(ContentState.revision).where(ContentState.id == 1))
    return int(value or 0)


def bump(session: Session) -> int:
    statement = (
        update(ContentState)
        .where(ContentState.id == 1)
        .values(revision=ContentState.revision + 1)
        .returning(ContentState.revision)
    )
    value = session.execute(statement).scalar_one_or_none()
    if value is None:  # the migration inserts the row; recreate it if someone deleted it
        session.add(ContentState(id=1, revision=1))
        session.flush()
        return 1
    return int(value)


def touch(session: Session, article: Article) -> int:
    """Record that ``article``'s public content changed."""
    article.index_revision = bump(session)
    return article.index_revision
