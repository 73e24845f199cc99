"""No blocking call inside an ``async def`` route or dependency.

An ``async def`` endpoint runs on the event loop: a database query, an argon2
hash or a search sync there stalls every other request and websocket of the
service. Blocking work belongs in a plain ``def`` route (FastAPI runs it in a
threadpool) or behind ``anyio.to_thread.run_sync``. This walks the routes of the
knowledge and handoff apps, parses each ``async def`` endpoint and dependency
with ``ast`` and fails on a call to a known blocking function, or a call that
is handed the database session. It is a tripwire, not a proof: it sees only
the function's own body.
"""

from __future__ import annotations

import ast
import inspect
import secrets
import textwrap
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from tests.conftest import DatabaseHandle

BLOCKING = frozenset(
    {
        # SQLAlchemy sessions, connections and engines
        "execute", "scalar", "scalars", "scalar_one", "commit", "rollback", "flush",
        "connect", "begin",
        # accounts: argon2 and the session table
        "hash_password", "verify_password", "resolve_session", "current", "current_from_cookie",
        "login", "logout",
        # search index and files
        "sync", "sync_now", "read_text", "write_text", "read_bytes", "write_bytes",
    }
)  # fmt: skip
SESSION_NAMES = frozenset({"session", "db", "connection", "conn"})


def blocking_calls(function: Callable[..., Any]) -> list[str]:
    """The blocking calls in ``function``'s own source, as ``line: name``."""
    source = textwrap.dedent(inspect.getsource(inspect.unwrap(function)))
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        given_session = any(
            isinstance(arg, ast.Name) and arg.id in SESSION_NAMES
            for arg in [*node.args, *(keyword.value for keyword in node.keywords)]
        )
        if name in BLOCKING or given_session:
            found.append(f"{node.lineno}: {name}")
    return found


def _dependency_calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _dependency_calls(dependency)


def _api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        included = getattr(route, "original_router", None)  # FastAPI's lazily included routers
        if included is not None:
            yield from _api_routes(included.routes)


def async_callables(app: FastAPI) -> dict[str, Callable[..., Any]]:
    """Every ``async def`` endpoint and dependency of ``app``'s HTTP routes, by name."""
    found: dict[str, Callable[..., Any]] = {}
    for route in _api_routes(app.routes):
        for call in [route.endpoint, *_dependency_calls(route.dependant)]:
            if inspect.iscoroutinefunction(inspect.unwrap(call)):
                found[f"{call.__module__}.{call.__qualname__}"] = call
    return found


@pytest.fixture
def apps(sqlite_database: DatabaseHandle, tmp_path: Path) -> list[FastAPI]:
    from handoff.app import create_app as create_handoff
    from handoff.settings import HandoffSettings
    from knowledge.app import create_app as create_knowledge
    from knowledge.settings import KnowledgeSettings

    url, engine = sqlite_database.url, sqlite_database.engine
    knowledge = KnowledgeSettings.load(
        {
            "FRONTDOOR_ENVIRONMENT": "test",
            "FRONTDOOR_SECRET_KEY": secrets.token_urlsafe(48),
            "FRONTDOOR_DATABASE_URL": url,
            "FRONTDOOR_VAR_DIR": str(tmp_path / "var"),
            "FRONTDOOR_KNOWLEDGE_BACKGROUND_TASKS": "false",
            "FRONTDOOR_KNOWLEDGE_EMBEDDER": "hashing",
        }
    )
    handoff = HandoffSettings.load(
        {
            "FRONTDOOR_ENVIRONMENT": "test",
            "FRONTDOOR_DATABASE_URL": url,
            "FRONTDOOR_SECRET_KEY": secrets.token_urlsafe(48),
            "FRONTDOOR_IDENTITY_SIGNING_KEY": secrets.token_urlsafe(48),
            "FRONTDOOR_BOT_SECRET": secrets.token_urlsafe(48),
        }
    )
    return [create_knowledge(knowledge, engine=engine), create_handoff(handoff, engine=engine)]


def test_no_async_route_or_dependency_calls_blocking_work(apps: list[FastAPI]) -> None:
    inspected: dict[str, Callable[..., Any]] = {}
    for app in apps:
        inspected.update(async_callables(app))
    # not vacuous: the handoff API and the CSRF check are async by design
    assert "handoff.api.send_message" in inspected
    assert "frontdoor.accounts.web.require_csrf" in inspected
    offenders = {name: calls for name, call in inspected.items() if (calls := blocking_calls(call))}
    assert offenders == {}, "blocking work in async def; use def or anyio.to_thread.run_sync"


async def _bad_route(session: Any, request: Any) -> None:
    form = await request.form()
    session.execute(form)
    record_something(session)


def record_something(session: Any) -> None:
    """A sample callee for the control test: handed the session, so counted as blocking
    whatever it does (the check reads call sites, not bodies)."""


def test_the_check_sees_blocking_calls() -> None:
    assert blocking_calls(_bad_route) == ["3: execute", "4: record_something"]
