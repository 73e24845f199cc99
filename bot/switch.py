"""The bot's switch: one address in front of the Rasa that answers (blue/green).

Rasa 3.6 loads a new model inside ``PUT /model``, on its event loop: every
resident's turn waits while it loads (about half a minute on two cores), and a
turn waiting longer than handoff's bot timeout gets the bot-unavailable reply.
So ``bot/serve.py`` runs this switch on the bot's port instead, and the Rasa
processes behind it on private loopback ports (``serve.py --single``):

- every request (the REST channel, Rasa's HTTP API, ``/healthz``) is relayed,
  as it came, to the current Rasa; its answer goes back as it came;
- ``PUT /model`` with the API token (``{"model_file": path}``, as Rasa takes
  it) starts a second Rasa with that model while the first keeps answering.
  Once the second is healthy (its ``/healthz`` answers 200 only after a
  warm-up parse and prediction), the switch closes its gate to new requests,
  waits for the turns the first Rasa is handling to finish, points the relay at
  the second and opens the gate: no conversation is ever handled by two Rasa
  processes at once, and no turn goes to a Rasa that is still loading. The
  first is then stopped, and ``PUT /model`` answers 204 as Rasa does. A model
  that cannot be loaded leaves the running Rasa in place (400, as Rasa);
  one swap at a time;
- both processes keep the dialogue state in one SQL tracker store, so a
  conversation (a form half-filled, a pause for an advisor) carries on after a
  swap exactly where it was.

If the current Rasa dies, the switch exits non-zero (the launcher, or the
supervisor, restarts the stack as before); stopping the switch stops its Rasa.
Runs in the Rasa environment (aiohttp is Rasa's own dependency).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import hmac
import json
import os
import signal
import socket
import sqlite3
import sys
import tarfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

SERVE = Path(__file__).resolve().parent / "serve.py"
# A cold load takes about 30 s on two cores; under the review queue's wait for PUT /model
# (knowledge.retraining.RELOAD_TIMEOUT_SECONDS, 300 s), so both give up on the same swap.
START_TIMEOUT_SECONDS = 240.0
STOP_GRACE_SECONDS = 15.0
HEALTH_POLL_SECONDS = 0.25
# A turn takes milliseconds; one still running after this is stuck (handoff gave up on
# it after 15 s): the switch goes ahead rather than hold every resident behind it.
DRAIN_TIMEOUT_SECONDS = 20.0
# The tracker store is where a dialogue is, not the record of it (the transcript is in
# the database, under its retention): a conversation idle this long is forgotten there.
FORGET_IDLE_SECONDS = 48 * 3600.0
FORGET_EVERY_SECONDS = 3600.0
# Hop-by-hop headers (RFC 9110) and those aiohttp sets itself: never relayed. Bodies
# pass as they are (no decompression), so Content-Encoding is relayed with them.
NOT_RELAYED = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)


def log(message: str) -> None:
    print(f"frontdoor bot switch: {message}", flush=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the Rasa child gets SIGTERM if the switch dies (even by SIGKILL)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass(frozen=True)
class SwitchConfig:
    host: str
    port: int
    model: Path
    child_arguments: list[str]  # for each `serve.py --single`, after --model and --port
    auth_token: str | None
    tracker_store: dict[str, Any]  # Rasa's tracker_store endpoint
    tracker_url: str = ""  # the same store as a SQLAlchemy URL: idle conversations are pruned
    serve: Path = SERVE  # what runs one Rasa: serve.py --single (a test gives a fake)


def _session() -> aiohttp.ClientSession:
    # no overall timeout: Rasa's own (and the caller's) decide how long a turn may take
    return aiohttp.ClientSession(
        timeout=aiohttp.ClientTimeout(total=None),
        connector=aiohttp.TCPConnector(limit=0),
        auto_decompress=False,
    )


@dataclass
class Rasa:
    """One Rasa process behind the switch, and the requests it is handling."""

    model: Path
    port: int
    process: asyncio.subprocess.Process
    # its own connections: closed before it is stopped, so Rasa (Sanic) does not wait
    # out its graceful-shutdown timeout on the switch's idle keep-alive connections
    session: aiohttp.ClientSession = field(default_factory=_session)
    in_flight: int = 0
    idle: asyncio.Event = field(default_factory=asyncio.Event)
    started: float = field(default_factory=time.monotonic)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def begin(self) -> None:
        self.in_flight += 1
        self.idle.clear()

    def end(self) -> None:
        self.in_flight -= 1
        if self.in_flight == 0:
            self.idle.set()

    async def drained(self) -> None:
        if self.in_flight:
            await self.idle.wait()

    async def stop(self) -> None:
        await self.session.close()
        if self.process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.process.terminate()
        try:
            await asyncio.wait_for(self.process.wait(), STOP_GRACE_SECONDS)
        except asyncio.TimeoutError:  # noqa: UP041 - not the builtin on Python 3.10
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await self.process.wait()
        log(f"stopped Rasa {self.process.pid} ({self.model.name})")


class SwapRefused(Exception):
    """The new model did not come up; the running Rasa stays."""


class Switch:
    def __init__(self, config: SwitchConfig) -> None:
        self.config = config
        self.current: Rasa | None = None
        self.gate = asyncio.Event()  # closed only for the instant of a switch
        self.gate.set()
        self.swapping = asyncio.Lock()
        self.retired: set[asyncio.Task[None]] = set()  # old Rasa processes being stopped
        self.stopping = False
        self.failed: str | None = None
        self.loading: Path | None = None  # the model a second Rasa is loading, during a swap

    # --- the Rasa processes ---------------------------------------------------------------

    async def spawn(self, model: Path) -> Rasa:
        """Start ``serve.py --single`` with ``model``; return it once healthy and warm."""
        port = free_port()
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(self.config.serve),
            "--single",
            "--model",
            str(model),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            *self.config.child_arguments,
            preexec_fn=_die_with_parent,  # only prctl: safe before exec
        )
        rasa = Rasa(model=model, port=port, process=process)
        rasa.idle.set()
        log(f"starting Rasa (pid {process.pid}, port {port}) with {model.name}")
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if process.returncode is not None:
                await rasa.session.close()
                raise SwapRefused(f"Rasa exited with code {process.returncode} while loading")
            with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
                async with rasa.session.get(
                    f"{rasa.url}/healthz", timeout=aiohttp.ClientTimeout(total=5)
                ) as answer:
                    if answer.status == 200:
                        log(
                            f"Rasa {process.pid} is ready with {model.name} "
                            f"after {time.monotonic() - rasa.started:.1f} s"
                        )
                        return rasa
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(process.wait(), HEALTH_POLL_SECONDS)
        await rasa.stop()
        raise SwapRefused(f"Rasa did not become ready within {START_TIMEOUT_SECONDS:.0f} s")

    async def swap(self, model: Path) -> None:
        """Blue/green: the new Rasa comes up beside the old, then takes over."""
        async with self.swapping:
            began = time.monotonic()
            self.loading = model
            try:
                new = await self.spawn(model)
            finally:
                self.loading = None
            old = self.current
            self.gate.clear()  # requests arriving now wait for the new Rasa
            held = time.monotonic()
            if old is not None:
                log(f"switching: holding new requests while {old.in_flight} turn(s) finish")
            try:
                if old is not None:
                    try:  # the turns it is handling finish there
                        await asyncio.wait_for(old.drained(), DRAIN_TIMEOUT_SECONDS)
                    except asyncio.TimeoutError:  # noqa: UP041 - not the builtin on 3.10
                        log(f"{old.in_flight} turn(s) still running on the old Rasa; switching")
                self.current = new
            finally:
                self.gate.set()
            log(
                f"switched to {model.name} (pid {new.process.pid}) after "
                f"{time.monotonic() - began:.1f} s; requests held "
                f"{(time.monotonic() - held) * 1000:.0f} ms"
            )
            if old is not None:  # in the background: PUT /model answers once switched
                task = asyncio.create_task(old.stop())
                self.retired.add(task)
                task.add_done_callback(self.retired.discard)

    async def forget_idle(self) -> None:
        """Every hour, delete the dialogue state of conversations idle for 48 hours."""
        while not self.stopping and self.config.tracker_url:
            try:
                forgotten = await asyncio.to_thread(
                    forget_idle_conversations,
                    self.config.tracker_url,
                    before=time.time() - FORGET_IDLE_SECONDS,
                )
                if forgotten:
                    log(f"forgot {forgotten} event(s) of conversations idle for 48 hours")
            except Exception as exc:  # the bot keeps answering; the next round retries
                log(f"could not prune the tracker store: {type(exc).__name__}")
            await asyncio.sleep(FORGET_EVERY_SECONDS)

    async def watch(self) -> None:
        """Exit when the current Rasa dies (the launcher says which service stopped)."""
        while not self.stopping:
            rasa = self.current
            # (an old Rasa the switch stops after a swap is no longer the current one)
            if rasa is not None and rasa.process.returncode is not None:
                self.failed = f"Rasa (pid {rasa.process.pid}) exited with {rasa.process.returncode}"
                log(self.failed)
                os.kill(os.getpid(), signal.SIGTERM)
                return
            await asyncio.sleep(0.5)

    # --- HTTP --------------------------------------------------------------------------------

    def _token_ok(self, request: web.Request) -> bool:
        token = self.config.auth_token
        given = request.query.get("token", "")
        return bool(token) and hmac.compare_digest(given.encode(), str(token).encode())

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if request.method == "PUT" and request.path == "/model" and self._token_ok(request):
            return await self.put_model(request)
        body = await request.read()
        await self.gate.wait()
        rasa = self.current
        if rasa is None:
            return web.json_response(
                {"service": "rasa", "status": "starting", "detail": "the model is loading"},
                status=503,
            )
        rasa.begin()
        try:
            answer = await self.relay(rasa, request, body)
        finally:
            rasa.end()
        if request.path == "/healthz" and answer.content_type == "application/json":
            answer = self._with_switch_state(answer)
        return answer

    def _with_switch_state(self, answer: web.Response) -> web.Response:
        """Rasa's health, plus which model a second Rasa is loading (during a swap)."""
        try:
            health = json.loads(answer.body)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return answer
        if isinstance(health, dict):
            health["switch"] = {"loading": self.loading.name if self.loading else None}
        return web.json_response(health, status=answer.status)

    async def relay(self, rasa: Rasa, request: web.Request, body: bytes) -> web.Response:
        headers = {k: v for k, v in request.headers.items() if k.lower() not in NOT_RELAYED}
        try:
            async with rasa.session.request(
                request.method,
                f"{rasa.url}{request.rel_url}",
                data=body or None,
                headers=headers,
                allow_redirects=False,
            ) as answer:
                content = await answer.read()
                relayed = {k: v for k, v in answer.headers.items() if k.lower() not in NOT_RELAYED}
                return web.Response(status=answer.status, body=content, headers=relayed)
        except aiohttp.ClientError as exc:
            return web.json_response(
                {"status": "error", "detail": f"the bot did not answer: {type(exc).__name__}"},
                status=502,
            )

    async def put_model(self, request: web.Request) -> web.Response:
        try:
            body = json.loads(await request.read() or b"{}")
        except ValueError:
            body = None
        model_file = body.get("model_file") if isinstance(body, dict) else None
        if not isinstance(model_file, str) or not model_file:
            return _rasa_error(400, "BadRequest", "Give the model as {'model_file': path}.")
        model = Path(model_file)
        if not model.is_file():
            return _rasa_error(400, "BadRequest", f"No model at '{model_file}'.")
        if not tarfile.is_tarfile(model):  # refused at once, before a Rasa starts for it
            return _rasa_error(
                400, "BadRequest", f"The model could not be loaded: '{model.name}' is no archive."
            )
        try:  # shielded: a caller that hangs up does not leave a half-started Rasa behind
            await asyncio.shield(self.swap(model.resolve()))
        except SwapRefused as exc:
            log(f"kept {self.current.model.name if self.current else 'no model'}: {exc}")
            return _rasa_error(400, "BadRequest", f"The model could not be loaded: {exc}")
        return web.Response(status=204)

    # --- running -----------------------------------------------------------------------------

    async def serve(self) -> int:
        prepare_tracker_store(self.config.tracker_store)
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.config.host, self.config.port, backlog=100)
        await site.start()
        log(f"listening on http://{self.config.host}:{self.config.port}")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        watcher = asyncio.create_task(self.watch())
        pruner = asyncio.create_task(self.forget_idle())
        starting = asyncio.create_task(self.swap(self.config.model))
        try:
            done, _ = await asyncio.wait(
                {starting, asyncio.create_task(stop.wait())},
                return_when=asyncio.FIRST_COMPLETED,
            )
            if starting in done and starting.exception() is not None:
                log(f"the bot could not start: {starting.exception()}")
                return 1
            await stop.wait()
            return 1 if self.failed else 0
        finally:
            self.stopping = True
            watcher.cancel()
            pruner.cancel()
            starting.cancel()
            await runner.cleanup()
            if self.current is not None:
                await self.current.stop()
            await asyncio.gather(*list(self.retired))

    def run(self) -> int:
        return asyncio.run(self.serve())


def _rasa_error(status: int, reason: str, message: str) -> web.Response:
    """An error in Rasa's own shape (rasa.server.ErrorResponse)."""
    return web.json_response(
        {"version": "", "status": "failure", "message": message, "reason": reason, "code": status},
        status=status,
    )


def prepare_tracker_store(config: dict[str, Any]) -> None:
    """SQLite: WAL, so one Rasa reads while the other writes and commits stay cheap."""
    if config.get("dialect") != "sqlite":
        return
    with contextlib.closing(sqlite3.connect(config["db"])) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def forget_idle_conversations(url: str, *, before: float) -> int:
    """Delete every event of the conversations whose latest event is older than
    ``before`` (a Unix time, as Rasa stamps events); returns how many."""
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            if not sa.inspect(connection).has_table("events"):
                return 0
            result = connection.execute(
                sa.text(
                    "DELETE FROM events WHERE sender_id IN (SELECT sender_id FROM events "
                    "GROUP BY sender_id HAVING MAX(timestamp) < :before)"
                ),
                {"before": before},
            )
            return int(result.rowcount or 0)
    finally:
        engine.dispose()
