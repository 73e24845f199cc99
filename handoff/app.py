"""The handoff service's composition root.

``create_app(settings, bot=..., backoffice=..., ...)`` builds the FastAPI app
with the real adapters (Rasa over HTTP, the demo back office on the Frontdoor
database, the knowledge service over HTTP, Redis when configured); tests pass
fakes. ``uvicorn handoff.app:create_app --factory`` runs it.
"""

from __future__ import annotations

import gc
import logging
import math
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import anyio
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from frontdoor import __version__, apidocs
from frontdoor.accounts.sso_routes import sso_client, sso_router
from frontdoor.accounts.twofactor_routes import two_factor_router
from frontdoor.accounts.web import AccountsGate, TwoFactorConfig, install_error_handlers
from frontdoor.db import check_database, database_status, make_engine, make_session_factory
from frontdoor.http import (
    DEFAULT_JSON_LIMIT,
    FORM_TYPES,
    JSON_TYPES,
    BodyRule,
    RequestGuard,
    SecurityHeaders,
    UnexpectedErrors,
    validation_error_response,
)
from frontdoor.metrics import RequestMetrics
from frontdoor.metrics import install as install_metrics
from frontdoor.ratelimit import RateLimiter, install_handler, limiter_for
from frontdoor.redis import redis_status
from handoff import api, console
from handoff.bot import BotPort, RasaRestBot
from handoff.cobrowse import Cobrowse
from handoff.deps import staff_of
from handoff.desk import Desk
from handoff.exceptions import (
    CLOSE_RESTART,
    HandoffError,
    StoreUnavailable,
    Throttled,
    http_status,
)
from handoff.fanout import RedisWaker, Waker
from handoff.hub import Hub
from handoff.identity import ConversationTokens, IdentityVerifier, TokenIdentityVerifier
from handoff.lifecycle import Limits
from handoff.live import Live
from handoff.metrics import HandoffMetrics
from handoff.search import HttpKnowledgeSearch, KnowledgeSearch
from handoff.service import Handoff
from handoff.settings import HandoffSettings
from handoff.store import DatabaseError, SqlStore, unreachable, utcnow
from handoff.store.pinging import ping_when_idle
from handoff.views import Staff
from handoff.ws import WebsocketRoutes, advisor_endpoint, resident_endpoint
from insight import web as insight_web

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
# Young objects per collection: a message's short-lived objects die before they are
# promoted. 10,000 made the collections' total time 4.5 times longer (1.4 s in 100 s
# at 360 messages/s, against 0.3 s) for pauses no shorter (issue 12, handoff.stalls).
GC_YOUNG_THRESHOLD = 50_000
BODY_RULES = (
    BodyRule("/api/", DEFAULT_JSON_LIMIT, JSON_TYPES),
    BodyRule("/console/", 8 * 1024, FORM_TYPES),
)


def create_app(
    settings: HandoffSettings | None = None,
    *,
    bot: BotPort | None = None,
    backoffice: Any = None,
    identity: IdentityVerifier | None = None,
    search: KnowledgeSearch | None = None,
    waker: Waker | None = None,
    engine: Engine | None = None,
    clock: Callable[[], datetime] = utcnow,
    intervals: dict[str, float] | None = None,
    limiter: RateLimiter | None = None,
) -> FastAPI:
    settings = settings or HandoffSettings.load()
    if engine is None:
        # pinged only after sitting idle, not on every checkout (handoff.store.pinging)
        engine = make_engine(settings.database_url, pool_pre_ping=False)
        if engine.dialect.name == "postgresql":
            ping_when_idle(engine)
    instance_id = settings.handoff_instance_id or (
        f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    )
    secret = settings.require_secret("secret_key")
    if backoffice is None:
        from backoffice import demo_backoffice

        backoffice = demo_backoffice(engine)
    bot = bot or RasaRestBot(
        settings.bot_url,
        timeout=settings.handoff_bot_timeout_seconds,
        api_token=settings.rasa_api_token.get_secret_value() if settings.rasa_api_token else None,
        bot_secret=settings.require_secret("bot_secret"),
    )
    search = search or HttpKnowledgeSearch(
        settings.search_url, public_url=settings.url(settings.knowledge_port)
    )
    if waker is None:
        waker = RedisWaker(settings.redis_url, instance_id) if settings.redis_url else Waker()
    store = SqlStore(engine, clock=clock)
    hub = Hub(store)
    metrics = HandoffMetrics()
    metrics.watch(store, hub)
    limits = Limits(
        default_cap=settings.handoff_advisor_cap,
        grace_seconds=settings.handoff_advisor_grace_seconds,
        accept_timeout_seconds=settings.handoff_accept_timeout_seconds,
        resident_gone_seconds=settings.handoff_resident_gone_seconds,
    )
    handoff = Handoff(
        store=store,
        hub=hub,
        waker=waker,
        bot=bot,
        identity=identity
        or TokenIdentityVerifier(
            settings.require_secret("identity_signing_key"),
            audience=settings.identity_token_audience,
        ),
        tokens=ConversationTokens(secret),
        limits=limits,
        instance_id=instance_id,
        backoffice=backoffice,
        heartbeat_seconds=settings.handoff_heartbeat_seconds,
        metrics=metrics,
        bot_name=settings.council.bot.name,
    )
    desk = Desk(handoff, search)
    handoff.cobrowse = Cobrowse(handoff, settings)
    hub.on_caught_up = handoff.cobrowse.ended_elsewhere
    live = Live(
        handoff,
        desk,
        **{
            "dispatch_interval": settings.handoff_dispatch_interval_seconds,
            # sweep often so pings spread out instead of leaving in bursts
            "heartbeat_interval": min(settings.handoff_heartbeat_seconds / 25, 1.0),
            **(intervals or {}),
        },
    )
    gate = AccountsGate(
        make_session_factory(engine),
        secure_cookies=settings.secure_cookies,
        trusted_proxies=settings.trusted_proxies,
        sso=sso_client(settings),
        two_factor=TwoFactorConfig.from_settings(settings, clock=clock),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await anyio.to_thread.run_sync(check_database, engine)
        await live.start()
        # Full collections stall every socket at once (hundreds of ms with a thousand
        # connections). What is built by now lives as long as the process: freeze it; and
        # collect young objects less often, so short-lived ones die before promotion.
        gc.collect()
        gc.freeze()
        gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 100)
        try:
            yield
        finally:
            for connection in list(hub.connections):
                connection.outbox.close_with(CLOSE_RESTART, "service restarting")
            await live.stop()
            await handoff.drain()
            await bot.aclose()
            await search.aclose()

    # Swagger UI would load from a CDN: /docs is frontdoor.apidocs' offline page instead
    app = FastAPI(
        title="Frontdoor handoff",
        version=__version__,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.handoff, app.state.desk, app.state.hub, app.state.live = handoff, desk, hub, live
    app.state.accounts = gate
    app.state.engine = engine
    app.state.limiter = limiter or limiter_for(settings, namespace="handoff")
    if settings.redis_url:
        metrics.watch_redis("wake", getattr(waker, "outage", None))
        metrics.watch_redis("limits", getattr(app.state.limiter, "outage", None))

    async def staff_from_cookie(token: str | None) -> Staff | None:
        info = await anyio.to_thread.run_sync(gate.current_from_cookie, token)
        return staff_of(info) if info is not None else None

    app.state.staff_from_cookie = staff_from_cookie
    install_error_handlers(app, login_path="/console/login")
    install_handler(app)

    @app.exception_handler(HandoffError)
    async def _handoff_error(request: Request, exc: HandoffError) -> JSONResponse:
        headers = {}
        if isinstance(exc, Throttled):  # busy, unavailable: send again after this
            headers["Retry-After"] = str(max(1, math.ceil(exc.retry_after)))
        return JSONResponse(
            {"error": exc.code, "message": exc.message},
            status_code=http_status(exc),
            headers=headers,
        )

    @app.exception_handler(DatabaseError)
    async def _database_gone(request: Request, exc: DatabaseError) -> Response:
        """A read (a session, a transcript) while the database restarts: 503, try again,
        like a write (``StoreUnavailable``); any other database error stays a 500."""
        if request.scope["type"] == "websocket":  # closed with 1011: the client reconnects
            raise exc
        if unreachable(exc):
            return await _handoff_error(request, StoreUnavailable())
        raise exc

    app.add_exception_handler(RequestValidationError, validation_error_response)
    app.add_middleware(UnexpectedErrors)  # innermost: a 500 wears the headers below too
    app.add_middleware(RequestGuard, rules=BODY_RULES)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.handoff_allowed_origins,
        allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type"],
        allow_credentials=False,
    )
    app.add_middleware(SecurityHeaders)  # 413s, 415s and CORS answers wear it too
    app.add_middleware(RequestMetrics, counter=metrics.requests)  # counts every HTTP request
    # outermost: the two sockets skip the HTTP-only stack above (handoff.ws.WebsocketRoutes)
    app.add_middleware(
        WebsocketRoutes, routes={"/ws/resident": resident_endpoint, "/ws/advisor": advisor_endpoint}
    )
    apidocs.install(app)
    install_metrics(app, metrics, token=settings.secret_value("metrics_token"))
    app.include_router(api.residents)
    app.include_router(api.advisors)
    app.include_router(api.supervisors)
    app.include_router(api.bots)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, Any]:
        database = await anyio.to_thread.run_sync(database_status, engine)
        redis = await anyio.to_thread.run_sync(redis_status, settings.redis_url)
        bot_state = await bot.status()
        problems = [
            name
            for name, state in (("database", database), ("redis", redis), ("bot", bot_state))
            if state.get("status") == "error"
        ]
        return {
            "service": "handoff",
            "version": __version__,
            "status": "degraded" if problems else "ok",
            "dependencies": {"database": database, "redis": redis, "bot": bot_state},
            "instance": instance_id,
            "connections": len(hub.connections),
        }

    _mount_console(app)
    insight_web.mount(app, costs=settings.insight_costs(), clock=clock)
    return app


def _mount_console(app: FastAPI) -> None:
    """The console pages and the static files (console and widget)."""
    app.include_router(console.router)
    app.include_router(sso_router("/console", default_next="/console", refusal=console.sso_refusal))
    app.include_router(
        two_factor_router("/console", default_next=console.CONSOLE_HOME, render=console.render,
                          layout="console/base.html")
    )  # fmt: skip
    app.mount("/widget", StaticFiles(directory=STATIC / "widget"), name="widget")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
