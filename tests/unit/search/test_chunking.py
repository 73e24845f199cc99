from __future__ import annotations

from knowledge.search.chunking import MAX_CHUNK_WORDS, chunk_article
from tests.unit.search.factories import make_article


def test_overview_chunk_holds_title_summary_questions_and_tags() -> None:
    overview = chunk_article(make_article())[0]
    assert overview.kind == "overview"
    assert overview.section_anchor is None
    assert "Find your bin collection day" in overview.text
    assert "Check which day your bins are collected." in overview.text
    assert "when do the bin men come" in overview.text


def test_body_splits_into_intro_and_level_two_sections() -> None:
    chunks = chunk_article(make_article())
    assert [(c.kind, c.section_anchor) for c in chunks] == [
        ("overview", None),
        ("intro", None),
        ("section", "find-your-collection-day"),
        ("section", "if-your-collection-day-changes"),
    ]
    assert chunks[2].section_title == "Find your collection day"
    assert chunks[2].text.startswith("Enter your postcode")
    assert [c.ordinal for c in chunks] == [0, 1, 2, 3]


def test_subsections_stay_in_their_section_and_repeated_headings_are_numbered() -> None:
    body = (
        "## Paying\nText.\n### By phone\nCall us.\n"
        "## Help\nA.\n## Help\nB.\n## **Help**\nC.\n"
        "```\n## not a heading\n```\n"
    )
    chunks = chunk_article(make_article(body=body))
    sections = [c for c in chunks if c.kind == "section"]
    assert [c.section_anchor for c in sections] == ["paying", "help", "help-2", "help-3"]
    assert "By phone" in sections[0].text and "Call us." in sections[0].text
    assert "## not a heading" in sections[-1].text


def test_anchor_numbering_counts_every_heading_level_like_the_renderer() -> None:
    body = "## Costs\nA.\n### Help\nB.\n## Help\nC.\n"
    sections = [c for c in chunk_article(make_article(body=body)) if c.kind == "section"]
    assert [c.section_anchor for c in sections] == ["costs", "help-2"]


def test_long_sections_are_split_but_keep_their_anchor() -> None:
    paragraph = "word " * 60
    body = "## Long section\n" + "\n\n".join(paragraph for _ in range(6))
    sections = [c for c in chunk_article(make_article(body=body)) if c.kind == "section"]
    assert len(sections) > 1
    assert {c.section_anchor for c in sections} == {"long-section"}
    assert all(len(c.text.split()) <= MAX_CHUNK_WORDS for c in sections)


def test_embedding_text_puts_a_section_in_its_article_context() -> None:
    section = chunk_article(make_article())[2]
    text = section.embedding_text("Find your bin collection day")
    assert text.startswith("Find your bin collection day: Find your collection day. Enter")


def test_article_without_body_has_only_its_overview() -> None:
    assert len(chunk_article(make_article(body=""))) == 1
