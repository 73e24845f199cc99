"""The Rasa side without a server: the data validates, the spaCy pipeline
finds every reference shape, the model trains from the fingerprint."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from bottools import model as bot_model
from tests.unit.bot.harness import ROOT

pytestmark = pytest.mark.rasa


def test_rasa_data_validate_is_clean(rasa_bin: Path) -> None:
    result = subprocess.run(
        [
            str(rasa_bin / "rasa"),
            "data",
            "validate",
            "--fail-on-warnings",
            "--domain",
            "bot/domain.yml",
            "--data",
            "training_data/nlu",
            "training_data/dialogue",
            "--config",
            "bot/config.yml",
        ],
        cwd=ROOT,
        env={**os.environ, **bot_model.rasa_env(ROOT)},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    warnings = [line for line in result.stdout.splitlines() if "UserWarning" in line]
    assert result.returncode == 0, (result.stdout + result.stderr)[-2000:]
    assert warnings == []


EXPECTED_ENTITIES = {
    "my postcode is bf3 2qx": [["postcode", "bf3 2qx"]],
    "BF32QX": [["postcode", "BF32QX"]],
    "case bdc 104233 please": [["case_reference", "bdc 104233"]],
    "BDC-104 233": [["case_reference", "BDC-104 233"]],
    "account ct 4001 2345": [["council_tax_reference", "ct 4001 2345"]],
    "TEN-004512": [["tenancy_reference", "TEN-004512"]],
    "is 26/01234/FUL approved": [["planning_reference", "26/01234/FUL"]],
    "booking bw200017": [["booking_reference", "bw200017"]],
    "when is my bin day": [],
}


def test_the_spacy_pipeline_finds_references(rasa_bin: Path) -> None:
    arguments = [arg for text in EXPECTED_ENTITIES for arg in ("--check", text)]
    result = subprocess.run(
        [str(rasa_bin / "python"), "bot/spacy_pipeline.py", *arguments],
        cwd=ROOT,
        env={**os.environ, **bot_model.rasa_env(ROOT)},
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == EXPECTED_ENTITIES


def test_training_reuses_the_model_for_unchanged_data(trained_model: Path) -> None:
    assert trained_model == bot_model.model_path(ROOT)
    again = bot_model.train(ROOT)
    assert not again.trained and again.model == trained_model


def test_rasa_test_stories_pass(rasa_bin: Path, trained_model: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [
            str(rasa_bin / "rasa"),
            "test",
            "core",
            "--stories",
            "training_data/tests",
            "--model",
            str(trained_model),
            "--out",
            str(tmp_path),
            "--fail-on-prediction-errors",
        ],
        cwd=ROOT,
        env={**os.environ, **bot_model.rasa_env(ROOT)},
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    failed = tmp_path / "failed_test_stories.yml"
    detail = failed.read_text() if failed.exists() else (result.stdout + result.stderr)[-3000:]
    assert result.returncode == 0, detail
