"""Top tasks ordered by use (issue #17): anonymous page views counted in memory and
written in batches, answers given to the bot, and the home and area pages listing
the editor's top tasks most used first over the last 28 days, then the rest.

Each test runs on SQLite and PostgreSQL with a clock the test moves."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from knowledge import usage
from knowledge.models import Article, ArticleUse
from tests.integration.knowledge.conftest import NOW, hashing_engine, make_settings, publish

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"}
BOT_TOKEN = "knowledge-bot-token-for-tests-0123456789abcdef"


class MovingClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock(NOW)


def _client(database: Any, tmp_path: Any, clock: MovingClock, **extra: str) -> TestClient:
    from knowledge.app import create_app

    settings = make_settings(database, tmp_path, FRONTDOOR_KNOWLEDGE_BOT_TOKEN=BOT_TOKEN, **extra)
    app = create_app(settings, search_engine=hashing_engine(), engine=database.engine, clock=clock)
    return TestClient(app, base_url="http://testserver")


@pytest.fixture
def site(database: Any, tmp_path: Any, clock: MovingClock) -> Any:
    with _client(database, tmp_path, clock) as client:
        yield client


def _publish_tasks(session: Any) -> None:
    publish(session, slug="missed-bin", title="Report a missed bin", tags=["top-task"])
    publish(session, slug="bin-collection-day", title="Find your bin collection day",
            tags=["top-task"])  # fmt: skip
    publish(session, slug="bulky-waste-collection", title="Book a bulky waste collection",
            tags=["top-task"])  # fmt: skip
    publish(session, slug="food-waste-caddy", title="Food waste caddy")
    publish(session, slug="rhoi-gwybod-am-fin", title="Rhoi gwybod am fin heb ei gasglu",
            language="cy", translation_of="missed-bin", tags=["top-task"])  # fmt: skip
    publish(session, slug="diwrnod-casglu", title="Dod o hyd i'ch diwrnod casglu biniau",
            language="cy", translation_of="bin-collection-day", tags=["top-task"])  # fmt: skip
    session.commit()


def _rows(factory: Any) -> dict[tuple[str, str], tuple[int, int]]:
    from sqlalchemy import select

    with factory() as session:
        rows = session.execute(
            select(Article.slug, ArticleUse.day, ArticleUse.page_views, ArticleUse.bot_answers)
            .join(ArticleUse, ArticleUse.article_id == Article.id)
        )  # fmt: skip
        return {(slug, day.isoformat()): (views, answers) for slug, day, views, answers in rows}


def _flush(client: TestClient, factory: Any) -> int:
    return int(client.app.state.usage.flush(factory))  # type: ignore[attr-defined]


def test_views_are_counted_in_memory_and_written_in_one_batch(site, session, factory, clock):
    _publish_tasks(session)
    for _ in range(3):  # reloads by one visitor within half an hour count once
        assert site.get("/articles/missed-bin", headers=BROWSER).status_code == 200
    site.get("/articles/missed-bin", headers={"User-Agent": "Googlebot/2.1"})
    site.get("/articles/missed-bin", headers={"User-Agent": "curl/8.5"})
    site.get("/articles/missed-bin", headers={**BROWSER, "Sec-Purpose": "prefetch"})
    site.get("/articles/missed-bin?feedback=thanks", headers=BROWSER)
    site.get(
        "/articles/missed-bin",
        headers={**BROWSER, "User-Agent": BROWSER["User-Agent"] + " Firefox"},
    )
    assert _rows(factory) == {}  # reading wrote nothing
    assert _flush(site, factory) == 1
    assert _rows(factory) == {("missed-bin", "2026-11-18"): (2, 0)}
    clock.moment += timedelta(minutes=31)  # the same visitor later: a new view
    site.get("/articles/missed-bin", headers=BROWSER)
    clock.moment += timedelta(days=1)
    site.get("/articles/missed-bin", headers=BROWSER)
    _flush(site, factory)
    assert _rows(factory) == {
        ("missed-bin", "2026-11-18"): (3, 0),
        ("missed-bin", "2026-11-19"): (1, 0),
    }
    assert _flush(site, factory) == 0


def test_views_beyond_the_rate_limit_are_served_but_not_counted(
    database, tmp_path, session, factory, clock
):
    _publish_tasks(session)
    with _client(
        database, tmp_path, clock, FRONTDOOR_KNOWLEDGE_LIMIT_PAGE_VIEWS="2/minute"
    ) as site:
        for slug in ("missed-bin", "bin-collection-day", "bulky-waste-collection"):
            assert site.get(f"/articles/{slug}", headers=BROWSER).status_code == 200
        _flush(site, factory)
    assert sum(views for views, _ in _rows(factory).values()) == 2


def test_answers_given_to_the_bot_are_counted(site, session, factory):
    _publish_tasks(session)
    site.app.state.search.sync_now()
    bot = {"Authorization": f"Bearer {BOT_TOKEN}"}
    found = site.get("/api/v1/search", params={"q": "Report a missed bin"}, headers=bot).json()
    assert not found["no_good_answer"] and found["results"][0]["slug"] == "missed-bin"
    site.get("/api/v1/search", params={"q": "Report a missed bin"})  # not the bot
    site.get(
        "/api/v1/search",
        params={"q": "Report a missed bin"},
        headers={"Authorization": "Bearer wrong"},
    )
    nothing = site.get("/api/v1/search", params={"q": "zzqx vvwk"}, headers=bot).json()
    assert nothing["no_good_answer"] or not nothing["results"]
    _flush(site, factory)
    assert _rows(factory) == {("missed-bin", "2026-11-18"): (0, 1)}


def _top_tasks(html: str) -> list[str]:
    import re

    section = html.split('class="top-tasks"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'class="(?:top-tasks__link|article-list__title)">([^<]+)<', section)


def test_top_tasks_are_ordered_by_use_over_the_last_28_days(site, session, factory):
    _publish_tasks(session)
    # no use yet: alphabetical
    assert _top_tasks(site.get("/").text) == [
        "Book a bulky waste collection", "Find your bin collection day", "Report a missed bin",
    ]  # fmt: skip
    ids = {a.slug: a.id for a in session.query(Article)}
    today = NOW.date()
    with factory() as writer:
        usage.add_use(writer, views={
            (ids["bulky-waste-collection"], today - timedelta(days=28)): 500,  # too old
            (ids["bin-collection-day"], today - timedelta(days=27)): 40,
            (ids["missed-bin"], today): 20,
            (ids["food-waste-caddy"], today): 900,  # not a top task: not listed
        }, answers={("rhoi-gwybod-am-fin", today): 15,  # Welsh use counts for the task
                    ("missed-bin", today - timedelta(days=3)): 6})  # fmt: skip
        writer.commit()
    expected = ["Report a missed bin", "Find your bin collection day",
                "Book a bulky waste collection"]  # fmt: skip
    assert _top_tasks(site.get("/").text) == expected
    area = site.get("/services/waste").text
    assert _top_tasks(area) == expected
    rest = area.split("</section>", 1)[1]
    assert "Food waste caddy" in rest and "More in this section" in rest
    assert "Report a missed bin" not in rest
    # the waste card on the home page: its top tasks by use, then the rest
    card = site.get("/").text.split('href="/services/waste"', 1)[1].split("</ul>", 1)[0]
    assert card.index("Report a missed bin") < card.index("Find your bin collection day")
    assert card.index("Book a bulky waste collection") < card.index("Food waste caddy")
    welsh = site.get("/cy/").text
    assert _top_tasks(welsh) == ["Rhoi gwybod am fin heb ei gasglu",
                                 "Dod o hyd i&#39;ch diwrnod casglu biniau"]  # fmt: skip
    # counts written twice add up
    with factory() as writer:
        usage.add_use(writer, views={(ids["bin-collection-day"], today): 10}, answers={})
        writer.commit()
    assert _top_tasks(site.get("/").text)[:2] == [
        "Find your bin collection day", "Report a missed bin",
    ]  # fmt: skip


def test_a_failed_flush_keeps_the_counts_for_the_next(site, session, factory):
    _publish_tasks(session)
    site.get("/articles/missed-bin", headers=BROWSER)

    def broken() -> Any:
        raise RuntimeError("database away")

    with pytest.raises(RuntimeError):
        site.app.state.usage.flush(broken)
    assert site.app.state.usage.pending() == 1
    assert _flush(site, factory) == 1
    assert _rows(factory) == {("missed-bin", "2026-11-18"): (1, 0)}
