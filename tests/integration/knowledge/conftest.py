"""Factories for knowledge-base integration tests (real SQLite / PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from frontdoor.db import make_session_factory
from knowledge import articles, publishing
from knowledge.actors import Actor
from knowledge.models import Article
from knowledge.schemas import ArticleCreate

EDITOR = Actor(id=101, name="Eddie Editor", roles=frozenset({"editor"}))
OTHER_EDITOR = Actor(id=102, name="Esme Editor", roles=frozenset({"editor"}))
REVIEWER = Actor(id=201, name="Rita Reviewer", roles=frozenset({"reviewer"}))
ADMIN = Actor(id=301, name="Ada Admin", roles=frozenset({"admin", "editor", "reviewer"}))


def article_data(**overrides: Any) -> ArticleCreate:
    values: dict[str, Any] = {
        "title": "Report a missed bin",
        "slug": "missed-bin",
        "summary": "What to do if your bin was not emptied.",
        "service_area": "waste",
        "tags": ["bins"],
        "alternative_questions": ["my bin wasn't emptied"],
        "owner_team": "Waste Services",
        "review_by": date(2027, 3, 31),
        "language": "en",
        "body": "Report it by the next working day.\n\n## If the crew left a note\n\nRead it.\n",
    }
    values.update(overrides)
    return ArticleCreate(**values)


@pytest.fixture
def factory(database) -> sessionmaker[Session]:  # type: ignore[no-untyped-def]
    return make_session_factory(database.engine)


@pytest.fixture
def session(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as session:
        yield session


def publish(session: Session, **overrides: Any) -> Article:
    """Create, submit and approve an article (editor writes, reviewer approves)."""
    article = articles.create_article(session, article_data(**overrides), actor=EDITOR)
    publishing.submit(session, article.id, actor=EDITOR)
    publishing.approve(session, article.id, actor=REVIEWER)
    return article
