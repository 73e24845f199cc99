"""A request for a person that says what it is about reaches the team for it (issue #18,
deliverables 4 and 6). Seen in a walk-through: "talk to a person about my council tax
bill", the resident's first message, went to the general queue with Topic: general,
because only a shown article, a task or an account gave the service area. Now the
knowledge base is asked with the words around the request (``subject_query``), and an
article the decision policy would show gives the team and the summary's ``subject``,
with its title (``subject_title``) for the advisor to read.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from actions.handover import AT_RISK, REPEATED_FAILURE, REQUESTED, subject_query, subject_words
from actions.knowledge_client import FakeArticle
from actions.risk import RISK_SERVICE_AREA, detect_risk
from frontdoor.contracts.handover import HANDOVER_KEY, HandoverRequest, HandoverSummary
from handoff.bot import render_summary
from handoff.routing import Priority, QueueEntry, sort_key
from tests.unit.bot.harness import BotHarness

COUNCIL_TAX = "talk to a person about my council tax bill"
WELSH_COUNCIL_TAX = "Rwyf eisiau siarad â pherson am fy nhreth gyngor"
# The Welsh council tax arrears article (knowledge/content/cy/council_tax), its title,
# summary and two of its alternative questions, as the real search indexes them.
WELSH_ARREARS = FakeArticle(
    slug="ol-ddyledion-treth-gyngor",
    title="Os ydych chi ar ei hôl hi gyda'ch treth gyngor",
    body="Beth sy'n digwydd os byddwch chi'n methu taliadau treth gyngor, a sut i gael help "
    "cyn i bethau waethygu. Alla i ddim fforddio fy nhreth gyngor. Ces i lythyr atgoffa "
    "am y dreth gyngor.",
    service_area="council_tax",
    language="cy",
)


def _request(bot: BotHarness, text: str, **tracker: Any) -> HandoverRequest:
    result = bot.run("action_handoff", bot.tracker(text=text, **tracker))
    (custom,) = result.custom
    return HandoverRequest.model_validate(custom[HANDOVER_KEY])


def _summary(request: HandoverRequest) -> HandoverSummary:
    assert isinstance(request.summary, HandoverSummary)
    return request.summary


# --- the words searched ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (COUNCIL_TAX, "about my council tax bill"),
        ("I\u2019d like to speak to someone about my rent arrears please", "about my rent arrears"),
        ("my council tax direct debit - speak to a person please", "tax direct debit"),
        ("Can I talk to an advisor, my boiler is broken", "boiler is broken"),
        (WELSH_COUNCIL_TAX, "am fy nhreth gyngor"),
        ("Hoffwn siarad â rhywun am fy rhent", "am fy rhent"),
        ("talk to a person", ""),
        ("Rwyf eisiau siarad â pherson", ""),
    ],
)
def test_the_search_is_for_the_words_around_the_request(text: str, words: str) -> None:
    assert subject_words(text) == words


# --- the decision: whether to ask ------------------------------------------------


@pytest.mark.parametrize(
    ("what", "tracker", "reason", "topic", "query"),
    [
        ("a request that names its subject", {"text": COUNCIL_TAX}, REQUESTED, "general",
         "about my council tax bill"),
        ("after unanswered questions too", {"text": COUNCIL_TAX}, REQUESTED, "question",
         "about my council tax bill"),
        ("a bare request", {"text": "can I speak to a real person please"}, REQUESTED,
         "general", None),
        ("a button", {"text": "/human"}, REQUESTED, "general", None),
        ("yes to an offer", {"text": "yes please, about my bill", "intent": "affirm"},
         REQUESTED, "general", None),
        ("at risk", {"text": COUNCIL_TAX}, AT_RISK, "general", None),
        ("repeated failures", {"text": COUNCIL_TAX}, REPEATED_FAILURE, "question", None),
        ("a task says the area", {"text": COUNCIL_TAX}, REQUESTED, "missed_bin", None),
        ("an account says the area", {"text": COUNCIL_TAX}, REQUESTED, "council_tax", None),
        ("a shown article says the area",
         {"text": COUNCIL_TAX, "slots": {"service_area": "waste"}}, REQUESTED, "question", None),
    ],
)  # fmt: skip
def test_the_knowledge_base_is_asked_only_when_nothing_says_the_area(
    bot: BotHarness,
    what: str,
    tracker: dict[str, Any],
    reason: str,
    topic: str,
    query: str | None,
) -> None:
    assert subject_query(bot.tracker(**tracker), reason, topic) == query, what


# --- the handover ------------------------------------------------


def test_a_bare_request_stays_general_without_a_search(bot: BotHarness) -> None:
    request = _request(bot, "can I speak to a real person please", intent="human")
    assert request.service_area == "general"
    assert _summary(request).topic == "general" and _summary(request).subject is None
    assert _summary(request).subject_title is None
    assert bot.knowledge.searches == []


def test_a_request_naming_council_tax_goes_to_revenues(bot: BotHarness) -> None:
    request = _request(bot, COUNCIL_TAX, intent="human")
    assert request.service_area == "revenues"
    assert request.priority == "normal" and request.reason == REQUESTED
    assert _summary(request).subject == "pay-council-tax"
    assert _summary(request).subject_title == "Pay your council tax"
    assert bot.knowledge.searches == ["about my council tax bill"]
    # the advisor reads what it is about in the console's summary: the title, not the slug
    rendered = render_summary(_summary(request))
    assert "Closest article: Pay your council tax." in rendered
    assert "pay-council-tax" not in rendered


def test_a_welsh_request_naming_council_tax_goes_to_revenues(bot: BotHarness) -> None:
    bot.knowledge.add([WELSH_ARREARS])
    request = _request(bot, WELSH_COUNCIL_TAX, intent="human")
    assert request.service_area == "revenues"
    assert _summary(request).subject == "ol-ddyledion-treth-gyngor"
    # the title is the article's, in the language it was found in
    assert _summary(request).subject_title == WELSH_ARREARS.title
    assert _summary(request).language == "cy"
    assert bot.knowledge.searches == ["am fy nhreth gyngor"]


def test_a_subject_the_policy_would_not_show_stays_general(bot: BotHarness) -> None:
    text = "talk to a person about a problem with a card payment"
    request = _request(bot, text, intent="human")
    assert bot.knowledge.searches == ["about a problem with a card payment"]
    assert request.service_area == "general" and _summary(request).subject is None
    # a weak hit in revenues was found, and not taken
    weak = bot.knowledge.search("about a problem with a card payment")
    assert weak.best is not None and weak.best.service_area == "revenues"


def test_knowledge_unavailable_falls_back_to_general(bot: BotHarness) -> None:
    bot.knowledge.available = False
    result = bot.run("action_handoff", bot.tracker(text=COUNCIL_TAX, intent="human"))
    (custom,) = result.custom
    request = HandoverRequest.model_validate(custom[HANDOVER_KEY])
    assert request.service_area == "general" and _summary(request).subject is None
    assert result.slot("handoff_requested") is True


def test_an_at_risk_message_keeps_its_area_and_goes_first(bot: BotHarness) -> None:
    text = "talk to someone about my council tax, I don't want to be alive any more"
    signal = detect_risk(text)
    assert signal is not None
    request = _request(bot, text, intent="human")
    assert (request.reason, request.priority) == (AT_RISK, "urgent")
    assert request.service_area == RISK_SERVICE_AREA[signal.kind] != "revenues"
    assert _summary(request).subject is None and bot.knowledge.searches == []
    start = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)
    waiting = [QueueEntry(f"c-{n}", request.service_area, start) for n in range(3)]
    mine = QueueEntry(
        "c-at-risk", request.service_area, start + timedelta(hours=1), Priority(request.priority)
    )
    assert sorted([*waiting, mine], key=sort_key)[0] is mine


def test_an_area_from_a_shown_article_is_kept_without_a_search(bot: BotHarness) -> None:
    request = _request(
        bot,
        COUNCIL_TAX,
        intent="human",
        slots={"articles_shown": ["recycling"], "service_area": "waste"},
    )
    assert request.service_area == "waste"
    assert _summary(request).topic == "question" and _summary(request).subject is None
    assert bot.knowledge.searches == []


def test_a_task_keeps_its_area_without_a_search(bot: BotHarness) -> None:
    request = _request(bot, COUNCIL_TAX, intent="human", slots={"task": "missed_bin"})
    assert request.service_area == "waste" and bot.knowledge.searches == []
