"""Published placeholder secrets open nothing (issue 10, finding 4).

On a default install an identity token signed with the documented placeholder
key showed a balance, and a conversation token made with the placeholder
secret was accepted by the socket. Now no published value can be configured
(tests/unit/core/test_secrets.py), and what an attacker makes with one is
refused by a service running on its own generated secrets.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
from itsdangerous import URLSafeSerializer
from starlette.testclient import TestClient

from backoffice.identity import mint_token
from backoffice.memory import fake_with_loader
from frontdoor.exceptions import ConfigurationError
from handoff.app import create_app
from handoff.bot import FakeBot
from handoff.identity import CONVERSATION_SALT
from handoff.settings import HandoffSettings
from tests.integration.handoff.conftest import (
    ORIGIN,
    PASSWORD,
    STAFF,
    TEST_SECRETS,
    receive,
    seed_world,
    settings_for,
)

PUBLISHED_IDENTITY_KEY = "change-me-identity-signing-key"
PUBLISHED_SECRET_KEY = "change-me-in-production"


@pytest.fixture
def client(database) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    """The real identity verifier and conversation tokens, on generated secrets."""
    seed_world(database.engine)
    backoffice, _ = fake_with_loader()
    app = create_app(
        settings_for(database.url), bot=FakeBot(), backoffice=backoffice, engine=database.engine
    )
    with contextlib.ExitStack() as stack:
        yield stack.enter_context(TestClient(app))


@pytest.mark.parametrize("environment", ["development", "test", "production"])
def test_the_service_will_not_start_on_a_published_key(environment: str) -> None:
    for variable, published in (
        ("FRONTDOOR_IDENTITY_SIGNING_KEY", PUBLISHED_IDENTITY_KEY),
        ("FRONTDOOR_SECRET_KEY", PUBLISHED_SECRET_KEY),
    ):
        environ = {**TEST_SECRETS, "FRONTDOOR_ENVIRONMENT": environment, variable: published}
        with pytest.raises(ConfigurationError) as refused:
            HandoffSettings.load(environ)
        assert refused.value.message.startswith(variable)


def test_an_identity_token_signed_with_the_published_key_verifies_nobody(client, database):  # type: ignore[no-untyped-def]
    forged = mint_token(PUBLISHED_IDENTITY_KEY.encode(), council_tax=("CT40000005",), minutes=30)
    started = client.post("/api/v1/conversations", json={"identity_token": forged})
    assert started.status_code == 201
    conversation = client.app.state.handoff.store.get(started.json()["conversation_id"])
    assert not conversation.verified and conversation.references == ()
    genuine = mint_token(
        TEST_SECRETS["FRONTDOOR_IDENTITY_SIGNING_KEY"].encode(),
        council_tax=("CT40000005",),
        minutes=30,
    )
    started = client.post("/api/v1/conversations", json={"identity_token": genuine})
    conversation = client.app.state.handoff.store.get(started.json()["conversation_id"])
    assert conversation.references == ("CT40000005",)  # the same request, correctly signed


def test_a_conversation_token_made_with_the_published_secret_is_refused(client):  # type: ignore[no-untyped-def]
    started = client.post("/api/v1/conversations", json={}).json()
    conversation_id = started["conversation_id"]
    forged = URLSafeSerializer(PUBLISHED_SECRET_KEY, salt=CONVERSATION_SALT).dumps(conversation_id)
    with client.websocket_connect(
        f"/ws/resident?conversation_id={conversation_id}&token={forged}",
        headers={"origin": ORIGIN},
    ) as ws:
        assert receive(ws) == {"type": "__closed__", "code": 4403}
    answer = client.get(
        f"/api/v1/conversations/{conversation_id}/transcript",
        headers={"authorization": f"Bearer {forged}"},
    )
    assert answer.status_code == 403


@pytest.mark.parametrize(
    ("public_url", "secure"),
    [("https://chat.bramblefield.gov.uk", True), ("http://localhost:8001", False)],
)
def test_the_staff_session_cookie_is_secure_whenever_the_public_url_is_https(  # type: ignore[no-untyped-def]
    database, public_url, secure
):
    seed_world(database.engine)
    backoffice, _ = fake_with_loader()
    settings = settings_for(database.url, FRONTDOOR_PUBLIC_URL=public_url)
    app = create_app(settings, bot=FakeBot(), backoffice=backoffice, engine=database.engine)
    with TestClient(app, base_url="https://testserver") as client:
        email = STAFF["sam"][0]
        answer = client.post(
            "/console/login",
            data={"email": email, "password": PASSWORD},
            follow_redirects=False,
        )
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("fd_session=")
    assert ("secure" in cookie.lower()) is secure
