"""The CLINC150 benchmark's own logic (benchmarks/bot_clinc.py), without a model
or the data set: what it asks for when the data is missing, how it reads the
parts, how it judges a parsed message, and that its training sample comes from
the train split only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from actions import policy
from benchmarks import bot_clinc
from knowledge.search import HashingEmbedder

ROOT = Path(__file__).resolve().parents[3]


def test_without_the_data_it_exits_2_saying_where_to_get_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setattr("sys.argv", ["bot_clinc.py", "--data", str(tmp_path / "nope.json")])
    assert bot_clinc.main() == 2
    said = capsys.readouterr().err
    assert "github.com/clinc/oos-eval" in said and "data_full.json" in said
    assert "CC BY 3.0" in said and "--data" in said


def test_the_equivalents_are_the_bots_own_small_talk_and_control_intents() -> None:
    domain = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text("utf-8"))
    for clinc, ours in bot_clinc.SMALL_TALK_EQUIVALENTS.items():
        assert ours in domain["intents"] and policy.kind_of(ours) == policy.SMALL_TALK_KIND, clinc
    for clinc, ours in bot_clinc.CONTROL_EQUIVALENTS.items():
        assert ours in domain["intents"] and policy.kind_of(ours) == policy.CONTROL_KIND, clinc


def fake_data(tmp_path: Path) -> Path:
    rows = {
        "train": [["hello there", "greeting"], ["what's my bank balance", "balance"]]
        + [[f"train balance question {n}", "balance"] for n in range(3)]
        + [[f"train greeting {n}", "greeting"] for n in range(12)]
        + [[f"train thanks {n}", "thank_you"] for n in range(12)]
        + [[f"train cancel {n}", "cancel"] for n in range(3)],
        "val": [["VAL ONLY", "balance"]],
        "test": [["hiya", "greeting"], ["yes please", "yes"], ["book a flight", "book_flight"]],
        "oos_train": [[f"train oos {n}", "oos"] for n in range(70)],
        "oos_val": [["OOS VAL ONLY", "oos"]],
        "oos_test": [["how tall is everest", "oos"]],
    }
    path = tmp_path / "data_full.json"
    path.write_text(json.dumps(rows))
    return path


def test_the_parts_of_a_split(tmp_path: Path) -> None:
    data = bot_clinc.load_clinc(fake_data(tmp_path))
    parts = [(q.text, q.part) for q in bot_clinc.queries(data, "test")]
    assert parts == [
        ("how tall is everest", "oos"),
        ("hiya", "small_talk"),
        ("yes please", "control"),
        ("book a flight", "other"),
    ]


def test_a_file_that_is_not_clinc_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"train": []}))
    with pytest.raises(ValueError, match="not CLINC150"):
        bot_clinc.load_clinc(path)


def parsed(intent: str, confidence: float, runner_up: str = "ask_question") -> dict:
    rest = round(1 - confidence, 3)
    return {
        "intent": intent,
        "confidence": confidence,
        "entities": [],
        "ranking": [[intent, confidence], [runner_up, rest]],
    }


def no_match(_: str) -> policy.Search:
    return policy.Search(score=0.1, no_good_answer=True)


def test_judging_a_message_as_the_bots_decision_policy_does() -> None:
    items = [
        bot_clinc.Query("get me an agent", "oos", "oos"),
        bot_clinc.Query("hello friend", "greeting", "small_talk"),
        bot_clinc.Query("my car battery has died", "jump_start", "other"),
        bot_clinc.Query("i want to end my life", "oos", "oos"),
        bot_clinc.Query("how much is a flight", "oos", "oos"),
    ]
    results = bot_clinc.judge(
        items,
        [
            parsed("human", 0.99),
            parsed("greet", 0.98),
            parsed("ask_question", 0.9),
            parsed("ask_question", 0.9),  # the model misses it, the patterns do not
            parsed("ask_bulky_prices", 0.6),  # too weak to follow
        ],
        no_match,
    )
    assert [r.human for r in results] == [True, False, False, False, False]
    assert bot_clinc.understood(results[1])
    assert [r.at_risk for r in results] == [False, False, False, True, False]
    assert results[3].by_pattern
    assert results[4].route == policy.ANSWER and not results[4].transaction


def test_a_strong_knowledge_match_wins_over_a_strong_but_uncertain_task() -> None:
    item = bot_clinc.Query("what's the price of a flight to rome", "oos", "oos")
    calls = []

    def strong(text: str) -> policy.Search:
        calls.append(text)
        return policy.Search(score=0.9, no_good_answer=False)

    (result,) = bot_clinc.judge([item], [parsed("ask_bulky_prices", 0.82, "greet")], strong)
    assert calls == [item.text] and result.searched
    assert result.route == policy.ANSWER and not result.transaction


def test_small_talk_is_followed_only_on_strong_evidence() -> None:
    item = bot_clinc.Query("hey", "greeting", "small_talk")
    ranking = {
        "intent": "greet",
        "confidence": 0.9,
        "entities": [],
        "ranking": [["greet", 0.9], ["goodbye", 0.0], ["thank", 0.0]],
    }
    (followed,) = bot_clinc.judge([item], [ranking], no_match)
    assert bot_clinc.understood(followed)
    ranking["confidence"] = 0.6
    ranking["ranking"] = [["greet", 0.6], ["goodbye", 0.05]]
    (weak,) = bot_clinc.judge([item], [ranking], no_match)
    assert weak.route == policy.ANSWER and not bot_clinc.understood(weak)


def test_the_training_sample_comes_from_the_train_split_only(tmp_path: Path) -> None:
    data = bot_clinc.load_clinc(fake_data(tmp_path))
    sample = bot_clinc.training_sample(data, HashingEmbedder())
    every = [text for texts in sample.values() for text in texts]
    train = {text for text, _ in data["train"] + data["oos_train"]}
    assert every and set(every) <= train
    assert not any("cancel" in text for text in every)  # control: no sample
    # small talk only: no out-of-scope query or other intent as a negative
    assert not any("oos" in text or "balance" in text for text in every)
    assert set(sample) == {"greet", "thank"}
    assert len(sample["greet"]) == min(bot_clinc.PER_INTENT_SMALL_TALK, 13)
    again = bot_clinc.training_sample(data, HashingEmbedder())
    assert again == sample  # a fixed seed


def test_the_training_file_names_its_source_and_licence(tmp_path: Path) -> None:
    path = tmp_path / "clinc.yml"
    bot_clinc.write_training({"out_of_scope": ["how tall is everest"]}, path)
    text = path.read_text("utf-8")
    assert "CC BY 3.0" in text and "Larson et al. 2019" in text
    assert "https://github.com/clinc/oos-eval" in text
    nlu = yaml.safe_load(text)["nlu"]
    assert nlu == [{"intent": "out_of_scope", "examples": "- how tall is everest\n"}]
