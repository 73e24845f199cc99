"""The action server as a process: /healthz and one webhook call."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from frontdoor.secrets import BOT_SECRET_HEADER
from tests.unit.bot.harness import BOT_SECRET, ROOT, SIGNING_KEY, domain


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, *, timeout: float = 60.0, ok=(200,)) -> httpx.Response:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            answer = httpx.get(url, timeout=2.0)
            if answer.status_code in ok:
                return answer
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer in {timeout} s ({last})")


@pytest.fixture
def action_server(seeded_database) -> Iterator[str]:
    port = free_port()
    env = {
        **os.environ,
        "FRONTDOOR_ENVIRONMENT": "test",
        "FRONTDOOR_DATABASE_URL": seeded_database.url,
        "FRONTDOOR_IDENTITY_SIGNING_KEY": SIGNING_KEY,
        "FRONTDOOR_BOT_SECRET": BOT_SECRET,
        "FRONTDOOR_KNOWLEDGE_PORT": str(free_port()),  # nothing listens: degraded
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "actions.server", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        if process.stderr:
            process.stderr.close()


def test_healthz_reports_the_database_and_the_knowledge_service(action_server: str) -> None:
    body = wait_for(f"{action_server}/healthz").json()
    assert body["service"] == "actions" and body["version"]
    assert body["dependencies"]["database"]["status"] == "ok"
    assert body["dependencies"]["knowledge"]["status"] == "error"
    assert body["status"] == "degraded"


def test_the_webhook_runs_an_action(action_server: str) -> None:
    wait_for(f"{action_server}/healthz")
    call = {
        "next_action": "action_smalltalk",
        "sender_id": "c1",
        "version": "3.6.21",
        "domain": domain(),
        "tracker": {
            "sender_id": "c1",
            "slots": {},
            "latest_message": {
                "text": "are you a bot",
                "intent": {"name": "bot_challenge"},
                "entities": [],
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }
    answer = httpx.post(
        f"{action_server}/webhook", json=call, headers={BOT_SECRET_HEADER: BOT_SECRET}, timeout=10
    )
    assert answer.status_code == 200
    assert "computer program" in answer.json()["responses"][0]["text"]
