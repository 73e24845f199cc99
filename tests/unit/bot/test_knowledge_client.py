"""The knowledge port: the httpx adapter against MockTransport, and the fake."""

from __future__ import annotations

import json

import httpx
import pytest
from pydantic import ValidationError

from actions.exceptions import KnowledgeUnavailable
from actions.knowledge_client import (
    FakeArticle,
    FakeKnowledgeClient,
    HttpKnowledgeClient,
    public_link,
)
from frontdoor.contracts.review import MissedMessage, MissSource

SEARCH_BODY = {
    "query": "pay council tax",
    "results": [
        {
            "slug": "pay-council-tax",
            "title": "Pay your council tax",
            "url": "/articles/pay-council-tax",
            "section_anchor": "direct-debit",
            "section_title": "Direct Debit",
            "snippet": "Pay by Direct Debit on the 1st, 15th or 28th.",
            "score": 0.82,
            "service_area": "revenues",
            "language": "en",
        }
    ],
    "no_good_answer": False,
    "took_ms": 12.5,
}


def client(handler) -> HttpKnowledgeClient:
    return HttpKnowledgeClient(
        "http://knowledge.test",
        public_url="https://www.bramblefield.example",
        transport=httpx.MockTransport(handler),
    )


def test_search_sends_the_documented_query_and_reads_the_answer() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=SEARCH_BODY)

    answer = client(handler).search("  pay   council tax  ", language="en", limit=3)
    (request,) = seen
    assert request.url.path == "/api/v1/search"
    assert dict(request.url.params) == {"q": "pay council tax", "lang": "en", "limit": "3"}
    hit = answer.best
    assert hit is not None and not answer.no_good_answer
    assert hit.link == "https://www.bramblefield.example/articles/pay-council-tax#direct-debit"
    assert hit.link_title == "Pay your council tax: Direct Debit"
    assert hit.service_area == "revenues" and hit.score == 0.82


def test_long_queries_are_clipped() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        assert len(request.url.params["q"]) == 500
        return httpx.Response(200, json={"query": "", "results": [], "no_good_answer": True})

    assert client(handler).search("x" * 10_000).no_good_answer


@pytest.mark.parametrize(
    "handler",
    [
        lambda r: httpx.Response(500),
        lambda r: httpx.Response(200, text="not json"),
        lambda r: httpx.Response(200, json=["not", "an", "object"]),
    ],
)
def test_failures_become_knowledge_unavailable(handler) -> None:
    with pytest.raises(KnowledgeUnavailable):
        client(handler).search("bins")


def test_timeouts_become_knowledge_unavailable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(KnowledgeUnavailable):
        client(handler).search("bins")


def test_missed_messages_are_posted_as_the_typed_contract() -> None:
    bodies = []

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.method == "POST" and request.url.path == "/api/v1/review/signals"
        bodies.append(MissedMessage.model_validate_json(request.content))
        return httpx.Response(201, json={"id": 1})

    api = client(handler)
    api.report_gap(question="can I keep bees", language="en", conversation_id="c1")
    api.report_gap(
        question="oes gwenyn", language="cy", conversation_id="c2", source=MissSource.NOT_HELPFUL
    )
    assert bodies == [
        MissedMessage(text="can I keep bees", source=MissSource.FALLBACK, conversation_id="c1"),
        MissedMessage(
            text="oes gwenyn", source=MissSource.NOT_HELPFUL, language="cy", conversation_id="c2"
        ),
    ]


def test_a_report_carries_the_closest_article_and_leaves_out_a_slug_not_in_its_format() -> None:
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(201, json={"id": 1})

    api = client(handler)
    for slug in ("pay-council-tax", "Pay Council Tax", "pay-council-tax\n", "x" * 121, None):
        api.report_gap(
            question="talk to someone about my bill", language="en", conversation_id="c1",
            source=MissSource.HANDOVER, closest_slug=slug,
        )  # fmt: skip
    assert [body.get("closest_slug") for body in bodies] == ["pay-council-tax", *[None] * 4]
    # without one, nothing is sent for it: what a service from before it accepts
    assert all("closest_slug" not in body for body in bodies[1:])
    assert bodies[0] == {
        "text": "talk to someone about my bill", "source": "handover", "language": "en",
        "conversation_id": "c1", "closest_slug": "pay-council-tax",
    }  # fmt: skip


@pytest.mark.parametrize(
    "slug", ["Pay-Council-Tax", "pay council tax", "pay--council-tax", "-pay", "a" * 121, ""]
)
def test_the_contract_refuses_a_closest_slug_not_in_the_article_format(slug: str) -> None:
    with pytest.raises(ValidationError):
        MissedMessage(text="x", source=MissSource.FALLBACK, closest_slug=slug)
    assert MissedMessage(text="x", source="fallback", closest_slug="a" * 120).closest_slug


def test_a_refused_report_is_knowledge_unavailable() -> None:
    with pytest.raises(KnowledgeUnavailable):
        client(lambda r: httpx.Response(422)).report_gap(
            question="x", language="en", conversation_id="c1", source=MissSource.HANDOVER
        )


def test_health_reports_without_raising() -> None:
    assert client(lambda r: httpx.Response(200, json={"status": "ok"})).health() == {"status": "ok"}
    assert client(lambda r: httpx.Response(503)).health()["status"] == "error"


def test_the_fake_scores_by_shared_words() -> None:
    fake = FakeKnowledgeClient().add(
        [FakeArticle("vote", "Register to vote", "Register online with your NI number.")]
    )
    assert fake.search("how do I register to vote").best.slug == "vote"
    assert fake.search("pet crocodile licence").no_good_answer
    fake.available = False
    with pytest.raises(KnowledgeUnavailable):
        fake.search("vote")


# --- the article's own words, and links on the public address (issue #18) ----------


def test_article_bodies_are_read_cached_for_a_minute_and_a_gone_article_is_none() -> None:
    calls: list[str] = []
    now = [0.0]

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path.endswith("/gone"):
            return httpx.Response(404, json={"error": "not_found"})
        if request.url.path.endswith("/broken"):
            return httpx.Response(500)
        return httpx.Response(200, json={"slug": "bins", "body_markdown": "Bins are emptied."})

    client = HttpKnowledgeClient(
        "http://knowledge.test",
        transport=httpx.MockTransport(handler),
        monotonic=lambda: now[0],
    )
    assert client.article_body("bins") == "Bins are emptied."
    assert client.article_body("bins") == "Bins are emptied."
    assert calls == ["/api/v1/articles/bins"]
    now[0] = 61.0
    client.article_body("bins")
    assert len(calls) == 2
    assert client.article_body("gone") is None
    with pytest.raises(KnowledgeUnavailable):
        client.article_body("broken")
    client.close()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "http://localhost:8000/en/articles/bins#when",
            "https://www.bramblefield.gov.uk/en/articles/bins#when",
        ),
        ("/articles/bins", "https://www.bramblefield.gov.uk/articles/bins"),
        ("", ""),
    ],
)
def test_links_are_built_on_the_councils_public_address(url: str, expected: str) -> None:
    assert public_link(url, "https://www.bramblefield.gov.uk/") == expected
