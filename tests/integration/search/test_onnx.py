"""The ONNX export of the search model: equal to torch, exported once, used when present."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from knowledge.search import (
    OnnxEmbedder,
    SentenceTransformerEmbedder,
    default_onnx_dir,
    load_minilm,
)
from knowledge.search.embedding import FP32_FILE, INT8_FILE
from knowledge.search.onnx_export import STAMP_FILE, export, is_current
from tests.integration.search.conftest import load_article
from tests.unit.search.contracts import EmbedderContract

pytestmark = pytest.mark.slow  # loads all-MiniLM-L6-v2 through torch and ONNX Runtime

TEXTS = [
    "my bin wasnt emptied",
    "Council Tax: Single person discount. You can get 25% off your bill if you live alone.",
    "a",
    "neighbours play loud music at 3am " * 60,  # past the model's 256 word pieces
]


@pytest.fixture(scope="module")
def exported() -> Path:
    """The build step's export (scripts/bootstrap.sh made it; a no-op then)."""
    return export().folder


@pytest.fixture(scope="module")
def onnx_embedder(exported: Path) -> OnnxEmbedder:
    return OnnxEmbedder(exported)


class TestOnnxEmbedder(EmbedderContract):
    """With float32 queries the contract holds as is; int8 queries differ from the
    documents' vectors by design (cosine ~0.99, tested below)."""

    @pytest.fixture(scope="class")
    def embedder(self, exported: Path) -> OnnxEmbedder:
        return OnnxEmbedder(exported, int8_queries=False)


def test_onnx_documents_equal_torch_and_int8_queries_stay_close(
    onnx_embedder: OnnxEmbedder, real_embedder: SentenceTransformerEmbedder
) -> None:
    article = load_article("en/waste/missed-bin")
    texts = [*TEXTS, article.body_markdown, article.summary]
    ours = onnx_embedder.embed_documents(texts, batch_size=3)  # batches padded unevenly
    theirs = real_embedder.embed_documents(texts)
    assert np.min(np.sum(ours * theirs, axis=1)) >= 0.999
    assert onnx_embedder.name == real_embedder.name  # one index serves both runtimes
    queries = np.vstack([onnx_embedder.embed_query(t) for t in TEXTS])
    torch_queries = np.vstack([real_embedder.embed_query(t) for t in TEXTS])
    cosines = np.sum(queries * torch_queries, axis=1)
    assert np.min(cosines) >= 0.97  # int8 weights: 0.988 at worst on the questions
    assert np.max(cosines) < 0.99999  # the int8 graph is the one answering queries


def test_the_export_is_done_once(exported: Path) -> None:
    files = [exported / name for name in (FP32_FILE, INT8_FILE, STAMP_FILE)]
    before = [os.stat(path).st_mtime_ns for path in files]
    assert export(exported).exported is False
    assert [os.stat(path).st_mtime_ns for path in files] == before


def test_a_changed_stamp_or_a_missing_file_means_export_again(
    exported: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "onnx"
    copy.mkdir()
    for path in exported.iterdir():
        (copy / path.name).symlink_to(path)
    assert is_current(copy)
    (copy / STAMP_FILE).unlink()
    (copy / STAMP_FILE).write_text(
        (exported / STAMP_FILE).read_text("utf-8").replace('"torch"', '"torch-old"'), "utf-8"
    )
    assert not is_current(copy)
    assert not is_current(tmp_path / "nowhere")


def test_auto_uses_onnx_when_exported_and_torch_when_not(
    exported: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert isinstance(load_minilm("auto", exported), OnnxEmbedder)
    assert exported == default_onnx_dir() or exported.is_dir()
    fallback = load_minilm("auto", tmp_path / "missing")
    assert isinstance(fallback, SentenceTransformerEmbedder)
    assert "Falling back to torch" in caplog.text
