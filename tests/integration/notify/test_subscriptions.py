"""Residents' subscriptions on SQLite and PostgreSQL, with the scenario back office
(Juniper Close around Easter 2026: the Tuesday round collects on Wednesday 8
April): double opt-in, signed links, the evening-before reminder once however
often the scheduler runs or restarts, a missed run caught up, disruptions and
case updates keyed, and an unknown address refused plainly."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from backoffice.ports import CaseStatus
from backoffice.sql import SqlLoader, demo_backoffice
from frontdoor.db import make_session_factory
from frontdoor.subscriptions import SubscriptionRefused, SubscriptionRequest
from notify import outbox
from notify.outbox import OutboxNotifications
from notify.subscriptions import MessageSettings, Subscriptions, make_token
from tests.contract import backoffice_scenario as s

SECRET = "test-secret-for-subscription-links-0123456789"
SETTINGS = MessageSettings(site_url="https://council.test", council_name="Testshire Council",
                           secret=SECRET)  # fmt: skip
TUESDAY_7 = date(2026, 4, 7)  # the evening before the Easter-week collection


def _service(database) -> Subscriptions:  # type: ignore[no-untyped-def]
    with make_session_factory(database.engine).begin() as session:
        s.load_scenario(SqlLoader(session))
    engine = database.engine
    return Subscriptions(engine, demo_backoffice(engine), OutboxNotifications(engine), SETTINGS)


def _rows(database) -> list[outbox.OutboxRow]:  # type: ignore[no-untyped-def]
    return list(outbox.page(database.engine, size=500).rows)


def _token(row: outbox.OutboxRow) -> str:
    return row.personalisation["confirm_url"].split("/subscriptions/")[1].split("/")[0]


REQUEST = SubscriptionRequest(
    channel="email", contact="Resident@Example.ORG", topics=frozenset({"bins"}), uprn=s.HOME
)


def test_nothing_but_the_confirmation_is_sent_until_its_link_is_followed(database) -> None:  # type: ignore[no-untyped-def]
    service = _service(database)
    service.request(REQUEST, now=s.at(TUESDAY_7, 9, 0))
    (confirmation,) = _rows(database)
    assert confirmation.recipient == "Resident@example.org"
    assert confirmation.idempotency_key.startswith("confirm:")
    body = confirmation.personalisation["body"]
    assert "Testshire Council" in confirmation.personalisation["subject"]
    assert "/unsubscribe" in body and "https://council.test/subscriptions/" in body
    evening = s.at(TUESDAY_7, 18, 30)
    assert service.run_due(now=evening).queued == 0  # not confirmed: no reminder
    assert len(_rows(database)) == 1
    token = _token(confirmation)
    assert service.confirm(token, now=s.at(TUESDAY_7, 10, 0)) is not None
    outcome = service.run_due(now=evening)
    assert outcome.queued == 1
    reminder = next(r for r in _rows(database) if r.idempotency_key.startswith("bin:"))
    assert reminder.idempotency_key.endswith(":2026-04-08")
    assert "Wednesday 8 April" in reminder.personalisation["body"]
    assert "1 Juniper Close, BF2 4AA" in reminder.personalisation["body"]
    assert reminder.personalisation["unsubscribe_url"].endswith(f"{token}/unsubscribe")


def test_a_restart_or_a_rerun_never_queues_twice_and_a_missed_run_is_caught_up(database) -> None:  # type: ignore[no-untyped-def]
    service = _service(database)
    service.request(REQUEST, now=s.at(TUESDAY_7, 9, 0))
    service.confirm(_token(_rows(database)[0]), now=s.at(TUESDAY_7, 9, 5))
    assert service.run_due(now=s.at(TUESDAY_7, 17, 59)).queued == 0  # before 18:00
    # the 18:00 run was missed (scheduler down): the 23:30 run catches up
    assert service.run_due(now=s.at(TUESDAY_7, 23, 30)).queued == 1
    # a restarted scheduler (a new service on the same database) queues nothing new
    again = Subscriptions(database.engine, service.backoffice,
                          OutboxNotifications(database.engine), SETTINGS)  # fmt: skip
    outcome = again.run_due(now=s.at(TUESDAY_7, 23, 45))
    assert (outcome.queued, outcome.already) == (0, 1)
    # on the collection day itself it is too late: no reminder for 8 April is due,
    # and Wednesday 8th's evening has no collection on Thursday
    assert service.run_due(now=s.at(s.EASTER_WEDNESDAY, 19, 0)).queued == 0
    keys = [r.idempotency_key for r in _rows(database) if r.idempotency_key.startswith("bin:")]
    assert len(keys) == 1


def test_a_tampered_or_invented_token_is_refused(database) -> None:  # type: ignore[no-untyped-def]
    service = _service(database)
    service.request(REQUEST, now=s.at(TUESDAY_7, 9, 0))
    token = _token(_rows(database)[0])
    public_id, signature = token.split(".")
    flipped = public_id[:-1] + ("0" if public_id[-1] != "0" else "1")
    resigned = signature[:-1] + ("B" if signature[-1] == "A" else "A")
    for bad in (f"{flipped}.{signature}", f"{public_id}.{resigned}", "nonsense",
                make_token("another-secret", public_id)):  # fmt: skip
        assert service.confirm(bad, now=s.at(TUESDAY_7, 9, 1)) is None
        assert service.unsubscribe(bad, now=s.at(TUESDAY_7, 9, 1)) is None
    assert service.find(token).status == "pending"  # type: ignore[union-attr]


def test_an_expired_confirmation_and_an_unsubscribed_link_send_nothing(database) -> None:  # type: ignore[no-untyped-def]
    service = _service(database)
    service.request(REQUEST, now=s.at(date(2026, 3, 20), 9, 0))
    late = _token(_rows(database)[0])
    assert service.confirm(late, now=s.at(date(2026, 3, 28), 9, 0)) is None  # after 7 days
    service.request(replace(REQUEST, contact="other@example.org"), now=s.at(TUESDAY_7, 9, 0))
    token = _token(next(r for r in _rows(database) if r.recipient == "other@example.org"))
    service.confirm(token, now=s.at(TUESDAY_7, 9, 1))
    assert service.unsubscribe(token, now=s.at(TUESDAY_7, 12, 0)).status == "ended"  # type: ignore[union-attr]
    assert service.unsubscribe(token, now=s.at(TUESDAY_7, 12, 1)).status == "ended"  # type: ignore[union-attr]
    assert service.confirm(token, now=s.at(TUESDAY_7, 12, 2)) is None
    assert service.run_due(now=s.at(TUESDAY_7, 18, 0)).queued == 0


@pytest.mark.parametrize(
    ("request_", "reason"),
    [
        (replace(REQUEST, uprn="999999999999"), "unknown_address"),
        (replace(REQUEST, uprn=None), "address_needed"),
        (replace(REQUEST, contact="not an email"), "bad_email"),
        (replace(REQUEST, channel="sms", contact="01632 960000"), "bad_phone"),
        (replace(REQUEST, topics=frozenset()), "no_topic"),
        (replace(REQUEST, topics=frozenset({"case"}), case_reference="BDC-999999"), "unknown_case"),
    ],
)
def test_bad_requests_are_refused_plainly_and_nothing_is_queued(database, request_, reason) -> None:  # type: ignore[no-untyped-def]
    service = _service(database)
    with pytest.raises(SubscriptionRefused) as refused:
        service.request(request_, now=s.at(TUESDAY_7, 9, 0))
    assert refused.value.reason == reason
    assert _rows(database) == []


def test_disruptions_and_case_updates_are_each_sent_once_by_text(database) -> None:  # type: ignore[no-untyped-def]
    service = _service(database)
    wanted = SubscriptionRequest(
        channel="sms", contact="+44 7700 900123", topics=frozenset({"disruptions", "case"}),
        uprn=s.SORREL, case_reference=s.HISTORIC_CASE, language="cy",
    )  # fmt: skip
    service.request(wanted, now=s.at(date(2026, 4, 6), 9, 0))
    confirmation = _rows(database)[0]
    assert confirmation.channel == "sms" and confirmation.recipient == "07700900123"
    assert "Gwnaethoch ofyn" in confirmation.personalisation["body"]
    service.confirm(_token(confirmation), now=s.at(date(2026, 4, 6), 9, 1))
    # the day before the disruption starts, it is announced; the case has not moved
    assert service.run_due(now=s.at(date(2026, 4, 6), 10, 0)).queued == 1
    service.backoffice.cases.update_status(
        s.HISTORIC_CASE, status=CaseStatus.RESOLVED, at=s.at(date(2026, 4, 6), 11, 0),
        note="cleared", by="crew",
    )  # fmt: skip
    assert service.run_due(now=s.at(date(2026, 4, 6), 11, 5)).queued == 1
    assert service.run_due(now=s.at(date(2026, 4, 7), 11, 5)).queued == 0  # all keyed
    keys = sorted(r.idempotency_key for r in _rows(database))
    assert [k.split(":")[0] for k in keys] == ["case", "confirm", "disruption"]
    case = next(r for r in _rows(database) if r.idempotency_key.startswith("case:"))
    assert "wedi'i ddatrys" in case.personalisation["body"]
    assert "cleared" not in case.personalisation["body"]  # staff notes stay inside
    for row in _rows(database):  # every message can stop them, without signing in
        assert row.personalisation["unsubscribe_url"] in row.personalisation["body"]


def test_a_new_contact_is_confirmed_again_with_a_new_link(database) -> None:  # type: ignore[no-untyped-def]
    service = _service(database)
    service.request(REQUEST, now=s.at(TUESDAY_7, 9, 0))
    old = _token(_rows(database)[0])
    service.confirm(old, now=s.at(TUESDAY_7, 9, 1))
    changed = service.change(old, topics=frozenset({"bins", "disruptions"}), channel="sms",
                             contact="07700 900123", now=s.at(TUESDAY_7, 9, 2))  # fmt: skip
    assert changed is not None and changed[1] is True
    assert service.find(old) is None  # the old link no longer names it
    assert service.run_due(now=s.at(TUESDAY_7, 18, 0)).queued == 0  # pending again
    texted = next(r for r in _rows(database) if r.channel == "sms")
    assert service.confirm(_token(texted), now=s.at(TUESDAY_7, 9, 3)) is not None
    assert service.run_due(now=s.at(TUESDAY_7, 18, 0) + timedelta(minutes=1)).queued == 1


def test_the_command_queues_what_is_due_at_the_moment_it_is_given(database, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.integration.core.test_cli import frontdoor

    service = _service(database)
    service.request(REQUEST, now=s.at(TUESDAY_7, 9, 0))
    service.confirm(_token(_rows(database)[0]), now=s.at(TUESDAY_7, 9, 1))
    env = {"FRONTDOOR_DATABASE_URL": database.url, "FRONTDOOR_SECRET_KEY": SECRET * 2,
           "FRONTDOOR_ENVIRONMENT": "test", "FRONTDOOR_VAR_DIR": str(tmp_path)}  # fmt: skip
    evening = s.at(TUESDAY_7, 18, 5).isoformat()
    done = frontdoor("notify", "queue-due", "--at", evening, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "queued 1, already queued 0, errors 0"
    assert next(r.idempotency_key for r in _rows(database)).endswith(":2026-04-08")
    naive = frontdoor("notify", "queue-due", "--at", "2026-04-07T18:05", env=env, cwd=tmp_path)
    assert naive.returncode == 2 and "time zone" in naive.stderr


def test_a_welsh_message_names_the_council_in_welsh(database) -> None:  # type: ignore[no-untyped-def]
    service = _service(database)
    service.settings = replace(SETTINGS, council_name_cy="Cyngor Swydd Brawf")
    welsh = SubscriptionRequest(channel="email", contact="cy@example.org",
                                topics=frozenset({"bins"}), uprn=s.HOME, language="cy")  # fmt: skip
    service.request(welsh, now=s.at(TUESDAY_7, 9, 0))
    service.request(REQUEST, now=s.at(TUESDAY_7, 9, 0))
    subjects = {r.recipient: r.personalisation["subject"] for r in _rows(database)}
    assert subjects["cy@example.org"] == "Cyngor Swydd Brawf: cadarnhewch eich diweddariadau"
    assert subjects["Resident@example.org"].startswith("Testshire Council: ")
    service.confirm(_token(_rows(database)[0]), now=s.at(TUESDAY_7, 9, 1))
    service.confirm(_token(_rows(database)[1]), now=s.at(TUESDAY_7, 9, 1))
    assert service.run_due(now=s.at(TUESDAY_7, 18, 30)).queued == 2
    reminders = [r for r in _rows(database) if r.idempotency_key.startswith("bin:")]
    by = {r.recipient: r.personalisation["subject"] for r in reminders}
    assert by["cy@example.org"].startswith("Cyngor Swydd Brawf: ")
    assert by["Resident@example.org"].startswith("Testshire Council: ")


def test_the_profiles_welsh_name_is_used_only_with_its_english_one(database) -> None:  # type: ignore[no-untyped-def]
    from notify.settings import SubscriptionSettings, subscriptions_from

    settings = SubscriptionSettings.load({})
    name = settings.council.council.name
    ours = subscriptions_from(database.engine, demo_backoffice(database.engine),
                              council_name=name.en, secret=SECRET, settings=settings)  # fmt: skip
    assert ours.settings.council("cy") == name.cy != name.en
    assert ours.settings.council("en") == name.en
    other = subscriptions_from(
        database.engine,
        demo_backoffice(database.engine),
        council_name="Testshire Council",
        secret=SECRET,
        settings=settings,
    )
    assert other.settings.council("cy") == "Testshire Council"
