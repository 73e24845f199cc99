"""Findings 6 and 7 (issue #10) on the knowledge service, over HTTP: malformed input is a
4xx that never echoes the request, ids outside the database's range are 422 on SQLite and
PostgreSQL, bodies over the route's limit are 413 before parsing, wrong media types 415,
security headers on every response, and editor sign-in throttling that honours
X-Forwarded-For only from a configured proxy."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from knowledge.app import create_app
from tests.integration.knowledge.conftest import (
    PASSWORD,
    bearer,
    hashing_engine,
    make_settings,
)

BIG = 2**31  # one past PostgreSQL's INTEGER (the 2**63 of the finding is far beyond)
CANARY = "canary-9f3a"
JSON = {"content-type": "application/json"}


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e999"])
@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/api/v1/feedback", '{"slug": "bins", "helpful": %s, "comment": "%s"}'),
        ("/api/v1/content-gaps", '{"question": %s, "source": "bot", "conversation_id": "%s"}'),
        ("/api/v1/editorial/articles", '{"title": %s, "slug": "%s"}'),
        ("/api/v1/editorial/preview", '{"body": %s, "x": "%s"}'),
        ("/api/v1/editorial/articles/1/revisions/1/restore", '{"base_version": %s, "x": "%s"}'),
    ],
)
def test_non_finite_numbers_are_422_without_echo(client, raw, path, template):
    answer = client.post(path, content=template % (raw, CANARY), headers={**JSON, **bearer()})
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"] == "invalid_request"
    assert CANARY not in answer.text and raw not in answer.text


@pytest.mark.parametrize("body", ["[]", '"text"', "12", "null"])
def test_non_object_bodies_are_422(client, body):
    answer = client.post("/api/v1/feedback", content=body, headers=JSON)
    assert answer.status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/editorial/articles/{BIG}",
        f"/api/v1/editorial/articles/{-BIG - 1}",
        f"/api/v1/editorial/articles/{2**63}/revisions",
        f"/api/v1/editorial/articles/1/diff?from={BIG}&to=1",
    ],
)
def test_ids_beyond_the_database_range_are_422(client, path):
    """Runs on SQLite and PostgreSQL (the ``database`` fixture behind ``client``)."""
    answer = client.get(path, headers=bearer())
    assert answer.status_code == 422, answer.text


def test_the_largest_database_ids_are_simply_not_found(client):
    assert client.get(f"/api/v1/editorial/articles/{BIG - 1}", headers=bearer()).status_code == 404
    answer = client.post(
        f"/api/v1/editorial/articles/{BIG}/revisions/{BIG}/restore",
        json={"base_version": BIG},
        headers=bearer(),
    )
    assert answer.status_code == 422


def test_big_ids_in_editor_pages_are_a_page_not_a_crash(client, staff):
    from tests.integration.knowledge.conftest import login

    login(client, staff["editor"].email)
    page = client.get(f"/editor/articles/{BIG}", headers={"accept": "text/html"})
    assert page.status_code == 422
    assert "text/html" in page.headers["content-type"]


def test_an_8_mib_body_is_413_before_parsing(client):
    # not even JSON: had anything parsed it, the answer would be 422
    answer = client.post("/api/v1/feedback", content=b"{" * (8 * 1024 * 1024), headers=JSON)
    assert answer.status_code == 413
    assert answer.json()["error"] == "request_too_large"

    def stream():
        for _ in range(128):
            yield b"{" * 65536

    streamed = client.post("/api/v1/content-gaps", content=stream(), headers=JSON)
    assert streamed.status_code == 413


def test_the_article_routes_take_bigger_bodies_than_the_other_apis(client):
    body = {"body": "A paragraph of text.\n\n" * 5000}  # about 110 KB
    assert client.post("/api/v1/editorial/preview", json=body, headers=bearer()).status_code == 200
    feedback = {"slug": "bins", "helpful": True, "comment": "x" * 70_000}
    assert client.post("/api/v1/feedback", json=feedback).status_code == 413


def test_a_wrong_content_type_is_415(client):
    answer = client.post(
        "/api/v1/feedback",
        content=b'{"slug": "bins", "helpful": true}',
        headers={"content-type": "text/plain"},
    )
    assert answer.status_code == 415
    form = client.post("/api/v1/content-gaps", data={"question": "bins", "source": "bot"})
    assert form.status_code == 415


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/docs", 200),
        ("GET", "/api/v1/openapi.json", 200),
        ("GET", "/api/v1/articles/no-such-article", 404),
        ("POST", "/api/v1/feedback", 422),
        ("GET", "/no/such/page", 404),
    ],
)
def test_every_response_carries_the_security_headers(client, method, path, status):
    answer = client.request(method, path, content=b"[]" if method == "POST" else None,
                            headers=JSON if method == "POST" else {})  # fmt: skip
    assert answer.status_code == status
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors" in answer.headers["content-security-policy"]
    assert answer.headers["referrer-policy"]


def test_docs_load_nothing_from_the_internet(client):
    page = client.get("/docs").text
    assert "cdn." not in page and '<script src="http' not in page


# -- editor sign-in throttling -----------------------------------------------------------


def sign_in(client: TestClient, email: str, password: str, **headers: str):  # type: ignore[no-untyped-def]
    client.cookies.clear()
    return client.post(
        "/editor/login",
        data={"email": email, "password": password, "next": "/editor"},
        headers=headers,
        follow_redirects=False,
    )


def clients(app, *addresses: str) -> list[TestClient]:  # type: ignore[no-untyped-def]
    return [TestClient(app, client=(address, 50000)) for address in addresses]


def test_wrong_guesses_from_one_client_do_not_lock_the_editor_out_of_theirs(client, staff):
    email = staff["editor"].email
    attacker, editor = clients(client.app, "198.51.100.66", "203.0.113.10")
    for _ in range(5):
        assert sign_in(attacker, email, "wrong guess").status_code == 401
    throttled = sign_in(attacker, email, PASSWORD)
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0
    assert "Wait" in throttled.text and "try again" in throttled.text
    assert sign_in(editor, email, PASSWORD).status_code == 303


def test_forwarded_for_from_an_untrusted_peer_cannot_rotate_the_address(client, staff):
    email = staff["editor"].email
    (attacker,) = clients(client.app, "127.0.0.1")  # loopback is not trusted by default
    for n in range(5):
        sign_in(attacker, email, "wrong guess", **{"x-forwarded-for": f"192.0.2.{n}"})
    rotated = sign_in(attacker, email, PASSWORD, **{"x-forwarded-for": "192.0.2.99"})
    assert rotated.status_code == 429


@pytest.fixture
def proxied_app(database, tmp_path, staff):  # type: ignore[no-untyped-def]
    settings = make_settings(database, tmp_path, FRONTDOOR_TRUSTED_PROXIES="10.0.0.0/8")
    app = create_app(settings, search_engine=hashing_engine(), engine=database.engine)
    with TestClient(app):
        yield app


def test_forwarded_for_from_a_trusted_proxy_names_the_client(proxied_app, staff):
    email = staff["editor"].email
    (proxy,) = clients(proxied_app, "10.0.0.2")
    for _ in range(5):
        sign_in(proxy, email, "wrong guess", **{"x-forwarded-for": "198.51.100.66"})
    assert (
        sign_in(proxy, email, PASSWORD, **{"x-forwarded-for": "198.51.100.66"}).status_code == 429
    )
    # another resident of the same proxy is somebody else
    assert sign_in(proxy, email, PASSWORD, **{"x-forwarded-for": "203.0.113.10"}).status_code == 303


@pytest.mark.parametrize(
    ("path", "media_type"),
    [("/api/v1/search?q=bins", "application/json"), ("/search?q=bins", "text/html")],
    ids=["API", "page"],
)
def test_an_unexpected_failure_is_a_500_with_the_headers_and_no_detail(
    client, monkeypatch, path, media_type
):
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError(f"index file unreadable {CANARY}")

    monkeypatch.setattr("knowledge.routes.api_search.run_search", broken)
    monkeypatch.setattr("knowledge.routes.site.run_search", broken)
    answer = client.get(path)
    assert answer.status_code == 500
    assert answer.headers["content-type"].startswith(media_type)
    assert CANARY not in answer.text
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors" in answer.headers["content-security-policy"]
    assert answer.headers["referrer-policy"]
