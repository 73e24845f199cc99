"""Contract: every ArticleSource behaves alike (the search package's in-memory
fake and the knowledge base's database source), and a SearchEngine kept in
step by ``sync`` converges on either."""

from __future__ import annotations

from typing import Any

import pytest

from knowledge import articles, publishing
from knowledge.indexing import DatabaseArticleSource
from knowledge.search import ArticleSource, IndexableArticle, Removal
from tests.integration.knowledge.conftest import EDITOR, REVIEWER, article_data, hashing_engine
from tests.integration.knowledge.test_articles_workflow import update_from


class FakeDriver:
    def __init__(self) -> None:
        from tests.unit.search.factories import FakeSource

        self.source = FakeSource()
        self._next = 0

    def publish(self, slug: str, title: str, key: Any = None) -> Any:
        if key is None:
            self._next += 1
            key = self._next
        self.source.publish(IndexableArticle(id=key, slug=slug, title=title, body_markdown="Text."))
        return key

    def unpublish(self, key: Any) -> None:
        self.source.unpublish(key)


class DatabaseDriver:
    def __init__(self, factory: Any) -> None:
        self.factory = factory
        self.source = DatabaseArticleSource(factory)

    def publish(self, slug: str, title: str, key: Any = None) -> Any:
        with self.factory() as session:
            if key is None:
                article = articles.create_article(
                    session, article_data(slug=slug, title=title), actor=EDITOR
                )
            else:
                article = articles.get_article(session, key)
                update = update_from(article, title=title)
                articles.save_article(session, key, update, actor=EDITOR)
            publishing.submit(session, article.id, actor=EDITOR)
            publishing.approve(session, article.id, actor=REVIEWER)
            session.commit()
            return article.id

    def unpublish(self, key: Any) -> None:
        with self.factory() as session:
            publishing.archive(session, key, actor=REVIEWER)
            session.commit()


@pytest.fixture(params=["fake", "database"])
def driver(request: pytest.FixtureRequest, factory: Any) -> Any:
    return FakeDriver() if request.param == "fake" else DatabaseDriver(factory)


def test_it_is_an_article_source(driver):
    assert isinstance(driver.source, ArticleSource)
    assert driver.source.changes_since(0) == ([], 0)
    published, revision = driver.source.all_published()
    assert list(published) == [] and revision == 0


def test_changes_are_reported_once_in_their_latest_state(driver):
    key = driver.publish("missed-bin", "Report a missed bin")
    changes, first = driver.source.changes_since(0)
    assert first > 0 and [c.title for c in changes] == ["Report a missed bin"]
    assert driver.source.changes_since(first) == ([], first)
    driver.publish("missed-bin", "Missed bins", key=key)
    changes, second = driver.source.changes_since(first)
    assert second > first
    latest = [c for c in changes if isinstance(c, IndexableArticle) and c.id == key]
    assert latest[-1].title == "Missed bins"
    driver.unpublish(key)
    changes, third = driver.source.changes_since(second)
    assert third > second and Removal(key) in changes
    published, revision = driver.source.all_published()
    assert list(published) == [] and revision == third


def test_a_search_engine_converges_through_sync(driver):
    engine = hashing_engine()
    key = driver.publish("missed-bin", "Report a missed bin")
    engine.sync(driver.source)
    assert key in engine
    other = driver.publish("bin-day", "Find your bin collection day")
    engine.sync(driver.source)
    assert other in engine and len(engine) == 2
    driver.unpublish(key)
    report = engine.sync(driver.source)
    assert key not in engine and report.removed == 1
    assert engine.revision == driver.source.changes_since(0)[1]
