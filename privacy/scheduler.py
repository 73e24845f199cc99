"""The stack's scheduler: a small process that runs every scheduled job core's
registry lists (``frontdoor.components.scheduled_jobs``: the retention purge
every ``purge_interval_minutes``, the knowledge base's review reminders, the
notifications sender), each at its own interval, and answers ``/healthz``.

    python -m privacy.scheduler --host 127.0.0.1 --port 8002

A separate process (rather than a task inside handoff or knowledge) because the
purge reaches every service's tables and must never share an event loop with
live chat; each batch is a short transaction, so the services it runs beside
are not blocked. A purge stopped by SIGTERM mid-run resumes on the next run.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from frontdoor import __version__
from frontdoor.clock import system_clock
from frontdoor.components import scheduled_jobs
from frontdoor.db import make_engine
from frontdoor.jobs import run_due
from privacy.settings import PrivacySettings

log = logging.getLogger("frontdoor.privacy")

# what every service's /healthz says: its name, the version, its state
HEALTH = {"service": "privacy", "version": __version__, "status": "ok", "dependencies": {}}


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        ok = self.path == "/healthz"
        answer = HEALTH if ok else {"error": "not_found"}
        body = json.dumps(answer).encode()
        self.send_response(200 if ok else 404)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


TICK_SECONDS = 30  # how often the scheduler looks for a job whose interval has passed


def run_forever(settings: PrivacySettings, stop: threading.Event) -> None:
    engine = make_engine(settings.database_url)
    jobs = scheduled_jobs()
    last_run: dict[str, float] = {}
    while not stop.is_set():
        run_due(jobs, engine, system_clock, last_run, time.monotonic())
        stop.wait(TICK_SECONDS)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description="Frontdoor's scheduled retention purge.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = PrivacySettings.load()
    stop = threading.Event()
    server = ThreadingHTTPServer((args.host, args.port), _Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        run_forever(settings, stop)
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
