"""``frontdoor insight backfill`` records closed conversations that have no outcome;
``frontdoor insight verify`` recomputes every record and fails on a mismatch;
``frontdoor insight rollup --rebuild`` recomputes the daily rollup from the outcomes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, insert, select, update
from typer.testing import CliRunner

from handoff import models as ho
from insight import models as im
from insight.cli import app

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_backfill_then_verify(sqlite_database, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FRONTDOOR_DATABASE_URL", sqlite_database.url)
    with sqlite_database.engine.begin() as conn:
        conn.execute(
            insert(ho.conversations).values(
                id="c" * 32, created_at=T0, updated_at=T0, state="closed", last_seq=1,
                language="cy", page_url="", verified_refs="", priority="normal",
                requeued=False, declined_by="", closed_at=T0,
            )
        )  # fmt: skip
        conn.execute(
            insert(ho.events).values(
                conversation_id="c" * 32, seq=1, kind="message", audience="all",
                author="resident", data={"author": "resident", "text": "helo"}, at=T0,
                bot_pending=False,
            )
        )  # fmt: skip
    runner = CliRunner()
    first = runner.invoke(app, ["backfill"])
    assert first.exit_code == 0 and "recorded 1 outcomes" in first.output
    assert runner.invoke(app, ["backfill"]).output.strip() == "recorded 0 outcomes"
    ok = runner.invoke(app, ["verify"])
    assert ok.exit_code == 0 and "1 recorded outcomes: 0 mismatches" in ok.output
    with sqlite_database.engine.begin() as conn:
        conn.execute(update(im.conversation_outcomes).values(outcome="contained"))
    bad = runner.invoke(app, ["verify"])
    assert bad.exit_code == 1 and "1 mismatches" in bad.output
    # the backfill went through record, so the rollup holds it; a rebuild agrees
    shown = runner.invoke(app, ["rollup"])
    assert shown.exit_code == 0 and "1 day rows covering 1 outcomes" in shown.output
    with sqlite_database.engine.begin() as conn:
        conn.execute(delete(im.insight_daily))
    assert "covering 0 outcomes" in runner.invoke(app, ["rollup"]).output
    rebuilt = runner.invoke(app, ["rollup", "--rebuild"])
    assert rebuilt.exit_code == 0 and "rebuilt the daily rollup: 1 day rows" in rebuilt.output
    with sqlite_database.engine.connect() as conn:
        row = conn.execute(select(im.insight_daily)).one()
    assert (row.day, row.language, row.team, row.outcome, row.conversations) == (
        "2026-03-02", "cy", "", "contained", 1,
    )  # fmt: skip
