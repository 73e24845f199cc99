"""frontdoor.http: the client address behind proxies, the body guard, the headers,
and validation errors that never carry the values sent."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.testclient import TestClient
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from frontdoor.http import (
    JSON_TYPES,
    BodyRule,
    RequestGuard,
    SecurityHeaders,
    UnexpectedErrors,
    client_address,
    parse_networks,
    validation_error_response,
)
from frontdoor.settings import CommonSettings


def request_from(peer: str, *forwarded: str) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return Request({"type": "http", "client": (peer, 4321), "headers": headers})


PROXIES = parse_networks("10.0.0.0/8, 2001:db8::1")


def test_forwarded_for_is_ignored_by_default_even_from_loopback():
    assert client_address(request_from("127.0.0.1", "198.51.100.7")) == "127.0.0.1"
    assert client_address(request_from("203.0.113.9", "198.51.100.7"), ()) == "203.0.113.9"


def test_forwarded_for_is_ignored_from_an_untrusted_peer():
    assert client_address(request_from("203.0.113.9", "198.51.100.7"), PROXIES) == "203.0.113.9"


def test_a_trusted_proxy_names_the_client():
    assert client_address(request_from("10.0.0.2", "198.51.100.7"), PROXIES) == "198.51.100.7"
    assert client_address(request_from("2001:db8::1", "198.51.100.7"), PROXIES) == "198.51.100.7"


def test_hops_forged_before_the_proxies_are_skipped():
    # the client wrote "1.2.3.4" itself; our proxy appended the address it saw
    forged = request_from("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.3")
    assert client_address(forged, PROXIES) == "198.51.100.7"
    two_headers = request_from("10.0.0.2", "1.2.3.4", "198.51.100.7")
    assert client_address(two_headers, PROXIES) == "198.51.100.7"


def test_garbage_in_forwarded_for_stops_at_the_last_proxy():
    assert client_address(request_from("10.0.0.2", "not-an-ip"), PROXIES) == "10.0.0.2"
    assert client_address(request_from("10.0.0.2"), PROXIES) == "10.0.0.2"


def test_the_setting_reads_a_comma_separated_list_and_defaults_to_none():
    assert CommonSettings.load({}).trusted_proxies == ()
    loaded = CommonSettings.load({"FRONTDOOR_TRUSTED_PROXIES": "10.0.0.1, 192.168.0.0/16"})
    assert [str(net) for net in loaded.trusted_proxies] == ["10.0.0.1/32", "192.168.0.0/16"]


class Item(BaseModel):
    name: str
    count: int


def guarded_app() -> FastAPI:
    app = FastAPI()
    seen: list[int] = []
    app.state.seen = seen

    @app.post("/api/items")
    def create(item: Item) -> dict[str, str]:
        seen.append(1)
        return {"name": item.name}

    @app.post("/big")
    async def big(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    app.add_exception_handler(RequestValidationError, validation_error_response)
    app.add_middleware(
        RequestGuard, rules=[BodyRule("/api/", 1024, JSON_TYPES), BodyRule("/big", 10_000)]
    )
    app.add_middleware(SecurityHeaders)
    return app


def test_a_declared_oversized_body_is_413_before_the_route_runs():
    app = guarded_app()
    client = TestClient(app)
    answer = client.post(
        "/api/items", content=b"{" * 2000, headers={"content-type": "application/json"}
    )
    assert answer.status_code == 413
    assert answer.json()["error"] == "request_too_large"
    assert app.state.seen == []
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_a_streamed_oversized_body_is_413():
    client = TestClient(guarded_app())

    def chunks():
        for _ in range(20):
            yield b"x" * 1000

    answer = client.post("/big", content=chunks())
    assert answer.status_code == 413
    assert client.post("/big", content=b"x" * 9000).json() == {"size": 9000}


def test_a_body_of_the_wrong_media_type_is_415():
    client = TestClient(guarded_app())
    answer = client.post("/api/items", content=b"name=x", headers={"content-type": "text/plain"})
    assert answer.status_code == 415
    assert "application/json" in answer.json()["message"]
    ok = client.post("/api/items", json={"name": "x", "count": 1})
    assert ok.status_code == 200


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_are_422_without_the_values(raw):
    client = TestClient(guarded_app(), raise_server_exceptions=True)
    answer = client.post(
        "/api/items",
        content=f'{{"name": {raw}, "count": {raw}}}'.encode(),
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "invalid_request"
    assert "name" in body["message"] and "count" in body["message"]
    assert all(set(error) == {"loc", "msg", "type"} for error in body["detail"])
    assert raw not in answer.text


def test_validation_errors_never_echo_the_values_sent():
    client = TestClient(guarded_app())
    answer = client.post("/api/items", json={"name": ["canary-77"], "count": "canary-78"})
    assert answer.status_code == 422
    assert "canary" not in answer.text


def test_uvicorn_is_told_not_to_believe_forwarded_headers():
    """uvicorn trusts X-Forwarded-For from loopback unless told not to; the apps decide."""
    from frontdoor.launcher import build_services
    from frontdoor.stack import StackSettings

    web = [s for s in build_services(StackSettings.load({})) if "uvicorn" in s.command]
    assert {s.name for s in web} == {"knowledge", "handoff"}
    assert all("--no-proxy-headers" in s.command for s in web)


def failing_app(**options: object) -> FastAPI:
    app = FastAPI()

    @app.get("/api/boom")
    async def boom() -> dict[str, str]:
        raise RuntimeError("secret detail from the database")

    @app.get("/api/late")
    async def late() -> object:
        from starlette.responses import StreamingResponse

        async def body():  # fails after the response has started
            yield b"first part"
            raise RuntimeError("half way")

        return StreamingResponse(body())

    app.add_middleware(UnexpectedErrors, **options)
    app.add_middleware(SecurityHeaders)
    return app


def test_an_unexpected_error_is_a_json_500_that_wears_the_security_headers(caplog):
    answer = TestClient(failing_app(), raise_server_exceptions=False).get("/api/boom")
    assert answer.status_code == 500
    assert answer.json() == {
        "error": "internal_error",
        "message": "Something went wrong on our side.",
    }
    assert "secret detail" not in answer.text
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "secret detail from the database" in caplog.text  # logged for the service, not sent


async def html_page(request: Request, exc: Exception) -> Response:
    return HTMLResponse("<h1>Sorry</h1>", status_code=500)


async def broken_page(request: Request, exc: Exception) -> Response:
    raise LookupError("the template is missing")


@pytest.mark.parametrize(
    ("answer", "media_type"),
    [(html_page, "text/html"), (broken_page, "application/json")],
    ids=["the service's page", "the JSON answer when the page fails"],
)
def test_a_service_answers_with_its_own_page_or_the_plain_answer(answer, media_type):
    response = TestClient(failing_app(answer=answer), raise_server_exceptions=False).get(
        "/api/boom"
    )
    assert response.status_code == 500
    assert response.headers["content-type"].startswith(media_type)
    assert response.headers["x-content-type-options"] == "nosniff"


def test_an_error_after_the_response_started_is_left_to_the_server():
    with pytest.raises(RuntimeError, match="half way"):
        TestClient(failing_app()).get("/api/late")
