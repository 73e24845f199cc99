"""The HTTP adapters against httpx.MockTransport: Rasa and the knowledge search."""

from __future__ import annotations

import json

import httpx
import pytest

from backoffice.identity import mint_token
from handoff.bot import BotMetadata, FakeBot, HandoffRequest, RasaRestBot, parse_rasa_replies
from handoff.exceptions import DependencyUnavailable
from handoff.identity import ConversationTokens, TokenIdentityVerifier
from handoff.search import HttpKnowledgeSearch


def rasa(handler):
    return RasaRestBot("http://rasa.test", transport=httpx.MockTransport(handler))


async def test_rest_channel_request_and_replies():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["url"] = str(request.url)
        seen["body"] = json.loads(request.content)
        return httpx.Response(
            200,
            json=[
                {
                    "recipient_id": "c1",
                    "text": "Your bin day is Tuesday.",
                    "buttons": [{"title": "Report a missed bin", "payload": "/missed_bin"}],
                },
                {"recipient_id": "c1", "custom": {"links": [{"title": "Bins", "url": "/en/bins"}]}},
                {
                    "recipient_id": "c1",
                    "text": "Passing you to a person.",
                    "custom": {
                        "frontdoor_handoff": {
                            "reason": "complex",
                            "service_area": "Housing",
                            "priority": "urgent",
                            "summary": "Facing eviction",
                        }
                    },
                },
            ],
        )

    bot = rasa(handler)
    replies = await bot.send("c1", "when are my bins", BotMetadata("cy", "tok", "http://x/bins"))
    await bot.aclose()
    assert seen["url"] == "http://rasa.test/webhooks/rest/webhook"
    assert seen["body"] == {
        "sender": "c1",
        "message": "when are my bins",
        "metadata": {
            "language": "cy",
            "frontdoor_identity_token": "tok",
            "page_url": "http://x/bins",
        },
    }
    assert replies[0].buttons == ({"title": "Report a missed bin", "payload": "/missed_bin"},)
    assert replies[1].links == ({"title": "Bins", "url": "/en/bins"},)
    handoff = replies[2].handoff
    assert (
        handoff is not None and handoff.service_area == "housing" and handoff.priority == "urgent"
    )


@pytest.mark.parametrize(
    "response",
    [httpx.Response(500), httpx.Response(200, content=b"not json"), httpx.Response(200, json={})],
)
async def test_bot_failures_become_dependency_unavailable(response):
    bot = rasa(lambda request: response)
    with pytest.raises(DependencyUnavailable) as caught:
        await bot.send("c1", "hi", BotMetadata())
    assert caught.value.code == "bot_unavailable"


async def test_pause_resume_and_status():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append((request.method, request.url.path, request.content))
        return httpx.Response(200, json={})

    bot = rasa(handler)
    await bot.pause("c1")
    await bot.resume("c1")
    assert await bot.status() == {"status": "ok"}
    assert calls[:2] == [
        ("POST", "/conversations/c1/tracker/events", b'{"event":"pause"}'),
        ("POST", "/conversations/c1/tracker/events", b'{"event":"resume"}'),
    ]
    down = rasa(lambda request: (_ for _ in ()).throw(httpx.ConnectError("refused")))
    assert (await down.status())["status"] == "error"
    await down.pause("c1")  # logged, never raised


async def test_pause_carries_the_api_token_and_never_logs_it(caplog):
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.params.get("token"))
        return httpx.Response(401, json={})

    bot = RasaRestBot(
        "http://rasa.test", api_token="s3cret-token", transport=httpx.MockTransport(handler)
    )
    await bot.pause("c1")
    assert seen == ["s3cret-token"]
    assert "could not pause" in caplog.text and "401" in caplog.text
    assert "s3cret-token" not in caplog.text


def test_unknown_reply_shapes_are_ignored():
    assert parse_rasa_replies([{"image": "x.png"}, "junk", {"text": "ok"}])[0].text == "ok"


async def test_fake_bot_refuses_to_talk_while_paused():
    bot = FakeBot()
    await bot.pause("c1")
    with pytest.raises(AssertionError):
        await bot.send("c1", "hi", BotMetadata())


async def test_knowledge_search_proxy_makes_urls_absolute():
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/v1/search"
        assert dict(request.url.params) == {"q": "bins", "lang": "en", "limit": "5"}
        return httpx.Response(
            200,
            json={
                "query": "bins",
                "no_good_answer": False,
                "took_ms": 1,
                "results": [
                    {
                        "title": "Bin days",
                        "url": "/en/bins",
                        "section_anchor": "when",
                        "section_title": "When",
                        "snippet": "Tue",
                    }
                ],
            },
        )

    search = HttpKnowledgeSearch(
        "http://kb.test", public_url="http://localhost:8000", transport=httpx.MockTransport(handler)
    )
    found = await search.search("bins", language="en", limit=5)
    assert [a.as_dict() for a in found] == [
        {"title": "Bin days: When", "url": "http://localhost:8000/en/bins#when", "snippet": "Tue"}
    ]
    broken = HttpKnowledgeSearch(
        "http://kb.test", transport=httpx.MockTransport(lambda r: httpx.Response(502))
    )
    with pytest.raises(DependencyUnavailable) as caught:
        await broken.search("bins", language="en", limit=5)
    assert caught.value.code == "knowledge_unavailable"


def test_conversation_tokens_name_one_conversation():
    tokens = ConversationTokens("secret")
    token = tokens.issue("a" * 32)
    assert tokens.check(token, "a" * 32)
    assert not tokens.check(token, "b" * 32)
    assert not tokens.check(token + "x", "a" * 32)
    assert not ConversationTokens("other").check(token, "a" * 32)
    assert not tokens.check(None, "a" * 32)


def test_identity_tokens_are_the_account_systems():
    key = b"k" * 32
    verifier = TokenIdentityVerifier(key.decode())
    token = mint_token(key, council_tax=["CT40012345"], tenancies=["TEN-004512"], subject="R-1")
    found = verifier.verify(token)
    assert found is not None and found.resident_id == "R-1"
    assert found.references == ("CT40012345", "TEN-004512")
    assert verifier.verify(mint_token(b"x" * 32, council_tax=["CT40012345"])) is None
    assert verifier.verify(mint_token(key, council_tax=["CT40012345"], audience="other")) is None
    assert verifier.verify("garbage") is None and verifier.verify(None) is None


def test_the_bots_structured_summary_is_kept_and_put_into_words():
    request = HandoffRequest.from_custom(
        {
            "reason": "at_risk",
            "service_area": "housing",
            "priority": "urgent",
            "summary": {
                "topic": "rent",
                "references": ["TEN-004512"],
                "verified_identity": {"method": "knowledge_check", "references": ["TEN-004512"]},
                "articles_shown": ["Paying your rent"],
                "failed_questions": ["can I pay late"],
                "risk": "homelessness",
            },
        }
    )
    assert request is not None and request.priority == "urgent"
    assert request.summary.startswith("At risk: homelessness. Topic: rent.")
    assert "Verified (knowledge check) for TEN-004512." in request.summary
    assert request.verified_references == ("TEN-004512",)
    assert request.details["articles_shown"] == ["Paying your rent"]
