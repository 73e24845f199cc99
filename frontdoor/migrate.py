"""Apply and inspect migrations programmatically (behind `frontdoor db ...`)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine, MetaData

from frontdoor.components import COMPONENT_NAMES, components
from frontdoor.exceptions import DatabaseError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
COMPONENTS = COMPONENT_NAMES


def component_metadata() -> list[MetaData]:
    """The metadata of every component (for autogenerate)."""
    return [component.metadata for component in components()]


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    locations = " ".join(str(MIGRATIONS_DIR / "versions" / name) for name in COMPONENTS)
    config.set_main_option("version_locations", locations)
    config.set_main_option("path_separator", "space")
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def check_heads() -> None:
    """Refuse to run when a component has more than one head (a merge conflict)."""
    script = ScriptDirectory.from_config(alembic_config())
    heads = script.get_heads()
    by_branch: dict[str, list[str]] = {}
    for head in heads:
        revision = script.get_revision(head)
        branch = _branch_of(script, revision)
        by_branch.setdefault(branch, []).append(head)
    conflicts = {branch: revs for branch, revs in by_branch.items() if len(revs) > 1}
    if conflicts:
        detail = ", ".join(f"{branch}: {' and '.join(revs)}" for branch, revs in conflicts.items())
        raise DatabaseError(
            f"migration conflict, more than one head ({detail}); "
            "merge them with `alembic merge` before upgrading"
        )


def _branch_of(script: ScriptDirectory, revision) -> str:  # type: ignore[no-untyped-def]
    for rev in script.iterate_revisions(revision.revision, "base"):
        if rev.branch_labels:
            return sorted(rev.branch_labels)[0]
    return "(unlabelled)"


def upgrade(engine: Engine, target: str = "heads") -> None:
    """Upgrade the database to the newest revision of every component."""
    check_heads()
    config = alembic_config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, target)
    except CommandError as exc:
        raise DatabaseError(f"migration failed: {exc}") from None


def current_revisions(engine: Engine) -> set[str]:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def pending(engine: Engine) -> bool:
    script = ScriptDirectory.from_config(alembic_config())
    return current_revisions(engine) != set(script.get_heads())
