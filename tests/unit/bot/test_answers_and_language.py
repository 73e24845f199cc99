"""Answers in the article's own sentences; the language of each message; every
bot text in Welsh when the resident writes Welsh (issue #18, 3 and 4)."""

from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions import messages, messages_cy
from actions.answers import extract_answer, heading_anchor, sentences
from actions.language import detect, welsh_confidence
from actions.localise import localise, localise_buttons, to_welsh
from knowledge.search.text import heading_anchor as search_anchor
from tests.unit.bot.harness import BotHarness

SINGLE_PERSON = """If you are the only adult (aged 18 or over) living in your home, you can get \
25% off your council tax bill. Apply online or through our online assistant. It takes about 5 \
minutes.

## Who can get it

You can get the discount if you are the only adult who lives in your home as their main home.

## How to apply

You need:

- your council tax account number
- the date you started living alone

We will send you a new bill showing the discount. If you apply late, we can usually backdate \
the discount to the date you started living alone.

## Checks

We check single person discounts regularly, using information such as the **electoral \
register** and [credit reference data](/articles/credit).
"""


# --- extraction ------------------------------------------------


def test_a_general_question_gets_the_articles_own_summary_sentence() -> None:
    answer = extract_answer(
        "can I get a discount if I live alone", SINGLE_PERSON, section_anchor="how-to-apply"
    )
    assert answer == (
        "If you are the only adult (aged 18 or over) living in your home, you can get 25% off "
        "your council tax bill."
    )


FLY_TIPPING = """Report fly-tipping online or by calling 01632 960800. Tell us exactly where \
it is and what has been dumped. We aim to clear it within 2 working days.

## Private land

The landowner is responsible for clearing fly-tipping on private land.
"""


def test_the_summarys_second_sentence_comes_after_the_first_it_leans_on() -> None:
    answer = extract_answer("my neighbour keeps dumping rubbish in the back lane", FLY_TIPPING)
    assert answer == (
        "Report fly-tipping online or by calling 01632 960800. Tell us exactly where it is and "
        "what has been dumped."
    )
    # a later sentence of the summary stands alone, as a section's does
    assert extract_answer("how quickly is it cleared in working days", FLY_TIPPING) == (
        "We aim to clear it within 2 working days."
    )


def test_list_items_are_never_stitched_into_an_answer() -> None:
    answer = extract_answer("what do I need to apply", SINGLE_PERSON, section_anchor="how-to-apply")
    assert answer is not None
    assert "account number" not in answer and ";" not in answer


def test_a_question_naming_a_section_is_answered_from_it_without_markup() -> None:
    answer = extract_answer("how do you do checks", SINGLE_PERSON)
    assert answer == (
        "We check single person discounts regularly, using information such as the electoral "
        "register and credit reference data."
    )


def test_sentences_keep_only_prose_with_their_sections() -> None:
    found = sentences(SINGLE_PERSON)
    assert all(s.text[-1] in ".!?" for s in found)
    assert {s.section for s in found} == {None, "who-can-get-it", "how-to-apply", "checks"}
    assert not any(s.text.startswith("- ") for s in found)


def test_an_article_without_prose_has_no_answer_and_a_long_sentence_is_clipped() -> None:
    assert extract_answer("bins", "## Heading\n\n- a list\n- only\n") is None
    long = "You can " + "really " * 80 + "recycle glass."
    answer = extract_answer("recycle glass", long)
    assert answer is not None and len(answer) <= 320 and answer.endswith("…")


@pytest.mark.parametrize(
    "title", ["If your bin is missed often", "Talu'ch treth gyngor: ar-lein", "Who can get it?"]
)
def test_heading_anchors_match_the_search_engines(title: str) -> None:
    assert heading_anchor(title) == search_anchor(title)


# --- language ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "current", "expected"),
    [
        ("Rwyf eisiau siarad â pherson", "en", "cy"),
        ("Oes gostyngiad treth cyngor os ydw i'n byw ar fy mhen fy hun", "en", "cy"),
        ("can I get a discount if I live alone", "cy", "en"),
        ("hello", "cy", "cy"),  # short and ambiguous: the conversation's language holds
        ("yes", "cy", "cy"),
        ("BF3 2QX", "cy", "cy"),
        ("😀😀😀", "cy", "cy"),
        ("", "en", "en"),
        ("diolch yn fawr", "en", "cy"),
        ("how do i get a copy of my data", "cy", "en"),  # unsure detector: little words
        ("sut mae cael copi", "en", "cy"),
        # unsure detector on a greeting or a short reply: the Welsh little words decide
        ("helo, sut wyt ti", "en", "cy"),
        ("ie, dyna fo", "en", "cy"),
        ("hello how are you", "cy", "en"),
    ],
)
def test_each_message_sets_the_language_only_when_it_is_clear(
    text: str, current: str, expected: str
) -> None:
    assert detect(text, current=current) == expected  # type: ignore[arg-type]


def test_a_very_long_message_is_read_only_in_part() -> None:
    assert welsh_confidence("Pryd mae fy miniau yn cael eu casglu? " * 400) is not None
    assert welsh_confidence("12345 !!!") is None


# --- localisation ------------------------------------------------


def test_every_message_with_welsh_has_the_same_fields() -> None:
    import string

    def fields(value: object) -> set[str]:
        if isinstance(value, str):
            return {f for _, f, _, _ in string.Formatter().parse(value) if f}
        if isinstance(value, dict):
            return set().union(*(fields(v) for v in value.values()))
        if isinstance(value, list | tuple):
            return set().union(*(fields(v) for v in value)) if value else set()
        return set()

    names = [n for n in dir(messages_cy) if n.isupper() and hasattr(messages, n)]
    assert len(names) > 80
    for name in names:
        assert fields(getattr(messages_cy, name)) == fields(getattr(messages, name)), name


def test_templates_and_the_values_in_them_are_put_into_welsh() -> None:
    english = messages.RESUME.format(task=messages.TASK_LABELS["bin_day"])
    assert to_welsh(english) == "Nawr, yn ôl at wirio diwrnod eich bin."
    lines = "\n".join(
        [
            messages.BIN_DAY_HEADER.format(address="1 High Street"),
            messages.BIN_DAY_LINE.format(label="Recycling", day="Tuesday 24 November"),
        ]
    )
    assert to_welsh(lines) == (
        "Y casgliadau nesaf ar gyfer 1 High Street:\n- Recycling: dydd Mawrth 24 Tachwedd"
    )
    advice = f"{messages.RISK_ADVICE['other']}\n{messages.HANDOFF_URGENT}"
    assert "999" in to_welsh(advice) and "Os ydych chi" in to_welsh(advice)
    assert localise("Something no one translated.", "cy") == "Something no one translated."
    assert localise(messages.GLAD, "en") == messages.GLAD
    assert localise_buttons([messages.HUMAN_BUTTON], "cy") == [
        {"title": "Siarad â pherson", "payload": "/human"}
    ]


@pytest.mark.parametrize(
    ("english", "welsh"),
    [
        # opening hours as the handoff service describes them
        ("Mon–Fri 08:30–17:30", "dydd Llun i ddydd Gwener 08:30–17:30"),  # noqa: RUF001
        (
            "Mon–Fri 08:30–17:30, Sat 09:00–12:30",  # noqa: RUF001
            "dydd Llun i ddydd Gwener 08:30–17:30, dydd Sadwrn 09:00–12:30",  # noqa: RUF001
        ),
        ("Mon, Wed 09:00–12:00", "dydd Llun a dydd Mercher 09:00–12:00"),  # noqa: RUF001
        ("Open 24 hours", "Ar agor 24 awr"),
        ("Closed", "Ar gau"),
        # dates and days as actions.formatting writes them
        ("tomorrow (Wednesday 25 November)", "yfory (dydd Mercher 25 Tachwedd)"),
        ("Friday 1 January 2027", "dydd Gwener 1 Ionawr 2027"),
        ("Tue 24 Nov", "Maw 24 Tach"),
        ("14:30 on Tuesday 24 November", "14:30 ar ddydd Mawrth 24 Tachwedd"),
    ],
)
def test_hours_days_and_dates_in_a_welsh_message_are_welsh(english: str, welsh: str) -> None:
    assert to_welsh(messages.HANDOFF_CLOSED.format(hours=english)) == (
        messages_cy.HANDOFF_CLOSED.format(hours=welsh)
    )


def test_a_resident_at_risk_out_of_hours_reads_the_hours_in_welsh_once() -> None:
    hours = "Mon–Fri 08:30–17:30"  # noqa: RUF001
    english = (
        f"{messages.RISK_ADVICE['other']}\n{messages.HANDOFF_URGENT_CLOSED.format(hours=hours)}"
    )
    welsh = to_welsh(english)
    assert welsh.count("dydd Llun i ddydd Gwener 08:30–17:30") == 1  # noqa: RUF001
    assert "Mon" not in welsh and "Fri" not in welsh


def test_a_day_or_date_on_a_button_is_welsh_and_its_payload_unchanged() -> None:
    buttons = [
        {"title": "Monday", "payload": "Monday"},
        {"title": "Tue 24 Nov", "payload": '/inform{"slot_id":"s1"}'},
        {"title": "Mondays are hard", "payload": "x"},  # not a day: left alone
    ]
    assert localise_buttons(buttons, "cy") == [
        {"title": "dydd Llun", "payload": "Monday"},
        {"title": "Maw 24 Tach", "payload": '/inform{"slot_id":"s1"}'},
        {"title": "Mondays are hard", "payload": "x"},
    ]


# --- through the actions ------------------------------------------------


def test_a_chat_that_began_in_english_switches_to_welsh_and_back(bot: BotHarness) -> None:
    welsh = bot.run(
        "action_smalltalk",
        bot.tracker(text="Helo, sut gallwch chi fy helpu i heddiw?", intent="greet"),
    )
    assert welsh.slot("conversation_language") == "cy"
    assert "Sorry" not in welsh.text
    english = bot.run(
        "action_smalltalk",
        bot.tracker(
            text="hello, what can you help me with today?",
            intent="greet",
            slots={"conversation_language": "cy"},
        ),
    )
    assert english.slot("conversation_language") == "en"


def test_a_short_reply_keeps_the_welsh_of_the_conversation(bot: BotHarness) -> None:
    result = bot.run(
        "action_yes",
        bot.tracker(
            text="ok",
            intent="affirm",
            slots={"awaiting": "answer_feedback", "conversation_language": "cy"},
        ),
    )
    assert result.text == messages_cy.GLAD
    assert result.slot("conversation_language", None) is None  # unchanged: no event


def test_the_widgets_cymraeg_choice_answers_in_welsh_with_welsh_buttons(bot: BotHarness) -> None:
    result = bot.run(
        "action_answer_question",
        bot.tracker(text="ok", intent="nlu_fallback", metadata={"language": "cy"}),
    )
    assert result.text == messages_cy.REPHRASE


def test_yes_and_no_are_recorded_against_the_latest_answer(bot: BotHarness) -> None:
    bot.run(
        "action_answer_question",
        bot.tracker(
            text="how do I pay council tax by direct debit", intent="ask_question", sender_id="c1"
        ),
    )
    bot.run(
        "action_no",
        bot.tracker(intent="deny", sender_id="c1", slots={"awaiting": "answer_feedback"}),
    )
    (row,) = bot.services.answers.by_article()
    assert (row.slug, row.answers, row.helpful, row.not_helpful, row.unrated) == (
        "pay-council-tax",
        1,
        0,
        1,
        0,
    )


@pytest.mark.parametrize(
    "text",
    [
        "x" * 10_000,
        "😀🎉👍",
        "<script>alert('hi')</script><b>bins</b>",
        "Pryd mae my bin day please diolch",
        "BDC-12",
    ],
)
def test_bad_input_gets_a_polite_reply_and_nothing_echoed(bot: BotHarness, text: str) -> None:
    result = bot.run("action_answer_question", bot.tracker(text=text, intent="nlu_fallback"))
    assert result.messages, "always a reply"
    assert "<script>" not in result.text and "<b>" not in result.text
    assert "x" * 50 not in result.text
    assert "went wrong" not in result.text


@pytest.mark.parametrize(
    ("slot", "metadata", "expected"),
    [
        # they pressed English after the bot answered their Welsh in Welsh
        ("cy", {"language": "en", "language_chosen": True}, "en"),
        ("en", {"language": "cy", "language_chosen": True}, "cy"),  # pressed Cymraeg
        # the widget not yet switched to the bot's Welsh (sent before the answer came),
        # or an English page's language: what they last wrote in holds
        ("cy", {"language": "en"}, "cy"),
        ("cy", {"language": "en", "language_chosen": "yes"}, "cy"),  # only true counts
        ("cy", {"language_chosen": True}, "cy"),  # chosen, but nothing said which
        ("cy", {}, "cy"),
        (None, {"language": "cy"}, "cy"),  # nothing written yet: the widget's
    ],
)
def test_a_language_pressed_for_in_the_widget_wins_over_the_last_one_written_in(
    bot: BotHarness, slot: str | None, metadata: dict[str, object], expected: str
) -> None:
    from actions.base import chosen_language, language, language_events

    tracker = bot.tracker(text="ok", slots={"conversation_language": slot}, metadata=metadata)
    assert chosen_language(tracker) == expected
    assert language(tracker) == expected  # "ok" is too short to decide by itself
    # remembered: the widget follows what the bot says its language is (the slot)
    remembered = [] if slot == expected else [SlotSet("conversation_language", expected)]
    assert language_events(tracker, language(tracker)) == remembered
    # words that are clearly in a language still decide, whatever was pressed
    clear = bot.tracker(
        text="Sut ydw i'n talu am gasgliad gwastraff gardd?",
        slots={"conversation_language": slot},
        metadata=metadata,
    )
    assert language(clear) == "cy"


@pytest.mark.parametrize("chosen", ["en", "cy"])
def test_a_buttons_payload_keeps_the_chats_language(bot: BotHarness, chosen: str) -> None:
    """The website's Start now button sends "/ask_bin_day": three English-looking
    words to the detector, but not the resident's, so a Welsh page's chat stays Welsh."""
    from actions.base import language

    for text in ("/ask_bin_day", "/report_missed_bin", '/inform{"postcode": "BF3 2QX"}'):
        first = bot.tracker(text=text, intent="ask_bin_day", metadata={"language": chosen})
        assert language(first) == chosen
        later = bot.tracker(text=text, intent="ask_bin_day",
                            slots={"conversation_language": chosen})  # fmt: skip
        assert language(later) == chosen
    # the resident's own words still switch it
    assert language(bot.tracker(text="when is my bin collection day please",
                                metadata={"language": "cy"})) == "en"  # fmt: skip
