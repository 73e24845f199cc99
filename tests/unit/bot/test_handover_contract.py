"""The bot's side of the handover contract: what ``action_handoff`` sends is a
``frontdoor.contracts.handover.HandoverRequest``, unchanged by a read back, and
the handoff service's relay reads it (the round trip, without a network)."""

from __future__ import annotations

import json

from frontdoor.contracts.handover import HANDOVER_KEY, HandoverRequest, HandoverSummary
from handoff.bot import parse_rasa_replies
from tests.unit.bot.harness import BotHarness


def _payload(bot: BotHarness, **tracker: object) -> dict:
    result = bot.run("action_handoff", bot.tracker(**tracker))  # type: ignore[arg-type]
    (custom,) = result.custom
    assert set(custom) == {HANDOVER_KEY, "text"}  # one reply: the text travels with it
    return custom[HANDOVER_KEY]


def test_a_verified_residents_handover_is_a_handover_request_with_the_grants(
    bot: BotHarness,
) -> None:
    token = bot.token(council_tax=["CT40012345"])
    sent = _payload(
        bot,
        text="talk to a person",
        intent="human",
        metadata={"frontdoor_identity_token": token},
        slots={"task": "verify", "account_kind": "council_tax"},
    )
    request = HandoverRequest.model_validate(sent)
    assert request.model_dump(mode="json") == sent  # nothing lost or rewritten on the wire
    assert isinstance(request.summary, HandoverSummary)
    identity = request.summary.verified_identity
    assert identity is not None
    assert identity.method == "token" and identity.references == ["CT40012345"]
    (grant,) = identity.grants
    assert grant.purpose == "balance" and grant.facts == ["identity_token"]
    assert grant.verified_at.utcoffset() is not None
    assert sent["summary"]["verified_identity"]["grants"][0]["verified_at"].endswith("+00:00")


def test_a_resident_at_risk_is_handed_over_as_urgent(bot: BotHarness) -> None:
    sent = _payload(bot, text="I am going to be evicted tomorrow", intent="at_risk")
    request = HandoverRequest.model_validate(sent)
    assert request.priority == "urgent" and request.reason == "at_risk"
    assert request.model_dump(mode="json") == sent


def test_the_bots_handover_round_trips_into_the_handoff_services_request(
    bot: BotHarness,
) -> None:
    token = bot.token(council_tax=["CT40012345"])
    result = bot.run(
        "action_handoff",
        bot.tracker(
            text="talk to a person",
            intent="human",
            metadata={"frontdoor_identity_token": token},
            slots={
                "task": "missed_bin",
                "references_seen": ["BDC-104233"],
                "articles_shown": ["recycling"],
                "failed_questions": ["why was my bin missed"],
            },
        ),
    )
    (custom,) = result.custom
    wire = json.loads(json.dumps(custom))  # what Rasa's REST channel carries
    (reply,) = parse_rasa_replies([{"text": result.text, "custom": wire}])
    request = reply.handoff
    assert request is not None
    sent = wire[HANDOVER_KEY]
    assert (request.reason, request.service_area, request.priority) == (
        "requested",
        "waste",
        "normal",
    )
    assert request.details == sent["summary"]
    assert request.verified_references == ("CT40012345",)
    assert request.verified_method == "token"
    assert request.summary == (
        "Topic: missed bin. References: BDC-104233. Verified (token) for CT40012345. "
        "Could not answer: why was my bin missed. Articles shown: recycling."
    )
    assert HandoverRequest.model_validate(sent).model_dump(mode="json") == sent
