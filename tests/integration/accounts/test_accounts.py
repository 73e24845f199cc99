"""Accounts on a real database: users, throttling, sessions, the web gate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from frontdoor.accounts import seed as accounts_seed
from frontdoor.accounts import service
from frontdoor.accounts.exceptions import (
    InvalidCredentials,
    LoginThrottled,
    UserExists,
    WeakPassword,
)
from frontdoor.accounts.models import User
from frontdoor.accounts.roles import Role
from frontdoor.accounts.web import (
    AccountsGate,
    install_error_handlers,
    require_csrf,
    require_roles,
    safe_next,
)
from frontdoor.db import make_session_factory

PASSWORD = "correct horse battery"


@pytest.fixture
def factory(database):
    return make_session_factory(database.engine)


def make_user(factory, email="ed@example.org", roles=(Role.EDITOR,), teams=("Waste Services",)):
    with factory() as db:
        user = service.create_user(
            db, email=email, display_name="Ed Itor", password=PASSWORD, roles=roles, teams=teams
        )
        db.commit()
    return user


def test_password_is_hashed_with_argon2_and_login_works(factory):
    created = make_user(factory)
    with factory() as db:
        stored = db.scalar(select(User).where(User.email == "ed@example.org"))
        assert stored.password_hash.startswith("$argon2")
        assert PASSWORD not in stored.password_hash
        user = service.authenticate(db, email=" ED@example.org ", password=PASSWORD)
    assert user.id == created.id
    assert user.teams == ("Waste Services",)
    assert user.has_role(Role.EDITOR) and not user.has_role(Role.REVIEWER)


def test_wrong_password_and_unknown_email_get_the_same_error(factory):
    make_user(factory)
    with factory() as db:
        with pytest.raises(InvalidCredentials) as wrong:
            service.authenticate(db, email="ed@example.org", password="nope")
        with pytest.raises(InvalidCredentials) as unknown:
            service.authenticate(db, email="who@example.org", password="nope")
    assert wrong.value.message == unknown.value.message


def test_duplicate_and_weak_users_are_refused(factory):
    make_user(factory)
    with factory() as db:
        with pytest.raises(UserExists):
            service.create_user(
                db, email="ED@example.org", display_name="x", password=PASSWORD, roles=()
            )
        with pytest.raises(WeakPassword):
            service.create_user(
                db, email="new@example.org", display_name="x", password="short", roles=()
            )


def test_a_client_is_throttled_after_repeated_failures_even_with_the_right_password(factory):
    make_user(factory)
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    with factory() as db:
        for _ in range(service.MAX_FAILURES_PER_CLIENT_ACCOUNT):
            with pytest.raises(InvalidCredentials):
                service.authenticate(
                    db, email="ed@example.org", password="bad", client_ip="10.0.0.1", now=now
                )
        with pytest.raises(LoginThrottled) as throttled:
            service.authenticate(
                db, email="ed@example.org", password=PASSWORD, client_ip="10.0.0.1", now=now
            )
        assert throttled.value.retry_after == service.THROTTLE_WINDOW.total_seconds()
        # the staff member at their own desk is not locked out by someone else's guesses
        assert service.authenticate(
            db, email="ed@example.org", password=PASSWORD, client_ip="10.9.9.9", now=now
        )
        later = now + service.THROTTLE_WINDOW + timedelta(seconds=1)
        assert service.authenticate(
            db, email="ed@example.org", password=PASSWORD, client_ip="10.0.0.1", now=later
        )


def test_sessions_resolve_expire_and_end(factory):
    user = make_user(factory)
    with factory() as db:
        issued = service.start_session(db, user_id=user.id)
        db.commit()
        info = service.resolve_session(db, issued.token)
        assert info is not None and info.user.email == user.email
        assert service.resolve_session(db, "forged-token") is None
        idle = datetime.now(UTC) + service.SESSION_IDLE_LIMIT + timedelta(seconds=1)
        assert service.resolve_session(db, issued.token, now=idle) is None
        second = service.start_session(db, user_id=user.id)
        service.end_session(db, second.token)
        assert service.resolve_session(db, second.token) is None


def test_implied_roles():
    admin = service.UserInfo(1, "a@x", "A", frozenset({Role.ADMIN}), (), True)
    supervisor = service.UserInfo(2, "s@x", "S", frozenset({Role.SUPERVISOR}), (), True)
    assert admin.has_role(Role.REVIEWER) and admin.has_role(Role.EDITOR)
    assert supervisor.has_role(Role.ADVISOR) and not supervisor.has_role(Role.EDITOR)


def test_demo_seed_creates_every_role(factory):
    with factory() as db:
        assert accounts_seed.is_empty(db)
        accounts_seed.seed(db, rng_seed=1)
        db.commit()
        assert not accounts_seed.is_empty(db)
        roles = {role for user in service.list_users(db) for role in user.roles}
    assert roles == set(Role)


def _app(factory) -> FastAPI:
    app = FastAPI()
    app.state.accounts = AccountsGate(factory, secure_cookies=False)
    install_error_handlers(app, login_path="/login")

    @app.post("/login")
    def login(email: str, password: str):
        from fastapi import Response

        response = Response()
        info = app.state.accounts.login(
            response, email=email, password=password, client_ip="127.0.0.1", user_agent="t"
        )
        response.headers["x-csrf"] = info.csrf_token
        return response

    @app.get("/api/editor-only")
    def editor_only(info=Depends(require_roles(Role.EDITOR))):
        return {"email": info.user.email}

    @app.post("/api/change", dependencies=[Depends(require_csrf)])
    def change():
        return {"ok": True}

    return app


def test_web_gate_401_403_csrf_and_cookie_flags(factory):
    make_user(factory, email="ed@example.org", roles=(Role.EDITOR,))
    make_user(factory, email="adv@example.org", roles=(Role.ADVISOR,))
    client = TestClient(_app(factory))
    assert client.get("/api/editor-only").status_code == 401

    response = client.post("/login", params={"email": "adv@example.org", "password": PASSWORD})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/api/editor-only").status_code == 403

    client.cookies.clear()
    response = client.post("/login", params={"email": "ed@example.org", "password": PASSWORD})
    csrf = response.headers["x-csrf"]
    assert client.get("/api/editor-only").json() == {"email": "ed@example.org"}
    assert client.post("/api/change").status_code == 403
    assert client.post("/api/change", headers={"x-csrf-token": "wrong"}).status_code == 403
    assert client.post("/api/change", headers={"x-csrf-token": csrf}).json() == {"ok": True}


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/editor/articles", "/editor/articles"),
        ("//evil.example", "/"),
        ("https://evil", "/"),
        (None, "/"),
        ("/\\evil", "/"),
    ],
)
def test_safe_next(target, expected):
    assert safe_next(target, "/") == expected
