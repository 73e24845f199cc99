"""benchmarks/policy_calibrate.py says what it changed and writes the block the
bot reads, so the lead can apply a recalibration after a merge without hand edits."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from actions import policy
from benchmarks import policy_calibrate


def _loosened() -> policy.Thresholds:
    gates = dict(policy.CALIBRATED.gates)
    gates[policy.SMALL_TALK_KIND] = replace(gates[policy.SMALL_TALK_KIND], margin=0.05)
    return replace(policy.CALIBRATED, gates=gates, strong_match=0.123)


def test_it_lists_each_threshold_that_changed() -> None:
    old = policy.CALIBRATED
    assert policy_calibrate.changed(old, old) == []
    assert policy_calibrate.changed(old, _loosened()) == [
        f"small_talk margin: {old.gate(policy.SMALL_TALK_KIND).margin} -> 0.05",
        f"strong_match: {old.strong_match} -> 0.123",
    ]


def test_written_block_is_what_the_policy_then_reads(tmp_path: Path) -> None:
    target = tmp_path / "policy.py"
    target.write_text(policy_calibrate.POLICY_FILE.read_text("utf-8"), "utf-8")
    block = policy_calibrate.calibrated_block(_loosened(), "# Calibrated by a test " + "x " * 60)
    policy_calibrate.write_calibrated(target, block)
    written = target.read_text("utf-8")
    assert block in written
    assert all(len(line) <= 100 for line in written.splitlines())
    (assignment,) = [
        node
        for node in ast.parse(written).body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "CALIBRATED"
    ]
    assert eval(ast.unparse(assignment.value), vars(policy)) == _loosened()


def test_a_welsh_strong_match_is_listed_and_written(tmp_path: Path) -> None:
    welsh = replace(_loosened(), strong_match_by_language={"cy": 0.85})
    assert policy_calibrate.changed(_loosened(), welsh) == ["strong_match for cy: shared -> 0.85"]
    assert policy_calibrate.changed(welsh, _loosened()) == ["strong_match for cy: 0.85 -> shared"]
    target = tmp_path / "policy.py"
    target.write_text(policy_calibrate.POLICY_FILE.read_text("utf-8"), "utf-8")
    policy_calibrate.write_calibrated(
        target, policy_calibrate.calibrated_block(welsh, "# Calibrated by a test")
    )
    (assignment,) = [
        node
        for node in ast.parse(target.read_text("utf-8")).body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "CALIBRATED"
    ]
    written = eval(ast.unparse(assignment.value), vars(policy))
    assert written == welsh
    assert written.strong_match_in("cy") == 0.85
    assert written.strong_match_in("en") == 0.123


@pytest.mark.parametrize("copies", [0, 2])
def test_it_refuses_a_file_without_exactly_one_block(tmp_path: Path, copies: int) -> None:
    target = tmp_path / "policy.py"
    block = policy_calibrate.calibrated_block(policy.CALIBRATED, "# Calibrated by a test")
    target.write_text("from actions.policy import *\n" + block * copies, "utf-8")
    with pytest.raises(SystemExit, match="expected one"):
        policy_calibrate.write_calibrated(target, block)


def _own_set() -> dict:
    import yaml

    return yaml.safe_load((policy_calibrate.DATA / "policy_calibration.yaml").read_text("utf-8"))


def test_its_own_messages_name_known_intents_and_articles() -> None:
    from benchmarks.search_common import load_content

    own = _own_set()
    slugs = {(article.language, article.slug) for article in load_content()}
    assert own["knowledge"] and own["welsh"] and own["intents"]
    for part, language in (("knowledge", "en"), ("welsh", "cy")):
        for entry in own[part]:
            assert {(language, slug) for slug in entry["slugs"]} <= slugs, entry["q"]
    assert own["welsh_intents"]
    for intent in [*own["intents"], *own["welsh_intents"]]:
        assert intent in policy.INTENT_KINDS
        assert policy.kind_of(intent) != policy.KNOWLEDGE_KIND


@pytest.mark.parametrize(
    ("part", "language"),
    [
        ("knowledge", "en"),
        ("welsh", "cy"),
        ("out_of_scope", "en"),
        ("welsh_out_of_scope", "cy"),
        ("intents", "en"),
        ("welsh_intents", "cy"),
    ],
)
def test_the_calibration_set_includes_its_own_messages(part: str, language: str) -> None:
    own = _own_set()
    items = {
        item["text"]: (item["gold"], item["lang"], bool(item.get("oos")))
        for item in policy_calibrate.calibration_set()
    }
    if part.endswith("intents"):
        expected = {
            text: (intent, language, False) for intent, rows in own[part].items() for text in rows
        }
    elif part.endswith("out_of_scope"):
        expected = {text: ("knowledge", language, True) for text in own[part]}
    else:
        expected = {entry["q"]: ("knowledge", language, False) for entry in own[part]}
    assert expected
    assert {text: items.get(text) for text in expected} == expected
