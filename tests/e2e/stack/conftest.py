"""The whole Frontdoor stack, started as a user starts it, for one test session.

``python -m frontdoor.cli run`` runs as a subprocess from the repository root
with four free loopback ports and a temporary ``FRONTDOOR_VAR_DIR`` (so its
SQLite database and search index are its own); it migrates, seeds the
Bramblefield demo council, trains the bot only if no model matches the
training data, then starts knowledge, actions, Rasa and handoff. The fixture
waits for the launcher's "Frontdoor is running" banner and then for every
``/healthz`` to say ``ok`` (knowledge answers 200 while its first search sync
still runs). It stops the stack with SIGINT, as Ctrl-C would.

The handoff service is given no ``FRONTDOOR_HANDOFF_ALLOWED_ORIGINS``: its
default is the website's origin on ``FRONTDOOR_KNOWLEDGE_PORT``, which the
launcher passes to every service, and these tests rely on that default.

Set ``FRONTDOOR_E2E_STACK_TIMEOUT`` (seconds, default 1800) when the bot has
to be trained on a slow machine.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.browser import opened
from tests.e2e.handoff.harness import free_port

ROOT = Path(__file__).resolve().parents[3]
COUNCIL = "Bramblefield District Council"
DEMO_PASSWORD = "bramblefield-demo"
ADVISOR_EMAIL = "advisor@bramblefield.gov.uk"
ADVISOR_NAME = "Sam Okafor"
READY_BANNER = "Frontdoor is running:"
SERVICES = ("knowledge", "actions", "rasa", "handoff", "privacy")
# Inherited FRONTDOOR_* variables would point the stack at someone else's
# database or ports; only these pass through.
PASS_THROUGH = {"FRONTDOOR_RASA_PYTHON"}


def _startup_timeout() -> float:
    return float(os.environ.get("FRONTDOOR_E2E_STACK_TIMEOUT", "1800"))


def descendants(pid: int) -> dict[int, str]:
    """Every live process below ``pid`` (pid -> start time, to spot pid reuse)."""
    children: dict[int, list[int]] = {}
    starts: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name is in parentheses and may contain spaces
        fields = stat[stat.rindex(")") + 2 :].split()
        state, ppid, start = fields[0], int(fields[1]), fields[19]
        if state in ("Z", "X"):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
        starts[int(entry.name)] = start
    found: dict[int, str] = {}
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found[child] = starts[child]
            todo.append(child)
    return found


def still_running(processes: dict[int, str]) -> list[int]:
    alive = []
    for pid, start in processes.items():
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] not in ("Z", "X") and fields[19] == start:
            alive.append(pid)
    return alive


@dataclass
class RunningStack:
    """``frontdoor run`` in a subprocess, and where its services listen."""

    process: subprocess.Popen[bytes]
    ports: dict[str, int]
    env: dict[str, str]
    var_dir: Path
    log_path: Path
    exit_code: int | None = None
    leftovers: list[int] = field(default_factory=list)

    # The website as its printed URL gives it (localhost); the services as
    # they call each other (127.0.0.1). Both are loopback.
    @property
    def website_url(self) -> str:
        return f"http://localhost:{self.ports['knowledge']}"

    @property
    def handoff_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['handoff']}"

    @property
    def console_url(self) -> str:
        return f"http://localhost:{self.ports['handoff']}"

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.ports[service]}"

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def frontdoor(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run an operator command against this stack's database."""
        return subprocess.run(
            [sys.executable, "-m", "frontdoor.cli", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def stop(self) -> int:
        """Ctrl-C (SIGINT to the launcher's process group); idempotent."""
        if self.exit_code is not None:
            return self.exit_code
        tree = descendants(self.process.pid)
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.exit_code = self.process.returncode
        deadline = time.monotonic() + 5  # let the last ones be reaped
        while still_running(tree) and time.monotonic() < deadline:
            time.sleep(0.2)
        self.leftovers = still_running(tree)
        for pid in self.leftovers:  # do not leave them to the next session
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        return self.exit_code


def _wait_for_banner(stack: RunningStack, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if READY_BANNER in stack.log_path.read_text(errors="replace"):
            return
        if stack.process.poll() is not None:
            raise RuntimeError(
                f"frontdoor run exited with {stack.process.returncode} while starting:\n"
                + stack.log_tail()
            )
        time.sleep(1)
    raise TimeoutError(f"frontdoor run was not ready within {timeout:.0f} s:\n" + stack.log_tail())


def _wait_until_ok(stack: RunningStack, timeout: float) -> None:
    """Every /healthz says ok (knowledge's first search sync can still be running)."""
    deadline = time.monotonic() + timeout
    pending = list(SERVICES)
    last: dict[str, Any] = {}
    while pending and time.monotonic() < deadline:
        for service in list(pending):
            try:
                answer = httpx.get(f"{stack.url(service)}/healthz", timeout=5)
                last[service] = answer.json()
                if answer.status_code == 200 and last[service].get("status") == "ok":
                    pending.remove(service)
            except (httpx.HTTPError, ValueError) as exc:
                last[service] = repr(exc)
        if pending:
            time.sleep(1)
    if pending:
        raise TimeoutError(f"not healthy within {timeout:.0f} s: {pending}; last answers {last}")


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(scope="session")
def frontdoor_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    rasa_python = os.environ.get("FRONTDOOR_RASA_PYTHON") or ROOT / ".venv-rasa" / "bin" / "python"
    if not Path(rasa_python).exists():
        pytest.skip(f"the Rasa environment is missing ({rasa_python})")
    folder = tmp_path_factory.mktemp("whole-stack")
    ports: dict[str, int] = {}
    while len(set(ports.values())) < len(SERVICES):
        ports = {service: free_port() for service in SERVICES}
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("FRONTDOOR_") or key in PASS_THROUGH
    }
    env.update({
        "FRONTDOOR_VAR_DIR": str(folder / "var"),
        "FRONTDOOR_KNOWLEDGE_PORT": str(ports["knowledge"]),
        "FRONTDOOR_HANDOFF_PORT": str(ports["handoff"]),
        "FRONTDOOR_RASA_PORT": str(ports["rasa"]),
        "FRONTDOOR_ACTIONS_PORT": str(ports["actions"]),
        "FRONTDOOR_PRIVACY_PORT": str(ports["privacy"]),
        "FRONTDOOR_HEALTH_TIMEOUT_SECONDS": "300",
        "PYTHONUNBUFFERED": "1",
    })  # fmt: skip
    log_path = folder / "frontdoor-run.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "frontdoor.cli", "run"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, like a terminal's foreground job
            # A shell that started pytest in the background may have left SIGINT
            # ignored, and Python keeps an inherited "ignore"; a terminal does not.
            preexec_fn=_default_sigint,
        )
    stack = RunningStack(process, ports, env, folder / "var", log_path)
    try:
        _wait_for_banner(stack, _startup_timeout())
        _wait_until_ok(stack, 300)
        # The demo teams keep office hours (Europe/London); the live-chat test
        # must not depend on the time of day it runs, so open them as an
        # operator would.
        for team in ("waste", "revenues", "housing", "planning", "general"):
            result = stack.frontdoor("handoff", "set-hours", team, "always")
            assert result.returncode == 0, result.stderr
    except BaseException:
        stack.stop()
        print(stack.log_tail(200))
        raise
    try:
        yield stack
    finally:
        if stack.exit_code is None:  # the last test did not get to stop it
            code = stack.stop()
            assert code == 0, f"frontdoor run exited with {code}:\n{stack.log_tail()}"
            assert not stack.leftovers, f"processes left behind: {stack.leftovers}"


@pytest.fixture
def resident(browser: Any, frontdoor_stack: RunningStack) -> Iterator[Any]:
    # the real bot on a busy machine: 30 s a step
    with opened(browser, timeout_ms=30_000, viewport={"width": 1280, "height": 800}) as page:
        yield page


@pytest.fixture
def advisor(browser: Any, frontdoor_stack: RunningStack) -> Iterator[Any]:
    with opened(browser, timeout_ms=30_000, viewport={"width": 1400, "height": 900}) as page:
        yield page
