"""handoff.seed (called by `frontdoor seed`), the CLI group and /healthz."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from frontdoor.accounts import seed as accounts_seed
from handoff import models as m
from handoff import seed
from handoff.cli import app


class Progress:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []
        self.updates = 0

    def __call__(self, label: str, total: int) -> Progress:
        self.calls.append((label, total))
        return self

    def update(self, n: int) -> None:
        self.updates += n

    def close(self) -> None:
        pass


def test_seed_teams_hours_and_demo_memberships(database, monkeypatch):
    from tests.integration.handoff.conftest import _one_hash

    monkeypatch.setattr(accounts_seed, "create_user", _fast_create_user(_one_hash()))
    with Session(database.engine) as session:
        accounts_seed.seed(session, rng_seed=1)
        assert seed.is_empty(session)
        progress = Progress()
        summary = seed.seed(session, rng_seed=1, progress=progress)
        session.commit()
    assert summary == "handoff: 6 teams, 13 advisor team memberships"
    assert progress.updates == progress.calls[0][1]
    with Session(database.engine) as session:
        assert not seed.is_empty(session)
        slugs = session.scalars(select(m.teams.c.slug)).all()
        assert set(slugs) == {"waste", "revenues", "housing", "planning", "general", "cymraeg"}
        advisors = session.execute(select(m.advisors.c.display_name)).scalars().all()
        assert "Sam Okafor" in advisors and "Morgan Hale" in advisors


def _fast_create_user(hashed):  # type: ignore[no-untyped-def]
    from unittest import mock

    from frontdoor.accounts import service

    def create(*args, **kwargs):  # type: ignore[no-untyped-def]
        with mock.patch.object(service, "hash_password", lambda _p: hashed):
            return service.create_user(*args, **kwargs)

    return create


def test_cli_lists_teams_and_changes_hours(database, monkeypatch):
    from tests.integration.handoff.conftest import seed_world

    seed_world(database.engine)
    monkeypatch.setenv("FRONTDOOR_DATABASE_URL", database.url)
    runner = CliRunner()
    listed = runner.invoke(app, ["teams"])
    assert listed.exit_code == 0 and "waste" in listed.output
    changed = runner.invoke(app, ["set-hours", "waste", "mon-fri 08:00-18:00"])
    assert changed.exit_code == 0 and "Mon–Fri 08:00–18:00" in changed.output  # noqa: RUF001
    bad = runner.invoke(app, ["set-hours", "waste", "whenever"])
    assert bad.exit_code == 1
    assert runner.invoke(app, ["set-mode", "waste", "pool"]).exit_code == 0
    assert runner.invoke(app, ["set-mode", "waste", "sometimes"]).exit_code == 1
    capped = runner.invoke(app, ["set-cap", "sam@example.gov.uk", "5"])
    assert capped.exit_code == 0
    with database.engine.connect() as conn:
        assert conn.execute(select(m.advisors.c.cap)).scalar() == 5


def test_healthz_reports_each_dependency(world):
    health = world.client.get("/healthz").json()
    assert health["service"] == "handoff" and health["status"] == "ok"
    assert health["dependencies"]["database"]["status"] == "ok"
    assert health["dependencies"]["redis"] == {"status": "not configured"}
    assert health["dependencies"]["bot"]["status"] == "ok"


def test_the_website_may_start_conversations_across_origins(world):
    preflight = world.client.options(
        "/api/v1/conversations",
        headers={
            "origin": "http://localhost:8000",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:8000"
    foreign = world.client.options(
        "/api/v1/conversations",
        headers={"origin": "https://evil.example", "access-control-request-method": "POST"},
    )
    assert "access-control-allow-origin" not in foreign.headers
