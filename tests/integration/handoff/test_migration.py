"""The handoff migrations past resident presence (ho_0005) go down and up again on
both backends, and a chat waiting across the upgrade keeps its row."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect, text

from frontdoor.migrate import alembic_config


def _columns(engine) -> set[str]:  # type: ignore[no-untyped-def]
    return {c["name"] for c in inspect(engine).get_columns("ho_conversations")}


def _migrate(engine, step, target: str) -> None:  # type: ignore[no-untyped-def]
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        step(config, target)


def test_resident_presence_goes_down_and_up_again(database) -> None:  # type: ignore[no-untyped-def]
    engine = database.engine
    assert "resident_seen_at" in _columns(engine)
    _migrate(engine, command.downgrade, "ho_0004")
    assert "resident_seen_at" not in _columns(engine)
    assert "verified_refs" in _columns(engine)  # the rest of the table stays
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO ho_conversations (id, created_at, updated_at, state, last_seq,"
                " language, page_url, priority, requeued, declined_by)"
                " VALUES ('w1', :now, :now, 'waiting', 0, 'en', '/', 'normal', false, '')"
            ),
            {"now": "2026-12-07 10:00:00+00:00"},
        )
    _migrate(engine, command.upgrade, "handoff@head")
    assert "resident_seen_at" in _columns(engine)
    with engine.connect() as connection:
        row = connection.execute(
            text("SELECT state, resident_seen_at FROM ho_conversations WHERE id = 'w1'")
        ).one()
    assert tuple(row) == ("waiting", None)  # judged from its queueing (``dispatcher``)
    indexes = {i["name"] for i in inspect(engine).get_indexes("ho_conversations")}
    assert "ix_ho_conversations_open" in indexes
