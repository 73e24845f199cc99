"""The subscription pages on the council's website (the knowledge service's real app),
SQLite and PostgreSQL: subscribe with a postcode and an address, confirm from the
message's link, stop from any message's link without signing in, change
preferences; bad input gets GOV.UK's error summary (never a 500), a tampered
link a plain 404, in English and Welsh; the form is rate-limited."""

from __future__ import annotations

import html
import re

import pytest

from backoffice.sql import SqlLoader
from frontdoor.db import make_session_factory
from notify import outbox
from notify.settings import SubscriptionSettings
from tests.contract import backoffice_scenario as s
from tests.integration.knowledge.conftest import client, settings  # noqa: F401

HTML = {"accept": "text/html"}


@pytest.fixture
def site(client, database):  # type: ignore[no-untyped-def]  # noqa: F811
    with make_session_factory(database.engine).begin() as session:
        s.load_scenario(SqlLoader(session))
    client.app.state.subscription_settings = SubscriptionSettings.load(
        {"FRONTDOOR_SUBSCRIPTION_LIMIT_FORM": "6/minute"}
    )
    return client


def _messages(database) -> list[outbox.OutboxRow]:  # type: ignore[no-untyped-def]
    return list(outbox.page(database.engine, size=100).rows)


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def _form(**values: str) -> dict[str, object]:
    return {"postcode": "BF2 4AA", "uprn": s.HOME, "topics": ["bins", "disruptions"],
            "channel": "email", "email": "resident@example.org", **values}  # fmt: skip


def test_subscribe_confirm_and_unsubscribe_from_the_message(site, database) -> None:  # type: ignore[no-untyped-def]
    found = site.get("/subscribe", params={"postcode": "bf24aa"}, headers=HTML)
    assert found.status_code == 200
    assert "1 Juniper Close, BF2 4AA" in html.unescape(found.text)
    done = site.post("/subscribe", data=_form(), headers=HTML)
    assert done.status_code == 200 and "Check your inbox" in done.text
    (confirmation,) = _messages(database)
    assert confirmation.recipient == "resident@example.org"
    assert site.app.state.settings.council_name in confirmation.personalisation["subject"]
    confirmed = site.get(_path(confirmation.personalisation["confirm_url"]), headers=HTML)
    assert confirmed.status_code == 200 and "You are subscribed" in confirmed.text
    preferences = site.get(_path(confirmation.personalisation["preferences_url"]), headers=HTML)
    assert preferences.status_code == 200 and "Unsubscribe from everything" in preferences.text
    saved = site.post(_path(confirmation.personalisation["preferences_url"]), headers=HTML,
                      data={"topics": ["bins"], "channel": "email",
                            "email": "resident@example.org"})  # fmt: skip
    assert saved.status_code == 200 and "Your changes are saved." in saved.text
    stop = _path(confirmation.personalisation["unsubscribe_url"])
    stopped = site.get(stop, headers=HTML)  # one click, no sign-in
    assert stopped.status_code == 200 and "You are unsubscribed" in stopped.text
    assert site.app.state.subscriptions.active() == []
    gone = site.get(_path(confirmation.personalisation["preferences_url"]), headers=HTML)
    assert gone.status_code == 404


def test_bad_input_gets_the_error_summary_and_queues_nothing(site, database) -> None:  # type: ignore[no-untyped-def]
    cases = [
        (_form(uprn="999999999999"), "We do not collect bins from that address"),
        (_form(postcode="ZZ9"), "Enter a full postcode"),
        (_form(email="not-an-email"), "Enter an email address in the right format"),
        (_form(channel="sms", phone="0123"), "Enter a UK mobile number"),
        (_form(topics=[]), "Choose at least one thing"),
        (_form(topics=["case"], case_reference="BDC-999999"), "cannot find a request"),
    ]
    for data, message in cases:
        answer = site.post("/subscribe", data=data, headers=HTML)
        assert answer.status_code == 422, message
        assert 'class="error-summary"' in answer.text and message in html.unescape(answer.text)
    assert _messages(database) == []


def test_welsh_form_and_a_tampered_link_is_a_plain_404(site, database) -> None:  # type: ignore[no-untyped-def]
    answer = site.post("/cy/subscribe", data=_form(channel="sms", phone="07700 900123"),
                       headers=HTML)  # fmt: skip
    assert answer.status_code == 200 and "Gwiriwch eich ffôn" in answer.text
    (confirmation,) = _messages(database)
    assert (
        confirmation.channel == "sms" and "Gwnaethoch ofyn" in confirmation.personalisation["body"]
    )
    url = _path(confirmation.personalisation["confirm_url"])
    tampered = url.replace(".", ".x", 1)
    refused = site.get(tampered, headers=HTML)
    assert refused.status_code == 404 and "does not work" in refused.text
    assert site.app.state.subscriptions.active() == []
    welsh = site.get(url, headers=HTML)
    assert welsh.status_code == 200 and "Rydych chi wedi tanysgrifio" in welsh.text


def test_the_form_is_rate_limited(site, database) -> None:  # type: ignore[no-untyped-def]
    for n in range(6):
        assert site.post("/subscribe", data=_form(email=f"r{n}@example.org")).status_code == 200
    refused = site.post("/subscribe", data=_form(email="r9@example.org"), headers=HTML)
    assert refused.status_code == 429
    assert len(_messages(database)) == 6
