"""A composed handoff service on a real database, with fake bot, back office,
identity and knowledge search, driven through starlette's TestClient (HTTP
and websockets in one event loop)."""

from __future__ import annotations

import contextlib
import functools
import json
import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

import anyio
import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from backoffice.memory import fake_with_loader
from frontdoor.accounts import service as accounts_service
from frontdoor.accounts.roles import Role
from frontdoor.accounts.service import create_user, start_session
from handoff import models as m
from handoff.app import create_app
from handoff.bot import FakeBot
from handoff.identity import FakeIdentityVerifier, VerifiedResident
from handoff.search import Article, FakeKnowledgeSearch
from handoff.settings import HandoffSettings

ORIGIN = "http://localhost:8000"
PASSWORD = "correct horse battery staple"
STAFF = {
    "sam": ("sam@example.gov.uk", "Sam Okafor", (Role.ADVISOR,), ("general", "waste")),
    "priya": ("priya@example.gov.uk", "Priya Nair", (Role.ADVISOR,), ("general", "housing")),
    "morgan": ("morgan@example.gov.uk", "Morgan Hale", (Role.SUPERVISOR,), ("general",)),
    "eddie": ("eddie@example.gov.uk", "Eddie Marsh", (Role.EDITOR,), ()),
}
TEAMS = (
    ("waste", "Waste and recycling", "waste,bins"),
    ("housing", "Housing", "housing,rent"),
    ("general", "Customer services", "general"),
)


@functools.cache
def _one_hash() -> str:
    return accounts_service.hash_password(PASSWORD)


def seed_world(engine, hours: str = "always") -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Teams open ``hours``, and the staff above (argon2 is slow: hash once per session)."""
    ids = {}
    hashed = _one_hash()
    with (
        Session(engine) as session,
        mock.patch.object(accounts_service, "hash_password", lambda _password: hashed),
    ):
        for order, (slug, name, skills) in enumerate(TEAMS):
            session.execute(
                insert(m.teams).values(
                    slug=slug,
                    name=name,
                    skills=skills,
                    opening_hours=hours,
                    routing_mode="direct",
                    sort_order=order,
                )
            )
        for key, (email, name, roles, teams) in STAFF.items():
            user = create_user(
                session, email=email, display_name=name, password=PASSWORD, roles=roles
            )
            ids[key] = user.id
            for slug in teams:
                session.execute(insert(m.team_members).values(team_slug=slug, user_id=user.id))
        session.commit()
    return ids


# Fresh per test run, never published (frontdoor.secrets refuses published values).
TEST_SECRETS = {
    "FRONTDOOR_SECRET_KEY": secrets.token_urlsafe(48),
    "FRONTDOOR_IDENTITY_SIGNING_KEY": secrets.token_urlsafe(48),
    "FRONTDOOR_BOT_SECRET": secrets.token_urlsafe(48),
}


def settings_for(url: str, **extra: str) -> HandoffSettings:
    return HandoffSettings.load(
        {
            "FRONTDOOR_DATABASE_URL": url,
            "FRONTDOOR_ENVIRONMENT": "test",
            **TEST_SECRETS,
            "FRONTDOOR_HANDOFF_ACCEPT_TIMEOUT_SECONDS": "30",
            "FRONTDOOR_HANDOFF_DISPATCH_INTERVAL_SECONDS": "0.2",
            **extra,
        }
    )


def receive(ws: Any, timeout: float = 5.0) -> dict[str, Any]:
    """The next frame other than a server ping; fails instead of hanging."""
    while True:

        async def get() -> Any:
            with anyio.fail_after(timeout):
                return await ws._send_rx.receive()

        message = ws.portal.call(get)
        if message["type"] == "websocket.close":
            return {"type": "__closed__", "code": message.get("code")}
        frame = json.loads(message["text"])
        if frame.get("type") != "ping":
            return frame


def until(
    ws: Any, predicate: Any, timeout: float = 5.0, limit: int = 200
) -> tuple[dict, list[dict]]:
    """Read frames until one matches; return it and everything read before it."""
    seen: list[dict] = []
    for _ in range(limit):
        frame = receive(ws, timeout)
        if predicate(frame):
            return frame, seen
        seen.append(frame)
        if frame["type"] == "__closed__":
            break
    raise AssertionError(f"no matching frame; saw {seen}")


def is_event(kind: str, **data: Any) -> Any:
    return lambda f: (
        f.get("type") == "event"
        and f["kind"] == kind
        and all(f["data"].get(k) == v for k, v in data.items())
    )


@dataclass
class Advisor:
    world: World
    user_id: int
    cookie: str
    csrf: str

    @property
    def headers(self) -> dict[str, str]:
        return {"cookie": f"fd_session={self.cookie}", "x-csrf-token": self.csrf}

    def get(self, path: str, **kw: Any) -> Any:
        return self.world.client.get(f"/api/v1/advisor{path}", headers=self.headers, **kw)

    def post(self, path: str, body: dict | None = None) -> Any:
        return self.world.client.post(
            f"/api/v1/advisor{path}", json=body or {}, headers=self.headers
        )

    def available(self) -> None:
        response = self.world.client.put(
            "/api/v1/advisor/availability", json={"status": "available"}, headers=self.headers
        )
        assert response.status_code == 200, response.text

    def socket(self, query: str = "") -> Any:
        return self.world.client.websocket_connect(
            f"/ws/advisor{query}", headers={"origin": ORIGIN, "cookie": f"fd_session={self.cookie}"}
        )

    def say(self, conversation_id: str, text: str) -> Any:
        return self.post(
            f"/conversations/{conversation_id}/messages",
            {"client_id": uuid.uuid4().hex, "text": text},
        )


@dataclass
class World:
    client: TestClient
    app: Any
    bot: FakeBot
    backoffice: Any
    search: FakeKnowledgeSearch
    ids: dict[str, int]
    engine: Any
    loader: Any = None
    advisors: dict[str, Advisor] = field(default_factory=dict)

    def start(self, **body: Any) -> dict[str, Any]:
        response = self.client.post(
            "/api/v1/conversations",
            json={"language": "en", "page_url": "http://localhost:8000/bins", **body},
            headers={"origin": ORIGIN},
        )
        assert response.status_code == 201, response.text
        return response.json()

    def resident_socket(self, started: dict[str, Any], cursor: int = 0) -> Any:
        return self.client.websocket_connect(
            f"/ws/resident?conversation_id={started['conversation_id']}"
            f"&token={started['conversation_token']}&cursor={cursor}",
            headers={"origin": ORIGIN},
        )

    def advisor(self, key: str) -> Advisor:
        if key not in self.advisors:
            with Session(self.engine) as session:
                issued = start_session(session, user_id=self.ids[key])
                session.commit()
            self.advisors[key] = Advisor(self, self.ids[key], issued.token, issued.csrf_token)
        return self.advisors[key]


def message(text: str, client_id: str | None = None, **extra: Any) -> dict[str, Any]:
    return {"type": "message", "client_id": client_id or uuid.uuid4().hex, "text": text, **extra}


def build_world(
    database,
    stack: contextlib.ExitStack,
    *,
    hours: str = "always",
    intervals: dict[str, float] | None = None,
    backoffice: Any = None,
    waker: Any = None,
    clock: Any = None,
    **settings: str,
) -> World:  # type: ignore[no-untyped-def]
    """``backoffice``: default the in-memory fake (``world.loader`` fills it); pass the
    SQL one (``demo_backoffice(database.engine)``) to test what the product runs.
    ``waker``: the wake-up channel, when a test needs its own (default: from settings).
    ``clock``: the service's clock, when the test moves time itself."""
    ids = seed_world(database.engine, hours)
    bot = FakeBot()
    loader = None
    if backoffice is None:
        backoffice, loader = fake_with_loader()
    search = FakeKnowledgeSearch(
        [Article("Bin collection days", "http://localhost:8000/en/bins", "Find your bin day.")]
    )
    identity = FakeIdentityVerifier(
        {"verified-token": VerifiedResident("R-1", "Alex Smith", ("CT40012345",))}
    )
    app = create_app(
        settings_for(database.url, **settings),
        bot=bot,
        backoffice=backoffice,
        search=search,
        identity=identity,
        engine=database.engine,
        waker=waker,
        **({"clock": clock} if clock is not None else {}),
        intervals={
            "poll_interval": 0.2,
            "views_interval": 0.3,
            "presence_interval": 0.3,
            "recovery_interval": 0.5,
            **(intervals or {}),
        },
    )
    client = stack.enter_context(TestClient(app))
    return World(client, app, bot, backoffice, search, ids, database.engine, loader)


@pytest.fixture
def world(database) -> Iterator[World]:  # type: ignore[no-untyped-def]
    with contextlib.ExitStack() as stack:
        yield build_world(database, stack)


@pytest.fixture
def quick_world(database) -> Iterator[World]:  # type: ignore[no-untyped-def]
    """Offers lapse after 1 s and a vanished advisor is given up after 1.5 s."""
    with contextlib.ExitStack() as stack:
        yield build_world(
            database,
            stack,
            FRONTDOOR_HANDOFF_ACCEPT_TIMEOUT_SECONDS="1",
            FRONTDOOR_HANDOFF_ADVISOR_GRACE_SECONDS="1.5",
        )


@pytest.fixture
def closed_world(database) -> Iterator[World]:  # type: ignore[no-untyped-def]
    """Every team is out of hours."""
    with contextlib.ExitStack() as stack:
        yield build_world(database, stack, hours="never")
