"""Staff single sign-on against a real OpenID provider (authlib's server) on loopback.

The browser's part is played by an HTTP client that follows every redirect by
hand: to the provider (real HTTP) and back to the editor (the app under test).
Frontdoor's client fetches discovery, JWKS and tokens from the provider itself.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
from sqlalchemy import select

from frontdoor.accounts import service
from frontdoor.accounts.models import SsoState, User
from frontdoor.accounts.roles import Role
from frontdoor.audit import AuditAction, AuditEntry
from tests.integration.accounts.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, Running
from tests.integration.knowledge.conftest import CLOCK, NOW, PASSWORD, hashing_engine, make_settings

NOW_TS = int(NOW.timestamp())
CALLBACK = "http://testserver/editor/sso/callback"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    issuer = Provider(now=lambda: NOW_TS)
    issuer.client.redirect_uris = [CALLBACK, "http://testserver/console/sso/callback"]
    running = Running(issuer)
    try:
        yield issuer
    finally:
        running.stop()


@pytest.fixture
def idp(provider: Provider) -> Provider:
    """The provider reset to a good directory user for each test."""
    provider.now = lambda: NOW_TS
    provider.audience = None
    provider.lifetime = 300
    provider.codes.clear()
    provider.user = {
        "sub": "entra-object-id-1",
        "email": "sam.staff@example.gov.uk",
        "email_verified": True,
        "name": "Sam Staff",
        "roles": ["Frontdoor.Editors"],
        "groups": ["grp-waste", "grp-unmapped"],
    }
    return provider


@pytest.fixture
def sso_client(database, tmp_path, idp: Provider):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from knowledge.app import create_app

    settings = make_settings(
        database,
        tmp_path,
        FRONTDOOR_OIDC_ISSUER=idp.issuer,
        FRONTDOOR_OIDC_CLIENT_ID=CLIENT_ID,
        FRONTDOOR_OIDC_CLIENT_SECRET=CLIENT_SECRET,
        FRONTDOOR_OIDC_ROLE_MAP=json.dumps({"Frontdoor.Editors": "editor", "FD.DPO": "dpo"}),
        FRONTDOOR_OIDC_TEAM_MAP=json.dumps({"grp-waste": "Waste Services"}),
        FRONTDOOR_OIDC_ALLOWED_DOMAINS="example.gov.uk",
    )
    app = create_app(settings, search_engine=hashing_engine(), engine=database.engine, clock=CLOCK)
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def browse(client: Any, url: str) -> httpx.Response:
    """Follow redirects across the app (TestClient) and the provider (real HTTP)."""
    for _ in range(10):
        if urlsplit(url).netloc in ("", "testserver"):
            response = client.get(url, follow_redirects=False)
        else:
            response = httpx.get(url, follow_redirects=False)
        if response.status_code not in (302, 303, 307):
            return response
        url = urljoin(url, response.headers["location"])
    raise AssertionError("too many redirects")


def audit_entries(database, action: AuditAction) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    from frontdoor.db import make_session_factory

    with make_session_factory(database.engine)() as db:
        return list(db.scalars(select(AuditEntry).where(AuditEntry.action == action.value)))


def test_login_page_offers_the_council_button(sso_client) -> None:  # type: ignore[no-untyped-def]
    page = sso_client.get("/editor/login")
    assert "Sign in with your council account" in page.text
    assert 'href="/editor/sso?next=/editor"' in page.text


def test_sso_creates_the_account_with_mapped_role_and_team(sso_client, database) -> None:  # type: ignore[no-untyped-def]
    start = sso_client.get("/editor/sso?next=/editor/articles", follow_redirects=False)
    query = parse_qs(urlsplit(start.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]

    page = browse(sso_client, "http://testserver/editor/sso?next=/editor")
    assert page.status_code == 200, audit_entries(database, AuditAction.SIGN_IN_FAILED)[0].detail
    assert str(page.url).endswith("/editor")
    from frontdoor.db import make_session_factory

    with make_session_factory(database.engine)() as db:
        user = db.scalar(select(User).where(User.email == "sam.staff@example.gov.uk"))
        assert user is not None
        info = service.to_info(user)
        assert info.roles >= {Role.EDITOR}
        assert Role.ADMIN not in info.roles
        assert info.teams == ("Waste Services",)
        assert (
            user.sso_subject
            == f"http://127.0.0.1:{urlsplit(start.headers['location']).port} entra-object-id-1"
        )
        assert len(list(db.scalars(select(SsoState)))) == 1  # the used one is gone
    signed_in = audit_entries(database, AuditAction.SIGN_IN)
    assert [entry.actor for entry in signed_in] == ["sam.staff@example.gov.uk"]
    assert json.loads(signed_in[-1].detail)["method"] == "oidc"


def test_sso_links_an_existing_local_account_by_email(sso_client, database, idp) -> None:  # type: ignore[no-untyped-def]
    from frontdoor.db import make_session_factory

    with make_session_factory(database.engine)() as db:
        service.create_user(
            db, email="sam.staff@example.gov.uk", display_name="Sam", password=PASSWORD,
            roles=[Role.REVIEWER],
        )  # fmt: skip
        db.commit()
    idp.user["roles"] = ["Frontdoor.Editors", "FD.DPO"]
    page = browse(sso_client, "http://testserver/editor/sso")
    assert page.status_code == 200
    with make_session_factory(database.engine)() as db:
        users = list(db.scalars(select(User)))
        assert len(users) == 1
        roles = service.to_info(users[0]).roles
        assert roles >= {Role.EDITOR, Role.DPO} and Role.REVIEWER not in roles  # directory decides


@pytest.mark.parametrize(
    ("bend", "reason"),
    [
        (lambda idp: setattr(idp, "audience", "someone-else"), "id_token_invalid_claim"),
        (lambda idp: setattr(idp, "now", lambda: NOW_TS - 3600), "id_token_expired_token"),
        (
            lambda idp: idp.user.update(email="intruder@elsewhere.example"),
            "domain_not_allowed",
        ),
        (lambda idp: idp.user.update(email_verified=False), "email_unverified"),
        (lambda idp: idp.user.update(roles=["Not.Mapped"]), "no_role"),
    ],
    ids=["wrong-audience", "expired", "unknown-domain", "unverified-email", "no-role"],
)
def test_sso_refusals_sign_nobody_in_and_are_audited(  # type: ignore[no-untyped-def]
    sso_client, database, idp, bend, reason
) -> None:
    bend(idp)
    page = browse(sso_client, "http://testserver/editor/sso")
    assert page.status_code == 400
    assert "Sign-in failed." in page.text
    assert 'action="/editor/login"' in page.text  # on the sign-in page, password form ready
    assert "fd_session" not in sso_client.cookies
    assert sso_client.get("/editor", follow_redirects=False).status_code == 401
    failures = audit_entries(database, AuditAction.SIGN_IN_FAILED)
    assert [json.loads(entry.detail)["reason"] for entry in failures] == [reason]
    assert audit_entries(database, AuditAction.SIGN_IN) == []


def test_bad_or_reused_state_is_refused(sso_client, database, idp) -> None:  # type: ignore[no-untyped-def]
    start = sso_client.get("/editor/sso", follow_redirects=False)
    back = httpx.get(start.headers["location"], follow_redirects=False).headers["location"]
    forged = back.replace("state=", "state=x")
    assert sso_client.get(forged, follow_redirects=False).status_code == 400
    first = sso_client.get(back, follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/editor"
    sso_client.cookies.clear()
    replay = sso_client.get(back, follow_redirects=False)
    assert replay.status_code == 400
    reasons = [
        json.loads(e.detail)["reason"] for e in audit_entries(database, AuditAction.SIGN_IN_FAILED)
    ]
    assert reasons == ["bad_state", "bad_state"]


def test_expired_state_is_refused(sso_client, idp) -> None:  # type: ignore[no-untyped-def]
    del idp
    start = sso_client.get("/editor/sso", follow_redirects=False)
    back = httpx.get(start.headers["location"], follow_redirects=False).headers["location"]
    sso_client.app.state.accounts.sso._clock = lambda: NOW + timedelta(minutes=11)
    assert sso_client.get(back, follow_redirects=False).status_code == 400


def test_sso_off_means_no_button_and_404(database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from knowledge.app import create_app

    settings = make_settings(database, tmp_path)
    app = create_app(settings, search_engine=hashing_engine(), engine=database.engine, clock=CLOCK)
    with TestClient(app, base_url="http://testserver") as plain:
        assert "council account" not in plain.get("/editor/login").text
        assert plain.get("/editor/sso").status_code == 404


def test_the_advisor_console_signs_in_through_the_same_provider(database, idp) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.handoff.conftest import build_world

    idp.now = lambda: int(time.time())  # the console runs by the system clock
    idp.user["roles"] = ["Frontdoor.Advisors"]
    with contextlib.ExitStack() as stack:
        world = build_world(
            database, stack,
            FRONTDOOR_OIDC_ISSUER=idp.issuer, FRONTDOOR_OIDC_CLIENT_ID=CLIENT_ID,
            FRONTDOOR_OIDC_CLIENT_SECRET=CLIENT_SECRET,
            FRONTDOOR_OIDC_ROLE_MAP=json.dumps({"Frontdoor.Advisors": "advisor"}),
            FRONTDOOR_OIDC_ALLOWED_DOMAINS="example.gov.uk",
        )  # fmt: skip
        assert "Sign in with your council account" in world.client.get("/console/login").text
        page = browse(world.client, "http://testserver/console/sso")
        assert page.status_code == 200
        assert "Sam Staff" in page.text
        world.client.cookies.clear()
        refused = world.client.get("/console/sso/callback?state=forged&code=x")
        assert refused.status_code == 400 and "Sign-in failed." in refused.text


def test_an_unreachable_provider_is_a_clear_502(database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from frontdoor.localserver import free_port
    from knowledge.app import create_app

    settings = make_settings(
        database, tmp_path,
        FRONTDOOR_OIDC_ISSUER=f"http://127.0.0.1:{free_port()}",  # nobody listens
        FRONTDOOR_OIDC_CLIENT_ID=CLIENT_ID, FRONTDOOR_OIDC_CLIENT_SECRET=CLIENT_SECRET,
        FRONTDOOR_OIDC_ALLOWED_DOMAINS="example.gov.uk",
    )  # fmt: skip
    app = create_app(settings, search_engine=hashing_engine(), engine=database.engine, clock=CLOCK)
    with TestClient(app, base_url="http://testserver") as plain:
        page = plain.get("/editor/sso")
        assert page.status_code == 502
        assert "did not answer" in page.text


def test_single_sign_on_is_never_asked_for_a_code_even_when_required(sso_client, database) -> None:  # type: ignore[no-untyped-def]
    """Two-factor is for password sign-ins; the council's provider does SSO's second step."""
    from frontdoor.accounts import twofactor
    from frontdoor.db import make_session_factory

    with make_session_factory(database.engine)() as db:
        twofactor.set_required_for_everyone(db, required=True, actor="ada@example.gov.uk", now=NOW)
        db.commit()
    page = browse(sso_client, "http://testserver/editor/sso?next=/editor")
    assert page.status_code == 200 and str(page.url).endswith("/editor")
    assert "fd_pending" not in sso_client.cookies
    assert "Check your authenticator app" not in page.text
