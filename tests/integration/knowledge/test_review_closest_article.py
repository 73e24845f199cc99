"""The article the bot's search thought closest, beside a review queue group (issue #18),
on SQLite and PostgreSQL.

The bot names it in its report (``MissedMessage.closest_slug``); the knowledge
service keeps it with the message (``kb_content_gaps.closest_slug``, migration
kb_0007); the editor's review queue shows the group's most named article that is
on the website ("Closest article: <title>", escaped) and offers it first when the
group is added to an article. An unknown, archived or unpublished slug shows nothing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from frontdoor.contracts.review import SIGNALS_PATH
from knowledge import articles, gaps, publishing
from knowledge.models import Article, ContentGap
from tests.integration.knowledge.conftest import (
    EDITOR,
    NOW,
    REVIEWER,
    article_data,
    login,
    publish,
)

MINUTE = timedelta(minutes=1)


def _record(session: Session, question: str, slugs: list[str | None]) -> list[int]:
    """One message a client for each slug, in order, one minute apart."""
    return [
        gaps.record_gap(
            session, question=question, source="handover", now=NOW + n * MINUTE,
            client_key=f"{question}-{n}", closest_slug=slug,
        ).id
        for n, slug in enumerate(slugs)
    ]  # fmt: skip


def test_a_signal_keeps_its_closest_article_and_refuses_a_slug_not_in_the_format(  # type: ignore[no-untyped-def]
    client, factory
):
    sent = [
        ("talk to someone about my council tax bill", "pay-council-tax"),
        ("can I keep bees", None),
    ]
    for question, slug in sent:
        body = {"text": question, "source": "handover", "conversation_id": question[:10]}
        answer = client.post(
            SIGNALS_PATH, json={**body, **({"closest_slug": slug} if slug else {})}
        )
        assert answer.status_code == 201, answer.text
    for bad in ("Pay Council Tax", "<script>alert(1)</script>", "pay--tax", "a" * 121, 42):
        refused = client.post(
            SIGNALS_PATH, json={"text": "my bill", "source": "fallback", "closest_slug": bad}
        )
        assert refused.status_code == 422, bad
    with factory() as session:
        rows = session.execute(
            select(ContentGap.question, ContentGap.closest_slug).order_by(ContentGap.id)
        ).all()
    assert [tuple(row) for row in rows] == sent


def test_a_groups_closest_article_is_the_most_named_one_on_the_website(factory):  # type: ignore[no-untyped-def]
    with factory() as session:
        bill = publish(session, title="How your council tax bill is worked out", slug="ct-bill")
        bands = publish(session, title="Council tax bands", slug="ct-bands")
        gone = publish(session, title="Old council tax page", slug="ct-old")
        publishing.archive(session, gone.id, actor=REVIEWER)
        draft = articles.create_article(
            session, article_data(title="A draft", slug="ct-draft"), actor=EDITOR
        )
        assert draft.live_revision_id is None
        _record(
            session, "why is my council tax bill so high", ["ct-bill", "ct-bands", "ct-bands", None]
        )
        _record(session, "which band is my house in", ["ct-bands", "ct-bill"])  # equal: the latest
        _record(
            session,
            "noisy neighbours playing music",
            ["no-such-article", "no-such-article", "ct-draft", "ct-old", "ct-old", "ct-bill"],
        )
        _record(session, "fox in my garden", ["no-such-article"])
        _record(session, "skip permit", [None, None])
        _record(session, "pot holes in my road", ["Not A Slug"])  # never stored as one
        session.commit()
        listing = gaps.page_of_groups(session, now=NOW + MINUTE * 10)
        closest = {
            group.representative: group.closest.slug if group.closest else None
            for group in listing.groups
        }
        stored = session.scalars(
            select(ContentGap.closest_slug).where(ContentGap.question == "pot holes in my road")
        ).all()
    assert closest == {
        "why is my council tax bill so high": "ct-bands",
        "which band is my house in": "ct-bill",
        # the most named are unknown, archived or a draft: the most named on the site
        "noisy neighbours playing music": "ct-bill",
        "fox in my garden": None,
        "skip permit": None,
        "pot holes in my road": None,
    }
    assert stored == [None]
    first = next(g for g in listing.groups if g.representative.startswith("why is my"))
    assert first.closest is not None
    assert (first.closest.article_id, first.closest.title) == (bands.id, "Council tax bands")
    other = next(g for g in listing.groups if g.representative.startswith("which band"))
    assert other.closest is not None and other.closest.article_id == bill.id


def _radios(form: str) -> list[tuple[str, bool]]:
    return [
        (value, bool(checked))
        for value, checked in re.findall(r'name="article_id" value="(\d+)"( checked)?', form)
    ]


def test_the_editor_sees_the_closest_article_escaped_and_offered_first(  # type: ignore[no-untyped-def]
    client, staff, factory
):
    with factory() as session:
        named = publish(
            session, title='Sofas & <b>"bulky"</b> items', slug="sofas-and-bulky-items",
            body="Book a collection for a sofa, a fridge or other bulky items.\n",
        )  # fmt: skip
        other = publish(session, title="Bulky waste collection", slug="bulky-waste",
                        body="Book a bulky waste collection for a sofa or fridge.\n")  # fmt: skip
        sofa = _record(session, "collect my old sofa", ["sofas-and-bulky-items"] * 2)
        _record(session, "fox in my garden", ["no-such-article"])
        session.commit()
    client.app.state.search.sync_now()
    login(client, "editor@example.gov.uk")
    page = client.get("/editor/missed")
    assert page.status_code == 200
    escaped = "Sofas &amp; &lt;b&gt;&#34;bulky&#34;&lt;/b&gt; items"
    assert f'Closest article: <a href="/editor/articles/{named.id}">{escaped}</a>' in page.text
    assert "<b>" not in page.text
    assert page.text.count("Closest article:") == 1  # the fox's unknown slug shows nothing
    # offered before any search, already chosen
    assert _radios(page.text) == [(str(named.id), True)]

    key = gaps.normalised("collect my old sofa")
    found = client.get("/editor/missed", params={"find": key, "q": "bulky sofa collection"})
    radios = _radios(found.text)
    assert {value for value, _ in radios} >= {str(named.id), str(other.id)}
    assert [value for value, checked in radios if checked] == [str(named.id)]
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', found.text)
    assert csrf
    added = client.post(
        "/editor/missed/attach",
        data={"csrf_token": csrf.group(1), "gap_ids": ",".join(map(str, sofa)),
              "article_id": str(named.id)},
        follow_redirects=False,
    )  # fmt: skip
    assert added.status_code == 303 and f"article={named.id}" in added.headers["location"]
    with factory() as session:
        article = session.get(Article, named.id)
        assert article is not None and article.alternative_questions[-1] == "collect my old sofa"


def test_a_search_without_the_closest_article_chooses_its_first_result(  # type: ignore[no-untyped-def]
    client, staff, factory
):
    with factory() as session:
        # a Welsh article named for English messages: shown, but no English search finds it
        welsh = publish(session, title="Casglu eitemau swmpus", slug="casglu-eitemau-swmpus",
                        language="cy", body="Trefnwch gasgliad soffa.\n")  # fmt: skip
        bulky = publish(session, title="Bulky waste collection", slug="bulky-waste",
                        body="Book a bulky waste collection for a sofa or fridge.\n")  # fmt: skip
        _record(session, "collect my old sofa", ["casglu-eitemau-swmpus"])
        session.commit()
    client.app.state.search.sync_now()
    login(client, "editor@example.gov.uk")
    page = client.get("/editor/missed").text
    assert f'<a href="/editor/articles/{welsh.id}" lang="cy">Casglu eitemau swmpus</a>' in page
    key = gaps.normalised("collect my old sofa")
    found = client.get("/editor/missed", params={"find": key, "q": "bulky waste sofa"}).text
    radios = _radios(found)
    assert radios and str(welsh.id) not in {value for value, _ in radios}
    assert radios[0] == (str(bulky.id), True)
    assert [checked for _, checked in radios[1:]] == [False] * (len(radios) - 1)


def test_the_migration_adds_the_column_and_takes_it_away(database):  # type: ignore[no-untyped-def]
    """kb_0007 on a database holding messages from before it; then down and up again."""
    from alembic import command

    from frontdoor.migrate import alembic_config, upgrade

    def migrate(action, target: str) -> None:  # type: ignore[no-untyped-def]
        config = alembic_config()
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            action(config, target)

    def columns() -> set[str]:
        from sqlalchemy import inspect

        return {c["name"] for c in inspect(database.engine).get_columns("kb_content_gaps")}

    migrate(command.downgrade, "kb_0006")
    assert "closest_slug" not in columns()
    insert = text(
        "INSERT INTO kb_content_gaps (question, source, language, group_key, status, "
        "resolution, resolved_by, created_at) VALUES ('skip permit', 'fallback', 'en', "
        "'permit skip', 'open', '', '', :at)"
    )
    with database.engine.begin() as connection:
        connection.execute(insert, {"at": datetime(2026, 12, 1, tzinfo=UTC)})
    upgrade(database.engine)
    with database.engine.begin() as connection:
        assert connection.execute(text("SELECT closest_slug FROM kb_content_gaps")).all() == [
            (None,)
        ]
        connection.execute(text("UPDATE kb_content_gaps SET closest_slug = :s"), {"s": "ct-bill"})
    migrate(command.downgrade, "kb_0006")
    assert "closest_slug" not in columns()
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT question FROM kb_content_gaps")).all() == [
            ("skip permit",)
        ]
    migrate(command.upgrade, "heads")
    assert "closest_slug" in columns()
