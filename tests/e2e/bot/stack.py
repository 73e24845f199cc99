"""Start the composed bot and talk to it over Rasa's REST channel.

Used by the end-to-end tests (tests/e2e/bot/conftest.py) and by
benchmarks/bot_latency.py:

- ``knowledge_stub()``: a small HTTP server speaking the knowledge API
  (search + content gaps) over the fake's articles, so answers are fixed;
- ``seed_database(path, world)``: a migrated SQLite file holding Bramblefield;
- ``running_bot(...)``: the action server (``actions.server`` with its clock pinned, 3.11)
  and Rasa (``bot/serve.py``, 3.10), started, health-checked, stopped;
- ``Chat``: one resident's conversation (a fresh sender id).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
from sqlalchemy.orm import Session

from actions.knowledge_client import FakeKnowledgeClient
from backoffice.identity import mint_token
from backoffice.seed import load_world
from backoffice.sql.loader import SqlLoader
from backoffice.world import World
from bottools import model as bot_model
from frontdoor.contracts.review import SIGNALS_PATH, MissedMessage
from frontdoor.contracts.understanding import UNDERSTOOD_KEY
from frontdoor.db import make_engine
from frontdoor.migrate import upgrade
from frontdoor.secrets import BOT_SECRET_HEADER
from payments.journey import Outcome
from tests.unit.bot.harness import ARTICLES, BOT_SECRET, ROOT, SIGNING_KEY

STARTUP_SECONDS = 300


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not become healthy in {timeout} s")


# --- the knowledge API stub ---------------------------------------------------------------


@dataclass
class KnowledgeStub:
    fake: FakeKnowledgeClient
    url: str = ""
    gaps: list[dict[str, Any]] = field(default_factory=list)
    external: bool = False


def _search_body(stub: KnowledgeStub, query: dict[str, list[str]]) -> dict[str, Any]:
    answer = stub.fake.search(
        query.get("q", [""])[0],
        language=query.get("lang", ["en"])[0],
        limit=int(query.get("limit", ["3"])[0]),
    )
    return {
        "query": answer.query,
        "results": [
            {
                "slug": hit.slug,
                "title": hit.title,
                "url": f"/articles/{hit.slug}",
                "section_anchor": hit.section_anchor,
                "section_title": hit.section_title,
                "snippet": hit.snippet,
                "score": hit.score,
                "service_area": hit.service_area,
                "language": hit.language,
            }
            for hit in answer.hits
        ],
        "no_good_answer": answer.no_good_answer,
        "took_ms": 1.0,
    }


def _handler(stub: KnowledgeStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _json(self, status: int, body: Any) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            parsed = urlparse(self.path)
            if parsed.path == "/healthz":
                self._json(200, {"service": "knowledge", "status": "ok"})
            elif parsed.path == "/api/v1/search":
                self._json(200, _search_body(stub, parse_qs(parsed.query)))
            elif parsed.path.startswith("/api/v1/articles/"):
                body = stub.fake.article_body(parsed.path.rsplit("/", 1)[-1])
                if body is None:
                    self._json(404, {"error": "not_found"})
                else:
                    self._json(200, {"body_markdown": body})
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            if urlparse(self.path).path != SIGNALS_PATH:
                self._json(404, {"error": "not_found"})
                return
            length = int(self.headers.get("Content-Length", "0"))
            try:  # the typed contract the knowledge service reads
                signal = MissedMessage.model_validate_json(self.rfile.read(length))
            except ValueError:
                self._json(422, {"error": "invalid"})
                return
            stub.gaps.append(signal.model_dump(mode="json"))
            self._json(201, {"id": len(stub.gaps), "status": "recorded"})

        def log_message(self, *args: Any) -> None:
            return

    return Handler


@contextmanager
def knowledge_stub() -> Iterator[KnowledgeStub]:
    """The stub, or the service at FRONTDOOR_E2E_KNOWLEDGE_URL when that is set."""
    stub = KnowledgeStub(FakeKnowledgeClient().add(ARTICLES))
    external = os.environ.get("FRONTDOOR_E2E_KNOWLEDGE_URL")
    if external:
        stub.url, stub.external = external.rstrip("/"), True
        yield stub
        return
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()


# --- database and processes --------------------------------------------------------------------


def seed_database(path: Path, world: World) -> str:
    url = f"sqlite:///{path.as_posix()}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session:
        load_world(SqlLoader(session), world)
        session.commit()
    engine.dispose()
    return url


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@dataclass
class BotStack:
    rasa_url: str
    actions_url: str
    knowledge: KnowledgeStub
    world: World
    now: datetime
    database_url: str
    api_token: str | None = None  # Rasa's HTTP API (PUT /model, GET /status)

    def chat(self, **metadata: Any) -> Chat:
        """A conversation as the handoff service holds it (it shows the bot secret)."""
        return Chat(self.rasa_url, metadata=metadata, bot_secret=BOT_SECRET)

    def rows(self, table: str) -> int:
        """How many rows a back-office table holds (``bo_cases``, ``bo_bulky_bookings``):
        what a conversation wrote to the SQL back office the action server uses."""
        if table not in ("bo_cases", "bo_bulky_bookings"):
            raise ValueError(f"not a table the conversations write: {table}")
        engine = make_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return int(connection.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar_one())
        finally:
            engine.dispose()

    def pay_on_the_demo_page(self, next_url: str, choice: str) -> Outcome | None:
        """What the resident does on the demo payment page (which the knowledge
        service serves), then what its return page does: returns the outcome."""
        from backoffice.sql import demo_backoffice
        from payments.demo import DemoPay
        from payments.settings import payments_from

        engine = make_engine(self.database_url)
        try:
            payments = payments_from(
                engine, demo_backoffice(engine).bulky, lambda: self.now, environ={}
            )
            assert isinstance(payments.provider, DemoPay)
            payment_id = next_url.rsplit("/", 1)[1]
            chosen = payments.provider.choose(payment_id, choice)
            return payments.settle(chosen.reference)
        finally:
            engine.dispose()

    def token(
        self,
        *,
        council_tax: tuple[str, ...] = (),
        tenancies: tuple[str, ...] = (),
        minutes: int = 30,
    ) -> str:
        return mint_token(
            SIGNING_KEY.encode(),
            council_tax=council_tax,
            tenancies=tenancies,
            minutes=minutes,
            now=self.now,  # the action server's pinned clock decides whether it has expired
        )


@contextmanager
def running_bot(
    *,
    model: Path,
    database_url: str,
    knowledge: KnowledgeStub,
    world: World,
    logs: Path,
    now: datetime,
    api_token: str | None = None,
    single: bool = False,
) -> Iterator[BotStack]:
    """The action server (its clock pinned to ``now``) and Rasa, up and healthy; stopped
    afterwards. Seed ``world`` for ``london_today(now)``. With ``api_token`` Rasa's HTTP
    API is on behind it, as the launcher runs it (``--enable-api --auth-token``). Rasa
    runs behind the bot's switch (``bot/switch.py``) as the launcher runs it, or, with
    ``single``, alone (``serve.py --single``: a model swap blocks it while it loads)."""
    rasa_bin = bot_model.rasa_environment(ROOT)
    actions_port, rasa_port = free_port(), free_port()
    env = {
        **os.environ,
        "FRONTDOOR_ENVIRONMENT": "test",
        "FRONTDOOR_DATABASE_URL": database_url,
        "FRONTDOOR_IDENTITY_SIGNING_KEY": SIGNING_KEY,
        "FRONTDOOR_BOT_SECRET": BOT_SECRET,
        "FRONTDOOR_KNOWLEDGE_PORT": str(urlparse(knowledge.url).port or 80),
        "FRONTDOOR_HOST": "127.0.0.1",
        "FRONTDOOR_LOG_LEVEL": "WARNING",
    }
    logs.mkdir(parents=True, exist_ok=True)
    with (
        (logs / "actions.log").open("wb") as actions_log,
        (logs / "rasa.log").open("wb") as rasa_log,
    ):
        actions = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.e2e.bot.pinned_actions",
                "--now",
                now.isoformat(),
                "--port",
                str(actions_port),
            ],
            cwd=ROOT,
            env=env,
            stdout=actions_log,
            stderr=subprocess.STDOUT,
        )
        rasa = subprocess.Popen(
            [
                str(rasa_bin / "python"),
                str(ROOT / "bot" / "serve.py"),
                "--model",
                str(model),
                "--port",
                str(rasa_port),
                "--actions-url",
                f"http://127.0.0.1:{actions_port}",
                # the dialogue state, shared by both Rasa processes during a model swap
                "--tracker-store",
                f"sqlite:///{(logs / 'trackers.db').as_posix()}",
                *(["--enable-api", "--auth-token", api_token] if api_token else []),
                *(["--single"] if single else []),
            ],
            cwd=ROOT,
            env={**os.environ, **bot_model.rasa_env(ROOT), "FRONTDOOR_BOT_SECRET": BOT_SECRET},
            stdout=rasa_log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(f"http://127.0.0.1:{actions_port}/healthz", 60, actions)
            wait_for(f"http://127.0.0.1:{rasa_port}/healthz", STARTUP_SECONDS, rasa)
            yield BotStack(
                f"http://127.0.0.1:{rasa_port}",
                f"http://127.0.0.1:{actions_port}",
                knowledge,
                world,
                now,
                database_url,
                api_token,
            )
        finally:
            _stop(rasa)
            _stop(actions)


# --- talking to it ----------------------------------------------------------------------------


class Replies(list):  # type: ignore[type-arg]
    """Rasa's replies; a whole reply (an answer, a handover) carries its text,
    prompt and buttons in ``custom``, and counts here as the resident sees it. The
    channel's last item, what the bot understood (``frontdoor_understood``), is no
    reply: it is kept apart in ``understood``."""

    def __init__(self, body: list[Any]) -> None:
        def understood(item: Any) -> dict[str, Any] | None:
            custom = item.get("custom") if isinstance(item, dict) else None
            if isinstance(custom, dict) and set(custom) == {UNDERSTOOD_KEY}:
                return custom[UNDERSTOOD_KEY]  # type: ignore[no-any-return]
            return None

        super().__init__(item for item in body if understood(item) is None)
        self.understood = [found for item in body if (found := understood(item)) is not None]
        self.body = body

    @property
    def text(self) -> str:
        parts = []
        for m in self:
            custom = m.get("custom") or {}
            parts += [t for t in (m.get("text") or custom.get("text"), custom.get("prompt")) if t]
        return "\n".join(parts)

    @property
    def buttons(self) -> list[dict[str, str]]:
        return [
            b
            for m in self
            for b in (m.get("buttons") or (m.get("custom") or {}).get("buttons") or [])
        ]

    @property
    def payloads(self) -> list[str]:
        return [b["payload"] for b in self.buttons]

    @property
    def custom(self) -> list[dict[str, Any]]:
        return [m["custom"] for m in self if m.get("custom")]

    @property
    def handoffs(self) -> list[dict[str, Any]]:
        return [c["frontdoor_handoff"] for c in self.custom if "frontdoor_handoff" in c]


class Chat:
    """One resident's conversation over the REST channel.

    With ``bot_secret`` it posts as the handoff service does; without it, as any
    other client would (and Rasa refuses it).
    """

    def __init__(
        self,
        rasa_url: str,
        *,
        sender: str | None = None,
        metadata: dict[str, Any] | None = None,
        bot_secret: str | None = None,
    ) -> None:
        self.url = f"{rasa_url}/webhooks/rest/webhook"
        self.sender = sender or f"e2e-{uuid.uuid4().hex}"
        self.metadata = dict(metadata or {})
        self.transcript: list[tuple[str, Replies]] = []
        self._headers = {BOT_SECRET_HEADER: bot_secret} if bot_secret else {}
        self._client = httpx.Client(timeout=30)

    def post(self, text: str, **metadata: Any) -> httpx.Response:
        body = {"sender": self.sender, "message": text, "metadata": {**self.metadata, **metadata}}
        return self._client.post(self.url, json=body, headers=self._headers)

    def say(self, text: str, **metadata: Any) -> Replies:
        answer = self.post(text, **metadata)
        assert answer.status_code == 200, answer.text
        replies = Replies(answer.json())
        self.transcript.append((text, replies))
        return replies

    def press(self, replies: Replies, title_part: str) -> Replies:
        """Press the button with this title (or, failing that, containing it)."""
        for item in replies.buttons:
            if item["title"].lower() == title_part.lower():
                return self.say(item["payload"])
        for item in replies.buttons:
            if title_part.lower() in item["title"].lower():
                return self.say(item["payload"])
        raise AssertionError(f"no button containing {title_part!r} in {replies.buttons}")
