"""Building the bot's model from Python 3.11: the spaCy pipeline and Rasa training
run in the Rasa (3.10) environment, as subprocesses.

``training_fingerprint`` hashes everything a model depends on (config, domain,
NLU and dialogue data, the spaCy pipeline builder, the Rasa version), so
``frontdoor bot train`` and the test fixtures retrain only when it changes.
Models are saved as ``models/frontdoor-<fingerprint>.tar.gz`` (gitignored).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from frontdoor.exceptions import ConfigurationError
from frontdoor.settings import project_root

CONFIG = Path("bot/config.yml")
DOMAIN = Path("bot/domain.yml")
ENDPOINTS = Path("bot/endpoints.yml")
CREDENTIALS = Path("bot/credentials.yml")
TRAINING_DATA = (Path("training_data/nlu"), Path("training_data/dialogue"))
SPACY_BUILDER = Path("bot/spacy_pipeline.py")
SPACY_OUTPUT = Path("models/spacy/frontdoor_en")
MODELS = Path("models")
MODEL_PREFIX = "frontdoor-"
TRAIN_LOCK = ".train.lock"  # in the models folder: one training at a time
RASA_VERSION = "3.6.21"
# For every Rasa subprocess: no telemetry or error reports leave the machine,
# quiet TensorFlow, two CPU threads. (The training cache goes under models/,
# see rasa_env.)
RASA_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_INTER_OP_PARALLELISM_THREADS": "1",
    "TF_INTRA_OP_PARALLELISM_THREADS": "2",
    "PYTHONWARNINGS": "ignore",
}


def rasa_env(root: Path | None = None) -> dict[str, str]:
    """Environment variables for a Rasa subprocess (on top of os.environ)."""
    root = root or project_root()
    return {**RASA_ENV, "RASA_CACHE_DIRECTORY": str(root / MODELS / ".rasa-cache")}


def rasa_environment(root: Path | None = None) -> Path:
    """The Rasa environment's ``bin`` folder: ``FRONTDOOR_RASA_PYTHON`` (the
    interpreter, as the launcher uses) or ``FRONTDOOR_RASA_VENV`` override
    ``.venv-rasa``."""
    root = root or project_root()
    python = os.environ.get("FRONTDOOR_RASA_PYTHON")
    configured = os.environ.get("FRONTDOOR_RASA_VENV")
    if python:
        venv = Path(python).parent.parent
    else:
        venv = Path(configured) if configured else root / ".venv-rasa"
    bin_dir = venv / "bin"
    if not (bin_dir / "rasa").exists():
        raise ConfigurationError(
            f"Rasa is not installed in {venv} (run `make install`, or set FRONTDOOR_RASA_VENV "
            "to a Python 3.10 environment with rasa 3.6.21)"
        )
    return bin_dir


def _files(root: Path) -> Iterator[Path]:
    for name in (CONFIG, DOMAIN, SPACY_BUILDER):
        yield root / name
    for folder in TRAINING_DATA:
        yield from sorted(p for p in (root / folder).rglob("*") if p.is_file())


def training_fingerprint(root: Path | None = None) -> str:
    root = root or project_root()
    digest = hashlib.sha256(RASA_VERSION.encode())
    for path in _files(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def model_path(root: Path | None = None, out: Path | None = None) -> Path:
    root = root or project_root()
    folder = out if out is not None else root / MODELS
    return folder / f"{MODEL_PREFIX}{training_fingerprint(root)}.tar.gz"


def latest_model(root: Path | None = None) -> Path | None:
    """The model for the current data if trained, else None."""
    path = model_path(root)
    return path if path.exists() else None


def build_spacy(root: Path | None = None, output: Path | None = None) -> Path:
    root = root or project_root()
    target = output or root / SPACY_OUTPUT
    python = rasa_environment(root) / "python"
    result = subprocess.run(  # noqa: S603 - fixed interpreter and script
        [str(python), str(root / SPACY_BUILDER), "--output", str(target)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-1:]
        raise ConfigurationError(f"building the spaCy pipeline failed: {' '.join(tail)}")
    return target


@dataclass
class TrainResult:
    model: Path
    trained: bool  # False: the model for this fingerprint already existed


_EPOCHS = re.compile(r"Epochs:\s+(\d+)%")
_PHASES = (
    ("Training NLU model", "training the language model"),
    ("Starting to train component 'DIETClassifier'", "training the intent classifier (DIET)"),
    ("Starting to train component 'RulePolicy'", "learning the rules"),
    ("Your Rasa model is trained", "saving the model"),
)


def train(
    root: Path | None = None,
    *,
    out: Path | None = None,
    force: bool = False,
    on_phase: Callable[[str], None] = lambda _: None,
    on_progress: Callable[[int], None] = lambda _: None,
) -> TrainResult:
    """Train unless a model for the current fingerprint exists. Runs from ``root``
    (SpacyNLP loads ``models/spacy/frontdoor_en`` relative to it). One training
    at a time per models folder (:func:`training_lock`): a second caller waits
    for the first and then finds its model."""
    root = root or project_root()
    target = model_path(root, out)
    if target.exists() and not force:
        return TrainResult(target, trained=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    with training_lock(target.parent, on_wait=on_phase):
        if target.exists() and not force:
            return TrainResult(target, trained=False)
        return _train(root, target, on_phase, on_progress)


@contextmanager
def training_lock(
    folder: Path, *, on_wait: Callable[[str], None] = lambda _: None
) -> Iterator[None]:
    """Hold ``folder/.train.lock`` (an advisory lock the kernel releases when the
    holder exits, however it exits). ``make test`` trains in the background while
    the fast suites run, and the review queue retrains while ``make run`` serves:
    whoever comes second waits here rather than training the same model twice."""
    with open(folder / TRAIN_LOCK, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            on_wait("waiting for another training of this model to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _train(
    root: Path,
    target: Path,
    on_phase: Callable[[str], None],
    on_progress: Callable[[int], None],
) -> TrainResult:
    if not (root / SPACY_OUTPUT / "meta.json").exists():
        on_phase("building the spaCy pipeline")
        build_spacy(root)
    # Rasa writes the archive where --out and --fixed-model-name say, as it goes: under
    # a name no reader looks for (bot/serve.py serves the newest frontdoor-*.tar.gz),
    # renamed into place once whole.
    partial = target.with_name(f"unfinished-{target.name}")
    command = [
        str(rasa_environment(root) / "rasa"),
        "train",
        "--data",
        *(str(root / folder) for folder in TRAINING_DATA),
        "--config",
        str(root / CONFIG),
        "--domain",
        str(root / DOMAIN),
        "--out",
        str(target.parent),
        "--fixed-model-name",
        partial.name.removesuffix(".tar.gz"),
    ]
    env = {**os.environ, **rasa_env(root)}
    on_phase("checking the training data")
    process = subprocess.Popen(  # noqa: S603 - fixed executable and arguments
        command,
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
        bufsize=1,
    )
    tail: list[str] = []
    assert process.stdout is not None
    buffer = ""
    while chunk := process.stdout.read(256):
        buffer += chunk
        # tqdm redraws with carriage returns; treat them as line ends.
        *lines, buffer = re.split(r"[\r\n]", buffer)
        for line in lines:
            _follow(line, on_phase, on_progress)
            if line.strip():
                tail = [*tail[-20:], line]
    process.wait()
    if process.returncode == 0 and partial.exists():
        partial.replace(target)  # whole or not at all: readers never see a half-written model
    if process.returncode != 0 or not target.exists():
        detail = next(
            (line for line in reversed(tail) if "Error" in line), tail[-1] if tail else ""
        )
        raise ConfigurationError(f"rasa train failed: {detail.strip()[:300]}")
    return TrainResult(target, trained=True)


def _follow(line: str, on_phase: Callable[[str], None], on_progress: Callable[[int], None]) -> None:
    match = _EPOCHS.search(line)
    if match:
        on_progress(int(match.group(1)))
        return
    for marker, phase in _PHASES:
        if marker in line:
            on_phase(phase)
