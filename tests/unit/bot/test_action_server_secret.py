"""Only Rasa may call the action server (issue 10, finding 3).

A forged ``POST /webhook`` naming ``action_verify`` with invented slots used
to return a verified session. The action server app is driven in-process
(sanic-testing's ASGI client) with the fakes: without the bot secret it
answers 401 and the verifier never runs.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from sanic import Sanic
from sanic_testing.testing import SanicASGITestClient

from actions.knowledge_client import FakeKnowledgeClient
from actions.server import create_app
from actions.settings import BotSettings
from actions.verification import MemoryVerificationStore
from backoffice.identity import mint_token
from backoffice.seed import DEMO_IDENTITIES
from backoffice.world import World
from frontdoor.secrets import BOT_SECRET_HEADER
from tests.unit.bot.harness import (
    ARTICLES,
    BOT_SECRET,
    NOW,
    TEST_SETTINGS,
    BotHarness,
    domain,
    make_harness,
)


@pytest.fixture
def served(world: World) -> Iterator[tuple[SanicASGITestClient, MemoryVerificationStore]]:
    Sanic.test_mode = True  # rasa-sdk names every app "rasa_sdk"; tests build several
    harness = make_harness(world)
    store = MemoryVerificationStore()
    app = create_app(
        BotSettings.load(TEST_SETTINGS),
        backoffice=harness.backoffice,
        knowledge=FakeKnowledgeClient().add(ARTICLES),
        verification_store=store,
        clock=lambda: NOW,
    )
    yield SanicASGITestClient(app), store


def forged_verify_call() -> dict[str, Any]:
    """The probe from the issue: action_verify with slots the caller made up."""
    return {
        "next_action": "action_verify",
        "sender_id": "someone-elses-conversation",
        "version": "3.6.21",
        "domain": domain(),
        "tracker": {
            "sender_id": "someone-elses-conversation",
            "slots": {
                "verify_purpose": "balance",
                "verify_reference": "CT40000005",
                "verify_postcode": "BR1 1AA",
                "verify_fact": None,
            },
            "latest_message": {"text": "yes", "intent": {"name": "affirm"}, "entities": []},
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


@pytest.mark.parametrize(
    "headers",
    [{}, {BOT_SECRET_HEADER: ""}, {BOT_SECRET_HEADER: secrets.token_urlsafe(48)}],
    ids=["no secret", "empty secret", "wrong secret"],
)
async def test_a_forged_webhook_call_is_refused_before_any_action_runs(
    served: tuple[SanicASGITestClient, MemoryVerificationStore],
    headers: dict[str, str],
) -> None:
    client, store = served
    _, answer = await client.post("/webhook", json=forged_verify_call(), headers=headers)
    assert answer.status == 401
    assert answer.json["error"] == "unauthorised"
    assert "verified_session" not in answer.text
    assert store.attempts == [] and store.grants == []
    _, listing = await client.get("/actions", headers=headers)
    assert listing.status == 401


@pytest.mark.filterwarnings("ignore:.*versions of rasa and rasa_sdk")
async def test_rasa_with_the_secret_reaches_the_actions(
    served: tuple[SanicASGITestClient, MemoryVerificationStore],
) -> None:
    client, store = served
    _, answer = await client.post(
        "/webhook", json=forged_verify_call(), headers={BOT_SECRET_HEADER: BOT_SECRET}
    )
    assert answer.status == 200
    assert len(store.attempts) == 1  # the same call, with the secret, reached the verifier


async def test_health_stays_open(
    served: tuple[SanicASGITestClient, MemoryVerificationStore],
) -> None:
    client, _ = served
    _, answer = await client.get("/healthz")
    assert answer.status in (200, 503)
    assert answer.json["service"] == "actions"


def test_an_identity_token_signed_with_the_published_key_shows_no_balance(
    bot: BotHarness,
) -> None:
    """Issue 10, finding 4: the placeholder key used to be the default, and its tokens worked."""
    reference = DEMO_IDENTITIES["council_tax"]["reference"]
    forged = mint_token(
        b"change-me-identity-signing-key", council_tax=[reference], now=bot.services.clock()
    )
    genuine = bot.token(council_tax=[reference])
    slots = {"account_kind": "council_tax", "verify_reference": reference}
    for token, shown in ((forged, False), (genuine, True)):
        result = bot.run(
            "action_show_balance",
            bot.tracker(metadata={"frontdoor_identity_token": token}, slots=slots),
        )
        assert (f"Council tax account {reference}" in result.text) is shown
        assert ("£" in result.text) is shown
