"""The benchmarks' duplicate guard (benchmarks/leakage.py) refuses what it should."""

from __future__ import annotations

from pathlib import Path

import pytest
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


# --- every benchmark that evaluates or calibrates on a question set is guarded ------

PLANTED_EXACT = "How much RENT do I owe?"  # REFS' training example, case and punctuation
PLANTED_NEAR = "my bins wasn't emptied"  # REFS' alternative question, one letter more


@pytest.fixture
def benchmark_scripts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The search scripts import their neighbour ``search_common`` as run from benchmarks/."""
    monkeypatch.syspath_prepend(str(Path(leakage.__file__).parent))


def _refused(capsys: pytest.CaptureFixture[str], planted: str) -> bool:
    out = capsys.readouterr().out
    return out.startswith("refusing to run: 1 ") and repr(planted) in out


@pytest.mark.parametrize("planted", [PLANTED_EXACT, PLANTED_NEAR])
def test_search_quality_refuses_its_question_set_with_a_planted_duplicate(
    benchmark_scripts: None, capsys: pytest.CaptureFixture[str], planted: str
) -> None:
    from search_common import load_questions

    from benchmarks import search_quality

    questions = load_questions("search_questions.yaml")
    embedder = HashingEmbedder(256)
    assert not search_quality.refuses(questions, embedder, REFS)
    assert "duplicate guard: none of" in capsys.readouterr().out
    questions["in_scope"].append({"q": planted, "slugs": ["missed-bin"]})
    assert search_quality.refuses(questions, embedder, REFS)
    assert _refused(capsys, planted)


@pytest.mark.parametrize("where", ["in_scope", "out_of_scope", "welsh_out_of_scope"])
def test_search_calibrate_refuses_its_calibration_set_with_a_planted_duplicate(
    benchmark_scripts: None, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    from search_common import load_questions

    from benchmarks import search_calibrate

    data = load_questions("search_calibration.yaml")
    embedder = HashingEmbedder(256)
    assert not search_calibrate.refuses(data, embedder, REFS)
    assert "duplicate guard: none of" in capsys.readouterr().out
    data[where].append({"q": PLANTED_NEAR, "slugs": []} if where == "in_scope" else PLANTED_NEAR)
    assert search_calibrate.refuses(data, embedder, REFS)
    assert _refused(capsys, PLANTED_NEAR)


@pytest.mark.parametrize("in_oos", [False, True])
def test_bot_nlu_refuses_its_held_out_sets_with_a_planted_training_example(
    capsys: pytest.CaptureFixture[str], in_oos: bool
) -> None:
    from benchmarks import bot_nlu

    labelled, oos = bot_nlu.load_sets()
    embedder = HashingEmbedder(256)
    assert not bot_nlu.refuses(labelled, oos, embedder, REFS)
    assert "duplicate guard: none of" in capsys.readouterr().out
    if in_oos:
        oos.append(PLANTED_EXACT)
    else:
        labelled.append((PLANTED_EXACT, "ask_rent_balance"))
    assert bot_nlu.refuses(labelled, oos, embedder, REFS)
    out = capsys.readouterr().out
    assert f"{PLANTED_EXACT!r} ~ 'how much rent do i owe' (training:ask_rent_balance, 1.00)" in out


def test_the_guard_reads_the_real_references_by_default(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(leakage, "references", lambda root=leakage.ROOT: REFS)
    assert not leakage.guard(["HOW much rent, do I owe?"], HashingEmbedder())
    assert "training:ask_rent_balance" in capsys.readouterr().out


def test_policy_calibrate_refuses_its_calibration_set_with_a_planted_duplicate(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from benchmarks import policy_calibrate

    items = policy_calibrate.calibration_set()
    embedder = HashingEmbedder(256)
    assert not policy_calibrate.refuses(items, embedder, REFS)
    assert "duplicate guard: none of" in capsys.readouterr().out
    items.append({"text": PLANTED_NEAR, "gold": "knowledge", "lang": "en"})
    assert policy_calibrate.refuses(items, embedder, REFS)
    assert _refused(capsys, PLANTED_NEAR)
