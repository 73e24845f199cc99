"""The tables the code declares are the tables the migrations build, on both backends.

Alembic's autogenerate comparison (types included) of every component's
metadata against a freshly migrated database must find nothing to do: a column
type change (such as core's ``AwareDateTime``) that needed a migration would
show up here.
"""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, String

from frontdoor.migrate import component_metadata
from tests.conftest import DatabaseHandle


def _combined() -> MetaData:
    combined = MetaData()
    for metadata in component_metadata():
        for table in metadata.tables.values():
            table.to_metadata(combined)
    return combined


def _differences(database: DatabaseHandle, target: MetaData) -> list[object]:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "include_object": lambda _obj, name, kind, _reflected, _to: (
                    not (kind == "table" and (name or "").startswith("alembic_"))
                ),
            },
        )
        return list(compare_metadata(context, target))


def test_models_match_migrations(database: DatabaseHandle) -> None:
    target = _combined()
    assert "ho_events" in target.tables and "kb_articles" in target.tables
    assert _differences(database, target) == []


def test_the_comparison_sees_a_changed_column_type(database: DatabaseHandle) -> None:
    target = _combined()
    target.tables["ho_events"].c.at.type = String(40)
    differences = _differences(database, target)
    assert len(differences) == 1
    assert "modify_type" in repr(differences[0]) and "'at'" in repr(differences[0])
