"""The review queue's retraining job against the real, running Rasa.

A real ``rasa train`` takes minutes on two cores, too long for the suite, so the
job's train command here hands over a pre-trained model under a new name (the
session's model, copied) the way ``frontdoor bot train --json`` hands over the
one it trained; everything after that is real: the job asks the running Rasa
(``--enable-api --auth-token``) to load it with ``PUT /model``, Rasa swaps
without a restart, and the bot keeps answering. A failed training and a model
Rasa cannot load leave the running model in place. (The full path, with a real
``frontdoor bot train``, was run by hand through ``make run``: see the branch's
report.)
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from frontdoor.db import make_engine, make_session_factory
from knowledge import retraining
from knowledge.actors import Actor
from knowledge.models import BotTraining
from knowledge.retraining import Trainer, TrainerConfig
from tests.e2e.bot.stack import BotStack

pytestmark = pytest.mark.rasa

ADMIN = Actor(id=1, name="Ada Admin", roles=frozenset({"admin"}))
HANDS_OVER = """import json, sys
print("trained", sys.argv[1])
print(json.dumps({"model": sys.argv[1], "trained": True}))
"""
FAILS = """import sys
print("rasa train failed: the training data is not valid", file=sys.stderr)
sys.exit(1)
"""


def _loaded(stack: BotStack) -> str:
    status = httpx.get(f"{stack.rasa_url}/status", params={"token": stack.api_token}, timeout=10)
    status.raise_for_status()
    return Path(status.json()["model_file"]).name


def _run(stack: BotStack, tmp_path: Path, script: str, *arguments: str) -> BotTraining:
    (tmp_path / "train.py").write_text(script, encoding="utf-8")
    factory = make_session_factory(make_engine(stack.database_url))
    trainer = Trainer(
        factory,
        TrainerConfig(
            command=[str(tmp_path / "train.py"), *arguments],
            training_file=tmp_path / "reviewed.yml",
            rasa_url=stack.rasa_url,
            rasa_token=stack.api_token,
            timeout_seconds=600,
            cwd=tmp_path,
            python=sys.executable,
        ),
    )
    with factory() as session:
        job_id = retraining.request(session, actor=ADMIN).id
        session.commit()
    trainer.run_pending()
    with factory() as session:
        job = session.scalars(select(BotTraining).where(BotTraining.id == job_id)).one()
        session.expunge(job)
        return job


def test_the_running_rasa_loads_the_retrained_model_without_a_restart(
    bot_stack: BotStack, trained_model: Path, tmp_path: Path
) -> None:
    before = _loaded(bot_stack)
    assert before == trained_model.name

    failed = _run(bot_stack, tmp_path, FAILS)
    assert failed.status == "failed" and "not valid" in failed.detail
    assert _loaded(bot_stack) == before

    broken = tmp_path / "frontdoor-broken.tar.gz"
    broken.write_bytes(b"not a model")
    refused = _run(bot_stack, tmp_path, HANDS_OVER, str(broken))
    assert refused.status == "failed" and "keeps the model it had" in refused.detail
    assert _loaded(bot_stack) == before
    assert "Bramblefield" in bot_stack.chat().say("hello").text

    swapped = tmp_path / "frontdoor-retrained.tar.gz"
    shutil.copyfile(trained_model, swapped)
    try:
        done = _run(bot_stack, tmp_path, HANDS_OVER, str(swapped))
        assert (done.status, done.detail) == ("succeeded", "")
        assert done.model == str(swapped)
        assert _loaded(bot_stack) == swapped.name
        health = httpx.get(f"{bot_stack.rasa_url}/healthz", timeout=10).json()
        assert health["dependencies"]["model"]["name"] == swapped.name
        assert "Bramblefield" in bot_stack.chat().say("hello").text
    finally:  # the rest of the session talks to the model it started with
        httpx.put(
            f"{bot_stack.rasa_url}/model",
            params={"token": bot_stack.api_token},
            json={"model_file": str(trained_model)},
            timeout=300,
        ).raise_for_status()
    assert _loaded(bot_stack) == before
