"""The component registry: every component is imported, named once, and matches
its migrations folder and branch label."""

from __future__ import annotations

from alembic.script import ScriptDirectory

from frontdoor.components import COMPONENT_NAMES, components
from frontdoor.migrate import MIGRATIONS_DIR, alembic_config


def test_the_registry_names_every_component_once_in_order():
    names = [component.name for component in components()]
    assert tuple(names) == COMPONENT_NAMES
    assert names[0] == "accounts"  # teams and staff are seeded before anything uses them


def test_each_component_has_its_migrations_folder_and_branch():
    script = ScriptDirectory.from_config(alembic_config())
    labels = {label for rev in script.walk_revisions() for label in rev.branch_labels or ()}
    for component in components():
        assert (MIGRATIONS_DIR / "versions" / component.name).is_dir(), component.name
        assert component.name in labels, component.name


def test_each_components_tables_are_on_its_own_metadata():
    tables = [set(component.metadata.tables) for component in components()]
    assert all(tables), "a component without tables"
    everything = [name for group in tables for name in group]
    assert len(everything) == len(set(everything)), "a table declared by two components"


def test_every_command_group_is_registered_once():
    from frontdoor.cli import app, register_component_groups

    register_component_groups()
    register_component_groups()
    names = [group.name for group in app.registered_groups]
    assert len(names) == len(set(names))
    assert {"user", "token", "knowledge", "handoff", "bot", "db"} <= set(names)
