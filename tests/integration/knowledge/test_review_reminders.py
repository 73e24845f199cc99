"""Review reminders on SQLite and PostgreSQL, with a clock the test moves.

The reminders go through core's notifications port into notify's real outbox
(the embedded default), so "no duplicates" is counted in ``nt_outbox`` itself.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import delete, func, select

from frontdoor.clock import LONDON
from knowledge import articles, reminders
from knowledge.editor_text import long_date
from knowledge.models import ReviewReminder
from notify import outbox
from notify.models import outbox as outbox_table
from notify.outbox import OutboxNotifications
from tests.integration.knowledge.conftest import (
    EDITOR,
    days_from_today,
    login,
    publish,
)

HTML = {"accept": "text/html"}
POLICY = reminders.Policy(
    days_before=14,
    team_addresses={"Waste Services": "waste-team@example.gov.uk"},
    base_url="https://council.example",
)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(7, 0), tzinfo=LONDON)


def _run(factory, engine, day: date, policy: reminders.Policy = POLICY) -> reminders.Outcome:  # type: ignore[no-untyped-def]
    return reminders.run(factory, OutboxNotifications(engine), policy, now=_at(day), today=day)


def _outbox_keys(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return sorted(conn.scalars(select(outbox_table.c.idempotency_key)))


@pytest.fixture
def article_id(factory) -> int:  # type: ignore[no-untyped-def]
    with factory() as session:
        article = publish(session, review_by=days_from_today(30))
        session.commit()
        return article.id


def test_the_schedule_before_due_due_and_overdue_never_twice(factory, database, article_id):
    engine = database.engine
    review_by = days_from_today(30)
    # before due: 15 days ahead, nothing
    assert _run(factory, engine, review_by - timedelta(days=15)).queued == 0
    assert _outbox_keys(engine) == []
    # due: 14 days ahead, one reminder to the team's address, with the Still correct link
    due_day = review_by - timedelta(days=14)
    assert _run(factory, engine, due_day).queued == 1
    [row] = outbox.page(engine).rows
    assert row.recipient == "waste-team@example.gov.uk" and row.status == "queued"
    assert row.personalisation["still_correct_url"] == (
        f"https://council.example/editor/articles/{article_id}/still-correct"
    )
    assert row.personalisation["status"] == "is due for review"
    # the same day again, and the following days: nothing new
    again = _run(factory, engine, due_day)
    assert (again.queued, again.already) == (0, 1)
    assert _run(factory, engine, review_by - timedelta(days=1)).queued == 0
    assert len(_outbox_keys(engine)) == 1
    # overdue on the day itself, then at most weekly
    assert _run(factory, engine, review_by).queued == 1
    assert _run(factory, engine, review_by + timedelta(days=3)).queued == 0
    assert _run(factory, engine, review_by + timedelta(days=7)).queued == 1
    assert _run(factory, engine, review_by + timedelta(days=13)).queued == 0
    keys = _outbox_keys(engine)
    assert len(keys) == len(set(keys)) == 3
    assert [k.split(":")[3] for k in keys] == ["due", "overdue-0", "overdue-1"]
    overdue = outbox.get(engine, keys[-1])
    assert overdue is not None and overdue.personalisation["status"] == "is overdue for review"


def test_each_reminder_is_in_english_then_welsh(factory, database, article_id):
    engine = database.engine
    review_by = days_from_today(30)
    _run(factory, engine, review_by - timedelta(days=14))
    _run(factory, engine, review_by + timedelta(days=7))
    keys = _outbox_keys(engine)
    assert [k.split(":")[3] for k in keys] == ["due", "overdue-1"]
    due, overdue = (outbox.get(engine, key) for key in keys)
    assert due is not None and overdue is not None
    with factory() as session:
        title = articles.get_article(session, article_id).title
    link = f"https://council.example/editor/articles/{article_id}/still-correct"
    english_date, welsh_date = long_date(review_by, "en"), long_date(review_by, "cy")
    assert english_date != welsh_date  # the month's name differs
    for row, english, welsh, subject in (
        (due, f'"{title}" is due for review by {english_date}.',
         f"Mae angen adolygu'r dudalen \"{title}\" erbyn {welsh_date}.",
         f"Due for review / I'w adolygu: {title}"),
        (overdue, f"Its review date was {english_date}.",
         f"Ei dyddiad adolygu oedd {welsh_date}.",
         f"Overdue for review / Yn hwyr i'w adolygu: {title}"),
    ):  # fmt: skip
        body = row.personalisation["body"]
        assert row.personalisation["subject"] == subject
        assert body.startswith("Scroll down for Welsh. / Sgroliwch i lawr am y Gymraeg.")
        english_part, welsh_part = body.split("\n\n---\n\n")
        assert "Hello Waste Services," in english_part and english in english_part
        assert "Helo Waste Services," in welsh_part and welsh in welsh_part
        # each half has its own one-click link, and no English sentence in the Welsh half
        assert link in english_part and link in welsh_part
        assert "review" not in welsh_part.replace(link, "")
        assert row.personalisation["review_by_cy"] == welsh_date


def test_a_restart_between_the_outbox_and_the_record_sends_nothing_twice(
    factory, database, article_id
):
    engine = database.engine
    due_day = days_from_today(30) - timedelta(days=14)
    assert _run(factory, engine, due_day).queued == 1
    # as if the process died after queuing but before its own record was committed
    with factory() as session:
        session.execute(delete(ReviewReminder))
        session.commit()
    assert _run(factory, engine, due_day).queued == 1  # recorded again ...
    assert len(_outbox_keys(engine)) == 1  # ... but the outbox kept one message
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(ReviewReminder)) == 1


def test_a_team_without_a_configured_address_is_reminded_at_its_editors(factory, database, staff):
    with factory() as session:
        publish(session, slug="no-address", review_by=days_from_today(3))
        session.commit()
    outcome = _run(factory, database.engine, days_from_today(0), reminders.Policy())
    assert outcome.queued == 1
    recipients = sorted(row.recipient for row in outbox.page(database.engine).rows)
    # staff's four people are all in Waste Services with an editorial role
    assert recipients == [
        "admin@example.gov.uk",
        "editor2@example.gov.uk",
        "editor@example.gov.uk",
        "reviewer@example.gov.uk",
    ]


def test_a_team_nobody_can_be_reached_at_is_reported_not_recorded(factory, database):
    with factory() as session:
        publish(session, slug="orphan", owner_team="Nobody Here", review_by=days_from_today(1))
        session.commit()
    outcome = _run(factory, database.engine, days_from_today(0), reminders.Policy())
    assert outcome.queued == 0 and outcome.no_address == ["Nobody Here"]
    assert "no address for Nobody Here" in outcome.line()
    assert _outbox_keys(database.engine) == []


def test_still_correct_records_the_review_and_starts_a_new_cycle(factory, database, article_id):
    engine = database.engine
    review_by = days_from_today(30)
    _run(factory, engine, review_by + timedelta(days=1))  # overdue reminder
    reviewed_on = review_by + timedelta(days=2)
    with factory() as session:
        article = reminders.still_correct(
            session, article_id, actor=EDITOR, today=reviewed_on, now=_at(reviewed_on),
            months=12,
        )  # fmt: skip
        session.commit()
        assert article.review_by == date(reviewed_on.year + 1, reviewed_on.month, reviewed_on.day)
        [event] = [e for e in articles.list_events(session, article_id) if e.action == "review"]
        assert event.actor_name == EDITOR.name
    # the next run finds nothing due until 14 days before the new date
    assert _run(factory, engine, reviewed_on + timedelta(days=7)).queued == 0
    assert len(_outbox_keys(engine)) == 1


def test_add_months_keeps_the_day_or_the_months_end():
    assert reminders.add_months(date(2026, 12, 6), 12) == date(2027, 12, 6)
    assert reminders.add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert reminders.add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert reminders.add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)


def test_the_link_signs_in_then_one_click_records_the_review(client, staff, factory, database):
    with factory() as session:
        article = publish(session, slug="old-page", review_by=days_from_today(-3))
        session.commit()
        article_id = article.id
    link = f"/editor/articles/{article_id}/still-correct"
    signed_out = client.get(link, headers=HTML, follow_redirects=False)
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == f"/editor/login?next={link}"
    _run(factory, database.engine, days_from_today(0))  # the app's clock: TODAY
    token = login(client, "editor@example.gov.uk")
    stale = client.get("/editor/stale", headers=HTML)
    assert "Waste Services reminded on" in stale.text and "waste-team@example.gov.uk" in stale.text
    page = client.get(link, headers=HTML)
    assert page.status_code == 200 and "Is this article still correct?" in page.text
    done = client.post(link, data={"csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    shown = client.get(done.headers["location"], headers=HTML)
    next_review = reminders.add_months(days_from_today(0), 12)
    assert re.search(
        rf"Its next review is due on {next_review.day} \w+ {next_review.year}", shown.text
    )
    assert "checked this and confirmed it is still correct" in shown.text
    welsh = client.get(f"/editor/articles/{article_id}?lang=cy", headers=HTML)
    assert "Gwiriodd Eddie Editor hwn a chadarnhau ei fod yn dal yn gywir" in welsh.text
    # off the stale list
    assert "old-page" not in client.get("/editor/stale", headers=HTML).text
