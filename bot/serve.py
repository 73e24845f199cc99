"""Run the Rasa server with ``GET /healthz``, from the Rasa (3.10) environment.

    .venv-rasa/bin/python bot/serve.py [--model models/frontdoor-<fp>.tar.gz]
        [--port 5005] [--host 127.0.0.1] [--actions-url http://127.0.0.1:5055/webhook]
        [-- extra `rasa run` arguments, e.g. --enable-api --auth-token SECRET]

This is ``rasa run`` (the secret-guarded REST channel from bot/credentials.yml,
action server from bot/endpoints.yml) with one route added to Rasa's own Sanic
app::

    GET /healthz -> 200 {"service": "rasa", "version", "status": "ok",
                         "dependencies": {"model": {...}, "action_server": {...}}}
                    503 with "status": "starting" until the model is loaded

Defaults come from the same variables as the rest of Frontdoor
(``FRONTDOOR_RASA_PORT``, ``FRONTDOOR_HOST``, ``FRONTDOOR_ACTIONS_PORT``,
``FRONTDOOR_ACTIONS_URL``). ``FRONTDOOR_BOT_SECRET`` is required: the REST
channel (``bot/secret_channel.py``) refuses any request without it, and Rasa
shows it to the action server in the ``X-Frontdoor-Bot-Secret`` header (the
endpoints file written here, mode 0600, holds it). Without ``--model`` it serves the newest
``models/frontdoor-*.tar.gz``. It runs from the project root, where Rasa's
SpacyNLP finds ``models/spacy/frontdoor_en``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BOT_DIR = ROOT / "bot"
if str(BOT_DIR) not in sys.path:  # credentials.yml names secret_channel.SharedSecretRestInput
    sys.path.insert(0, str(BOT_DIR))
if str(ROOT) not in sys.path:  # config.yml names bot.decision_policy.DecisionPolicy
    sys.path.append(str(ROOT))

from secret_channel import (  # noqa: E402 - needs bot/ on sys.path
    BOT_SECRET_HEADER,
    BOT_SECRET_VARIABLE,
    MIN_SECRET_LENGTH,
)


def _project_version() -> str:
    """Frontdoor's version, read from the source (this runs in the Rasa environment,
    where the frontdoor package is not installed)."""
    text = (ROOT / "frontdoor" / "__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"', text, re.M)
    return match.group(1) if match else "unknown"


VERSION = _project_version()
STARTED = time.monotonic()


def newest_model(folder: Path) -> Path | None:
    found = sorted(folder.glob("frontdoor-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def endpoints_file(actions_url: str, bot_secret: str) -> Path:
    """bot/endpoints.yml with the action server URL and the bot secret header.

    The temporary file is created 0600 (tempfile's default), so the secret in
    it is readable only by this user; it is deleted when Rasa stops.
    """
    import json

    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - must outlive this function
        "w", prefix="frontdoor-endpoints-", suffix=".yml", delete=False
    )
    with handle:
        # JSON strings are valid YAML scalars: quoting stays right whatever the value holds.
        handle.write(
            "action_endpoint:\n"
            f"  url: {json.dumps(actions_url)}\n"
            "  headers:\n"
            f"    {BOT_SECRET_HEADER}: {json.dumps(bot_secret)}\n"
        )
    return Path(handle.name)


def add_healthz(app: Any, actions_health_url: str, model_name: str) -> None:
    import aiohttp
    from sanic import response

    async def healthz(request: Any) -> Any:
        agent = getattr(request.app.ctx, "agent", None)
        ready = bool(agent is not None and agent.is_ready())
        actions: dict[str, Any]
        try:
            timeout = aiohttp.ClientTimeout(total=1.5)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.get(actions_health_url) as answer:
                    actions = {"status": "ok" if answer.status == 200 else "error"}
                    if answer.status != 200:
                        actions["detail"] = f"HTTP {answer.status}"
        except Exception as exc:  # health must report, never raise
            actions = {"status": "error", "detail": type(exc).__name__}
        status = "ok" if ready else "starting"
        # the review queue swaps models at run time (PUT /model): name the one loaded now
        processor = getattr(agent, "processor", None) if ready else None
        loaded = Path(getattr(processor, "model_filename", "") or model_name).name
        if ready and actions["status"] != "ok":
            status = "degraded"
        import rasa

        body = {
            "service": "rasa",
            "version": VERSION,
            "status": status,
            "rasa_version": rasa.__version__,
            "uptime_seconds": round(time.monotonic() - STARTED, 1),
            "dependencies": {
                "model": {"status": "ok" if ready else "loading", "name": loaded},
                "action_server": actions,
            },
        }
        return response.json(body, status=200 if ready else 503)

    app.add_route(healthz, "/healthz", methods=["GET"], name="frontdoor_healthz")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rasa with GET /healthz.")
    parser.add_argument("--model", type=Path, default=None)
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("FRONTDOOR_RASA_PORT", 5005))
    )
    parser.add_argument("--host", default=os.environ.get("FRONTDOOR_HOST", "127.0.0.1"))
    actions_port = os.environ.get("FRONTDOOR_ACTIONS_PORT", "5055")
    parser.add_argument(
        "--actions-url",
        default=os.environ.get("FRONTDOOR_ACTIONS_URL", f"http://127.0.0.1:{actions_port}"),
        help="the action server's base URL (or its /webhook URL)",
    )
    args, passthrough = parser.parse_known_args(argv)
    os.chdir(ROOT)
    model = args.model or newest_model(ROOT / "models")
    if model is None or not Path(model).exists():
        print(
            "frontdoor rasa: no trained model in models/; run `frontdoor bot train`",
            file=sys.stderr,
        )
        return 1
    bot_secret = os.environ.get(BOT_SECRET_VARIABLE, "")
    if len(bot_secret) < MIN_SECRET_LENGTH:
        print(
            f"frontdoor rasa: {BOT_SECRET_VARIABLE} is not set (or shorter than "
            f"{MIN_SECRET_LENGTH} characters); `make run` passes the one in var/secrets.env",
            file=sys.stderr,
        )
        return 1
    base = args.actions_url.rstrip("/").removesuffix("/webhook")
    endpoints = endpoints_file(f"{base}/webhook", bot_secret)

    import rasa.core.run as rasa_run

    original = rasa_run.configure_app

    def configure_app(*a: Any, **kw: Any) -> Any:
        app = original(*a, **kw)
        add_healthz(app, f"{base}/healthz", Path(model).name)
        return app

    rasa_run.configure_app = configure_app  # rasa.core.run looks it up at call time

    from rasa.__main__ import main as rasa_main

    sys.argv = [
        "rasa",
        "run",
        "--model",
        str(model),
        "--port",
        str(args.port),
        "--interface",
        args.host,
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(ROOT / "bot" / "credentials.yml"),
        *[arg for arg in passthrough if arg != "--"],
    ]
    try:
        rasa_main()
    finally:
        endpoints.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
