"""The stack's scheduled purge: a process that answers /healthz and purges."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from handoff import models as ho
from tests.integration.privacy import factories

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_scheduled_purge_runs_and_is_healthy(database):
    old = datetime.now(UTC) - timedelta(days=800)
    factories.conversation(database.engine, closed_at=old, events=3)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FRONTDOOR_")}
    env["FRONTDOOR_DATABASE_URL"] = database.url
    process = subprocess.Popen(
        [sys.executable, "-m", "privacy.scheduler", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        remaining = 1
        for _ in range(300):  # bounded by count, not by the wall clock
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as response:
                    healthy = response.status == 200
            except OSError:
                healthy = False
            with database.engine.connect() as conn:
                remaining = conn.scalar(select(func.count()).select_from(ho.conversations)) or 0
            if healthy and remaining == 0:
                break
            time.sleep(0.1)
        assert healthy and remaining == 0
    finally:
        process.terminate()
        output = process.communicate(timeout=60)[0].decode()
    assert process.returncode == 0, output
    assert "purge done" in output
