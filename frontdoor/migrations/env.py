"""Alembic environment: runs on the connection frontdoor.migrate hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData

from frontdoor.migrate import component_metadata

config = context.config


def _target_metadata() -> list[MetaData]:
    return component_metadata()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from frontdoor.db import make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.connect() as connection:
            _run(connection)
        return
    _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=_target_metadata(),
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; use `frontdoor db upgrade`")
run_migrations_online()
