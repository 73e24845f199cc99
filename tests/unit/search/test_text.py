from __future__ import annotations

import pytest

from knowledge.search.text import (
    heading_anchor,
    make_snippet,
    markdown_to_text,
    sentences,
    stem,
    tokenize,
)


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("If your bin is missed often", "if-your-bin-is-missed-often"),
        ("What's a *band*?", "whats-a-band"),
        ("Pay by direct debit (recommended)", "pay-by-direct-debit-recommended"),
        ("Talu ar-lein", "talu-ar-lein"),
        ("Sut i gysylltu â ni", "sut-i-gysylltu-a-ni"),
        ("Opening hours: 9am \u2013 5pm", "opening-hours-9am-5pm"),
        ("  Spaces   everywhere  ", "spaces-everywhere"),
        ("£££", ""),
    ],
)
def test_heading_anchor_is_lowercase_and_hyphenated(heading: str, anchor: str) -> None:
    assert heading_anchor(heading) == anchor


def test_stem_matches_common_word_forms() -> None:
    assert stem("collections") == stem("collection")
    assert stem("paying") == stem("pay") == stem("pays")
    assert stem("emptied") == stem("empties")
    assert stem("bins") == stem("bin")


def test_tokenize_drops_function_words_in_english_and_welsh() -> None:
    assert tokenize("How do I pay my council tax?") == ["pai", "council", "tax"]
    assert tokenize("Sut ydw i'n talu fy nhreth gyngor") == ["talu", "nhreth", "gyngor"]
    assert tokenize("wasn't it") == []


def test_markdown_to_text_keeps_link_text_and_list_items() -> None:
    text = markdown_to_text(
        "Intro with a [link](https://example.org) and **bold**.\n\n"
        "- first item\n- second `item`\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert text.splitlines() == [
        "Intro with a link and bold.",
        "first item",
        "second item",
        "a b",
        "1 2",
    ]


def test_sentences_split_lines_and_full_stops() -> None:
    assert sentences("One. Two words here.\nA list item") == [
        "One.",
        "Two words here.",
        "A list item",
    ]


def test_snippet_is_built_around_the_best_matching_sentence() -> None:
    filler = " ".join(f"Sentence number {i} talks about nothing much." for i in range(20))
    text = f"{filler} Garden waste stickers cost £45 a year. {filler}"
    snippet = make_snippet(text, tokenize("garden waste price"), limit=250)
    assert "Garden waste stickers cost £45 a year." in snippet
    assert len(snippet) <= 260
    assert snippet.startswith("…")


def test_snippet_of_a_short_text_is_the_text() -> None:
    assert make_snippet("Short and sweet.", ["sweet"]) == "Short and sweet."


def test_snippet_cuts_a_very_long_sentence_near_the_match() -> None:
    text = "word " * 200 + "recycling centre " + "word " * 200
    snippet = make_snippet(text.strip(), tokenize("recycling"), limit=250)
    assert "recycling" in snippet
    assert len(snippet) <= 260
