""" "Remind me about my bin day" from the bot: postcode, address, then an email or a
mobile number; the subscription goes through core's port (a recording fake
here), and the resident is told to check their inbox or phone, in English or
Welsh. The contact is not kept in the conversation once used."""

from __future__ import annotations

from datetime import datetime

import pytest

from backoffice.seed import DEMO_IDENTITIES
from frontdoor.subscriptions import SubscriptionRefused, SubscriptionRequest
from tests.unit.bot.harness import BotHarness

ANN = DEMO_IDENTITIES["council_tax"]
FOXGLOVE = DEMO_IDENTITIES["postcode"]["postcode"]


class Recording:
    def __init__(self, refuse: str = "") -> None:
        self.requests: list[SubscriptionRequest] = []
        self.refuse = refuse

    def request(self, request: SubscriptionRequest, *, now: datetime) -> None:
        if self.refuse:
            raise SubscriptionRefused(self.refuse, "uprn")
        self.requests.append(request)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("it's Ann.Whitlock@example.org thanks", "email:Ann.Whitlock@example.org"),
        ("+44 7700 900123", "sms:07700900123"),
        ("07700-900-123", "sms:07700900123"),
        ("my phone", None),
        ("01632 960000", None),  # a landline cannot take texts
    ],
)
def test_the_contact_is_an_email_or_a_uk_mobile(bot: BotHarness, typed: str, stored) -> None:  # type: ignore[no-untyped-def]
    result = bot.validate("subscribe_form", {"subscribe_contact": typed})
    assert result.slot("subscribe_contact") == stored
    if stored is None:
        assert "email address or a UK mobile number" in result.text


def test_the_form_asks_for_the_postcode_like_the_bin_day_form(bot: BotHarness) -> None:
    result = bot.validate("subscribe_form", {"postcode": "bf32qx"})
    assert result.slot("postcode") == FOXGLOVE


def test_subscribing_tells_the_resident_to_check_their_inbox(bot: BotHarness) -> None:
    recording = Recording()
    bot.services.subscriptions = recording
    slots = {"postcode": FOXGLOVE, "uprn": ANN["uprn"], "subscribe_contact": "email:a@example.org"}
    result = bot.run("action_subscribe", bot.tracker(slots=slots))
    assert "Check your inbox" in result.text and "a@example.org" in result.text
    (request,) = recording.requests
    assert request.uprn == ANN["uprn"] and request.channel == "email"
    assert request.topics == frozenset({"bins", "disruptions"})
    assert result.slot("subscribe_contact") is None  # personal data not kept


def test_in_welsh_the_resident_is_told_to_check_their_phone(bot: BotHarness) -> None:
    recording = Recording()
    bot.services.subscriptions = recording
    slots = {"uprn": ANN["uprn"], "subscribe_contact": "sms:07700900123",
             "conversation_language": "cy"}  # fmt: skip
    result = bot.run("action_subscribe", bot.tracker(slots=slots))
    assert "Gwiriwch eich ffôn" in result.text
    assert recording.requests[0].language == "cy"


def test_an_unknown_address_is_refused_plainly(bot: BotHarness) -> None:
    bot.services.subscriptions = Recording(refuse="unknown_address")
    slots = {"uprn": "999999999999", "subscribe_contact": "email:a@example.org"}
    result = bot.run("action_subscribe", bot.tracker(slots=slots))
    assert "we don't collect bins from that address" in result.text


def test_without_the_port_the_website_is_offered(bot: BotHarness) -> None:
    bot.services.subscriptions = None
    slots = {"uprn": ANN["uprn"], "subscribe_contact": "email:a@example.org"}
    result = bot.run("action_subscribe", bot.tracker(slots=slots))
    assert "website" in result.text
