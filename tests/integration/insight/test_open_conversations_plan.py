"""Insight finds the few open conversations among many closed ones through the
partial index ``ix_ho_conversations_open`` (migration ho_0003), on SQLite and
PostgreSQL, once the planner has statistics (after ANALYZE). Before it, SQLite's
average-rows-per-value statistics made the plain state index look useless and it
scanned the whole table (``benchmarks/insight.py`` prints the plan at a million)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, insert, text

from handoff import models as ho
from insight.store import Filters, open_conversations_query, pending

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _plan(engine: Engine, filters: Filters) -> str:
    compiled = open_conversations_query(filters).compile(engine)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            rows = conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.params).scalars()
            return "\n".join(rows)
        found = conn.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}", tuple(compiled.params.values())
        )
        return "\n".join(str(r[-1]) for r in found)


def test_open_conversations_are_found_through_the_partial_index(database) -> None:  # type: ignore[no-untyped-def]
    engine = database.engine
    rows = [
        {
            "id": f"c{n:031d}", "created_at": T0 + timedelta(minutes=n),
            "updated_at": T0 + timedelta(minutes=n), "state": "bot" if n % 2500 == 0 else "closed",
            "last_seq": 0, "language": "en", "page_url": "", "verified_refs": "",
            "priority": "normal", "requeued": False, "declined_by": "",
        }
        for n in range(1, 5001)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(ho.conversations), rows)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))
    for filters in (Filters(), Filters(T0, T0 + timedelta(days=30))):
        plan = _plan(engine, filters)
        assert "ix_ho_conversations_open" in plan, plan
    with engine.connect() as conn:
        assert sorted(r["conversation_id"] for r in pending(conn, Filters())) == [
            f"c{2500:031d}", f"c{5000:031d}",
        ]  # fmt: skip
