"""`frontdoor knowledge ...`: import, export and reindex the knowledge base.

frontdoor knowledge import knowledge/content     # all or nothing
frontdoor knowledge export /tmp/content           # byte-identical round trip
frontdoor knowledge reindex                       # rebuild the search index
frontdoor knowledge remind                        # queue the review reminders due today
frontdoor knowledge export-onnx                   # the search model for ONNX Runtime (once)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

app = typer.Typer(help="Knowledge base: import, export and search index.", no_args_is_help=True)

FOLDER = typer.Argument(help="Folder of <language>/<service_area>/<slug>.md files.")


def _session_factory() -> tuple[Any, Any]:
    from frontdoor.commands import fail
    from frontdoor.db import check_database, make_engine, make_session_factory
    from frontdoor.migrate import pending
    from knowledge.settings import KnowledgeSettings

    settings = KnowledgeSettings.load()
    engine = make_engine(settings.database_url)
    check_database(engine)
    if pending(engine):
        fail("migrations are pending; run `frontdoor db upgrade` first")
    return settings, make_session_factory(engine)


@app.command("import")
def import_command(
    folder: Annotated[Path, FOLDER],
    draft: Annotated[
        bool, typer.Option("--draft", help="Import as drafts instead of publishing.")
    ] = False,
    as_name: Annotated[str, typer.Option("--as", help="Name recorded in revisions.")] = (
        "Content import"
    ),
) -> None:
    """Import a folder; an invalid file is reported and nothing is imported."""
    from frontdoor.commands import guarded
    from frontdoor.seeding import tqdm_progress
    from knowledge.actors import Actor
    from knowledge.transfer import import_folder

    @guarded
    def run() -> None:
        settings, factory = _session_factory()
        actor = Actor(id=None, name=as_name, roles=frozenset({"admin"}))
        with factory() as session:
            try:
                report = import_folder(
                    session, folder, actor=actor, publish=not draft, progress=tqdm_progress,
                    max_bytes=settings.knowledge_max_article_bytes,
                )  # fmt: skip
                session.commit()
            except BaseException:
                session.rollback()
                raise
        for warning in report.warnings:
            typer.secho(f"warning: {warning}", err=True, fg=typer.colors.YELLOW)
        typer.echo(f"imported {folder}: {report}")

    run()


@app.command("export")
def export_command(
    folder: Annotated[Path, FOLDER],
    drafts: Annotated[
        bool, typer.Option("--drafts", help="Export newest revisions, not the live ones.")
    ] = False,
) -> None:
    """Write every published article (or every newest revision) as Markdown files."""
    from frontdoor.commands import guarded
    from knowledge.transfer import export_folder

    @guarded
    def run() -> None:
        _settings, factory = _session_factory()
        with factory() as session:
            count = export_folder(session, folder, drafts=drafts)
        typer.echo(f"exported {count} article(s) to {folder}")

    run()


@app.command("reindex")
def reindex_command(
    if_needed: Annotated[
        bool,
        typer.Option(
            "--if-needed",
            help="Only bring the saved index up to date (re-embeds what changed; "
            "instant when nothing did) instead of rebuilding it.",
        ),
    ] = False,
) -> None:
    """Rebuild the persisted search index from the published articles (with progress)."""
    from frontdoor.commands import guarded
    from knowledge.app import build_search_engine
    from knowledge.indexing import DatabaseArticleSource

    @guarded
    def run() -> None:
        settings, factory = _session_factory()
        engine = build_search_engine(settings)
        source = DatabaseArticleSource(factory)
        if if_needed:
            report = engine.sync(source, progress=True)
            typer.echo(
                f"search index up to date: {report.upserted} article(s) embedded, "
                f"{report.removed} removed, content revision {report.revision}"
            )
            return
        articles, revision = source.all_published()
        engine.rebuild(list(articles), progress=True, revision=revision)
        typer.echo(
            f"indexed {len(engine)} article(s), {engine.chunk_count} chunk(s), "
            f"at content revision {revision} in {settings.index_dir}"
        )

    run()


@app.command("export-onnx")
def export_onnx_command(
    folder: Annotated[
        Path | None,
        typer.Option(help="Where to write (default: FRONTDOOR_KNOWLEDGE_ONNX_DIR or the .venv)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Export even when up to date.")] = False,
) -> None:
    """Export the installed search model to ONNX (float32 and int8) for fast queries.

    Done once per environment (scripts/bootstrap.sh runs it); a no-op when the
    stamp says the export is current. Uses the local model package only.
    """
    from frontdoor.commands import guarded
    from knowledge.search.onnx_export import export
    from knowledge.settings import KnowledgeSettings

    @guarded
    def run() -> None:
        target = folder or KnowledgeSettings.load().onnx_dir
        result = export(target, force=force)
        state = "exported to" if result.exported else "already current in"
        typer.echo(f"search model {state} {result.folder}")

    run()


@app.command("remind")
def remind_command() -> None:
    """Queue the review reminders due today (once: the stack's scheduler runs it hourly).

    Safe to run again: a reminder already queued is never queued twice.
    """
    from frontdoor.clock import system_clock
    from frontdoor.commands import guarded
    from frontdoor.components import notifications
    from knowledge.jobs import remind_once

    @guarded
    def run() -> None:
        settings, factory = _session_factory()
        engine = factory.kw["bind"]
        outcome = remind_once(engine, system_clock, notifications(engine), settings)
        typer.echo(f"review reminders: {outcome.line()}")

    run()
