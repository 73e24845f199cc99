"""Which real embedder the knowledge service gets (no model is loaded here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.search import EmbedderError, load_minilm
from knowledge.search import embedding as embedding_module


class FakeTorchEmbedder:
    def __init__(self, threads: int | None = 1) -> None:
        self.threads = threads


@pytest.fixture(autouse=True)
def no_torch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedding_module, "SentenceTransformerEmbedder", FakeTorchEmbedder)


def test_auto_falls_back_to_torch_when_the_onnx_file_is_absent(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "tokenizer.json").write_text("{}")  # a folder without the model
    assert isinstance(load_minilm("auto", tmp_path), FakeTorchEmbedder)
    assert "No exported ONNX model" in caplog.text


def test_onnx_required_but_absent_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(EmbedderError, match="No exported ONNX model"):
        load_minilm("onnx", tmp_path)


def test_torch_is_used_when_asked_even_with_an_export(tmp_path: Path) -> None:
    assert isinstance(load_minilm("torch", tmp_path), FakeTorchEmbedder)
    with pytest.raises(ValueError):
        load_minilm("tensorflow", tmp_path)
