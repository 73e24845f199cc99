"""Run a script in the Rasa environment with a JSON payload on stdin and read the
JSON its last line prints (the decision policy's and the intent gate's checks)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bottools import model as bot_model
from tests.unit.bot.harness import ROOT


def rasa_json(
    rasa_bin: Path, arguments: Sequence[str], payload: Any, *, unset: Sequence[str] = ()
) -> Any:
    env = {**os.environ, **bot_model.rasa_env(ROOT)}
    for name in unset:
        env.pop(name, None)
    result = subprocess.run(
        [str(rasa_bin / "python"), *arguments],
        input=json.dumps(payload),
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])
