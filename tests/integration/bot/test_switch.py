"""The bot's switch (``bot/switch.py``), step by step, with fake Rasa processes.

The switch runs in the Rasa 3.10 environment, as ``bot/serve.py`` runs it;
each "Rasa" behind it is a small stdlib server (``FAKE_RASA`` below) that
answers ``"<model>: <message>"``, reports to the test over a socket when it
starts and when a turn is under way, becomes healthy only when the test says
so, and holds a turn until the test releases it. So the test decides every
moment of a swap, with no sleeps: a turn in flight on the old Rasa finishes
there; while the new one loads, turns go to the old one; a turn that arrives
while the switch waits for the old one goes to the new one afterwards; the old
one is stopped. The whole bot is swapped under load in
``tests/e2e/bot/test_swap.py``.
"""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import tarfile
import textwrap
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx
import pytest

from bottools import model as bot_model
from frontdoor.exceptions import ConfigurationError
from tests.e2e.bot.stack import free_port
from tests.unit.bot.harness import ROOT

pytestmark = pytest.mark.rasa

TOKEN = "switch-test-api-token-0123456789abcdef"
WAIT = 120.0  # a guard against a hang, never a measure

FAKE_RASA = textwrap.dedent(
    """
    import argparse, json, socket, sys, tarfile, threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from pathlib import Path

    parser = argparse.ArgumentParser()
    parser.add_argument("--model"); parser.add_argument("--port", type=int)
    parser.add_argument("--host"); parser.add_argument("--control", type=int)
    args, _ = parser.parse_known_args()
    model = Path(args.model).name
    with tarfile.open(args.model) as archive:
        if archive.extractfile("content").read() == b"broken":
            sys.exit(3)
    control = socket.create_connection(("127.0.0.1", args.control))
    tell_lock = threading.Lock()

    def tell(*words):
        with tell_lock:
            control.sendall((" ".join(map(str, words)) + "\\n").encode())

    ready, release = threading.Event(), threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def answer(self, status, body):
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self):
            if self.path.startswith("/healthz"):
                self.answer(200 if ready.is_set() else 503, {"status": "ok", "model": model})
            elif self.path.startswith("/status"):
                self.answer(200, {"model_file": args.model})
            else:
                self.answer(404, {})

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
            if self.path == "/ready":
                ready.set()
                self.answer(200, {})
            elif self.path == "/release":
                release.set()
                self.answer(200, {})
            elif self.path.startswith("/webhooks/rest/webhook"):
                if body["message"] == "slow":
                    tell("turn", model, body["sender"])
                    release.wait()
                self.answer(200, [{"recipient_id": body["sender"],
                                   "text": model + ": " + body["message"]}])
            else:
                self.answer(404, {})

        def do_PUT(self):  # Rasa's own PUT /model: only reached without the token
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.answer(401, {"reason": "NotAuthenticated"})

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    tell("up", model, args.port)
    server.serve_forever()
    """
)

RUN_SWITCH = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from switch import Switch, SwitchConfig
    port, model, fake, control = int(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]), sys.argv[5]
    sys.exit(Switch(SwitchConfig(
        host="127.0.0.1", port=port, model=model, child_arguments=["--control", control],
        auth_token=sys.argv[6], tracker_store={"type": "SQL", "dialect": "postgresql"},
        serve=fake,
    )).run())
    """
)


@dataclass
class Control:
    """What the fake Rasa processes tell the test, one line at a time."""

    server: socket.socket
    lines: list[list[str]] = field(default_factory=list)
    files: list[IO[str]] = field(default_factory=list)
    condition: threading.Condition = field(default_factory=threading.Condition)

    def serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._read, args=(connection,), daemon=True).start()

    def _read(self, connection: socket.socket) -> None:
        with connection, connection.makefile("r") as lines:
            for line in lines:
                with self.condition:
                    self.lines.append(line.split())
                    self.condition.notify_all()

    def expect(self, *words: str) -> list[str]:
        """Block until a fake says a line starting with ``words``; return it."""
        with self.condition:
            found = self.condition.wait_for(
                lambda: next((line for line in self.lines if line[: len(words)] == list(words)),
                             None),
                timeout=WAIT,
            )  # fmt: skip
        assert found, f"no {words} from the fake Rasa; it said {self.lines}"
        return found


@dataclass
class Bot:
    url: str
    process: subprocess.Popen[str]
    control: Control
    output: list[str] = field(default_factory=list)
    condition: threading.Condition = field(default_factory=threading.Condition)

    def pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self.condition:
                self.output.append(line.rstrip())
                self.condition.notify_all()

    def logged(self, text: str) -> str:
        """Block until the switch logs a line containing ``text``."""
        with self.condition:
            found = self.condition.wait_for(
                lambda: next((line for line in self.output if text in line), None), timeout=WAIT
            )
        assert found, f"the switch never logged {text!r}: {self.output}"
        return found

    def say(self, sender: str, message: str) -> str:
        answer = httpx.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=WAIT,
        )
        assert answer.status_code == 200, answer.text
        return str(answer.json()[0]["text"])

    def put_model(self, model: Path, token: str = TOKEN) -> httpx.Response:
        return httpx.put(
            f"{self.url}/model", params={"token": token}, json={"model_file": str(model)},
            timeout=WAIT,
        )  # fmt: skip


def _ready(port: str) -> None:
    httpx.post(f"http://127.0.0.1:{port}/ready", json={}, timeout=WAIT).raise_for_status()


def _release(port: str) -> None:
    httpx.post(f"http://127.0.0.1:{port}/release", json={}, timeout=WAIT).raise_for_status()


@pytest.fixture
def models(tmp_path: Path) -> dict[str, Path]:
    found = {}
    for name, content in (("blue", "model"), ("green", "model"), ("broken", "broken")):
        found[name] = tmp_path / f"frontdoor-{name}.tar.gz"
        with tarfile.open(found[name], "w:gz") as archive:  # an archive, as a model is
            data = content.encode()
            member = tarfile.TarInfo("content")
            member.size = len(data)
            archive.addfile(member, io.BytesIO(data))
    found["not an archive"] = tmp_path / "frontdoor-text.tar.gz"
    found["not an archive"].write_text("not a model")
    return found


@pytest.fixture
def bot(tmp_path: Path, models: dict[str, Path]) -> Iterator[Bot]:
    try:
        python = bot_model.rasa_environment(ROOT) / "python"
    except ConfigurationError as exc:
        pytest.skip(exc.message)
    fake = tmp_path / "fake_rasa.py"
    fake.write_text(FAKE_RASA, encoding="utf-8")
    listener = socket.create_server(("127.0.0.1", 0))
    control = Control(listener)
    threading.Thread(target=control.serve, daemon=True).start()
    port = free_port()
    process = subprocess.Popen(
        [str(python), "-c", RUN_SWITCH, str(ROOT / "bot"), str(port), str(models["blue"]),
         str(fake), str(listener.getsockname()[1]), TOKEN],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    bot = Bot(f"http://127.0.0.1:{port}", process, control)
    threading.Thread(target=bot.pump, daemon=True).start()
    try:
        _ready(control.expect("up", "frontdoor-blue.tar.gz")[2])
        bot.logged("switched to frontdoor-blue.tar.gz")
        yield bot
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=WAIT)
        listener.close()


def test_a_swap_moves_turns_to_the_new_rasa_only_when_it_is_ready(
    bot: Bot, models: dict[str, Path]
) -> None:
    blue = bot.control.expect("up", "frontdoor-blue.tar.gz")[2]
    assert bot.say("ann", "hello") == "frontdoor-blue.tar.gz: hello"
    with ThreadPoolExecutor(4) as pool:
        slow: Future[str] = pool.submit(bot.say, "ann", "slow")  # a turn in flight on blue
        bot.control.expect("turn", "frontdoor-blue.tar.gz", "ann")

        swap = pool.submit(bot.put_model, models["green"])
        green = bot.control.expect("up", "frontdoor-green.tar.gz")[2]
        # green is loading: the bot still answers, from blue, and says what it is loading
        assert bot.say("bob", "hello") == "frontdoor-blue.tar.gz: hello"
        health = httpx.get(f"{bot.url}/healthz", timeout=WAIT).json()
        assert health["model"] == "frontdoor-blue.tar.gz"
        assert health["switch"] == {"loading": "frontdoor-green.tar.gz"}

        _ready(green)
        bot.logged("holding new requests while 1 turn(s) finish")
        held: Future[str] = pool.submit(bot.say, "bob", "hello")  # waits for the switch
        assert not swap.done() and not held.done()
        _release(blue)
        assert slow.result(WAIT) == "frontdoor-blue.tar.gz: slow"  # finished where it began
        assert held.result(WAIT) == "frontdoor-green.tar.gz: hello"
        assert swap.result(WAIT).status_code == 204
    bot.logged("switched to frontdoor-green.tar.gz")
    assert bot.say("ann", "hello") == "frontdoor-green.tar.gz: hello"
    health = httpx.get(f"{bot.url}/healthz", timeout=WAIT).json()
    assert health["switch"] == {"loading": None}
    bot.logged("stopped Rasa")  # blue, after PUT /model answered
    assert "(frontdoor-blue.tar.gz)" in bot.logged("stopped Rasa")
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{blue}/healthz", timeout=WAIT)


def test_a_model_that_cannot_load_leaves_the_running_one(
    bot: Bot, models: dict[str, Path], tmp_path: Path
) -> None:
    refused = bot.put_model(models["broken"])
    assert refused.status_code == 400
    assert "could not be loaded" in refused.json()["message"]
    missing = bot.put_model(tmp_path / "frontdoor-missing.tar.gz")
    assert missing.status_code == 400
    text = bot.put_model(models["not an archive"])  # refused before any Rasa starts
    assert text.status_code == 400 and "no archive" in text.json()["message"]
    started = [line for line in bot.control.lines if line[0] == "up"]
    assert [line[1] for line in started] == ["frontdoor-blue.tar.gz"]
    assert bot.say("ann", "hello") == "frontdoor-blue.tar.gz: hello"


def test_without_the_token_rasa_itself_refuses_the_swap(bot: Bot, models: dict[str, Path]) -> None:
    assert bot.put_model(models["green"], token="not-the-token").status_code == 401
    assert bot.say("ann", "hello") == "frontdoor-blue.tar.gz: hello"
    assert not [line for line in bot.control.lines if line[:2] == ["up", "frontdoor-green.tar.gz"]]


def test_the_switch_stops_when_its_rasa_dies(bot: Bot) -> None:
    blue = int(bot.control.expect("up", "frontdoor-blue.tar.gz")[2])
    pid = next(
        int(line.split("pid ")[1].split(",")[0])
        for line in bot.output
        if "starting Rasa" in line and "frontdoor-blue" in line
    )
    os.kill(pid, signal.SIGKILL)
    assert bot.process.wait(timeout=WAIT) == 1
    assert "exited with" in bot.logged("exited with")
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{blue}/healthz", timeout=WAIT)


def test_stopping_the_switch_stops_its_rasa(bot: Bot) -> None:
    blue = bot.control.expect("up", "frontdoor-blue.tar.gz")[2]
    bot.process.terminate()
    assert bot.process.wait(timeout=WAIT) == 0
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{blue}/healthz", timeout=WAIT)


FORGET = textwrap.dedent(
    """
    import sqlite3, sys
    sys.path.insert(0, sys.argv[1])
    from switch import forget_idle_conversations
    db = sys.argv[2]
    with sqlite3.connect(db) as connection:
        connection.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                           "type_name TEXT, timestamp REAL, intent_name TEXT, "
                           "action_name TEXT, data TEXT)")
        connection.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp) VALUES (?, 'user', ?)",
            [("idle", 100.0), ("idle", 200.0), ("active", 100.0), ("active", 900.0)],
        )
    print(forget_idle_conversations("sqlite:///" + db, before=500.0))
    with sqlite3.connect(db) as connection:
        print(sorted({row[0] for row in connection.execute("SELECT sender_id FROM events")}))
    print(forget_idle_conversations("sqlite:///" + db + "-empty", before=500.0))
    """
)


def test_conversations_idle_for_long_are_forgotten_by_the_tracker_store(tmp_path: Path) -> None:
    try:
        python = bot_model.rasa_environment(ROOT) / "python"
    except ConfigurationError as exc:
        pytest.skip(exc.message)
    result = subprocess.run(
        [str(python), "-c", FORGET, str(ROOT / "bot"), str(tmp_path / "trackers.db")],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    # the idle conversation's two events go; every event of the active one stays
    assert result.stdout.split("\n")[:3] == ["2", "['active']", "0"]
