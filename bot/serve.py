"""Run the bot: Rasa with ``GET /healthz``, from the Rasa (3.10) environment.

    .venv-rasa/bin/python bot/serve.py [--model models/frontdoor-<fp>.tar.gz]
        [--port 5005] [--host 127.0.0.1] [--actions-url http://127.0.0.1:5055/webhook]
        [--tracker-store sqlite:///var/rasa/trackers.db] [--single]
        [-- extra `rasa run` arguments, e.g. --enable-api --auth-token SECRET]

By default this is the bot's switch (``bot/switch.py``): it listens on
``--port`` and relays every request to one Rasa process it runs on a private
loopback port. ``PUT /model`` (with the API token) starts a second Rasa with the
new model, waits until it has loaded *and answered a warm-up parse and
prediction*, then switches the relay to it (holding new requests only while the
old Rasa finishes the turns it was handling) and stops the old one: residents
keep getting answers while a retrained model loads. Both Rasa processes keep
the dialogue state in one SQL tracker store (``--tracker-store``), so a
resident in the middle of a form carries on after the swap.

``--single`` is one Rasa in this process, on ``--port`` (what the switch runs
for each model): ``rasa run`` (the secret-guarded REST channel from
bot/credentials.yml, action server and tracker store in the endpoints file
written here) with one route added to Rasa's own Sanic app::

    GET /healthz -> 200 {"service": "rasa", "version", "status": "ok",
                         "dependencies": {"model": {...}, "action_server": {...}}}
                    503 with "status": "starting" until the model is loaded and warm

It logs how long each phase of loading took (unpacking, each component,
the warm-up parse and prediction).

Defaults come from the same variables as the rest of Frontdoor
(``FRONTDOOR_RASA_PORT``, ``FRONTDOOR_HOST``, ``FRONTDOOR_ACTIONS_PORT``,
``FRONTDOOR_ACTIONS_URL``, ``FRONTDOOR_RASA_TRACKER_STORE``, else SQLite in
``FRONTDOOR_VAR_DIR``). ``FRONTDOOR_BOT_SECRET`` is required: the REST
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


def default_tracker_store() -> str:
    """``FRONTDOOR_RASA_TRACKER_STORE``, else a SQLite file in the var folder."""
    configured = os.environ.get("FRONTDOOR_RASA_TRACKER_STORE", "").strip()
    if configured:
        return configured
    var_dir = Path(os.environ.get("FRONTDOOR_VAR_DIR") or "var")
    if not var_dir.is_absolute():
        var_dir = ROOT / var_dir
    return f"sqlite:///{(var_dir / 'rasa' / 'trackers.db').as_posix()}"


def tracker_store_config(url: str) -> dict[str, Any] | None:
    """Rasa's ``tracker_store`` endpoint for a SQLAlchemy URL (``sqlite:///path``,
    ``postgresql://user:password@host:port/db``); None for ``memory`` (one process
    only: the switch refuses it)."""
    if url == "memory":
        return None
    from sqlalchemy.engine.url import make_url

    parsed = make_url(url)
    dialect = parsed.get_backend_name()
    if dialect == "sqlite":
        if not parsed.database:
            raise ValueError("a SQLite tracker store needs a file (sqlite:///path)")
        path = Path(parsed.database)
        path = path if path.is_absolute() else ROOT / path
        path.parent.mkdir(parents=True, exist_ok=True)
        return {"type": "SQL", "dialect": "sqlite", "db": str(path)}
    if dialect != "postgresql":
        raise ValueError(f"the tracker store must be sqlite or postgresql, not {dialect}")
    config: dict[str, Any] = {"type": "SQL", "dialect": "postgresql", "db": parsed.database}
    for key, value in (
        ("url", parsed.host),
        ("port", parsed.port),
        ("username", parsed.username),
        ("password", parsed.password),
    ):
        if value is not None:
            config[key] = value
    return config


def endpoints_file(
    actions_url: str, bot_secret: str, tracker_store: dict[str, Any] | None = None
) -> Path:
    """bot/endpoints.yml with the action server URL, the bot secret header and
    the tracker store.

    The temporary file is created 0600 (tempfile's default), so the secrets in
    it are readable only by this user; it is deleted when Rasa stops.
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
        if tracker_store is not None:
            handle.write("tracker_store:\n")
            for key, value in tracker_store.items():
                handle.write(f"  {key}: {json.dumps(value)}\n")
    return Path(handle.name)


def add_healthz(app: Any, actions_health_url: str, model_name: str) -> None:
    import aiohttp
    from sanic import response

    async def healthz(request: Any) -> Any:
        agent = getattr(request.app.ctx, "agent", None)
        # ready once the model is loaded and has answered the warm-up (see warm_up)
        warm = bool(getattr(request.app.ctx, "frontdoor_warm", False))
        ready = bool(agent is not None and agent.is_ready() and warm)
        actions: dict[str, Any]
        try:
            timeout = aiohttp.ClientTimeout(total=1.5)
            async with (
                aiohttp.ClientSession(timeout=timeout) as session,
                session.get(actions_health_url) as answer,
            ):
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


WARM_UP_TEXT = "hello"
WARM_UP_SENDER = "frontdoor-warm-up"


class LoadTimeline:
    """How long each phase of loading a model took, logged in one line when warm."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.phases: list[tuple[str, float]] = []
        self.components: dict[str, float] = {}

    def add(self, name: str, seconds: float) -> None:
        self.phases.append((name, seconds))

    def instrument(self) -> None:
        """Time the archive's unpacking and each component's loading inside Rasa."""
        from rasa.engine.graph import GraphNode
        from rasa.engine.storage.local_model_storage import LocalModelStorage

        timeline = self
        unpack = LocalModelStorage.from_model_archive.__func__  # type: ignore[attr-defined]
        load_component = GraphNode._load_component

        def from_model_archive(cls: Any, *a: Any, **kw: Any) -> Any:
            began = time.monotonic()
            try:
                return unpack(cls, *a, **kw)
            finally:
                timeline.add("unpack", time.monotonic() - began)

        def timed_load(node: Any, **kw: Any) -> None:
            began = time.monotonic()
            try:
                load_component(node, **kw)
            finally:
                name = node._component_class.__name__
                timeline.components[name] = (
                    timeline.components.get(name, 0.0) + time.monotonic() - began
                )

        LocalModelStorage.from_model_archive = classmethod(from_model_archive)  # type: ignore[method-assign,assignment]
        GraphNode._load_component = timed_load  # type: ignore[method-assign]

    def summary(self) -> str:
        heavy = sorted(self.components.items(), key=lambda item: -item[1])
        parts = [f"{name} {seconds:.1f} s" for name, seconds in self.phases]
        parts.append(
            f"components {sum(self.components.values()):.1f} s ("
            + ", ".join(f"{name} {seconds:.1f}" for name, seconds in heavy[:4])
            + ")"
        )
        return (
            f"frontdoor rasa: ready in {time.monotonic() - self.started:.1f} s since start: "
            + "; ".join(parts)
        )


async def warm_up(agent: Any, timeline: LoadTimeline) -> None:
    """One real parse and one dialogue prediction on a throwaway tracker (never
    stored), so the first resident after a start or a swap does not pay for
    TensorFlow tracing its prediction functions."""
    from rasa.shared.core.constants import ACTION_LISTEN_NAME
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    began = time.monotonic()
    parsed = await agent.parse_message(WARM_UP_TEXT)
    timeline.add("first parse", time.monotonic() - began)
    began = time.monotonic()
    tracker = DialogueStateTracker.from_events(
        WARM_UP_SENDER,
        [
            ActionExecuted(ACTION_LISTEN_NAME),
            UserUttered(
                WARM_UP_TEXT, parsed.get("intent"), parsed.get("entities"), parse_data=parsed
            ),
        ],
        slots=agent.domain.slots,
    )
    agent.processor.predict_next_with_tracker(tracker)
    timeline.add("first prediction", time.monotonic() - began)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The bot: Rasa with GET /healthz.")
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
    parser.add_argument(
        "--tracker-store",
        default=None,
        help="SQLAlchemy URL of the dialogue state both Rasa processes share "
        "(sqlite:///path or postgresql://...), or 'memory' with --single",
    )
    parser.add_argument(
        "--single",
        action="store_true",
        help="run one Rasa in this process (no switch: PUT /model blocks while it loads)",
    )
    args, passthrough = parser.parse_known_args(argv)
    timeline = LoadTimeline()
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
    tracker_url = args.tracker_store or default_tracker_store()
    try:
        tracker_store = tracker_store_config(tracker_url)
    except (ValueError, ImportError) as exc:
        print(f"frontdoor rasa: --tracker-store {tracker_url!r}: {exc}", file=sys.stderr)
        return 1
    base = args.actions_url.rstrip("/").removesuffix("/webhook")
    passthrough = [arg for arg in passthrough if arg != "--"]
    if not args.single:
        if tracker_store is None:
            print(
                "frontdoor rasa: the switch runs two Rasa processes during a swap; they "
                "need a shared tracker store (not 'memory'), or use --single",
                file=sys.stderr,
            )
            return 1
        from switch import Switch, SwitchConfig  # bot/ is on sys.path

        # each Rasa finds the tracker store in its environment (a URL may hold a password)
        os.environ["FRONTDOOR_RASA_TRACKER_STORE"] = tracker_url
        shared = ["--actions-url", base]

        return Switch(
            SwitchConfig(
                host=args.host,
                port=args.port,
                model=Path(model).resolve(),
                child_arguments=[*shared, *passthrough],
                auth_token=_option(passthrough, "--auth-token"),
                tracker_store=tracker_store,
                tracker_url=_sqlalchemy_url(tracker_url, tracker_store),
            )
        ).run()
    endpoints = endpoints_file(f"{base}/webhook", bot_secret, tracker_store)

    import rasa.core.run as rasa_run

    timeline.add("start and imports", time.monotonic() - timeline.started)
    timeline.instrument()
    original = rasa_run.configure_app

    def configure_app(*a: Any, **kw: Any) -> Any:
        app = original(*a, **kw)
        loading = time.monotonic()  # Rasa loads the model next, before the server starts
        add_healthz(app, f"{base}/healthz", Path(model).name)

        async def warm(app: Any, _loop: Any) -> None:
            agent = getattr(app.ctx, "agent", None)
            if agent is None or not agent.is_ready():
                # Rasa logs why and would serve without a model; stop instead
                print(f"frontdoor rasa: could not load {Path(model).name}", flush=True)
                unloadable.append(Path(model).name)
                app.stop()
                return
            timeline.add("loading the model", time.monotonic() - loading)
            await warm_up(agent, timeline)
            app.ctx.frontdoor_warm = True
            print(timeline.summary(), flush=True)

        # Rasa loads the model in a "before_server_start" listener; this runs after it.
        app.register_listener(warm, "after_server_start")
        return app

    unloadable: list[str] = []
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
        *passthrough,
    ]
    try:
        rasa_main()
    finally:
        endpoints.unlink(missing_ok=True)
    return 2 if unloadable else 0


def _sqlalchemy_url(url: str, config: dict[str, Any]) -> str:
    """The tracker store as Rasa opens it (SQLite's path resolved, psycopg2's driver)."""
    if config["dialect"] == "sqlite":
        return f"sqlite:///{config['db']}"
    from sqlalchemy.engine.url import make_url

    return str(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))


def _option(arguments: list[str], name: str) -> str | None:
    """The value of ``--name VALUE`` or ``--name=VALUE`` among ``arguments``."""
    for index, argument in enumerate(arguments):
        if argument == name and index + 1 < len(arguments):
            return arguments[index + 1]
        if argument.startswith(name + "="):
            return argument.split("=", 1)[1]
    return None


if __name__ == "__main__":
    sys.exit(main())
