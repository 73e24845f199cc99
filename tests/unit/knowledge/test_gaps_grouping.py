from datetime import UTC, datetime, timedelta

from knowledge.gaps import group_gaps, similar, tokens
from knowledge.models import ContentGap

START = datetime(2026, 11, 1, tzinfo=UTC)


def gap(i, question, language="en", source="bot"):
    return ContentGap(
        id=i,
        question=question,
        source=source,
        language=language,
        created_at=START + timedelta(minutes=i),
        status="open",
    )


def test_tokens_drop_stop_words_and_plurals():
    assert tokens("Where do I recycle my old mattresses?") == {"recycle", "old", "mattresse"}
    assert tokens("Can I recycle a mattress") == {"recycle", "mattress"}


def test_similar_questions_group_together_with_counts():
    groups = group_gaps(
        [
            gap(1, "how do I get rid of an old mattress"),
            gap(2, "Get rid of old mattress?", source="site_search"),
            gap(3, "when are the polling stations open"),
            gap(4, "old mattress get rid"),
            gap(5, "polling stations open times"),
            gap(6, "sut mae cael gwared ar hen fatres", language="cy"),
        ]
    )
    assert [(g.representative, g.count) for g in groups] == [
        ("how do I get rid of an old mattress", 3),
        ("when are the polling stations open", 2),
        ("sut mae cael gwared ar hen fatres", 1),
    ]
    assert groups[0].sources == {"bot": 2, "site_search": 1}
    assert groups[0].gap_ids == [1, 2, 4]


def test_different_questions_stay_apart():
    assert not similar(tokens("fox in my garden"), tokens("garden waste bin price"))
    assert similar(tokens("dog fouling"), tokens("dog fouling report"))
