"""Helpfulness per answer and per article on a real database (SQLite and
PostgreSQL): the SQL log and its in-memory twin agree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from actions.answer_log import (
    AnswerLog,
    AnswerShown,
    MemoryAnswerLog,
    SqlAnswerLog,
    helpfulness_by_article,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _shown(conversation: str, slug: str, minutes: int, language: str = "en") -> AnswerShown:
    return AnswerShown(
        conversation_id=conversation,
        slug=slug,
        section_anchor="how-to-apply",
        language=language,
        question="can I get a discount   if I live alone " + "x" * 600,
        answered_at=T0 + timedelta(minutes=minutes),
    )


def _exercise(log: AnswerLog) -> None:
    log.record_answer(_shown("c1", "single-person-discount", 0))
    log.record_answer(_shown("c1", "pay-council-tax", 1))
    log.record_answer(_shown("c2", "single-person-discount", 2))
    log.record_answer(_shown("c3", "gostyngiad-person-sengl", 3, "cy"))
    assert log.rate_latest("c1", helpful=False, at=T0) == "pay-council-tax"  # the latest
    assert log.rate_latest("c1", helpful=True, at=T0) == "single-person-discount"
    assert log.rate_latest("c1", helpful=True, at=T0) is None  # nothing left unrated
    assert log.rate_latest("c2", helpful=True, at=T0) == "single-person-discount"
    assert log.rate_latest("nobody", helpful=True, at=T0) is None


def _summary(log: AnswerLog, **kw: datetime) -> list[tuple[str, str, int, int, int, int]]:
    return [
        (r.slug, r.language, r.answers, r.helpful, r.not_helpful, r.unrated)
        for r in log.by_article(**kw)
    ]


EXPECTED = [
    ("single-person-discount", "en", 2, 2, 0, 0),
    ("gostyngiad-person-sengl", "cy", 1, 0, 0, 1),
    ("pay-council-tax", "en", 1, 0, 1, 0),
]


def test_the_sql_log_and_its_twin_agree(database) -> None:  # type: ignore[no-untyped-def]
    sql, memory = SqlAnswerLog(database.engine), MemoryAnswerLog()
    for log in (sql, memory):
        _exercise(log)
    assert _summary(sql) == _summary(memory) == EXPECTED
    later = T0 + timedelta(minutes=2)
    assert _summary(sql, since=later) == _summary(memory, since=later)
    assert [r.slug for r in helpfulness_by_article(database.engine)] == [e[0] for e in EXPECTED]


def test_a_question_is_stored_clipped(database) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from actions.models import answer_feedback

    SqlAnswerLog(database.engine).record_answer(_shown("c9", "bins", 0))
    with database.engine.connect() as connection:
        (question,) = connection.execute(select(answer_feedback.c.question)).one()
    assert len(question) == 500 and "  " not in question


def test_a_question_is_stored_without_phone_email_or_card(database) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from actions.models import answer_feedback

    asked = (
        "my bin was missed, ring 01632 960 001 or +44 7700 900123, email jo.bloggs@example.com, "
        "card 4111 1111 1111 1111 " + "x" * 480
    )
    shown = AnswerShown("c8", "missed-bin", None, "en", asked, T0)
    sql, memory = SqlAnswerLog(database.engine), MemoryAnswerLog()
    for log in (sql, memory):
        log.record_answer(shown)
    with database.engine.connect() as connection:
        (question,) = connection.execute(select(answer_feedback.c.question)).one()
    assert question == memory.rows[0].shown.question
    assert question.startswith(
        "my bin was missed, ring [phone number] or [phone number], email [email address], "
        "card [card number] xxx"
    )
    for secret in ("01632", "7700", "jo.bloggs", "example.com", "4111"):
        assert secret not in question
    assert len(question) == 500


@pytest.mark.parametrize("helpful", [True, False])
def test_the_memory_twin_rates_per_conversation(helpful: bool) -> None:
    log = MemoryAnswerLog()
    log.record_answer(_shown("a", "bins", 0))
    log.record_answer(_shown("b", "bins", 1))
    assert log.rate_latest("a", helpful=helpful, at=T0) == "bins"
    (row,) = log.by_article()
    assert (row.helpful, row.not_helpful, row.unrated) == (int(helpful), int(not helpful), 1)
