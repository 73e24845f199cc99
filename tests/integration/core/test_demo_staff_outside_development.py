"""The demo staff share a published password: never created outside development."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from frontdoor.exceptions import SeedError
from frontdoor.migrate import upgrade
from frontdoor.seeding import seed_demo
from frontdoor.settings import Environment
from tests.integration.core.test_cli import frontdoor


@pytest.mark.parametrize("environment", [Environment.TEST, Environment.PRODUCTION])
def test_the_seed_refuses_outside_development_and_creates_nobody(database, environment):  # type: ignore[no-untyped-def]
    with pytest.raises(SeedError) as refused:
        seed_demo(database.engine, rng_seed=7, report=lambda _: None, environment=environment)
    assert "only in development" in refused.value.message
    assert "frontdoor user create" in refused.value.message
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM auth_users")).scalar() == 0


def test_frontdoor_seed_in_production_says_why_in_one_line(tmp_path):  # type: ignore[no-untyped-def]
    from frontdoor.db import make_engine

    url = f"sqlite:///{tmp_path / 'frontdoor.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    result = frontdoor(
        "seed", env={"FRONTDOOR_DATABASE_URL": url, "FRONTDOOR_ENVIRONMENT": "production"},
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1
    assert "only in development" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
