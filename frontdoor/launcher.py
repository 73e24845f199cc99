"""`frontdoor run`: prepare the data, start every service, watch them.

Preparation (create the installation's secrets on the first run, migrate,
seed an empty database, build the spaCy pipeline and train the bot when its
inputs changed) runs first, in this process. The secrets come from
``var/secrets.env`` (see :mod:`frontdoor.secrets`) and reach every service
through its environment; a ``FRONTDOOR_*`` variable set by the operator wins. Then each
service starts as a child process in its own process group; its output is
prefixed with its name; the launcher waits for each health check, prints the
URLs, and stops everything cleanly on Ctrl-C, SIGTERM or when any one dies
(saying which).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from frontdoor.exceptions import ConfigurationError, FrontdoorError, PortInUseError
from frontdoor.secrets import (
    GENERATED_VARIABLES,
    SECRET_FIELDS,
    check_secrets,
    ensure_secrets_file,
    secrets_file,
)
from frontdoor.settings import Environment, project_root
from frontdoor.stack import StackSettings

COLOURS = ("\033[36m", "\033[35m", "\033[33m", "\033[32m", "\033[34m")
RESET = "\033[0m"
STOP_GRACE_SECONDS = 10
# Rasa 3.6's dependencies print pages of deprecation warnings; nothing leaves the machine.
RASA_QUIET = {
    "PYTHONWARNINGS": "ignore",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "RASA_TELEMETRY_ENABLED": "false",
}


@dataclass
class Service:
    name: str
    command: list[str]
    port: int
    port_variable: str
    health_path: str = "/healthz"
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    def health_url(self, host: str) -> str:
        return f"http://{host}:{self.port}{self.health_path}"


HANDOFF_WS_FLAGS = (
    "--ws",
    "websockets-sansio",
    "--ws-max-size",
    "1048576",
    "--ws-per-message-deflate",
    "false",
    "--ws-ping-interval",
    "0.0",
)


def rasa_python(settings: StackSettings) -> Path:
    configured = os.environ.get("FRONTDOOR_RASA_PYTHON")
    return Path(configured) if configured else project_root() / ".venv-rasa" / "bin" / "python"


def rasa_tracker_store(settings: StackSettings) -> str:
    """Where the bot keeps its dialogue state: ``FRONTDOOR_RASA_TRACKER_STORE``, else a
    SQLite file in the var folder (both Rasa processes of a model swap share it)."""
    if settings.rasa_tracker_store.strip():
        return settings.rasa_tracker_store.strip()
    var_dir = settings.var_dir
    if not var_dir.is_absolute():  # the services run in the project root
        var_dir = project_root() / var_dir
    return f"sqlite:///{(var_dir / 'rasa' / 'trackers.db').as_posix()}"


def installation_secrets(
    settings: StackSettings, environ: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The secrets every service gets: the operator's variables, else var/secrets.env.

    The file is created (mode 0600) on the first run and reused afterwards. A
    value the operator set (environment, or the ``.env`` the settings read) wins.
    """
    if environ is None:
        from dotenv import dotenv_values

        dotenv = {k: v for k, v in dotenv_values(".env").items() if v}
        environ = {**dotenv, **os.environ}
    generated = ensure_secrets_file(settings.var_dir)
    chosen = {name: environ.get(name) or generated[name] for name in GENERATED_VARIABLES}
    # Refuse here, once, before any service starts (Rasa cannot apply the rule itself).
    problems = check_secrets(
        {name.removeprefix("FRONTDOOR_").lower(): value for name, value in chosen.items()},
        required=SECRET_FIELDS,
    )
    if problems:
        raise ConfigurationError("; ".join(problems))
    return chosen


def build_services(
    settings: StackSettings, secret_env: Mapping[str, str] | None = None
) -> list[Service]:
    """Every service of the stack, in start order (dependencies first)."""
    py = sys.executable
    host = settings.host
    # One token per run unless the operator fixed one; handoff reads it from its environment.
    rasa_token = os.environ.get("FRONTDOOR_RASA_API_TOKEN") or secrets.token_urlsafe(24)
    shared_env = {
        **(secret_env or {}),
        "FRONTDOOR_RASA_API_TOKEN": rasa_token,
        "FRONTDOOR_KNOWLEDGE_PORT": str(settings.knowledge_port),
        "FRONTDOOR_HANDOFF_PORT": str(settings.handoff_port),
        "FRONTDOOR_RASA_PORT": str(settings.rasa_port),
        "FRONTDOOR_ACTIONS_PORT": str(settings.actions_port),
        "FRONTDOOR_HOST": host,
    }

    def uvicorn(app: str, port: int, *extra: str) -> list[str]:
        return [
            py,
            "-m",
            "uvicorn",
            app,
            "--factory",
            "--host",
            host,
            "--port",
            str(port),
            "--no-access-log",
            # uvicorn believes X-Forwarded-For from loopback by default; the apps decide,
            # from FRONTDOOR_TRUSTED_PROXIES (frontdoor.http.client_address)
            "--no-proxy-headers",
            *extra,
        ]

    return [
        Service(
            "knowledge",
            uvicorn("knowledge.app:create_app", settings.knowledge_port),
            settings.knowledge_port,
            "FRONTDOOR_KNOWLEDGE_PORT",
            env=shared_env,
        ),
        Service(
            "actions",
            [py, "-m", "actions.server", "--host", host, "--port", str(settings.actions_port)],
            settings.actions_port,
            "FRONTDOOR_ACTIONS_PORT",
            env=shared_env,
        ),
        Service(
            "rasa",
            [
                str(rasa_python(settings)),
                str(project_root() / "bot" / "serve.py"),
                "--host",
                host,
                "--port",
                str(settings.rasa_port),
                "--actions-url",
                f"{settings.actions_url}/webhook",
                # Rasa's HTTP API lets handoff pause and resume the bot; never open without a token.
                "--enable-api",
                "--auth-token",
                rasa_token,
            ],
            settings.rasa_port,
            "FRONTDOOR_RASA_PORT",
            # the dialogue state both Rasa processes share while a new model swaps in (in
            # the environment, not the command line: a PostgreSQL URL holds a password)
            env={
                **shared_env,
                **RASA_QUIET,
                "FRONTDOOR_RASA_TRACKER_STORE": rasa_tracker_store(settings),
            },
        ),
        Service(
            "handoff",
            # websocket options sized for idle residents: handoff.settings.UVICORN_WS_OPTIONS
            # says why (frontdoor may not import handoff; a test keeps the two the same)
            uvicorn("handoff.app:create_app", settings.handoff_port, *HANDOFF_WS_FLAGS),
            settings.handoff_port,
            "FRONTDOOR_HANDOFF_PORT",
            env=shared_env,
        ),
        Service(
            "privacy",
            [py, "-m", "privacy.scheduler", "--host", host, "--port", str(settings.privacy_port)],
            settings.privacy_port,
            "FRONTDOOR_PRIVACY_PORT",
            env=shared_env,
        ),
    ]


def ensure_ports_free(services: Sequence[Service], host: str) -> None:
    for service in services:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, service.port))
            except OSError:
                raise PortInUseError(
                    f"port {service.port} for the {service.name} service is already in use; "
                    f"stop whatever is using it or choose another with {service.port_variable}"
                ) from None


class Stack:
    """The running children, their log pumps and an orderly shutdown."""

    def __init__(self, services: list[Service], settings: StackSettings) -> None:
        self.services = services
        self.settings = settings
        self._stopping = threading.Event()
        self._print_lock = threading.Lock()
        self._width = max(len(s.name) for s in services)

    def log(self, name: str, line: str, colour: str = "") -> None:
        with self._print_lock:
            sys.stdout.write(f"{colour}{name:<{self._width}} |{RESET} {line}\n")
            sys.stdout.flush()

    def _pump(self, service: Service, colour: str) -> None:
        assert service.process is not None and service.process.stdout is not None
        for raw in iter(service.process.stdout.readline, b""):
            self.log(service.name, raw.decode(errors="replace").rstrip(), colour)

    def start(self, service: Service, colour: str) -> None:
        env = {**os.environ, **service.env, "PYTHONUNBUFFERED": "1"}
        service.process = subprocess.Popen(  # noqa: S603 - our own fixed commands
            service.command,
            cwd=project_root(),
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the launcher, which stops children in order
        )
        threading.Thread(target=self._pump, args=(service, colour), daemon=True).start()

    def wait_healthy(self, service: Service) -> None:
        deadline = time.monotonic() + self.settings.health_timeout_seconds
        url = service.health_url(self.settings.host)
        while time.monotonic() < deadline:
            if self._stopping.is_set():
                raise KeyboardInterrupt
            code = service.process.poll() if service.process else None
            if code is not None:
                raise FrontdoorError(
                    f"the {service.name} service exited with code {code} while starting "
                    "(its last lines are above)"
                )
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise FrontdoorError(
            f"the {service.name} service did not answer {url} within "
            f"{self.settings.health_timeout_seconds:.0f} s"
        )

    def stop(self) -> None:
        self._stopping.set()
        running = [s for s in reversed(self.services) if s.process and s.process.poll() is None]
        for service in running:
            _signal_group(service, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for service in running:
            assert service.process is not None
            try:
                service.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(service, signal.SIGKILL)
                service.process.wait()

    def first_dead(self) -> Service | None:
        for service in self.services:
            if service.process and service.process.poll() is not None:
                return service
        return None


def _signal_group(service: Service, sig: signal.Signals) -> None:
    if service.process is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(service.process.pid, sig)


def prepare(settings: StackSettings) -> None:
    """Migrate, seed an empty database (development only), and train the bot if needed."""
    from frontdoor.db import check_database, make_engine
    from frontdoor.migrate import upgrade
    from frontdoor.seeding import seed_demo

    print("==> checking the database")
    engine = make_engine(settings.database_url)
    check_database(engine)
    upgrade(engine)
    if settings.environment == Environment.DEVELOPMENT:
        council = settings.council.council.name.en
        print(f"==> seeding the demo data, for {council} (first run only)")
        if not seed_demo(
            engine, rng_seed=20261121, if_empty=True, report=lambda s: print(f"    {s}")
        ):
            print("    demo data already present")
    else:
        print(
            f"==> not seeding the demo council (FRONTDOOR_ENVIRONMENT={settings.environment}; "
            "its staff share a published password); create the first admin with "
            "`frontdoor user create`"
        )
    engine.dispose()
    print("==> bringing the search index up to date (first run embeds every article)")
    _frontdoor("knowledge", "reindex", "--if-needed", failure="the search index could not be built")
    print("==> checking the bot model (trains only when its training data changed)")
    # The bot's own command shows phases and progress; reuse it rather than re-implement.
    _frontdoor("bot", "train", failure="the bot could not be trained")


def _frontdoor(*args: str, failure: str) -> None:
    """Run a `frontdoor` sub-command in a child process, its output shown as it comes."""
    command = [sys.executable, "-m", "frontdoor.cli", *args]
    result = subprocess.run(command, cwd=project_root(), check=False)  # noqa: S603 - our own CLI
    if result.returncode != 0:
        raise FrontdoorError(f"{failure} (see the lines above)")


def run_stack(only: list[str] | None = None, environ: dict[str, str] | None = None) -> int:
    settings = StackSettings.load(environ)
    secret_env = installation_secrets(settings, environ)
    print(f"==> secrets: {secrets_file(settings.var_dir)} (created on the first run, mode 0600)")
    services = build_services(settings, secret_env)
    if only:
        unknown = sorted(set(only) - {s.name for s in services})
        if unknown:
            raise ConfigurationError(f"unknown service(s): {', '.join(unknown)}")
        services = [s for s in services if s.name in only]
    ensure_ports_free(services, settings.host)
    prepare(settings)
    return launch(services, settings)


def launch(services: list[Service], settings: StackSettings) -> int:
    """Start the services in order, wait for health, then supervise until told to stop."""
    stack = Stack(services, settings)
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    # A shell that starts us in the background may have set SIGINT to "ignore".
    previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        for index, service in enumerate(services):
            print(f"==> starting {service.name} on port {service.port}", flush=True)
            stack.start(service, COLOURS[index % len(COLOURS)])
            stack.wait_healthy(service)
        _print_urls(settings, services)
        while True:
            dead = stack.first_dead()
            if dead is not None:
                code = dead.process.returncode if dead.process else "?"
                print(
                    f"frontdoor: the {dead.name} service stopped unexpectedly (exit {code}); "
                    "stopping the others",
                    file=sys.stderr,
                    flush=True,
                )
                return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        print("\n==> stopping every service", flush=True)
        return 0
    except FrontdoorError as exc:
        print(f"frontdoor: {exc.message}; stopping the others", file=sys.stderr, flush=True)
        return 1
    finally:
        stack.stop()
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)


def _raise_interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def _print_urls(settings: StackSettings, services: Sequence[Service]) -> None:
    names = {s.name for s in services}
    lines = ["", "Frontdoor is running:"]
    if "knowledge" in names:
        base = settings.url(settings.knowledge_port)
        lines += [
            f"  council website (with the chat widget)  {base}/",
            f"  content editor                          {base}/editor/",
            f"  knowledge API (OpenAPI)                 {base}/docs",
        ]
    if "handoff" in names:
        base = settings.url(settings.handoff_port)
        lines += [
            f"  advisor console                         {base}/console/",
            f"  supervisor view                         {base}/console/supervisor",
        ]
    internal = []
    if "rasa" in names:
        internal.append(f"Rasa {settings.rasa_url}")
    if "actions" in names:
        internal.append(f"action server {settings.actions_url}")
    if internal:
        # Only the handoff service may talk to them (they refuse requests without the bot secret).
        lines.append("  internal, for the handoff service only: " + ", ".join(internal))
    from frontdoor.accounts.seed import DEMO_PASSWORD, DEMO_USERS

    domain = DEMO_USERS[0][0].partition("@")[2]
    lines += [
        f"  demo sign-in: editor@, reviewer@, admin@, advisor@, supervisor@{domain}",
        f"  password: {DEMO_PASSWORD} (see README)",
        "Press Ctrl-C to stop.",
        "",
    ]
    print("\n".join(lines), flush=True)
