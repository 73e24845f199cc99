"""The operator CLI on real databases: one-line errors, non-zero exits, no half-written data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from frontdoor.db import check_database, make_engine
from frontdoor.exceptions import DatabaseError, SeedError
from frontdoor.migrate import check_heads, pending, upgrade
from frontdoor.seeding import seed_demo

ROOT = Path(__file__).resolve().parents[3]


def frontdoor(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDOOR_")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "frontdoor.cli", *args],
        env=full_env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_migrations_have_one_head_per_component():
    check_heads()


def test_upgrade_is_idempotent_and_leaves_nothing_pending(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    upgrade(engine)
    upgrade(engine)
    assert not pending(engine)


def test_corrupt_sqlite_file_is_reported_in_one_line(tmp_path):
    path = tmp_path / "broken.db"
    path.write_bytes(b"this is not a database, it is a shopping list\n" * 100)
    with pytest.raises(DatabaseError, match="not a valid SQLite database"):
        check_database(make_engine(f"sqlite:///{path}"))
    result = frontdoor(
        "db", "upgrade", env={"FRONTDOOR_DATABASE_URL": f"sqlite:///{path}"}, cwd=tmp_path
    )
    assert result.returncode == 1
    assert "not a valid SQLite database" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unreachable_postgres_names_the_variable(tmp_path):
    result = frontdoor(
        "db",
        "upgrade",
        env={"FRONTDOOR_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "FRONTDOOR_DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


def test_malformed_setting_stops_the_cli_with_the_variable_named(tmp_path):
    result = frontdoor("db", "upgrade", env={"FRONTDOOR_ENVIRONMENT": "staging"}, cwd=tmp_path)
    assert result.returncode == 1
    assert "FRONTDOOR_ENVIRONMENT" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_seed_refuses_a_non_empty_database_and_is_all_or_nothing(database, monkeypatch):
    assert seed_demo(database.engine, rng_seed=7, report=lambda _: None)
    with database.engine.connect() as connection:
        users = connection.execute(text("SELECT count(*) FROM auth_users")).scalar()
    assert users and users > 0
    with pytest.raises(SeedError, match="already holds data"):
        seed_demo(database.engine, rng_seed=7, report=lambda _: None)
    assert seed_demo(database.engine, rng_seed=7, if_empty=True, report=lambda _: None) is False


def test_a_failing_seeder_leaves_nothing_behind(database, monkeypatch):
    import frontdoor.seeding as seeding

    real = seeding.available_seeders()

    class Exploding:
        @staticmethod
        def is_empty(session):
            return True

        @staticmethod
        def seed(session, *, rng_seed, progress):
            raise RuntimeError("disk full")

    monkeypatch.setattr(seeding, "available_seeders", lambda: [real[0], ("exploding", Exploding)])
    with pytest.raises(RuntimeError):
        seed_demo(database.engine, rng_seed=7, report=lambda _: None)
    with database.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM auth_users")).scalar() == 0
