"""The benchmarks' duplicate guard (benchmarks/leakage.py) refuses what it should."""

from __future__ import annotations

from pathlib import Path

import yaml

from benchmarks import leakage
from knowledge.search import HashingEmbedder

REFS = [
    ("my bin wasn't emptied", "article:en/missed-bin"),
    ("how much rent do i owe", "training:ask_rent_balance"),
    ("🙂", "training:greet"),
]


def test_an_exact_duplicate_is_refused_whatever_its_case_and_punctuation() -> None:
    leaks = leakage.find_leaks(["HOW much rent, do I owe?"], REFS, HashingEmbedder())
    assert [(leak.source, leak.cosine) for leak in leaks] == [("training:ask_rent_balance", 1.0)]


def test_an_emoji_only_message_is_compared_exactly() -> None:
    leaks = leakage.find_leaks(["🙂"], REFS, HashingEmbedder())
    assert [leak.reference for leak in leaks] == ["🙂"]


def test_a_near_duplicate_is_refused_and_a_different_question_is_not() -> None:
    embedder = HashingEmbedder(256)
    messages = ["my bin wasn't emptied today", "can i park outside the library"]
    leaks = leakage.find_leaks(messages, REFS, embedder, threshold=0.8)
    assert [leak.message for leak in leaks] == ["my bin wasn't emptied today"]
    assert 0.8 <= leaks[0].cosine < 1.0
    assert leakage.find_leaks(messages[1:], REFS, embedder, threshold=0.8) == []


def test_the_report_names_each_leak() -> None:
    leak = leakage.Leak("a", "b", "training:greet", 0.95)
    assert "'a' ~ 'b' (training:greet, 0.95)" in leakage.report([leak])


def test_references_come_from_training_data_and_alternative_questions(tmp_path: Path) -> None:
    nlu = tmp_path / "training_data" / "nlu"
    nlu.mkdir(parents=True)
    (nlu / "a.yml").write_text(
        yaml.safe_dump(
            {
                "nlu": [
                    {"intent": "inform", "examples": "- my postcode is [BF1 2AB](postcode)\n"},
                    {"lookup": "bins", "examples": "- black bin\n"},
                ]
            }
        )
    )
    article = tmp_path / "knowledge" / "content" / "en" / "waste" / "missed-bin.md"
    article.parent.mkdir(parents=True)
    article.write_text(
        "---\nslug: missed-bin\nlanguage: en\nalternative_questions:\n  - bin missed\n---\nBody\n"
    )
    assert leakage.references(tmp_path) == [
        ("my postcode is BF1 2AB", "training:inform"),
        ("bin missed", "article:en/missed-bin"),
    ]
