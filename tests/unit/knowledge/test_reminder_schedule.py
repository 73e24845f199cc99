"""Which reminder an article needs on a given day (no database: the rule itself)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from frontdoor.notifications import Notification, Recorded
from knowledge.reminders import kind_on, reminder_key

REVIEW_BY = date(2027, 3, 31)


def test_nothing_before_the_window_then_due_then_one_kind_a_week_overdue():
    day = REVIEW_BY - timedelta(days=15)
    assert kind_on(REVIEW_BY, day, 14) is None
    assert kind_on(REVIEW_BY, day + timedelta(days=1), 14) == "due"
    assert kind_on(REVIEW_BY, REVIEW_BY - timedelta(days=1), 14) == "due"
    weeks = [kind_on(REVIEW_BY, REVIEW_BY + timedelta(days=n), 14) for n in range(0, 22)]
    assert weeks == ["overdue-0"] * 7 + ["overdue-1"] * 7 + ["overdue-2"] * 7 + ["overdue-3"]


def test_the_key_names_the_article_the_date_and_the_kind():
    assert reminder_key(7, REVIEW_BY, "due") == "kb-review:7:2027-03-31:due"
    assert reminder_key(7, REVIEW_BY + timedelta(days=365), "due") != reminder_key(
        7, REVIEW_BY, "due"
    )


def test_the_in_memory_port_queues_a_key_once():
    port = Recorded()
    message = Notification("email", "t", "team@example.gov.uk", "kb-review:7:2027-03-31:due:x")
    now = datetime(2027, 3, 17, tzinfo=UTC)
    assert port.enqueue(message, now=now) is True
    assert port.enqueue(message, now=now) is False
    assert list(port.queued) == [message.key]
