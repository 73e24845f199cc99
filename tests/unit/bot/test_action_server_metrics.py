"""The action server's GET /metrics: action runs timed by name, scraped with the token."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sanic import Sanic
from sanic_testing.testing import SanicASGITestClient

from actions.knowledge_client import FakeKnowledgeClient
from actions.server import create_app
from actions.settings import BotSettings
from actions.verification import MemoryVerificationStore
from backoffice.world import World
from frontdoor.secrets import BOT_SECRET_HEADER
from tests.unit.bot.harness import ARTICLES, BOT_SECRET, NOW, TEST_SETTINGS, make_harness
from tests.unit.bot.test_action_server_secret import forged_verify_call

METRICS_TOKEN = secrets.token_urlsafe(48)


@pytest.fixture
def client(world: World) -> Iterator[SanicASGITestClient]:
    Sanic.test_mode = True  # rasa-sdk names every app "rasa_sdk"; tests build several
    app = create_app(
        BotSettings.load({**TEST_SETTINGS, "FRONTDOOR_METRICS_TOKEN": METRICS_TOKEN}),
        backoffice=make_harness(world).backoffice,
        knowledge=FakeKnowledgeClient().add(ARTICLES),
        verification_store=MemoryVerificationStore(),
        clock=lambda: NOW,
    )
    yield SanicASGITestClient(app)


@pytest.mark.filterwarnings("ignore:.*versions of rasa and rasa_sdk")
async def test_an_action_run_is_counted_and_timed(client: SanicASGITestClient) -> None:
    _, answer = await client.post(
        "/webhook", json=forged_verify_call(), headers={BOT_SECRET_HEADER: BOT_SECRET}
    )
    assert answer.status == 200
    _, scraped = await client.get("/metrics", headers={"authorization": f"Bearer {METRICS_TOKEN}"})
    assert scraped.status == 200
    samples = {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(scraped.text)
        for sample in family.samples
    }
    ran = frozenset({("action", "action_verify"), ("outcome", "ok")})
    assert samples[("frontdoor_actions_run_seconds_count", ran)] == 1


async def test_metrics_need_the_token_through_a_proxy(client: SanicASGITestClient) -> None:
    _, refused = await client.get(
        "/metrics", headers={"x-forwarded-for": "203.0.113.9", "authorization": "Bearer nope"}
    )
    assert refused.status == 403
    assert refused.json["error"] == "forbidden"
