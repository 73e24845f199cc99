"""One training at a time per models folder: ``make test`` trains in the
background while the fast suites run, and the bot's end-to-end fixture (or the
review queue's retraining) that asks for the same model waits for it instead
of training it a second time."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bottools import model as bot_model

HANG_GUARD = 30  # seconds; a deadlock fails here instead of hanging the suite


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with the files the fingerprint reads and no Rasa at all: a
    caller that tried to train would fail with ConfigurationError."""
    root = tmp_path / "project"
    for name in (bot_model.CONFIG, bot_model.DOMAIN, bot_model.SPACY_BUILDER):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(f"# {name}\n")
    for folder in bot_model.TRAINING_DATA:
        (root / folder).mkdir(parents=True)
        (root / folder / "data.yml").write_text("version: '3.1'\n")
    monkeypatch.setenv("FRONTDOOR_RASA_VENV", str(tmp_path / "no-rasa"))
    monkeypatch.delenv("FRONTDOOR_RASA_PYTHON", raising=False)
    return root


def test_a_second_caller_waits_for_the_first_and_reuses_its_model(project: Path) -> None:
    target = bot_model.model_path(project)
    target.parent.mkdir(parents=True)
    waiting = threading.Event()
    phases: list[str] = []

    def phase(name: str) -> None:
        phases.append(name)
        if name.startswith("waiting"):
            waiting.set()

    with ThreadPoolExecutor(1) as pool:
        with bot_model.training_lock(target.parent):  # "the first training" holds the lock
            second = pool.submit(bot_model.train, project, on_phase=phase)
            assert waiting.wait(HANG_GUARD), "the second caller did not wait for the lock"
            assert not second.done()
            target.write_bytes(b"the first training's model")  # then finishes its model
        result = second.result(HANG_GUARD)

    assert result == bot_model.TrainResult(target, trained=False)
    assert phases == ["waiting for another training of this model to finish"]
    assert target.read_bytes() == b"the first training's model"


def test_the_lock_is_free_again_after_a_failed_training(project: Path) -> None:
    with pytest.raises(bot_model.ConfigurationError, match="Rasa is not installed"):
        bot_model.train(project)  # no Rasa here: fails inside the lock
    folder = bot_model.model_path(project).parent
    with ThreadPoolExecutor(1) as pool:
        taken = pool.submit(_take_without_waiting, folder)
        assert taken.result(HANG_GUARD) is True


def _take_without_waiting(folder: Path) -> bool:
    phases: list[str] = []
    with bot_model.training_lock(folder, on_wait=phases.append):
        return phases == []
