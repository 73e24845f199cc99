"""The action server: rasa-sdk's Sanic app with our actions and ``GET /healthz``.

Composition root for the bot's custom actions. Run it with the main (3.11)
environment::

    .venv/bin/python -m actions.server --port 5055

It reads ``BotSettings`` (``FRONTDOOR_*``) once, opens the database (the demo
back office and the ``bot_`` tables) and talks to the knowledge service at
``knowledge_url``. Rasa reaches it through ``bot/endpoints.yml``
(``action_endpoint``: ``http://127.0.0.1:5055/webhook``).

``GET /metrics`` (Prometheus, ``actions/metrics.py``) has its own rule: a
scraper on this host, or one with ``FRONTDOOR_METRICS_TOKEN``.

Only Rasa may call the actions: every other request except ``GET /healthz`` must
carry the installation's bot secret (``FRONTDOOR_BOT_SECRET``) in the
``X-Frontdoor-Bot-Secret`` header, which ``bot/serve.py`` writes into Rasa's
``action_endpoint.headers``; anything else gets 401 before an action runs, so
invented slots in a forged tracker never reach the verifier.

``GET /healthz`` answers 200 ``{"service": "actions", "version", "status":
"ok"|"degraded"|"error", "dependencies": {"database": {...}, "knowledge": {...}}}``
(the knowledge service being down degrades answers to questions, nothing else).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import warnings
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from rasa_sdk.endpoint import create_app as create_sdk_app
from sanic import Sanic, response
from sanic.request import Request

from actions.answer_log import AnswerLog, SqlAnswerLog
from actions.base import Services
from actions.knowledge_client import HttpKnowledgeClient, KnowledgeClient
from actions.language import warm_up
from actions.metrics import ActionMetrics
from actions.registry import build_executor
from actions.settings import BotSettings
from actions.verification import SqlVerificationStore, VerificationStore, Verifier
from backoffice.ports import BackOffice
from frontdoor import __version__
from frontdoor.contracts.availability import AvailabilityClient
from frontdoor.db import database_status, make_engine
from frontdoor.exceptions import FrontdoorError
from frontdoor.metrics import METRICS_PATH
from frontdoor.secrets import BOT_SECRET_HEADER, same_secret
from frontdoor.subscriptions import Subscriptions
from payments.journey import Payments
from payments.settings import payments_from

logger = logging.getLogger("frontdoor.bot")

# Rasa 3.6 calls this rasa-sdk 3.21 server; the webhook protocol is unchanged
# (proven by tests/e2e/bot), so the per-call version warning is only noise.
warnings.filterwarnings("ignore", message=r".*versions of rasa and rasa_sdk.*")
warnings.filterwarnings("ignore", message=r".*old version of rasa.*")


def build_services(
    settings: BotSettings,
    *,
    backoffice: BackOffice | None = None,
    knowledge: KnowledgeClient | None = None,
    verification_store: VerificationStore | None = None,
    clock: Callable[[], datetime] | None = None,
    engine: Any = None,
    answers: AnswerLog | None = None,
    availability: AvailabilityClient | None = None,
    payments: Payments | None = None,
    subscriptions: Subscriptions | None = None,
) -> Services:
    """Wire the real adapters, or the ones a test passes in."""
    if (
        backoffice is None
        or verification_store is None
        or answers is None
        or payments is None
        or subscriptions is None
    ):
        engine = engine or make_engine(settings.database_url)
    if backoffice is None:
        # the demo CRM, with problem reports sent on through Open311 when so configured;
        # the council's fee table prices every quote, hold and booking
        from backoffice.bulky_rules import price_list_from
        from backoffice.settings import backoffice_from_settings

        backoffice = backoffice_from_settings(
            engine, bulky_prices=price_list_from(settings.council.fees.bulky_waste)
        )
    if verification_store is None:
        verification_store = SqlVerificationStore(engine)
    if answers is None:
        answers = SqlAnswerLog(engine)
    if knowledge is None:
        knowledge = HttpKnowledgeClient(
            settings.knowledge_url,
            timeout=settings.knowledge_timeout_seconds,
            # Links residents follow: the council's public address when it is set.
            public_url=settings.public_url or settings.url(settings.knowledge_port),
            token=settings.secret_value("knowledge_bot_token"),
        )
    if availability is None:
        availability = AvailabilityClient(
            settings.handoff_url, bot_secret=settings.require_secret("bot_secret")
        )
    now = clock or (lambda: datetime.now(UTC))
    if payments is None:
        payments = payments_from(engine, backoffice.bulky, now, council=settings.council)
    if subscriptions is None:
        subscriptions = subscriptions_for(engine, settings)
    verifier = Verifier(
        verification_store,
        backoffice,
        signing_key=settings.require_secret("identity_signing_key").encode("utf-8"),
        clock=now,
        max_failures=settings.verification_max_failures,
        window=timedelta(minutes=settings.verification_window_minutes),
        session_length=timedelta(minutes=settings.verified_session_minutes),
        token_audience=settings.identity_token_audience,
        token_max_lifetime=timedelta(minutes=settings.identity_token_max_minutes),
    )
    warm_up()  # the language models load now, not on a resident's first message
    return Services(
        backoffice=backoffice,
        knowledge=knowledge,
        verifier=verifier,
        settings=settings,
        clock=now,
        answers=answers,
        availability=availability,
        payments=payments,
        subscriptions=subscriptions,
    )


def subscriptions_for(engine: Any, settings: BotSettings) -> Subscriptions | None:
    """Core's subscriptions port from the registry (the bot never imports notify).
    Its links are signed with the instance secret: without one the bot says the
    website's page is the way to subscribe, and the rest of the bot works."""
    if not settings.secret_value("secret_key"):
        logger.warning("FRONTDOOR_SECRET_KEY is not set: the bot cannot set up reminders")
        return None
    from frontdoor.components import subscriptions

    return subscriptions(engine)


def create_app(
    settings: BotSettings | None = None,
    *,
    backoffice: BackOffice | None = None,
    knowledge: KnowledgeClient | None = None,
    verification_store: VerificationStore | None = None,
    clock: Callable[[], datetime] | None = None,
) -> Sanic:
    """The action server's Sanic app (rasa-sdk's, plus ``/healthz``)."""
    settings = settings or BotSettings.load()
    engine = make_engine(settings.database_url)
    services = build_services(
        settings,
        backoffice=backoffice,
        knowledge=knowledge,
        verification_store=verification_store,
        clock=clock,
        engine=engine,
    )
    executor = build_executor(services)
    metrics = ActionMetrics()
    metrics.time_actions(executor)
    app = create_sdk_app(executor, cors_origins=[], auto_reload=False)
    app.ctx.services, app.ctx.metrics = services, metrics
    bot_secret = settings.require_secret("bot_secret")

    @app.on_request
    async def only_rasa(request: Request) -> response.HTTPResponse | None:
        if request.path in ("/healthz", METRICS_PATH):  # /metrics has its own rule
            return None
        if same_secret(request.headers.get(BOT_SECRET_HEADER), bot_secret):
            return None
        return response.json(
            {"error": "unauthorised", "message": "only the bot may call the action server"},
            status=401,
        )

    _guard_webhook_bodies(app)
    metrics.install(app, token=settings.secret_value("metrics_token"))

    @app.get("/healthz")
    async def healthz(_: Request) -> response.HTTPResponse:
        database, knowledge_state = await asyncio.gather(
            asyncio.to_thread(database_status, engine),
            asyncio.to_thread(services.knowledge.health),
        )
        status = "ok"
        if knowledge_state.get("status") != "ok":
            status = "degraded"
        if database.get("status") != "ok":
            status = "error"
        return response.json(
            {
                "service": "actions",
                "version": __version__,
                "status": status,
                "dependencies": {"database": database, "knowledge": knowledge_state},
            },
            status=200 if status != "error" else 503,
        )

    return app


MAX_ACTION_CALL_BYTES = 2_000_000  # a long conversation's tracker, decompressed
_CALL_FIELDS: dict[str, type | tuple[type, ...]] = {
    "next_action": str,
    "tracker": dict,
    "domain": dict,
    "sender_id": (str, type(None)),
    "version": (str, type(None)),
}


def _bad_body(message: str) -> response.HTTPResponse:
    return response.json({"error": "invalid_body", "message": message}, status=400)


def action_call_problem(raw: bytes, *, deflated: bool) -> str | None:
    """Why ``raw`` is not an action call Rasa could have sent, or None.

    rasa-sdk assumes a JSON object and answers anything else with a 500 that
    echoes the request; we answer 400 and say what is wrong instead.
    """
    try:
        if deflated:
            inflater = zlib.decompressobj()
            raw = inflater.decompress(raw, MAX_ACTION_CALL_BYTES)
            if inflater.unconsumed_tail:
                return "The action call is too large."
        call = json.loads(raw)
    except (ValueError, zlib.error):
        return "The body is not valid JSON."
    if not isinstance(call, dict):
        return "The body must be a JSON object (an action call)."
    if not isinstance(call.get("next_action"), str):
        return "next_action must name an action."
    for name, kinds in _CALL_FIELDS.items():
        if name in call and not isinstance(call[name], kinds):
            return f"{name} has the wrong type."
    return None


def _guard_webhook_bodies(app: Sanic) -> None:
    """400 for bodies that are not action calls; a 500 that never echoes the request."""

    @app.on_request
    async def _check_action_call(request: Request) -> response.HTTPResponse | None:
        if request.method != "POST" or request.path != "/webhook":
            return None
        deflated = request.headers.get("content-encoding", "") == "deflate"
        problem = action_call_problem(request.body or b"", deflated=deflated)
        return _bad_body(problem) if problem else None

    async def _unexpected(request: Request, exception: Exception) -> response.HTTPResponse:
        status = getattr(exception, "status_code", 500)
        if isinstance(status, int) and 400 <= status < 500:
            body = {"error": "bad_request", "message": "The request was refused."}
            return response.json(body, status=status)
        logger.error("action server error on %s", request.path, exc_info=exception)
        return response.json(
            {"error": "internal_error", "message": "The action could not be run."}, status=500
        )

    # rasa-sdk's catch-all handler echoes the request body; Sanic refuses a second one for
    # Exception, so ours takes its place.
    app.error_handler.cached_handlers[(Exception, None)] = _unexpected


def main(argv: list[str] | None = None, *, clock: Callable[[], datetime] | None = None) -> int:
    """Run the action server; ``clock`` (default: the system's) is for tests that pin it."""
    parser = argparse.ArgumentParser(description="Frontdoor's Rasa action server.")
    parser.add_argument(
        "--port", type=int, default=None, help="default: FRONTDOOR_ACTIONS_PORT (5055)"
    )
    parser.add_argument("--host", default=None, help="default: FRONTDOOR_HOST (127.0.0.1)")
    args = parser.parse_args(argv)
    try:
        settings = BotSettings.load()
    except FrontdoorError as exc:
        print(f"frontdoor actions: {exc.message}", file=sys.stderr)
        return 1
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    # rasa-sdk logs whole requests at DEBUG (trackers carry identity tokens).
    logging.getLogger("rasa_sdk").setLevel(max(logging.INFO, logging.getLogger().level))
    try:
        app = create_app(settings, clock=clock)
    except FrontdoorError as exc:
        print(f"frontdoor actions: {exc.message}", file=sys.stderr)
        return 1
    app.config.MOTD = False
    app.run(
        host=args.host or settings.host,
        port=args.port if args.port is not None else settings.actions_port,
        single_process=True,
        access_log=False,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
