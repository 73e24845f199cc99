"""The one knowledge search client (``frontdoor.contracts.knowledge``), blocking
and async, against ``httpx.MockTransport``: one request, one reading."""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError

from frontdoor.contracts.knowledge import (
    KnowledgeSearchClient,
    KnowledgeSearchFailed,
    SearchAnswer,
    SearchHit,
    SearchQuery,
)

BODY = {
    "query": "bins",
    "no_good_answer": False,
    "took_ms": 4.5,
    "results": [
        {
            "slug": "bin-days",
            "title": "Bin days",
            "url": "/en/bins",
            "section_anchor": "when",
            "section_title": None,
            "snippet": "Tuesday",
            "score": 0.82,
            "service_area": "waste",
            "language": "en",
            "rank_debug": {"bm25": 1.2},  # a field the callers do not read
        },
        "not an object",
        {"title": None, "url": "/en/other", "score": None, "language": None},
    ],
}


def _answering(seen: list[httpx.Request], status: int = 200, body: object = BODY):
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(status, json=body)

    return httpx.MockTransport(handler)


def _check(answer: SearchAnswer) -> None:
    assert answer.query == "bins" and answer.took_ms == 4.5 and answer.nothing_good is False
    first, second = answer.results
    assert first == SearchHit(
        slug="bin-days",
        title="Bin days",
        url="/en/bins",
        section_anchor="when",
        snippet="Tuesday",
        score=0.82,
        service_area="waste",
    )
    assert (second.title, second.url, second.score, second.language) == ("", "/en/other", 0.0, "en")


def test_the_blocking_client_sends_lang_and_reads_the_answer():
    seen: list[httpx.Request] = []
    client = KnowledgeSearchClient(
        "http://kb.test/", headers={"User-Agent": "frontdoor-bot"}, transport=_answering(seen)
    )
    _check(client.search(SearchQuery(q="bins", lang="cy", limit=5)))
    client.close()
    (request,) = seen
    assert request.url.path == "/api/v1/search"
    assert dict(request.url.params) == {"q": "bins", "lang": "cy", "limit": "5"}
    assert request.headers["User-Agent"] == "frontdoor-bot"


async def test_the_async_client_sends_the_same_request_and_reads_the_same_answer():
    seen: list[httpx.Request] = []
    client = KnowledgeSearchClient("http://kb.test", async_transport=_answering(seen))
    _check(await client.asearch(SearchQuery(q="bins", lang="cy", limit=5)))
    await client.aclose()
    assert dict(seen[0].url.params) == {"q": "bins", "lang": "cy", "limit": "5"}


@pytest.mark.parametrize(
    ("status", "body", "cause"),
    [
        (502, {"detail": "bad gateway"}, "HTTPStatusError"),
        (200, ["a", "list"], "ValidationError"),
        (200, {"results": "none"}, "ValidationError"),
        (200, {"results": [{"score": "high"}]}, "ValidationError"),
    ],
)
async def test_a_failed_or_malformed_answer_is_a_search_failure(status, body, cause):
    client = KnowledgeSearchClient(
        "http://kb.test",
        transport=_answering([], status, body),
        async_transport=_answering([], status, body),
    )
    with pytest.raises(KnowledgeSearchFailed) as blocking:
        client.search(SearchQuery(q="bins"))
    with pytest.raises(KnowledgeSearchFailed) as non_blocking:
        await client.asearch(SearchQuery(q="bins"))
    assert blocking.value.cause == non_blocking.value.cause == cause
    await client.aclose()


def test_a_connection_failure_is_a_search_failure():
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    client = KnowledgeSearchClient("http://kb.test", transport=httpx.MockTransport(refuse))
    with pytest.raises(KnowledgeSearchFailed) as caught:
        client.search(SearchQuery(q="bins"))
    assert caught.value.cause == "ConnectError"


def test_without_a_verdict_no_results_means_no_good_answer():
    assert SearchAnswer.model_validate({"results": []}).nothing_good is True
    assert SearchAnswer.model_validate({"results": [{"slug": "a"}]}).nothing_good is False
    assert SearchAnswer.model_validate({"no_good_answer": True, "results": [{}]}).nothing_good


@pytest.mark.parametrize("limit", [0, 21])
def test_a_limit_the_api_refuses_is_refused_before_sending(limit):
    with pytest.raises(ValidationError):
        SearchQuery(q="bins", limit=limit)
