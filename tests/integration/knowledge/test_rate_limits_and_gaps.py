"""Limits on anonymous writes to the knowledge service, and the content-gap screen
they protect (issue #10, finding 5).

Every test sets the limits it exercises through the service's settings. Beyond
a limit: 429 with Retry-After (JSON for the API, a page for the website's
form); a website search still answers but records no gap. Content gaps count
distinct askers, so one client's flood cannot bury what many residents asked.
"""

from __future__ import annotations

import secrets

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from frontdoor.accounts import service
from frontdoor.accounts.roles import Role
from knowledge import gaps
from knowledge.app import create_app
from knowledge.models import ContentGap, Feedback
from tests.integration.knowledge.conftest import (
    API_TOKEN,
    PASSWORD,
    hashing_engine,
    login,
    make_settings,
    publish,
)


@pytest.fixture
def make_client(database, tmp_path):  # type: ignore[no-untyped-def]
    """A knowledge app with the given settings; ``client`` names the caller's address."""
    opened: list[TestClient] = []

    def make(address: str = "203.0.113.1", **limits: str) -> TestClient:
        settings = make_settings(database, tmp_path, **limits)
        app = create_app(settings, search_engine=hashing_engine(), engine=database.engine)
        client = TestClient(app, base_url="http://testserver", client=(address, 50000))
        opened.append(client.__enter__())
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def elsewhere(client: TestClient, address: str) -> TestClient:
    """The same app, seen from another address (no second lifespan needed for writes)."""
    return TestClient(client.app, base_url="http://testserver", client=(address, 50000))


def count(factory, model) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        return session.scalar(select(func.count(model.id))) or 0


def assert_429(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 429, response.text
    assert 1 <= int(response.headers["retry-after"]) <= 3600


# --- limits ----------------------------------------------------------------------------


def test_feedback_api_is_limited_per_address(make_client, factory):
    client = make_client(FRONTDOOR_KNOWLEDGE_LIMIT_FEEDBACK="2/minute")
    with factory() as session:
        publish(session)
        session.commit()
    answer = {"slug": "missed-bin", "helpful": False, "comment": "no"}
    for _ in range(2):
        assert client.post("/api/v1/feedback", json=answer).status_code == 201
    refused = client.post("/api/v1/feedback", json=answer)
    assert_429(refused)
    assert refused.json()["error"] == "rate_limited"
    assert "Please wait" in refused.json()["message"]
    assert count(factory, Feedback) == 2
    assert (
        elsewhere(client, "198.51.100.9").post("/api/v1/feedback", json=answer).status_code == 201
    )


def test_the_website_feedback_form_gets_a_page_not_json(make_client, factory):
    client = make_client(FRONTDOOR_KNOWLEDGE_LIMIT_FEEDBACK="1/minute")
    with factory() as session:
        publish(session)
        session.commit()
    form = {"helpful": "yes"}
    first = client.post("/articles/missed-bin/feedback", data=form, follow_redirects=False)
    assert first.status_code == 303
    refused = client.post("/articles/missed-bin/feedback", data=form, follow_redirects=False)
    assert_429(refused)
    assert refused.headers["content-type"].startswith("text/html")
    assert "Please wait a moment" in refused.text and "try again" in refused.text
    assert count(factory, Feedback) == 1


def test_content_gap_api_is_limited_per_address(make_client, factory):
    client = make_client(FRONTDOOR_KNOWLEDGE_LIMIT_GAPS_PER_ADDRESS="2/minute")
    for question in ("skip permit", "fox in garden"):
        response = client.post("/api/v1/content-gaps", json={"question": question, "source": "bot"})
        assert response.status_code == 201
    assert_429(client.post("/api/v1/content-gaps", json={"question": "more", "source": "bot"}))
    assert count(factory, ContentGap) == 2


def test_the_bot_is_limited_per_conversation_not_by_its_address(make_client, factory):
    client = make_client(
        FRONTDOOR_KNOWLEDGE_LIMIT_GAPS_PER_CONVERSATION="1/minute",
        FRONTDOOR_KNOWLEDGE_LIMIT_GAPS_PER_ADDRESS="1/minute",
    )
    token = {"authorization": f"Bearer {API_TOKEN}"}

    def report(conversation: str, question: str):  # type: ignore[no-untyped-def]
        body = {"question": question, "source": "bot", "conversation_id": conversation}
        return client.post("/api/v1/content-gaps", json=body, headers=token)

    assert report("c-1", "skip permit").status_code == 201
    assert_429(report("c-1", "fox in garden"))
    # many residents behind one action server: each conversation has its own count
    assert report("c-2", "skip permit").status_code == 201
    assert report("c-3", "fox in garden").status_code == 201
    # an anonymous caller cannot pick conversations to dodge its address's limit
    anonymous = {"question": "x y z", "source": "bot"}
    assert client.post(
        "/api/v1/content-gaps", json={**anonymous, "conversation_id": "a"}
    ).is_success
    assert_429(client.post("/api/v1/content-gaps", json={**anonymous, "conversation_id": "b"}))


def test_the_bots_own_token_counts_per_conversation_and_opens_nothing_else(make_client, factory):
    bot_token = secrets.token_urlsafe(48)
    client = make_client(
        FRONTDOOR_KNOWLEDGE_BOT_TOKEN=bot_token,
        FRONTDOOR_KNOWLEDGE_LIMIT_GAPS_PER_CONVERSATION="1/minute",
        FRONTDOOR_KNOWLEDGE_LIMIT_GAPS_PER_ADDRESS="1/minute",
    )
    bearer = {"authorization": f"Bearer {bot_token}"}
    for conversation in ("c-1", "c-2", "c-3"):
        body = {"question": "skip permit", "source": "bot", "conversation_id": conversation}
        assert client.post("/api/v1/content-gaps", json=body, headers=bearer).status_code == 201
    assert count(factory, ContentGap) == 3  # three residents, one action server address
    # the bot's token is not an editorial token
    assert client.get("/api/v1/editorial/articles", headers=bearer).status_code == 401


def test_site_search_beyond_the_limit_answers_but_records_nothing(make_client, factory):
    client = make_client(FRONTDOOR_KNOWLEDGE_LIMIT_GAPS_PER_ADDRESS="2/minute")
    questions = ("zebra crossing paint", "quokka habitat", "volcano insurance", "submarine parking")
    for question in questions:
        page = client.get("/search", params={"q": question})
        assert page.status_code == 200 and question in page.text
    assert count(factory, ContentGap) == 2
    # the first two were recorded; the others were answered without recording a gap
    with factory() as session:
        assert {g.question for g in gaps.open_gaps(session)} == set(questions[:2])
    # the API search records no gaps at all (the bot reports its own)
    for index in range(5):
        assert client.get("/api/v1/search", params={"q": f"quokka {index}"}).status_code == 200
    assert count(factory, ContentGap) == 2


def test_health_stays_open(make_client):
    client = make_client(FRONTDOOR_KNOWLEDGE_LIMIT_FEEDBACK="1/hour")
    for _ in range(30):
        assert client.get("/healthz").status_code == 200


# --- counting askers -----------------------------------------------------------------


def test_one_clients_flood_counts_once_and_real_gaps_stay_on_top(make_client, factory):
    flood = make_client("203.0.113.66", FRONTDOOR_KNOWLEDGE_LIMIT_GAPS_PER_ADDRESS="5000/minute")
    injections = ("<script>alert(1)</script>", "' OR 1=1 --", "<SCRIPT>ALERT(1)</SCRIPT>!!")
    for index in range(1000):
        question = injections[index % 3] if index < 800 else f"qzx{index} vvk{index}"
        response = flood.post("/api/v1/content-gaps", json={"question": question, "source": "bot"})
        assert response.status_code == 201
    for address, question in (
        ("198.51.100.1", "can I get a skip permit for the road"),
        ("198.51.100.2", "skip permit for my road"),
        ("198.51.100.3", "road skip permit"),
        ("198.51.100.4", "allotment waiting list"),
        ("198.51.100.5", "how long is the allotment waiting list"),
    ):
        resident = elsewhere(flood, address)
        response = resident.post(
            "/api/v1/content-gaps", json={"question": question, "source": "site_search"}
        )
        assert response.status_code == 201
    with factory() as session:
        # 800 injection repeats are two rows (two groups); of the 200 distinct junk
        # questions only 48 more are kept: one client holds at most 50 open gaps
        assert session.scalar(select(func.count(ContentGap.id))) == 50 + 5
        stored = " ".join(session.scalars(select(ContentGap.client_key)).all())
        assert "203.0.113.66" not in stored and "198.51.100" not in stored
        first = gaps.page_of_groups(session, page=1)
    assert [(g.representative, g.count) for g in first.groups[:2]] == [
        ("can I get a skip permit for the road", 3),
        ("allotment waiting list", 2),
    ]
    assert all(g.count == 1 for g in first.groups[2:])
    assert first.total == 50 + 2


def test_the_gap_screen_pages_most_asked_then_newest(client, staff, factory):
    with factory() as session:
        for index in range(45):
            for asker in range(index % 3 + 1):
                gaps.record_gap(
                    session,
                    question=f"topic{index} subject{index}",
                    source="bot",
                    client_key=f"asker-{asker}",
                )
        session.commit()
        pages = [gaps.page_of_groups(session, page=n, per_page=20) for n in (1, 2, 3)]
    assert [len(p.groups) for p in pages] == [20, 20, 5]
    assert pages[0].total == 45 and pages[0].pages == 3
    ordered = [g for p in pages for g in p.groups]
    assert len({g.key for g in ordered}) == 45
    assert [g.count for g in ordered] == sorted((g.count for g in ordered), reverse=True)
    # three askers each for indexes 2, 5, ... 44; among those, topic44 was asked last
    assert ordered[0].representative == "topic44 subject44"
    assert ordered[-1].representative == "topic0 subject0"
    login(client, "editor@example.gov.uk")
    third = client.get("/editor/missed", params={"page": 3}).text
    assert "page 3 of 3" in third and "Previous page" in third and "Next page" not in third
    assert "topic0 subject0" in third and "topic44 subject44" not in third
    assert client.get("/editor/missed", params={"page": 0}).status_code == 422


def _open_ids(factory) -> list[int]:  # type: ignore[no-untyped-def]
    with factory() as session:
        return [g.id for g in gaps.open_gaps(session)]


def test_dismissing_a_group_needs_an_editor_and_is_recorded(client, staff, factory):
    with factory() as session:
        ids = [
            gaps.record_gap(session, question=q, source="bot", client_key=k).id
            for q, k in (("junk junk junk", "a"), ("junk junk junk", "b"), ("skip permit", "c"))
        ]
        session.commit()
    junk = f"{ids[0]},{ids[1]}"

    anonymous = client.post(
        "/editor/missed/dismiss", data={"gap_ids": junk, "csrf_token": "x"}, follow_redirects=False
    )
    assert anonymous.status_code in (303, 401, 403)
    assert "/editor/missed" not in anonymous.headers.get("location", "")
    assert len(_open_ids(factory)) == 3

    with factory() as session:  # signed in, but an advisor: not a role that may edit
        advisor = service.create_user(
            session, email="advisor@example.gov.uk", display_name="Ade Advisor",
            password=PASSWORD, roles=[Role.ADVISOR],
        )  # fmt: skip
        issued = service.start_session(session, user_id=advisor.id)
        session.commit()
    client.cookies.set("fd_session", issued.token)
    refused = client.post(
        "/editor/missed/dismiss",
        data={"gap_ids": junk, "csrf_token": issued.csrf_token},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    assert len(_open_ids(factory)) == 3

    token = login(client, "editor@example.gov.uk")
    no_csrf = client.post("/editor/missed/dismiss", data={"gap_ids": junk}, follow_redirects=False)
    assert no_csrf.status_code in (403, 422)
    assert len(_open_ids(factory)) == 3
    done = client.post(
        "/editor/missed/dismiss",
        data={"gap_ids": junk, "csrf_token": token, "page": "1"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/editor/missed?page=1&done=dismissed"
    assert _open_ids(factory) == [ids[2]]
    with factory() as session:
        dismissed = session.scalars(select(ContentGap).where(ContentGap.id.in_(ids[:2]))).all()
    editor_id = staff["editor"].id
    assert {(g.status, g.resolution, g.resolved_by) for g in dismissed} == {
        ("dismissed", "dismissed", f"user:{editor_id}")
    }
    assert all(g.resolved_at is not None for g in dismissed)
    page = client.get(done.headers["location"]).text
    assert "were dismissed" in page
    assert "junk junk junk" not in page and "skip permit" in page


def test_dismiss_refuses_an_actor_who_may_not_write(factory):
    from knowledge.actors import Actor
    from knowledge.exceptions import NotAllowed

    with factory() as session:
        gap = gaps.record_gap(session, question="skip permit", source="bot")
        with pytest.raises(NotAllowed):
            gaps.dismiss(session, [gap.id], actor=Actor(id=9, name="Viewer"))


def test_the_migration_groups_the_gaps_already_stored(database):
    """kb_0002 on a database holding gaps written before it; then down and up again."""
    from datetime import UTC, datetime

    from alembic import command
    from sqlalchemy import column, insert, table, text

    from frontdoor.migrate import alembic_config, upgrade

    def migrate(action, target: str) -> None:  # type: ignore[no-untyped-def]
        config = alembic_config()
        with database.engine.begin() as connection:
            config.attributes["connection"] = connection
            action(config, target)

    migrate(command.downgrade, "kb_0001")
    old = table(
        "kb_content_gaps",
        *(column(name) for name in ("question", "source", "language", "status", "resolution")),
        column("created_at"),
    )
    questions = ("road skip permit", "skip permit outside my house", "fox in my garden")
    with database.engine.begin() as connection:
        for question in questions:
            connection.execute(
                insert(old).values(
                    question=question, source="bot", language="en", status="open",
                    resolution="", created_at=datetime(2026, 11, 30, tzinfo=UTC),
                )
            )  # fmt: skip
    upgrade(database.engine)
    with database.engine.connect() as connection:
        keys = connection.execute(
            text("SELECT group_key FROM kb_content_gaps ORDER BY id")
        ).scalars()
        assert list(keys) == ["permit road skip", "permit road skip", "fox garden"]
    migrate(command.downgrade, "kb_0001")
    migrate(command.upgrade, "heads")


def test_one_client_holds_a_bounded_number_of_open_gaps(make_client, factory):
    client = make_client(
        FRONTDOOR_KNOWLEDGE_LIMIT_GAPS_PER_ADDRESS="1000/minute",
        FRONTDOOR_KNOWLEDGE_GAPS_OPEN_PER_CLIENT="5",
    )
    answers = [
        client.post(
            "/api/v1/content-gaps", json={"question": f"qq{n} zz{n}", "source": "bot"}
        ).json()["id"]
        for n in range(8)
    ]
    with factory() as session:
        stored = [g.question for g in gaps.open_gaps(session)]
    assert sorted(stored) == [f"qq{n} zz{n}" for n in range(5)]
    assert answers[5:] == [answers[4]] * 3  # accepted, but nothing more recorded
    other = elsewhere(client, "198.51.100.31")
    response = other.post("/api/v1/content-gaps", json={"question": "skip permit", "source": "bot"})
    assert response.status_code == 201
    assert count(factory, ContentGap) == 6


def test_a_card_number_typed_as_a_question_is_stored_nowhere_in_clear(factory):
    from knowledge import feedback as feedback_module

    with factory() as session:
        gap = gaps.record_gap(
            session,
            question="can I pay 4111 1111 1111 1111 for my bin, email a.smith@example.org",
            source="bot",
        )
        session.commit()
        stored = session.scalars(select(ContentGap.question)).all()
        comments = session.scalars(select(Feedback.comment)).all()
    assert gap.question == "can I pay [card number] for my bin, email [email address]"
    assert stored == [gap.question]
    assert all("4111" not in c for c in comments)
    assert feedback_module.redact("call 07700 900123") == "call [phone number]"
