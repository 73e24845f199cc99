"""The bot's answer in a real browser (issue #18, deliverables 3 and 4): one
message with the article's own sentence, a card linking to the article at its
section, and "Did that help?" with Yes / No, in English and in Welsh, on a
desktop and on a phone, with no serious axe-core violation. The bot is the
scripted fake, but its replies are built by the real action code
(``actions.questions.answer_message`` on the real demo articles) and parsed by
the real relay (``handoff.bot.parse_rasa_replies``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from actions.answers import extract_answer
from actions.knowledge_client import KnowledgeHit
from actions.language import detect
from actions.questions import answer_message
from handoff.bot import BotReply, FakeBot, parse_rasa_replies
from tests.e2e.browser import axe_violations
from tests.e2e.handoff.harness import Stack
from tests.e2e.handoff.test_journey import messages, open_widget, say

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
SHOTS = Path("/tmp/shots-replies")
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

ARTICLES = {
    "en": ("council_tax/single-person-discount.md", "Single person discount", "How to apply"),
    "cy": ("council_tax/gostyngiad-person-sengl.md", "Gostyngiad person sengl", "Sut i wneud cais"),
}


def _body(language: str) -> str:
    path = ROOT / "knowledge" / "content" / language / ARTICLES[language][0]
    return path.read_text(encoding="utf-8").split("---", 2)[2]


def answering_bot(text: str, metadata: Any) -> list[BotReply]:
    lang = detect(text, current="en")
    _path, title, section = ARTICLES[lang]
    slug = Path(ARTICLES[lang][0]).stem
    hit = KnowledgeHit(
        slug=slug,
        title=title,
        url=f"http://localhost:8000/{lang}/articles/{slug}",
        snippet="",
        score=0.9,
        section_anchor=None,
        section_title=section,
        language=lang,
    )
    answer = extract_answer(text, _body(lang)) or ""
    return parse_rasa_replies([{"custom": answer_message(answer, hit, lang, ask=True)}])


@pytest.fixture
def handoff_bot() -> FakeBot:
    return FakeBot(script=answering_bot)


@pytest.mark.parametrize(
    ("question", "expected", "card", "prompt", "yes", "size"),
    [
        (
            "can I get a discount if I live alone",
            "you can get 25% off your council tax bill",
            "Single person discount",
            "Did that help?",
            "Yes",
            "desktop",
        ),
        (
            "Oes gostyngiad os ydw i'n byw ar fy mhen fy hun?",
            "gallwch gael 25% oddi ar eich bil treth gyngor",
            "Gostyngiad person sengl",
            "Oedd hynny'n help?",
            "Oedd",
            "phone",
        ),
        (
            "can I get a discount if I live alone",
            "you can get 25% off your council tax bill",
            "Single person discount",
            "Did that help?",
            "Yes",
            "phone",
        ),
    ],
)
def test_an_answer_is_one_message_with_a_card_and_did_that_help(
    browser: Any,
    stack: Stack,
    question: str,
    expected: str,
    card: str,
    prompt: str,
    yes: str,
    size: str,
) -> None:
    options = PHONE if size == "phone" else {"viewport": {"width": 1280, "height": 800}}
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        open_widget(page, stack)
        say(page, question)
        answer = messages(page).locator("li.fd-from-bot").last
        expect(answer).to_contain_text(expected)
        expect(messages(page).locator("li.fd-from-bot")).to_have_count(1)
        link = answer.get_by_role("link", name=card)
        expect(link).to_be_visible()
        lang = "cy" if yes == "Oedd" else "en"
        expect(link).to_have_attribute(
            "href", re.compile(rf"^http://localhost:8000/{lang}/articles/")
        )
        expect(answer.locator(".fd-card-section")).to_be_visible()
        expect(answer.locator(".fd-prompt")).to_have_text(prompt)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"answer-card-{lang}-{size}.png"))
        quick = page.locator("#fd-quick")
        expect(quick.get_by_role("button", name=yes, exact=True)).to_be_visible()
        assert "<" not in answer.inner_text()
        assert axe_violations(page, "#fd-panel") == []
    finally:
        context.close()
