"""Run the handoff service with the in-memory bot and back office.

For loopback tests, benchmarks and demos without Rasa:
``python -m handoff.devserver --port 8101`` (settings from ``FRONTDOOR_*`` as
usual). ``--bot-delay`` adds a pause before each bot reply, like a real NLU.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn

from frontdoor.secrets import GENERATED_VARIABLES, new_secret
from handoff.bot import BotMetadata, BotReply, FakeBot, echo_script
from handoff.search import Article, FakeKnowledgeSearch
from handoff.settings import UVICORN_WS_OPTIONS, HandoffSettings


class SlowFakeBot(FakeBot):
    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    async def send(self, conversation_id: str, text: str, metadata: BotMetadata) -> list[BotReply]:
        if self.delay:
            await asyncio.sleep(self.delay)
        self.paused.discard(conversation_id)  # a restarted process may see old pauses
        return echo_script(text, metadata)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bot-delay", type=float, default=0.0)
    parser.add_argument("--log-level", default="warning")
    parser.add_argument("--ws", default="websockets-sansio", help="uvicorn's websocket protocol")
    parser.add_argument(
        "--stall-trace", default="", help="record event-loop stalls here (handoff.stalls)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper())
    from backoffice import fake_backoffice
    from handoff.app import create_app

    app = create_app(
        HandoffSettings.load(),
        bot=SlowFakeBot(args.bot_delay),
        backoffice=fake_backoffice(),
        search=FakeKnowledgeSearch([Article("Bin collection days", "/en/bins", "Find your day.")]),
    )
    served: Any = app
    if args.stall_trace:
        from handoff.stalls import traced

        served = traced(app, args.stall_trace)
    uvicorn.run(
        served,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        **{**UVICORN_WS_OPTIONS, "ws": args.ws},
        timeout_graceful_shutdown=3,
    )


@dataclass(frozen=True)
class StaffLogin:
    user_id: int
    cookie: str
    csrf: str


def prepare_database(url: str, *, advisors: int, hours: str = "always") -> list[StaffLogin]:
    """Migrate, create the chat teams (open ``hours``) and ``advisors`` signed-in advisors
    in every team. For benchmarks; one password hash shared by all (argon2 is slow)."""
    from sqlalchemy.orm import Session

    from frontdoor.accounts import service as accounts
    from frontdoor.accounts.roles import Role
    from frontdoor.db import make_engine
    from frontdoor.migrate import upgrade
    from frontdoor.settings import CommonSettings
    from handoff.seed import teams_of
    from handoff.store import seeding

    engine = make_engine(url)
    upgrade(engine)
    hashed = accounts.hash_password("benchmark-password-not-secret")
    logins = []
    with Session(engine) as session:
        teams = teams_of(CommonSettings.load().council)
        for order, (slug, name, skills, _hours) in enumerate(teams):
            seeding.add_team(
                session, slug=slug, name=name, skills=skills, opening_hours=hours, sort_order=order
            )
        original = accounts.hash_password
        accounts.hash_password = lambda _password: hashed  # type: ignore[assignment]
        try:
            for number in range(advisors):
                user = accounts.create_user(
                    session,
                    email=f"advisor{number}@bench.invalid",
                    display_name=f"Advisor {number}",
                    password="x" * 12,
                    roles=[Role.ADVISOR],
                )
                for slug, *_ in teams:
                    seeding.add_member(session, team=slug, user_id=user.id)
                issued = accounts.start_session(session, user_id=user.id)
                logins.append(StaffLogin(user.id, issued.token, issued.csrf_token))
        finally:
            accounts.hash_password = original
        session.commit()
    engine.dispose()
    return logins


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerProcess:
    """One devserver in a child process, for tests and benchmarks (loopback only)."""

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        port: int | None = None,
        bot_delay: float = 0.0,
        log_path: str | None = None,
        ws: str = "websockets-sansio",
        stall_trace: str = "",
    ) -> None:
        self.ws, self.stall_trace = ws, stall_trace
        self.port = port or free_port()
        # Secrets the caller does not fix are fresh for this process (never a published value).
        self.env = {**{name: new_secret() for name in GENERATED_VARIABLES}, **os.environ, **env}
        self.bot_delay = bot_delay
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> ServerProcess:
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        command = [
            sys.executable,
            "-m",
            "handoff.devserver",
            "--port",
            str(self.port),
            "--bot-delay",
            str(self.bot_delay),
            "--ws",
            self.ws,
        ]
        if self.stall_trace:
            command += ["--stall-trace", self.stall_trace]
        # our own interpreter running our own module: no untrusted input
        self.process = subprocess.Popen(command, env=self.env, stdout=log, stderr=log)  # noqa: S603
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"handoff devserver exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError("handoff devserver did not become healthy")

    def kill(self) -> None:
        """SIGKILL: no goodbye, like a crash or a pulled plug."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def rss_bytes(self) -> int:
        assert self.process is not None
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
        return 0


if __name__ == "__main__":
    main()
