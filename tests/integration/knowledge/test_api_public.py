"""The public API and website over a real database (search with a fake embedder)."""

from knowledge import articles, publishing
from tests.integration.knowledge.conftest import EDITOR, article_data, publish


def seed_articles(factory):
    with factory() as session:
        publish(session)
        publish(
            session,
            slug="bin-collection-day",
            title="Find your bin collection day",
            summary="Check which day your bins are collected.",
            body="Enter your postcode.\n\n## Garden waste\n\nGarden bins go out every other week.\n",  # noqa: E501
        )
        publish(
            session,
            slug="diwrnod-casglu-biniau",
            language="cy",
            title="Diwrnod casglu biniau",
            translation_of="bin-collection-day",
            summary="Gwiriwch eich diwrnod casglu.",
            body="Rhowch eich cod post.\n",
        )
        draft = articles.create_article(
            session, article_data(slug="secret-draft", title="Secret draft"), actor=EDITOR
        )
        publishing.submit(session, draft.id, actor=EDITOR)
        session.commit()


def test_only_published_articles_are_listed_and_readable(client, factory):
    seed_articles(factory)
    client.app.state.search.sync_now()
    listed = client.get("/api/v1/articles").json()
    assert [a["slug"] for a in listed] == ["bin-collection-day", "missed-bin"]
    assert client.get("/api/v1/articles", params={"language": "cy"}).json()[0]["language"] == "cy"
    assert client.get("/api/v1/articles/secret-draft").status_code == 404
    body = client.get("/api/v1/articles/bin-collection-day").json()
    assert body["translations"] == {"cy": "/articles/diwrnod-casglu-biniau"}
    assert '<h2 id="garden-waste">Garden waste</h2>' in body["body_html"]
    assert body["body_text"].startswith("Enter your postcode.")
    assert body["last_reviewed"] is not None


def test_search_answers_in_the_agreed_shape(client, factory):
    seed_articles(factory)
    client.app.state.search.sync_now()
    response = client.get(
        "/api/v1/search", params={"q": "garden bins every other week", "limit": 3}
    )
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"query", "results", "no_good_answer", "took_ms"}
    top = data["results"][0]
    assert set(top) == {
        "slug",
        "title",
        "url",
        "section_anchor",
        "section_title",
        "snippet",
        "score",
        "service_area",
        "language",
    }
    assert top["slug"] == "bin-collection-day"
    assert top["url"] == "/articles/bin-collection-day"
    assert all(r["slug"] != "secret-draft" for r in data["results"])
    welsh = client.get("/api/v1/search", params={"q": "cod post", "language": "cy"}).json()
    assert welsh["results"][0]["language"] == "cy"  # `language` is accepted as well as `lang`


def test_empty_and_huge_queries_get_sensible_answers(client, factory):
    seed_articles(factory)
    empty = client.get("/api/v1/search", params={"q": "   "})
    assert empty.status_code == 200
    assert empty.json()["results"] == [] and empty.json()["no_good_answer"] is True
    huge = client.get("/api/v1/search", params={"q": "bin " * 500})
    assert huge.status_code == 200 and len(huge.json()["query"]) == 2000
    assert client.get("/api/v1/search").json()["no_good_answer"] is True


def test_feedback_and_content_gaps_are_recorded(client, factory):
    seed_articles(factory)
    ok = client.post(
        "/api/v1/feedback",
        json={"slug": "missed-bin", "helpful": False, "comment": "No phone number"},
    )
    assert ok.status_code == 201 and ok.json()["status"] == "recorded"
    assert (
        client.post("/api/v1/feedback", json={"slug": "nope", "helpful": True}).status_code == 404
    )
    gap = client.post(
        "/api/v1/content-gaps",
        json={
            "question": "skip permit?",
            "source": "bot",
            "language": "en",
            "conversation_id": "c-1",
        },
    )
    assert gap.status_code == 201
    wrong = client.post("/api/v1/content-gaps", json={"question": "x", "source": "email"})
    assert wrong.status_code == 422 and "source" in wrong.json()["message"]


def test_unknown_fields_are_refused_naming_the_field(client):
    response = client.post(
        "/api/v1/feedback", json={"slug": "missed-bin", "helpful": True, "rating": 5}
    )
    assert response.status_code == 422
    assert response.json()["message"].startswith("rating:")


def test_missing_article_page_is_a_proper_404_page(client):
    response = client.get("/articles/no-such-page", headers={"accept": "text/html"})
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "Page not found" in response.text
    assert client.get("/no/such/path").status_code == 404
    assert client.get("/cy/articles/nothing").status_code == 404


def test_security_headers_on_pages_and_api(client):
    for path in ("/", "/api/v1/articles", "/healthz"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        script_src = next(part for part in csp.split("; ") if part.startswith("script-src"))
        assert "'unsafe-inline'" not in script_src
        assert "frame-ancestors" in csp
        assert headers["x-content-type-options"] == "nosniff"


def test_healthz_reports_dependencies(client):
    data = client.get("/healthz").json()
    assert data["service"] == "knowledge" and data["status"] == "ok"
    assert set(data["dependencies"]) == {"database", "search", "redis"}
    assert data["dependencies"]["redis"] == {"status": "not configured"}


def test_website_pages_show_published_content_with_widget(client, factory):
    seed_articles(factory)
    client.app.state.search.sync_now()
    home = client.get("/")
    assert "Find your bin collection day" in home.text and "Secret draft" not in home.text
    assert home.text.count("/widget/frontdoor-widget.js") == 1
    assert 'data-council="Bramblefield District Council"' in home.text
    page = client.get("/articles/bin-collection-day")
    assert "Last reviewed" in page.text and "Was this page useful?" in page.text
    assert 'href="/articles/diwrnod-casglu-biniau" lang="cy"' in page.text
    welsh = client.get("/articles/diwrnod-casglu-biniau")
    assert '<html lang="cy">' in welsh.text and 'data-language="cy"' in welsh.text
    sent = client.post(
        "/articles/missed-bin/feedback", data={"helpful": "yes"}, follow_redirects=False
    )
    assert sent.status_code == 303 and sent.headers["location"].endswith(
        "?feedback=thanks#feedback"
    )
    search = client.get("/search", params={"q": "garden waste"})
    assert "Find your bin collection day" in search.text


def test_site_search_records_unanswered_questions_as_gaps(client, factory):
    from knowledge import gaps

    seed_articles(factory)
    client.get("/search", params={"q": "zebra crossing paint colour"})
    with factory() as session:
        questions = [g.question for g in gaps.open_gaps(session)]
    assert questions == ["zebra crossing paint colour"]


def test_api_reference_and_openapi(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/search" in schema["paths"] and "/api/v1/editorial/articles" in schema["paths"]
    names = set(schema["components"]["schemas"])
    assert {"ArticleCreate", "ArticleUpdate", "ArticlePublic"} <= names
    page = client.get("/docs")
    assert page.status_code == 200 and "GET /api/v1/search" in page.text


def test_behind_a_proxy_pages_load_the_widget_from_the_chat_services_public_address(
    database, tmp_path
):
    import pytest
    from fastapi.testclient import TestClient

    from knowledge.app import create_app
    from tests.integration.knowledge.conftest import CLOCK, hashing_engine, make_settings

    settings = make_settings(
        database, tmp_path, FRONTDOOR_KNOWLEDGE_WIDGET_URL="https://chat.example.gov.uk"
    )
    app = create_app(settings, search_engine=hashing_engine(), engine=database.engine, clock=CLOCK)
    with TestClient(app) as client:
        home = client.get("/")
    assert 'src="https://chat.example.gov.uk/widget/frontdoor-widget.js"' in home.text
    assert 'data-frontdoor-url="https://chat.example.gov.uk"' in home.text
    policy = home.headers["content-security-policy"]
    assert "connect-src 'self' https://chat.example.gov.uk wss://chat.example.gov.uk" in policy
    assert "127.0.0.1:8001" not in home.text + policy
    from frontdoor.exceptions import ConfigurationError

    with pytest.raises(ConfigurationError, match=r"^FRONTDOOR_KNOWLEDGE_WIDGET_URL: "):
        make_settings(database, tmp_path, FRONTDOOR_KNOWLEDGE_WIDGET_URL="https://chat.example/x/")
