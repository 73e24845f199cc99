"""Every table of every component is named in the privacy registry, and every
resident's table is in the subject access bundle and in the erasure's answer
(removed, or kept with a reason), on SQLite and PostgreSQL.

There was no such test when card payments and report photos were added, so
nothing failed when they were left out of subject access and erasure; this one
fails for the next table that is.
"""

from __future__ import annotations

from datetime import UTC, datetime

from frontdoor.clock import fixed_clock
from frontdoor.components import components
from privacy import registry
from privacy.settings import PrivacySettings
from privacy.store import Identity, SubjectStore
from privacy.subject import _TITLES, KEPT, erase
from tests.integration.privacy import factories

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def _all_tables() -> set[str]:
    return {name for component in components() for name in component.metadata.tables}


def test_every_table_of_every_component_is_named_once():
    tables = _all_tables()
    unnamed = sorted(tables - set(registry.TABLES))
    assert not unnamed, (
        f"tables the privacy registry does not name (privacy/registry.py): {unnamed}"
    )
    assert not sorted(set(registry.TABLES) - tables), "the registry names tables that are gone"


def test_each_residents_table_has_a_section_and_a_title():
    for name, entry in registry.resident_tables().items():
        assert entry.erasure, f"{name}: what does erasure do with it?"
        if entry.bundle is not None:
            assert entry.bundle in _TITLES, f"{name}: its bundle section has no title"


def test_the_bundle_and_the_erasure_reach_every_residents_table(database):
    engine = database.engine
    nobody = Identity(set(), set(), set(), set(), set())
    sections = set(SubjectStore(engine).gather(nobody))
    removed = set(SubjectStore(engine).erase(nobody))
    for name, entry in registry.resident_tables().items():
        if entry.bundle is not None:
            assert entry.bundle in sections, f"{name}: not in the subject access bundle"
        assert entry.erasure in removed | set(KEPT), f"{name}: erasure neither removes nor keeps it"
    # and what a real erasure answers names them too
    factories.resident(engine)
    report = erase(
        engine,
        "CT40012345",
        actor="dpo",
        clock=fixed_clock(NOW),
        settings=PrivacySettings.load({}),
    )
    answered = set(report["removed"]) | set(KEPT)
    assert {e.erasure for e in registry.resident_tables().values()} <= answered
