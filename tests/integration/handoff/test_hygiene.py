"""Findings 6 and 7 (issue #10) on the handoff service, over HTTP: non-finite numbers and
non-object bodies are 422 (the handler used to crash serialising them), bodies over the
limit are 413 before parsing, wrong media types 415, ids beyond the database's range 422,
security headers on every response including /docs (which loads nothing from a CDN),
and console sign-in throttling with Retry-After that one client cannot turn on another."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from tests.integration.handoff.conftest import ORIGIN, PASSWORD, STAFF

CANARY = "canary-5d1e"
JSON = {"content-type": "application/json", "origin": ORIGIN}


def json_operations(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Every (method, path) of the API that takes a JSON body, ids filled in."""
    operations = []
    for path, methods in app.openapi()["paths"].items():
        for method, operation in methods.items():
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                operations.append((method.upper(), re.sub(r"\{[^}]+\}", "c-1", path)))
    return operations


def test_every_json_endpoint_is_covered(world):
    assert len(json_operations(world.app)) >= 8


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "1e999"])
def test_non_finite_numbers_are_4xx_without_echo_everywhere(world, raw):
    advisor = world.advisor("morgan")
    body = f'{{"language": {raw}, "text": {raw}, "client_id": "{CANARY}", "seq": {raw}}}'
    for method, path in json_operations(world.app):
        for headers in ({**JSON}, {**JSON, **advisor.headers}):
            answer = world.client.request(method, path, content=body, headers=headers)
            assert 400 <= answer.status_code < 500, (method, path, answer.status_code)
            assert CANARY not in answer.text and raw not in answer.text
    signed_in = world.client.post(
        "/api/v1/advisor/conversations/c-1/messages",
        content=body,
        headers={**JSON, **advisor.headers},
    )
    assert signed_in.status_code == 422
    assert signed_in.json()["error"] == "invalid_request"


@pytest.mark.parametrize("body", ["[]", f'["{CANARY}"]', '"text"', "12", "null"])
def test_non_object_bodies_are_422(world, body):
    answer = world.client.post("/api/v1/conversations", content=body, headers=JSON)
    assert answer.status_code == 422
    assert CANARY not in answer.text


def test_ids_beyond_the_database_range_are_422(world):
    advisor = world.advisor("morgan")
    for path, body in (
        ("/conversations/c-1/transfer", {"advisor_id": 2**63}),
        ("/conversations/c-1/read", {"seq": 2**63}),
        ("/conversations/c-1/read", {"seq": 2**31}),
    ):
        assert advisor.post(path, body).status_code == 422, path


def test_an_8_mib_body_is_413_before_parsing(world):
    advisor = world.advisor("morgan")
    junk = b"{" * (8 * 1024 * 1024)  # had anything parsed it, the answer would be 422
    assert world.client.post("/api/v1/conversations", content=junk, headers=JSON).status_code == 413
    answer = world.client.post(
        "/api/v1/advisor/conversations/c-1/messages",
        content=junk,
        headers={**JSON, **advisor.headers},
    )
    assert answer.status_code == 413
    assert answer.json()["error"] == "request_too_large"

    def stream():
        for _ in range(256):
            yield b"{" * 32768

    streamed = world.client.post("/api/v1/conversations", content=stream(), headers=JSON)
    assert streamed.status_code == 413


def test_a_wrong_content_type_is_415(world):
    answer = world.client.post(
        "/api/v1/conversations",
        content=b'{"language": "en"}',
        headers={"content-type": "text/plain", "origin": ORIGIN},
    )
    assert answer.status_code == 415


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/docs", 200),
        ("GET", "/openapi.json", 200),
        ("GET", "/api/v1/advisor/me", 401),
        ("GET", "/no/such/page", 404),
        ("POST", "/api/v1/conversations", 422),
        ("GET", "/healthz", 200),
    ],
)
def test_every_response_carries_the_security_headers(world, method, path, status):
    answer = world.client.request(
        method, path, content=b"[]" if method == "POST" else None, headers=JSON
    )
    assert answer.status_code == status
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors" in answer.headers["content-security-policy"]
    assert answer.headers["referrer-policy"]


def test_docs_are_served_locally(world):
    page = world.client.get("/docs")
    assert "/api/v1/conversations" in page.text
    assert "cdn" not in page.text and "<script" not in page.text
    assert world.client.get("/redoc").status_code == 404


def test_console_sign_in_throttling_is_per_client_with_retry_after(world):
    email = STAFF["sam"][0]
    attacker = TestClient(world.app, client=("198.51.100.66", 50000))
    advisor = TestClient(world.app, client=("203.0.113.10", 50000))

    def sign_in(client: TestClient, password: str):  # type: ignore[no-untyped-def]
        client.cookies.clear()
        return client.post(
            "/console/login",
            data={"email": email, "password": password},
            follow_redirects=False,
        )

    for _ in range(5):
        assert sign_in(attacker, "wrong guess").status_code == 401
    throttled = sign_in(attacker, PASSWORD)
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0
    assert "try again" in throttled.text
    assert sign_in(advisor, PASSWORD).status_code == 303


def test_an_unexpected_failure_is_a_json_500_with_the_headers_and_no_detail(world, monkeypatch):
    def broken(engine: object) -> None:
        raise RuntimeError("connection string postgresql://secret@db")

    monkeypatch.setattr("handoff.app.database_status", broken)
    answer = world.client.get("/healthz")
    assert answer.status_code == 500
    assert answer.json() == {
        "error": "internal_error",
        "message": "Something went wrong on our side.",
    }
    assert "secret" not in answer.text
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors" in answer.headers["content-security-policy"]
