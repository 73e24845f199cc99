"""The launcher with real child processes: health waits, a taken port, a dying child."""

from __future__ import annotations

import socket
import sys
import textwrap

import pytest

from frontdoor.exceptions import PortInUseError
from frontdoor.launcher import Service, ensure_ports_free, launch
from frontdoor.stack import StackSettings

HEALTHY_SERVER = textwrap.dedent(
    """
    import http.server, sys, os
    dies_after_first_answer = sys.argv[2] == "doomed"
    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
            self.wfile.flush()
            if dies_after_first_answer:  # healthy once, then gone: no timer to race
                os._exit(3)
        def log_message(self, *a): pass
    server = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H)
    print("listening", flush=True)
    server.serve_forever()
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service(name: str, *, doomed: bool = False) -> Service:
    """A child that answers its health check; a doomed one exits (code 3) right after."""
    port = free_port()
    return Service(
        name,
        [sys.executable, "-c", HEALTHY_SERVER, str(port), "doomed" if doomed else "steady"],
        port,
        f"FRONTDOOR_{name.upper()}_PORT",
    )


def settings() -> StackSettings:
    return StackSettings.load({"FRONTDOOR_HEALTH_TIMEOUT_SECONDS": "20"})


def test_a_taken_port_is_reported_with_its_variable():
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        taken = Service("knowledge", ["true"], port, "FRONTDOOR_KNOWLEDGE_PORT")
        with pytest.raises(PortInUseError) as caught:
            ensure_ports_free([taken], "127.0.0.1")
    assert str(port) in caught.value.message
    assert "FRONTDOOR_KNOWLEDGE_PORT" in caught.value.message


def test_when_one_service_dies_the_others_are_stopped_and_it_is_named(capsys):
    steady, doomed = service("steady"), service("doomed", doomed=True)
    code = launch([steady, doomed], settings())
    assert code == 1
    err = capsys.readouterr().err
    assert "the doomed service stopped unexpectedly (exit 3)" in err
    assert steady.process is not None and steady.process.poll() is not None


def test_a_service_that_exits_during_start_up_is_named(capsys):
    broken = Service("broken", [sys.executable, "-c", "import sys; sys.exit(4)"], free_port(), "X")
    assert launch([broken], settings()) == 1
    assert "the broken service exited with code 4 while starting" in capsys.readouterr().err


def test_sigterm_stops_everything_cleanly(capsys, monkeypatch):
    import signal

    from frontdoor import launcher

    first, second = service("first"), service("second")
    running_when_told = []

    def every_service_is_up(*_: object) -> None:
        # SIGTERM once both answered their health checks, from inside launch(), whose
        # handler is installed: no timer that could fire at pytest after launch returned.
        running_when_told.extend(s.process.poll() is None for s in (first, second))  # type: ignore[union-attr]
        signal.raise_signal(signal.SIGTERM)

    monkeypatch.setattr(launcher, "_print_urls", every_service_is_up)
    assert launch([first, second], settings()) == 0
    assert running_when_told == [True, True]
    assert all(s.process is not None and s.process.poll() is not None for s in (first, second))
    assert "stopping every service" in capsys.readouterr().out
