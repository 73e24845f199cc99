"""The handoff side of the handover contract: the relay reads the bot's payload
with ``HandoverRequest``; tolerant of what it always tolerated, and a payload
that is not the model is refused and logged, never a crash."""

from __future__ import annotations

import logging

import pytest

from frontdoor.contracts.handover import HANDOVER_KEY, HandoverRequest, HandoverSummary
from handoff.bot import HandoffRequest, parse_rasa_replies, render_summary


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
            {"topic": "general", "subject": "council-tax-bill-explained",
             "subject_title": "How your council tax bill is worked out"},
            "Closest article: How your council tax bill is worked out. Not verified.",
        ),
        (  # a title that ends its own sentence keeps its own mark
            {"topic": "general", "subject": "do-i-need-planning-permission",
             "subject_title": "Do I need planning permission?"},
            "Closest article: Do I need planning permission? Not verified.",
        ),
        (  # Welsh: the title as the bot found it
            {"topic": "general", "subject": "ol-ddyledion-treth-gyngor", "language": "cy",
             "subject_title": "Os ydych chi ar ei hôl hi gyda'ch treth gyngor"},
            "Language: Welsh (Cymraeg). Closest article: Os ydych chi ar ei hôl hi "
            "gyda'ch treth gyngor. Not verified.",
        ),
        (  # a bot from before titles: the slug is all there is
            {"topic": "general", "subject": "council-tax-bill-explained"},
            "Closest article: council-tax-bill-explained. Not verified.",
        ),
        (  # a task's topic stays beside the article
            {"topic": "bulky", "subject": "bulky-waste-collection",
             "subject_title": "Book a bulky waste collection"},
            "Topic: bulky. Closest article: Book a bulky waste collection. Not verified.",
        ),
        ({"topic": "general", "subject": None}, "Topic: general. Not verified."),
        ({"topic": "general"}, "Topic: general. Not verified."),  # a bot from before subject
    ],
)  # fmt: skip
def test_the_subject_a_request_named_is_shown_to_the_advisor(sent, rendered):
    request = HandoffRequest.from_custom({"service_area": "revenues", "summary": sent})
    assert request is not None and request.details == sent
    assert request.summary == rendered


def test_a_subject_title_is_one_line_and_clipped():
    title = "How your council tax\nbill is   worked out " + "x" * 300
    summary = HandoverSummary.model_validate({"subject": "council-tax", "subject_title": title})
    assert summary.subject_title is not None and len(summary.subject_title) == 200
    assert summary.subject_title.startswith("How your council tax bill is worked out x")
    blank = HandoverSummary.model_validate({"subject": "council-tax", "subject_title": "  "})
    assert blank.subject_title is None  # no title: the slug is shown, as from an old bot
    assert "Closest article: council-tax." in render_summary(blank)


@pytest.mark.parametrize("title", [42, ["How your council tax bill is worked out"], {"en": "x"}])
def test_a_subject_title_that_is_not_text_is_refused(title, caplog):
    with caplog.at_level(logging.WARNING, logger="handoff.bot"):
        assert HandoffRequest.from_custom({"summary": {"subject_title": title}}) is None
    assert "subject_title: Input should be a valid string" in caplog.text
