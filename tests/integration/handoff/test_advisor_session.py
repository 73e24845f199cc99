"""An advisor's REST write (the console sends every message so) checks the session,
the CSRF token and the role on every request, from the database: nothing is cached
between requests, so a session ended (on any instance), expired or idle, a user
deactivated or a role removed is refused on the very next request, and nothing of
it is stored. The session is read in one statement (``resolve_session``), once per
request (the CSRF check reads it; the role check reuses that answer)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from frontdoor.accounts import service
from frontdoor.accounts.models import AuthSession, User
from frontdoor.accounts.roles import Role
from tests.integration.handoff.conftest import Advisor, World, message, receive, until


@pytest.fixture
def chat(world: World) -> Iterator[tuple[Advisor, str]]:
    """Sam, available, has accepted a resident's chat."""
    sam = world.advisor("sam")
    sam.available()
    started = world.start()
    with world.resident_socket(started) as ws:
        receive(ws)
        ws.send_json(message("human please"))
        until(ws, lambda f: f.get("kind") in ("state", "notice"))
        cid = started["conversation_id"]
        assert sam.post(f"/conversations/{cid}/accept").status_code == 200
        yield sam, cid


def advisor_texts(world: World, cid: str) -> list[str]:
    """The advisor messages stored in the chat, as a supervisor reads them."""
    transcript = world.advisor("morgan").get(f"/conversations/{cid}/transcript")
    assert transcript.status_code == 200, transcript.text
    return [
        e["data"]["text"]
        for e in transcript.json()["events"]
        if e["kind"] == "message" and e["data"].get("author") == "advisor"
    ]


def session_row(world: World, advisor: Advisor) -> Any:
    with Session(world.engine) as db:
        return db.execute(
            select(AuthSession.expires_at, AuthSession.last_seen_at).where(
                AuthSession.id == service._token_id(advisor.cookie)
            )
        ).one_or_none()


def change(world: World, statement: Any) -> None:
    """What another instance, an admin page or the accounts CLI does meanwhile."""
    with Session(world.engine) as db:
        db.execute(statement)
        db.commit()


def sessions_of(advisor: Advisor) -> Any:
    return AuthSession.id == service._token_id(advisor.cookie)


REVOCATIONS = {
    "signed out elsewhere": (lambda a: AuthSession.__table__.delete().where(sessions_of(a)), 401),
    "expired": (
        lambda a: (
            update(AuthSession)
            .where(sessions_of(a))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        ),
        401,
    ),
    "idle too long": (
        lambda a: (
            update(AuthSession)
            .where(sessions_of(a))
            .values(last_seen_at=datetime.now(UTC) - service.SESSION_IDLE_LIMIT)
        ),
        401,
    ),
    "deactivated": (
        lambda a: update(User).where(User.id == a.user_id).values(is_active=False),
        401,
    ),
    "advisor role removed": (
        lambda a: update(User).where(User.id == a.user_id).values(roles=Role.EDITOR.value),
        403,
    ),
}


@pytest.mark.parametrize("how", list(REVOCATIONS))
def test_a_revoked_session_or_role_is_refused_on_the_next_write(
    world: World, chat: tuple[Advisor, str], how: str
) -> None:
    sam, cid = chat
    assert sam.say(cid, "first").status_code == 200
    statement, status = REVOCATIONS[how]
    change(world, statement(sam))
    refused = sam.say(cid, "second")
    assert refused.status_code == status, refused.text
    assert sam.post(f"/conversations/{cid}/typing", {"on": True}).status_code == status
    assert advisor_texts(world, cid) == ["first"]
    if how in ("expired", "idle too long"):
        assert session_row(world, sam) is None  # and the dead session is deleted


def test_a_write_without_the_right_csrf_token_is_refused_and_not_stored(
    world: World, chat: tuple[Advisor, str]
) -> None:
    sam, cid = chat
    for headers in (
        {"cookie": f"fd_session={sam.cookie}"},
        {"cookie": f"fd_session={sam.cookie}", "x-csrf-token": sam.csrf[:-1] + "x"},
    ):
        refused = world.client.post(
            f"/api/v1/advisor/conversations/{cid}/messages",
            json={"client_id": "c-1", "text": "forged"},
            headers=headers,
        )
        assert refused.status_code == 403 and refused.json()["error"] == "csrf_failed"
    assert advisor_texts(world, cid) == []


def test_a_session_seen_over_a_minute_ago_is_stamped_and_a_fresh_one_is_not(
    world: World, chat: tuple[Advisor, str]
) -> None:
    sam, cid = chat
    fresh = session_row(world, sam).last_seen_at
    assert sam.say(cid, "one").status_code == 200
    assert session_row(world, sam).last_seen_at == fresh
    stale = datetime.now(UTC) - timedelta(minutes=5)
    change(world, update(AuthSession).where(sessions_of(sam)).values(last_seen_at=stale))
    assert sam.say(cid, "two").status_code == 200
    assert session_row(world, sam).last_seen_at > stale + timedelta(minutes=4)


def test_resolve_session_names_the_users_teams_in_order(world: World) -> None:
    sam = world.advisor("sam")
    with Session(world.engine) as db:
        waste, first = service.ensure_team(db, "waste team"), service.ensure_team(db, "a first")
        user = db.get(User, sam.user_id)
        assert user is not None
        user.teams = [waste, first]
        db.commit()
        info = service.resolve_session(db, sam.cookie)
        assert info is not None
        assert info.user.teams == ("a first", "waste team")
        assert info.user.roles == frozenset({Role.ADVISOR}) and info.user.is_active
        assert info.csrf_token == sam.csrf and info.user.display_name == "Sam Okafor"
        priya = world.advisor("priya")  # no accounts team at all: still signed in
        alone = service.resolve_session(db, priya.cookie)
        assert alone is not None and alone.user.teams == ()
