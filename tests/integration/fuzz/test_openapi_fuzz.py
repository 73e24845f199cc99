"""Schemathesis against both OpenAPI schemas, in process (ASGI), on a migrated SQLite
database: anonymous and signed in, derandomised and bounded so it fits ``make test``.

Every operation gets generated requests, valid ones and invalid ones (schemathesis'
negative mode); none may answer 5xx, and answers to valid ones must match the
documented schema and content type.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)
from sqlalchemy.orm import Session

from frontdoor.accounts.service import start_session
from tests.conftest import DatabaseHandle

# Enough to reach every branch we found bugs in; the whole module stays near 1.5 minutes.
# Valid requests must also get documented answers; invalid ones only must not be 5xx.
RUNS = (
    (GenerationMode.POSITIVE, 12, [not_a_server_error, response_schema_conformance,
                                   content_type_conformance]),
    (GenerationMode.NEGATIVE, 6, [not_a_server_error]),
)  # fmt: skip


def _fuzz(schema: Any, *, headers: dict[str, str]) -> list[str]:
    """Run every operation; return one line per failure (operation and what failed)."""
    failures: list[str] = []
    for result in schema.get_all_operations():
        for mode, examples, checks in RUNS:
            failure = _fuzz_operation(result.ok(), mode, examples, checks, headers)
            if failure:
                failures.append(failure)
    return failures


def _fuzz_operation(
    operation: Any, mode: GenerationMode, examples: int, checks: list[Any], headers: dict[str, str]
) -> str:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=checks)

    try:
        run()
    except Unsatisfiable:
        return ""  # nothing in this operation can be made invalid (e.g. no parameters)
    except Exception as exc:  # collect every operation's failure, then fail
        return f"{operation.label} ({mode}): {str(exc)[:600]}"
    return ""


@pytest.fixture(scope="module")
def sqlite_handle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseHandle]:
    handle = DatabaseHandle("sqlite", tmp_path_factory.mktemp("fuzz")).migrate()
    try:
        yield handle
    finally:
        handle.drop()


# -- knowledge ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def knowledge(sqlite_handle: DatabaseHandle, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from knowledge.app import create_app
    from tests.integration.knowledge.conftest import API_TOKEN, hashing_engine, make_settings

    settings = make_settings(sqlite_handle, tmp_path_factory.mktemp("knowledge"))
    app = create_app(settings, search_engine=hashing_engine(), engine=sqlite_handle.engine)
    return app, API_TOKEN


def test_knowledge_api_anonymous(knowledge: Any) -> None:
    app, _ = knowledge
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    assert _fuzz(schema, headers={}) == []


def test_knowledge_api_with_a_service_token(knowledge: Any) -> None:
    app, token = knowledge
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    assert _fuzz(schema, headers={"authorization": f"Bearer {token}"}) == []


# -- handoff ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def handoff(sqlite_handle: DatabaseHandle) -> Iterator[tuple[Any, dict[str, str]]]:
    from tests.integration.handoff.conftest import build_world

    with contextlib.ExitStack() as stack:
        world = build_world(sqlite_handle, stack)
        with Session(sqlite_handle.engine) as session:
            issued = start_session(session, user_id=world.ids["morgan"])  # a supervisor
            session.commit()
        headers = {"cookie": f"fd_session={issued.token}", "x-csrf-token": issued.csrf_token}
        yield world.app, headers


def test_handoff_api_anonymous(handoff: Any) -> None:
    app, _ = handoff
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    assert _fuzz(schema, headers={}) == []


def test_handoff_api_signed_in_as_a_supervisor(handoff: Any) -> None:
    app, headers = handoff
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    assert _fuzz(schema, headers=headers) == []
