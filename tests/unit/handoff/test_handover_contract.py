"""The handoff side of the handover contract: the relay reads the bot's payload
with ``HandoverRequest``; tolerant of what it always tolerated, and a payload
that is not the model is refused and logged, never a crash."""

from __future__ import annotations

import logging

import pytest

from frontdoor.contracts.handover import HANDOVER_KEY, HandoverRequest, HandoverSummary
from handoff.bot import HandoffRequest, parse_rasa_replies


def test_missing_fields_take_defaults_long_texts_are_clipped_and_high_means_urgent():
    request = HandoffRequest.from_custom(
        {"reason": "r" * 500, "service_area": "HOUSING" + "x" * 100, "priority": "High"}
    )
    assert request is not None
    assert request.reason == "r" * 200
    assert request.service_area == ("housing" + "x" * 100)[:40]
    assert request.priority == "urgent"
    assert request.summary == "" and request.details is None
    empty = HandoffRequest.from_custom({})
    assert empty == HandoffRequest("bot_handoff", "general", "normal", "", None)


def test_a_plain_text_summary_is_kept_as_text_and_clipped():
    request = HandoffRequest.from_custom({"summary": "Facing eviction " * 500})
    assert request is not None and request.details is None
    assert request.summary == ("Facing eviction " * 500)[:4000]


@pytest.mark.parametrize(
    "payload",
    [
        "please hand over",
        ["requested"],
        {"summary": {"references": "CT40012345"}},  # a list, not a string
        {"summary": {"verified_identity": {"references": [1, 2]}}},
        {"summary": {"verified_cases": [{"reference": "BDC-1"}]}},  # a grant needs its fields
    ],
)
def test_a_malformed_handover_payload_is_refused_and_logged(payload, caplog):
    with caplog.at_level(logging.WARNING, logger="handoff.bot"):
        assert HandoffRequest.from_custom(payload) is None
    assert "refused a malformed handover request" in caplog.text
    replies = parse_rasa_replies([{"text": "One moment.", "custom": {HANDOVER_KEY: payload}}])
    assert [(r.text, r.handoff) for r in replies] == [("One moment.", None)]


def test_no_payload_is_no_handover_and_no_warning(caplog):
    with caplog.at_level(logging.WARNING, logger="handoff.bot"):
        assert HandoffRequest.from_custom(None) is None
    assert caplog.text == ""


def test_the_bots_summary_is_stored_as_sent_with_fields_the_model_does_not_know():
    sent = {"topic": "rent", "references": ["TEN-004512"], "mood": "worried"}
    request = HandoffRequest.from_custom({"summary": sent})
    assert request is not None and request.details == sent
    assert request.summary == "Topic: rent. References: TEN-004512. Not verified."


def test_the_model_and_the_relay_agree_on_the_key_and_the_shape():
    request = HandoverRequest(
        reason="requested", service_area="waste", summary=HandoverSummary(topic="bulky")
    )
    (reply,) = parse_rasa_replies([{"custom": request.payload()}])
    assert reply.handoff is not None and reply.handoff.service_area == "waste"
    assert reply.handoff.details == request.payload()[HANDOVER_KEY]["summary"]


@pytest.mark.parametrize(
    ("sent", "rendered"),
    [
        (
            {"topic": "general", "subject": "council-tax-bill-explained"},
            "Topic: general. Asked about: council-tax-bill-explained (the article their "
            "words matched). Not verified.",
        ),
        ({"topic": "general", "subject": None}, "Topic: general. Not verified."),
        ({"topic": "general"}, "Topic: general. Not verified."),  # a bot from before subject
    ],
)
def test_the_subject_a_request_named_is_shown_to_the_advisor(sent, rendered):
    request = HandoffRequest.from_custom({"service_area": "revenues", "summary": sent})
    assert request is not None and request.details == sent
    assert request.summary == rendered
