"""Rate limits on real Redis: every instance of a service shares one count.

Two app instances built from the same settings (``FRONTDOOR_REDIS_URL`` set)
answer the same client: its writes are counted together, whichever instance
takes them.
"""

from __future__ import annotations

import uuid

import pytest
from starlette.testclient import TestClient

from frontdoor.ratelimit import Check, LimitsRateLimiter, RateLimited

pytestmark = pytest.mark.redis


def test_two_limiters_on_one_redis_share_counts(redis_url):
    namespace = f"test-{uuid.uuid4().hex[:8]}"
    first = LimitsRateLimiter(redis_url, salt="shared", namespace=namespace)
    second = LimitsRateLimiter(redis_url, salt="shared", namespace=namespace)
    try:
        check = Check("3/minute", "test:writes", "203.0.113.5")
        first.hit(check)
        second.hit(check)
        first.hit(check)
        with pytest.raises(RateLimited) as refused:
            second.hit(check)
        assert 1 <= refused.value.retry_after <= 60
        assert not first.allows(check)
    finally:
        first.reset()
    second.hit(Check("3/minute", "test:writes", "203.0.113.5"))  # reset reached both
    second.reset()


def test_two_handoff_instances_count_conversations_together(database, redis_url):
    from handoff.app import create_app
    from handoff.bot import FakeBot
    from handoff.fanout import Waker
    from handoff.identity import FakeIdentityVerifier
    from handoff.search import FakeKnowledgeSearch
    from handoff.settings import HandoffSettings
    from tests.integration.handoff.conftest import TEST_SECRETS

    settings = HandoffSettings.load(
        {
            "FRONTDOOR_DATABASE_URL": database.url,
            "FRONTDOOR_ENVIRONMENT": "test",
            **TEST_SECRETS,
            "FRONTDOOR_REDIS_URL": redis_url,
            "FRONTDOOR_HANDOFF_LIMIT_CONVERSATIONS": "3/minute",
        }
    )

    def instance() -> TestClient:
        app = create_app(
            settings,
            bot=FakeBot(),
            backoffice=object(),
            identity=FakeIdentityVerifier({}),
            search=FakeKnowledgeSearch([]),
            waker=Waker(),  # fan-out is not under test: only the limiter's storage
            engine=database.engine,
        )
        return TestClient(app, client=("198.51.100.77", 40000))

    one, two = instance(), instance()
    try:
        statuses = [
            client.post("/api/v1/conversations", json={"language": "en"}).status_code
            for client in (one, two, one)
        ]
        assert statuses == [201, 201, 201]
        refused = two.post("/api/v1/conversations", json={"language": "en"})
        assert refused.status_code == 429
        assert int(refused.headers["retry-after"]) >= 1
        assert one.post("/api/v1/conversations", json={"language": "en"}).status_code == 429
    finally:
        one.app.state.limiter.reset()


def test_two_knowledge_instances_count_feedback_together(database, redis_url, tmp_path):
    from knowledge.app import create_app
    from tests.integration.knowledge.conftest import hashing_engine, make_settings

    settings = make_settings(
        database,
        tmp_path,
        FRONTDOOR_REDIS_URL=redis_url,
        FRONTDOOR_SECRET_KEY=f"redis-test-{uuid.uuid4().hex}" + "x" * 16,
        FRONTDOOR_KNOWLEDGE_LIMIT_GAPS_PER_ADDRESS="2/minute",
    )
    clients = [
        TestClient(
            create_app(settings, search_engine=hashing_engine(), engine=database.engine),
            client=("198.51.100.78", 40000),
        )
        for _ in range(2)
    ]
    try:
        one, two = clients
        gap = {"source": "bot"}
        assert one.post("/api/v1/content-gaps", json={**gap, "question": "a b"}).status_code == 201
        assert two.post("/api/v1/content-gaps", json={**gap, "question": "c d"}).status_code == 201
        refused = one.post("/api/v1/content-gaps", json={**gap, "question": "e f"})
        assert refused.status_code == 429 and "retry-after" in refused.headers
    finally:
        clients[0].app.state.limiter.reset()


def test_a_redis_outage_is_logged_once_and_its_end_with_the_count(redis_url, caplog):
    from tests.integration.handoff.redis_proxy import CuttableProxy

    check = Check("100/minute", "test:writes", uuid.uuid4().hex)
    with CuttableProxy(redis_url) as proxy:
        limiter = LimitsRateLimiter(proxy.url, salt="x", namespace=f"t-{uuid.uuid4().hex[:8]}")
        limiter.hit(check)
        proxy.cut()
        for _ in range(3):
            limiter.hit(check)  # allowed unchecked
        proxy.restore()
        limiter.hit(check)
        assert limiter.outage.up
        limiter.reset()
    said = [r.getMessage() for r in caplog.records if r.name == "frontdoor.ratelimit"]
    assert len(said) == 2, said
    assert said[0].startswith("redis unreachable")
    assert said[1] == "redis is back; 3 rate limit checks were skipped meanwhile"
