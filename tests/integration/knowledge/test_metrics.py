"""The knowledge service's GET /metrics: search latency and requests, scraped after a search."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from tests.integration.knowledge.test_api_public import seed_articles


def scrape(app) -> dict[tuple[str, frozenset], float]:  # type: ignore[no-untyped-def]
    local = TestClient(app, client=("127.0.0.1", 50000))  # no `with`: no second lifespan
    response = local.get("/metrics")
    assert response.status_code == 200, response.text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def test_searches_and_requests_are_counted(client, factory):
    seed_articles(factory)
    client.app.state.search.sync_now()
    assert client.get("/api/v1/search", params={"q": "garden bins"}).status_code == 200
    assert client.get("/api/v1/search", params={"q": "bin day"}).status_code == 200
    assert client.get("/search", params={"q": "garden bins"}).status_code == 200
    assert client.get("/articles/no-such-article").status_code == 404
    samples = scrape(client.app)
    api = frozenset({("via", "api")})
    site = frozenset({("via", "site")})
    assert samples[("frontdoor_knowledge_search_seconds_count", api)] == 2
    assert samples[("frontdoor_knowledge_search_seconds_count", site)] == 1
    assert samples[("frontdoor_knowledge_search_seconds_sum", api)] > 0
    searched = frozenset({("method", "GET"), ("route", "/api/v1/search"), ("status", "200")})
    assert samples[("frontdoor_knowledge_requests_total", searched)] == 2
    missing = frozenset({("method", "GET"), ("route", "/articles/{slug}"), ("status", "404")})
    assert samples[("frontdoor_knowledge_requests_total", missing)] == 1


def test_metrics_are_refused_to_other_hosts_without_the_token(client):
    response = client.get("/metrics")  # TestClient's address is "testclient"
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert client.get("/healthz").status_code == 200
