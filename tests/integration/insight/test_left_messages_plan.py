"""Insight reads a range's messages left through the partial index
``ix_ho_transcripts_left`` (migration ho_0004), on SQLite and PostgreSQL, once the
planner has statistics: without it a month's pick-up figures scanned every
transcript (``benchmarks/insight.py`` loads 70,000 in a million conversations)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, event, insert, text

from handoff import models as ho
from insight.store import Filters, left_message_pickups

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _plan(engine: Engine, filters: Filters) -> str:
    """The plan of the very statement :func:`left_message_pickups` runs."""
    captured: list[tuple[str, Any]] = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        captured.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with engine.connect() as conn:
            left_message_pickups(conn, filters)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    ((sql, params),) = captured
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            return "\n".join(conn.exec_driver_sql(f"EXPLAIN {sql}", params).scalars())
        found = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(r[-1]) for r in found)


def test_a_months_messages_left_are_read_through_the_partial_index(database) -> None:  # type: ignore[no-untyped-def]
    engine = database.engine
    conversations = [
        {
            "id": f"t{n:031d}", "created_at": T0 + timedelta(minutes=n),
            "updated_at": T0 + timedelta(minutes=n), "state": "closed", "last_seq": 0,
            "language": "en", "page_url": "", "verified_refs": "", "priority": "normal",
            "requeued": False, "declined_by": "",
        }
        for n in range(1, 6001)
    ]  # fmt: skip
    transcripts = [
        {"conversation_id": f"t{n:031d}", "created_at": T0 + timedelta(minutes=n), "text": "t",
         "case_reference": f"BDC-{n:06d}" if n % 10 == 0 else None}
        for n in range(1, 6001)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(ho.conversations), conversations)
        conn.execute(insert(ho.transcripts), transcripts)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    day = Filters(T0 + timedelta(days=1), T0 + timedelta(days=2))
    with engine.connect() as conn:
        found = left_message_pickups(conn, day)
    assert found == [(None, 144)]  # every tenth minute of a day, none picked up yet
    plan = _plan(engine, day)
    assert "ix_ho_transcripts_left" in plan, plan
