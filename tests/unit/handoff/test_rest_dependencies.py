"""The advisors' and supervisors' REST routes resolve their dependencies on the event
loop. FastAPI hands every plain ``def`` dependency to a worker thread: the console's
every message paid three such hops (the role check, the staff member, the desk)
beside the session's own read. Only ``AccountsGate.resolve`` goes to a thread, once
a request, for the database."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from handoff import api


def dependency_calls(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from dependency_calls(dependency)


ROUTES = [
    route
    for router in (api.advisors, api.supervisors)
    for route in router.routes
    if isinstance(route, APIRoute)
]


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: f"{sorted(r.methods)[0]} {r.path}")
def test_every_dependency_of_a_staff_route_runs_on_the_event_loop(route: APIRoute) -> None:
    calls = list(dependency_calls(route.dependant))
    assert calls, "a staff route with no session check"
    handed_to_a_thread = [c.__qualname__ for c in calls if not inspect.iscoroutinefunction(c)]
    assert handed_to_a_thread == []


def test_the_routes_that_write_check_the_csrf_token_first() -> None:
    from frontdoor.accounts.web import require_csrf

    for route in ROUTES:
        if route.methods & {"POST", "PUT"}:
            assert route.dependant.dependencies[0].call is require_csrf, route.path
