"""Retraining the bot from the review queue, in the background, one at a time.

When an admin turns a group of missed messages into training examples
(``knowledge.gaps.teach_intent``), :func:`request` queues a retraining
(``kb_bot_trainings``; a request while one is queued joins it). The
:class:`Trainer` of this process then, in a worker thread:

1. claims the oldest queued job: ``running_slot`` = 1 has a unique index, so
   only one job runs at a time across every knowledge instance;
2. writes every training example (``kb_training_examples``, the truth) to the
   training data file (``knowledge_reviewed_training_file``, by default
   ``training_data/nlu/reviewed.yml``, which ``frontdoor bot train`` reads with
   the rest of ``training_data/nlu``);
3. runs the existing train command (``frontdoor bot train --json``, bottools)
   as a subprocess (the knowledge service does not import the bot's tooling);
4. asks the running bot to load the new model over Rasa's HTTP API
   (``PUT /model`` with ``{"model_file": ...}`` and ``?token=``: Rasa runs
   with ``--enable-api --auth-token``, see ``frontdoor/launcher.py``). The
   bot's switch (``bot/switch.py``) loads it in a second Rasa while the first
   keeps answering, and moves residents' turns to it only once it has loaded
   and answered a warm-up; the dialogue state is in a tracker store both
   share, so conversations carry on where they were. It answers 204 after the
   switch; a failed training or a model that cannot be loaded leaves the
   running model in place.

The job's status (queued, running, succeeded, failed with the reason) shows in
the review queue; a job left running by a process that died is marked failed
after the training timeout. Each finished job is recorded in the audit log.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import yaml
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from frontdoor import audit
from frontdoor.settings import project_root
from knowledge.actors import Actor
from knowledge.articles import utcnow
from knowledge.models import BotTraining, TrainingExample

logger = logging.getLogger(__name__)

DOMAIN = Path("bot/domain.yml")
# Intents an example must never be taught to: the classifier's own fallback.
NOT_TEACHABLE = frozenset({"nlu_fallback"})
RELOAD_TIMEOUT_SECONDS = 300.0  # Rasa answers PUT /model once the model is loaded


def intents(domain: Path | None = None) -> list[str]:
    """The bot's intents, as its domain lists them."""
    path = domain or project_root() / DOMAIN
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    names = [next(iter(i)) if isinstance(i, dict) else str(i) for i in data.get("intents", [])]
    return sorted(name for name in names if name not in NOT_TEACHABLE)


def _example(text: str) -> str:
    # Rasa reads "[words](entity)" as an annotation; a resident's brackets are just text.
    return " ".join(text.replace("[", "(").replace("]", ")").split())


def export(session: Session, path: Path) -> int:
    """Write every training example to ``path`` (atomically); returns how many."""
    rows = session.execute(
        select(TrainingExample.intent, TrainingExample.text).order_by(
            TrainingExample.intent, TrainingExample.id
        )
    ).all()
    by_intent: dict[str, list[str]] = {}
    for intent, text in rows:
        by_intent.setdefault(intent, []).append(_example(text))
    lines = [
        "# Written by the knowledge service from the review queue (kb_training_examples);",
        "# edits here are overwritten at the next retraining.",
        'version: "3.1"',
    ]
    if by_intent:
        lines.append("nlu:")
        for intent, texts in by_intent.items():
            lines += [f"- intent: {intent}", "  examples: |"]
            lines += [f"    - {text}" for text in texts]
    else:
        lines.append("nlu: []")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".reviewed-", suffix=".yml")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    Path(temporary).replace(path)
    return len(rows)


def request(session: Session, *, actor: Actor, now: datetime | None = None) -> BotTraining:
    """Queue a retraining (flushed, not committed); a queued one absorbs the request."""
    queued = session.scalars(
        select(BotTraining).where(BotTraining.status == "queued").order_by(BotTraining.id)
    ).first()
    if queued is not None:
        return queued
    job = BotTraining(status="queued", requested_by=f"{actor.key} {actor.name}"[:120],
                      requested_at=now or utcnow(), examples=0, model="", detail="")  # fmt: skip
    session.add(job)
    session.flush()
    return job


def latest(session: Session, limit: int = 3) -> Sequence[BotTraining]:
    """The newest jobs, newest first (the queue shows them)."""
    return session.scalars(select(BotTraining).order_by(BotTraining.id.desc()).limit(limit)).all()


def claim(session: Session, *, now: datetime) -> BotTraining | None:
    """Start the oldest queued job unless one is running (committed); None if none."""
    job = session.scalars(
        select(BotTraining)
        .where(BotTraining.status == "queued")
        .order_by(BotTraining.id)
        .limit(1)
        .with_for_update(skip_locked=True)  # two instances never claim the same job
    ).first()
    if job is None:
        session.rollback()
        return None
    job.status, job.running_slot, job.started_at = "running", 1, now
    try:
        session.commit()
    except IntegrityError:  # another job is running (here or on another instance)
        session.rollback()
        return None
    return job


def reap(session: Session, *, now: datetime, timeout: timedelta) -> int:
    """Mark jobs still "running" after ``timeout`` failed (their process died)."""
    result = session.execute(
        update(BotTraining)
        .where(BotTraining.status == "running", BotTraining.started_at < now - timeout)
        .values(
            status="failed",
            running_slot=None,
            finished_at=now,
            detail="Interrupted: the service stopped during the training.",
        )
    )
    session.commit()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class TrainerConfig:
    command: Sequence[str]  # arguments after this Python interpreter
    training_file: Path
    rasa_url: str
    rasa_token: str | None
    timeout_seconds: float
    cwd: Path
    python: str = sys.executable


class TrainingFailed(Exception):
    """The train command or Rasa's reload failed; the message says which, for the screen."""


class Trainer:
    """Runs queued retrainings in one worker thread of this process."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        config: TrainerConfig,
        *,
        clock: Callable[[], datetime] = utcnow,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._factory = factory
        self._config = config
        self._clock = clock
        self._transport = transport
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def kick(self) -> None:
        """Start the worker unless it is already working."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(
                target=self.run_pending, name="bot-retraining", daemon=True
            )
            self._thread.start()

    def join(self, timeout: float | None = None) -> None:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def run_pending(self) -> int:
        """Run queued jobs until none is left (or another instance runs one)."""
        done = 0
        timeout = timedelta(seconds=self._config.timeout_seconds)
        while True:
            with self._factory() as session:
                reap(session, now=self._clock(), timeout=timeout)
                job = claim(session, now=self._clock())
                if job is None:
                    return done
                job_id = job.id
                examples = export(session, self._config.training_file)
            try:
                model = self._train()
                self._reload(model)
            except TrainingFailed as exc:
                self._finish(job_id, "failed", examples=examples, detail=str(exc))
            except Exception as exc:  # the worker must record every outcome
                logger.exception("retraining failed")
                self._finish(job_id, "failed", examples=examples, detail=type(exc).__name__)
            else:
                self._finish(job_id, "succeeded", examples=examples, model=model)
            done += 1

    def _train(self) -> str:
        command = [self._config.python, *self._config.command]
        try:
            result = subprocess.run(  # noqa: S603 - the configured command, no shell
                command, cwd=self._config.cwd, capture_output=True, text=True,
                timeout=self._config.timeout_seconds, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise TrainingFailed("The training took too long and was stopped.") from None
        lines = [line for line in result.stdout.splitlines() if line.strip()]
        if result.returncode != 0:
            errors = [line for line in result.stderr.splitlines() if line.strip()]
            reason = (errors or lines or ["no output"])[-1].strip()[:300]
            raise TrainingFailed(f"The training failed: {reason}")
        try:
            model = json.loads(lines[-1])["model"]
        except (IndexError, ValueError, KeyError, TypeError):
            raise TrainingFailed("The training did not say which model it made.") from None
        return str(Path(self._config.cwd, model).resolve())

    def _reload(self, model: str) -> None:
        params = {"token": self._config.rasa_token} if self._config.rasa_token else {}
        try:
            with httpx.Client(transport=self._transport, timeout=RELOAD_TIMEOUT_SECONDS) as http:
                response = http.put(
                    f"{self._config.rasa_url.rstrip('/')}/model",
                    params=params,
                    json={"model_file": model},
                )
        except httpx.HTTPError as exc:
            raise TrainingFailed(
                f"Rasa could not be asked to load the model ({type(exc).__name__}); "
                "it keeps the model it had."
            ) from None
        if response.status_code != 204:
            raise TrainingFailed(
                f"Rasa did not load the model (HTTP {response.status_code}); "
                "it keeps the model it had."
            )

    def _finish(
        self, job_id: int, status: str, *, examples: int, model: str = "", detail: str = ""
    ) -> None:
        now = self._clock()
        with self._factory() as session:
            job = session.get(BotTraining, job_id)
            assert job is not None
            job.status, job.running_slot, job.finished_at = status, None, now
            job.examples, job.model, job.detail = examples, model[:300], detail[:500]
            audit.record(
                session, actor=job.requested_by, action=audit.AuditAction.BOT_RETRAINED,
                subject=f"bot-training:{job_id}",
                detail={"status": status, "examples": examples, "model": Path(model).name,
                        "detail": detail[:200]},
                clock=lambda: now,
            )  # fmt: skip
            session.commit()
