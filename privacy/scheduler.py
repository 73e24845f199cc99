"""The stack's scheduled purge: a small process that applies the retention
schedule every ``purge_interval_minutes`` and answers ``/healthz``.

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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from frontdoor import __version__
from frontdoor.db import make_engine
from privacy.purge import purge
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


def run_forever(settings: PrivacySettings, stop: threading.Event) -> None:
    engine = make_engine(settings.database_url)
    while not stop.is_set():
        try:
            results = purge(engine, settings)
            deleted = {r.name: r.rows for r in results if r.rows}
            log.info("purge done: %s", deleted or "nothing past its schedule")
        except Exception:  # a failed run is retried at the next interval
            log.exception("purge failed; retrying at the next interval")
        stop.wait(settings.purge_interval_minutes * 60)
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
