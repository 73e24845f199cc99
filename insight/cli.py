"""``frontdoor insight …``: record missing outcomes and check records against events."""

from __future__ import annotations

import typer

app = typer.Typer(help="Insight: conversation outcomes and the figures built on them.")


def _engine():  # type: ignore[no-untyped-def]
    from frontdoor.db import make_engine
    from frontdoor.settings import CommonSettings

    return make_engine(CommonSettings.load().database_url)


@app.command()
def backfill(
    refresh: bool = typer.Option(
        False, "--refresh", help="Record again every closed conversation still stored."
    ),
) -> None:
    """Record an outcome for every closed conversation that has none yet (with
    --refresh, every closed one: after an upgrade that records more of each)."""
    from insight import store

    engine = _engine()
    with engine.begin() as conn:
        ids = store.closed_conversations(conn) if refresh else store.unrecorded_closed(conn)
        done = store.record_many(conn, ids)
    typer.echo(f"recorded {done} outcomes")


@app.command()
def verify() -> None:
    """Recompute every stored conversation's outcome from its events; exit 1 on a mismatch."""
    from sqlalchemy import select

    from handoff import models as ho
    from insight import store

    engine = _engine()
    mismatches = checked = 0
    with engine.connect() as conn:
        ids = list(conn.execute(select(ho.conversations.c.id)).scalars())
        for conversation_id in ids:
            stored = store.recorded(conn, conversation_id)
            if stored is None:
                continue
            checked += 1
            fresh = store.recompute(conn, conversation_id)
            if fresh is None or {**fresh, "demo": stored["demo"]} != stored:
                mismatches += 1
                if mismatches <= 10:
                    typer.echo(f"mismatch: {conversation_id}", err=True)
    typer.echo(f"checked {checked} recorded outcomes: {mismatches} mismatches")
    raise typer.Exit(1 if mismatches else 0)


@app.command()
def rollup(
    rebuild: bool = typer.Option(False, "--rebuild", help="Recompute it from the outcomes."),
) -> None:
    """The daily rollup the summary reads: rebuild it from the recorded outcomes."""
    from sqlalchemy import func, select

    from insight import models as m
    from insight import store

    engine = _engine()
    if rebuild:
        with engine.begin() as conn:
            rows = store.rebuild_rollup(conn)
        typer.echo(f"rebuilt the daily rollup: {rows} day rows")
        return
    with engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(m.insight_daily)).scalar_one()
        covered = conn.execute(select(func.sum(m.insight_daily.c.conversations))).scalar()
    typer.echo(f"daily rollup: {rows} day rows covering {covered or 0} outcomes")
