"""The outbox and its sender on SQLite and PostgreSQL, with the embedded
outbox-only notifier and the real GOV.UK Notify client against the local
Notify server: idempotent enqueue, backoff, permanent failures, timeouts, a
restart mid-batch, and the commands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from notify import outbox
from notify.adapters import GovukNotify, OutboxOnly
from notify.cli import app
from notify.localnotify import LocalNotify, RunningServer, make_api_key
from notify.ports import Message
from notify.sender import Policy, send_batch, send_due
from notify.settings import notifier_from

NOW = datetime(2026, 12, 6, 18, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def email(key: str, to: str = "resident@example.org") -> Message:
    return Message("email", "bin-reminder", to, key, {"day": "Tuesday"})


@pytest.fixture(scope="module")
def local_notify():
    notify = LocalNotify(make_api_key())
    with RunningServer(notify) as running:
        yield notify, running.url


@pytest.fixture
def notify_server(local_notify):
    notify, url = local_notify
    notify.notifications.clear()
    notify.received.clear()
    notify.faults.clear()
    return notify, url


def govuk(notify: LocalNotify, url: str, key: str | None = None) -> GovukNotify:
    return GovukNotify(key or notify.api_key, base_url=url, timeout=0.5)


def test_enqueue_is_idempotent_and_the_outbox_only_notifier_sends_once(database):
    engine = database.engine
    first, created = outbox.enqueue(engine, email("bin:1:2026-12-07"), now=NOW)
    again, created_again = outbox.enqueue(engine, email("bin:1:2026-12-07", "x@e.org"), now=NOW)
    assert (created, created_again) == (True, False)
    assert again.id == first.id and again.recipient == "resident@example.org"
    outcome = send_due(engine, OutboxOnly(), Clock())
    assert (outcome.sent, outcome.handled) == (1, 1)
    row = outbox.get(engine, "bin:1:2026-12-07")
    assert row is not None and row.status == "sent" and row.provider_id == "outbox:bin:1:2026-12-07"
    assert row.sent_at == NOW and row.personalisation == {"day": "Tuesday"}
    assert send_due(engine, OutboxOnly(), Clock()).handled == 0
    outbox.enqueue(engine, email("bin:1:2026-12-07"), now=NOW)
    assert send_due(engine, OutboxOnly(), Clock()).handled == 0


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (Message("fax", "t", "r", "k"), "channel"),  # type: ignore[arg-type]
        (Message("email", "t", "r@e.org", " "), "idempotency key"),
        (Message("email", "t", "r@e.org", "k" * 201), "idempotency key"),
        (Message("email", "", "r@e.org", "k"), "template"),
        (Message("sms", "t", "", "k"), "recipient"),
        (Message("email", "t", "not-an-address", "k"), "email address"),
        (Message("email", "t", "r@e.org", "k", {"n": 3}), "text"),  # type: ignore[dict-item]
    ],
)
def test_bad_messages_are_refused_and_nothing_is_written(sqlite_database, message, reason):
    with pytest.raises(outbox.InvalidMessage, match=reason):
        outbox.enqueue(sqlite_database.engine, message, now=NOW)
    assert outbox.page(sqlite_database.engine).total == 0


def test_sends_through_the_real_client_checking_the_jwt(sqlite_database, notify_server):
    notify, url = notify_server
    engine = sqlite_database.engine
    outbox.enqueue(engine, email("e1"), now=NOW)
    outbox.enqueue(engine, Message("sms", "disruption", "07700900123", "s1", {}), now=NOW)
    outcome = send_due(engine, govuk(notify, url), Clock())
    assert (outcome.sent, outcome.failed) == (2, 0)
    sent = {row.idempotency_key: row for row in outbox.page(engine).rows}
    assert {r.status for r in sent.values()} == {"sent"}
    stored = notify.notifications[sent["e1"].provider_id or ""]
    assert stored["email_address"] == "resident@example.org"
    assert stored["personalisation"] == {"day": "Tuesday"}
    assert notify.notifications[sent["s1"].provider_id or ""]["phone_number"] == "07700900123"
    client = govuk(notify, url).client
    assert client.get_notification_by_id(sent["s1"].provider_id)["reference"] == "s1"


def test_a_bad_key_is_a_permanent_failure(sqlite_database, notify_server):
    notify, url = notify_server
    engine = sqlite_database.engine
    outbox.enqueue(engine, email("e1"), now=NOW)
    wrong = make_api_key(service_id=notify.service_id)  # right service, wrong secret
    outcome = send_due(engine, govuk(notify, url, wrong), Clock())
    assert (outcome.failed, outcome.sent) == (1, 0)
    row = outbox.get(engine, "e1")
    assert row is not None and row.status == "permanent-failure"
    assert "403" in (row.error or "") and "Invalid token" in (row.error or "")
    assert notify.received == {}


def test_a_500_is_retried_once_after_the_backoff(sqlite_database, notify_server):
    notify, url = notify_server
    engine, clock = sqlite_database.engine, Clock()
    outbox.enqueue(engine, email("e1"), now=NOW)
    notify.fail_next(500)
    first = send_due(engine, govuk(notify, url), clock)
    assert (first.retrying, first.sent) == (1, 0)
    row = outbox.get(engine, "e1")
    assert row is not None and row.status == "failed" and row.attempts == 1
    assert row.next_attempt_at == NOW + timedelta(seconds=30)
    clock.now = NOW + timedelta(seconds=29)
    assert send_due(engine, govuk(notify, url), clock).handled == 0
    clock.now = NOW + timedelta(seconds=30)
    second = send_due(engine, govuk(notify, url), clock)
    assert (second.sent, second.recovered) == (1, 0)
    assert notify.received == {"e1": 1}
    row = outbox.get(engine, "e1")
    assert row is not None and row.status == "sent" and row.attempts == 2


def test_backoff_doubles_and_gives_up_after_max_attempts(sqlite_database, notify_server):
    notify, url = notify_server
    engine, clock = sqlite_database.engine, Clock()
    policy = Policy(max_attempts=3)
    outbox.enqueue(engine, email("e1"), now=NOW)
    notify.fail_next(429, times=3)
    waits = []
    for _ in range(3):
        send_due(engine, govuk(notify, url), clock, policy)
        row = outbox.get(engine, "e1")
        assert row is not None
        waits.append(row.next_attempt_at - clock.now)
        clock.now = row.next_attempt_at
    assert waits[:2] == [timedelta(seconds=30), timedelta(seconds=60)]
    assert row.status == "permanent-failure" and "gave up after 3 attempts" in (row.error or "")
    assert policy.backoff(20) == timedelta(hours=1)


@pytest.mark.parametrize("accepted", [False, True], ids=["dropped", "accepted-late"])
def test_a_timeout_is_retried_and_never_duplicated(sqlite_database, notify_server, accepted):
    notify, url = notify_server
    engine, clock = sqlite_database.engine, Clock()
    outbox.enqueue(engine, email("e1"), now=NOW)
    notify.hang_next(1.0, accept=accepted)
    first = send_due(engine, govuk(notify, url), clock)
    assert first.retrying == 1
    clock.now = NOW + timedelta(minutes=1)
    second = send_due(engine, govuk(notify, url), clock)
    assert (second.recovered, second.sent) == ((1, 0) if accepted else (0, 1))
    assert notify.received == {"e1": 1}


def test_a_garbage_answer_is_retried(sqlite_database, notify_server):
    notify, url = notify_server
    engine, clock = sqlite_database.engine, Clock()
    outbox.enqueue(engine, email("e1"), now=NOW)
    notify.garble_next()
    assert send_due(engine, govuk(notify, url), clock).retrying == 1
    row = outbox.get(engine, "e1")
    assert row is not None and "garbage" in (row.error or "")
    clock.now = NOW + timedelta(minutes=1)
    assert send_due(engine, govuk(notify, url), clock).sent == 1
    assert notify.received == {"e1": 1}


def test_a_restart_mid_batch_sends_nothing_twice(database, notify_server):
    notify, url = notify_server
    engine, clock = database.engine, Clock()
    for n in range(10):
        outbox.enqueue(engine, email(f"round:{n}"), now=NOW)
    policy = Policy(batch=10, lease=timedelta(minutes=5), workers=4)
    # a worker claims the batch, sends four, then dies before recording them
    claimed = outbox.claim_due(engine, now=clock(), limit=10, lease=policy.lease)
    dead = govuk(notify, url)
    for row in claimed[:4]:
        dead.send(row.message)
    # another worker started meanwhile: the leased rows are not its to send
    assert send_due(engine, govuk(notify, url), clock, policy).handled == 0
    clock.now = NOW + timedelta(minutes=5)
    outcome = send_due(engine, govuk(notify, url), clock, policy)
    assert (outcome.recovered, outcome.sent) == (4, 6)
    assert notify.duplicates() == {} and len(notify.received) == 10
    assert {row.status for row in outbox.page(engine).rows} == {"sent"}


def test_the_local_server_refuses_what_notify_refuses(notify_server):
    import jwt
    import requests

    notify, url = notify_server
    post = f"{url}/v2/notifications/email"
    assert requests.post(post, json={}, timeout=5).status_code == 401
    stale = jwt.encode({"iss": notify.service_id, "iat": 1}, notify.secret, algorithm="HS256")
    answer = requests.post(post, json={}, headers={"Authorization": f"Bearer {stale}"}, timeout=5)
    assert answer.status_code == 403 and "30 seconds" in answer.json()["errors"][0]["message"]
    other = jwt.encode({"iss": "someone", "iat": 1}, notify.secret, algorithm="HS256")
    answer = requests.get(
        url + "/v2/notifications", headers={"Authorization": f"Bearer {other}"}, timeout=5
    )
    assert answer.status_code == 403
    client = govuk(notify, url).client
    with pytest.raises(Exception, match="400"):
        client.send_email_notification("", "t")
    with pytest.raises(Exception, match="404"):
        client.get_notification_by_id("missing")


def test_settings_choose_the_notifier():
    assert notifier_from({}).name == "outbox"
    chosen = notifier_from({"FRONTDOOR_NOTIFY_API_KEY": make_api_key()})
    assert chosen.name == "govuk-notify"
    with pytest.raises(ValueError, match="74"):
        notifier_from({"FRONTDOOR_NOTIFY_API_KEY": "short"})


def test_paging_and_filtering(sqlite_database):
    engine = sqlite_database.engine
    for n in range(5):
        outbox.enqueue(engine, email(f"k{n}"), now=NOW)
    send_batch(engine, OutboxOnly(), Clock(), Policy(batch=2))
    listed = outbox.page(engine, status="queued", number=2, size=2)
    assert (listed.total, listed.pages, listed.page) == (3, 2, 2)
    assert [r.idempotency_key for r in listed.rows] == ["k2"]
    assert listed.counts["sent"] == 2
    assert outbox.page(engine, number=99, size=2).page == 3
    with pytest.raises(outbox.InvalidMessage, match="status"):
        outbox.page(engine, status="lost")


def test_the_commands(sqlite_database, monkeypatch):
    engine = sqlite_database.engine
    for n in range(3):  # enqueued a year ago: due by the system clock the command reads
        outbox.enqueue(engine, email(f"k{n}"), now=NOW - timedelta(days=365))
    monkeypatch.setenv("FRONTDOOR_DATABASE_URL", sqlite_database.url)
    monkeypatch.delenv("FRONTDOOR_NOTIFY_API_KEY", raising=False)
    runner = CliRunner()
    listed = runner.invoke(app, ["outbox", "--limit", "2"])
    assert listed.exit_code == 0 and "k2" in listed.output and "k0" not in listed.output
    assert "3 message(s)" in listed.output
    sent = runner.invoke(app, ["send-due"])
    assert sent.exit_code == 0 and "outbox: sent 3" in sent.output
    assert "3 message(s) sent" in runner.invoke(app, ["outbox", "--status", "sent"]).output
    refused = runner.invoke(app, ["outbox", "--status", "lost"])
    assert refused.exit_code == 2 and "status must be one of" in refused.output
    monkeypatch.setenv("FRONTDOOR_NOTIFY_API_KEY", "short")
    bad_key = runner.invoke(app, ["send-due"])
    assert bad_key.exit_code == 2 and "API key" in bad_key.output
