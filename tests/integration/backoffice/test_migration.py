"""The backoffice migration branch goes down and up again on both backends."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from frontdoor.migrate import alembic_config


def _tables(engine) -> set[str]:  # type: ignore[no-untyped-def]
    return {name for name in inspect(engine).get_table_names() if name.startswith("bo_")}


def test_downgrade_and_upgrade_the_backoffice_branch(database) -> None:  # type: ignore[no-untyped-def]
    engine = database.engine
    assert len(_tables(engine)) == 24
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "backoffice@base")
    assert _tables(engine) == set()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "backoffice@head")
    assert len(_tables(engine)) == 24
    with engine.connect() as connection:
        holidays = connection.execute(text("SELECT count(*) FROM bo_bank_holidays")).scalar()
        counters = dict(connection.execute(text("SELECT name, value FROM bo_sequences")).all())
    assert holidays == 16
    assert counters == {"case": 100000, "bulky": 200000}
