"""Factories for knowledge-base integration tests (real SQLite / PostgreSQL).

The app under test runs by ``CLOCK``, pinned to ``NOW``: what is stale is decided
against ``TODAY``, never the machine's date, and every review-by date here is
relative to it (``days_from_today``), so nothing turns stale as the years pass.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from frontdoor.clock import LONDON, fixed_clock, london_today
from frontdoor.db import make_session_factory
from knowledge import articles, publishing
from knowledge.actors import Actor
from knowledge.models import Article
from knowledge.schemas import ArticleCreate

EDITOR = Actor(id=101, name="Eddie Editor", roles=frozenset({"editor"}))
OTHER_EDITOR = Actor(id=102, name="Esme Editor", roles=frozenset({"editor"}))
REVIEWER = Actor(id=201, name="Rita Reviewer", roles=frozenset({"reviewer"}))
ADMIN = Actor(id=301, name="Ada Admin", roles=frozenset({"admin", "editor", "reviewer"}))

NOW = datetime(2026, 11, 18, 10, 30, tzinfo=LONDON)  # the moment these tests run at
CLOCK = fixed_clock(NOW)
TODAY = london_today(NOW)


def days_from_today(days: int) -> date:
    """A review-by date relative to the pinned ``TODAY`` (negative: overdue)."""
    return TODAY + timedelta(days=days)


def article_data(**overrides: Any) -> ArticleCreate:
    values: dict[str, Any] = {
        "title": "Report a missed bin",
        "slug": "missed-bin",
        "summary": "What to do if your bin was not emptied.",
        "service_area": "waste",
        "tags": ["bins"],
        "alternative_questions": ["my bin wasn't emptied"],
        "owner_team": "Waste Services",
        "review_by": days_from_today(120),
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


# -- the composed app -------------------------------------------------------------------

API_TOKEN = "test-service-token-0123456789"
TEST_SECRET_KEY = secrets.token_urlsafe(48)
PASSWORD = "correct horse battery staple"


def make_settings(database, tmp_path, **extra: str):  # type: ignore[no-untyped-def]
    from knowledge.settings import KnowledgeSettings

    environ = {
        "FRONTDOOR_ENVIRONMENT": "test",
        "FRONTDOOR_SECRET_KEY": TEST_SECRET_KEY,
        "FRONTDOOR_DATABASE_URL": database.url,
        "FRONTDOOR_VAR_DIR": str(tmp_path / "var"),
        "FRONTDOOR_KNOWLEDGE_API_TOKENS": API_TOKEN,
        "FRONTDOOR_KNOWLEDGE_BACKGROUND_TASKS": "false",
        "FRONTDOOR_KNOWLEDGE_EMBEDDER": "hashing",
        **extra,
    }
    return KnowledgeSettings.load(environ)


def hashing_engine():  # type: ignore[no-untyped-def]
    from knowledge.search import HashingEmbedder, NumpyVectorIndex, SearchEngine

    return SearchEngine(None, HashingEmbedder(128), vector_index=NumpyVectorIndex, progress=False)


@pytest.fixture
def settings(database, tmp_path):  # type: ignore[no-untyped-def]
    return make_settings(database, tmp_path)


@pytest.fixture
def client(settings, database):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from knowledge.app import create_app

    app = create_app(settings, search_engine=hashing_engine(), engine=database.engine, clock=CLOCK)
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def staff(factory):  # type: ignore[no-untyped-def]
    """Real accounts: an editor, a second editor, a reviewer and an admin."""
    from frontdoor.accounts import service
    from frontdoor.accounts.roles import Role

    people = {}
    with factory() as session:
        for key, email, name, role in (
            ("editor", "editor@example.gov.uk", "Eddie Editor", Role.EDITOR),
            ("editor2", "editor2@example.gov.uk", "Esme Editor", Role.EDITOR),
            ("reviewer", "reviewer@example.gov.uk", "Rita Reviewer", Role.REVIEWER),
            ("admin", "admin@example.gov.uk", "Ada Admin", Role.ADMIN),
        ):
            people[key] = service.create_user(
                session,
                email=email,
                display_name=name,
                password=PASSWORD,
                roles=[role],
                teams=["Waste Services"],
            )
        session.commit()
    return people


def login(client, email: str) -> str:  # type: ignore[no-untyped-def]
    """Sign in through the editor's login form; returns the CSRF token."""
    import re

    client.cookies.clear()
    response = client.post(
        "/editor/login",
        data={"email": email, "password": PASSWORD, "next": "/editor"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    page = client.get("/editor", headers={"accept": "text/html"})
    match = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


def bearer() -> dict[str, str]:
    return {"authorization": f"Bearer {API_TOKEN}"}


def api_article(**overrides: Any) -> dict[str, Any]:
    data = article_data(**overrides).model_dump(mode="json", exclude_none=True)
    return data
