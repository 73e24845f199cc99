"""Revision in_0002 fills the daily rollup from outcomes recorded before it existed;
in_0003 keeps it, with the advisors' load of those outcomes unknown (0 in the sums)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import insert, select

from frontdoor.db import make_engine
from frontdoor.migrate import upgrade
from insight import models as im
from tests.integration.insight.test_summary import FIXTURE


def test_upgrading_fills_the_rollup_from_earlier_outcomes(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        upgrade(engine, "in_0001")
        with engine.begin() as conn:
            earlier = [{k: v for k, v in r.items() if "advisor_" not in k} for r in FIXTURE]
            conn.execute(insert(im.conversation_outcomes), earlier)
        upgrade(engine)
        with engine.connect() as conn:
            days = conn.execute(select(im.insight_daily)).all()
            waits = conn.execute(select(im.insight_daily_waits)).all()
    finally:
        engine.dispose()
    assert sum(r.conversations for r in days) == len(FIXTURE)
    assert sum(r.rating_sum for r in days) == sum(r.get("rating") or 0 for r in FIXTURE)
    assert sum(r.n for r in waits) == sum(r.get("wait_seconds") is not None for r in FIXTURE)
    assert {(r.advisor_chat_ms, r.advisor_busy_ms) for r in days} == {(0, 0)}
