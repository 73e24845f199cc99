"""Composition root of the knowledge service: ``create_app(settings, search_engine=...)``.

Wires the database, the search engine (kept in step by ``SearchRuntime``),
staff sign-in from ``frontdoor.accounts``, the website, the editor and the
API. Tests pass settings and a search engine with a fake embedder.

    uvicorn knowledge.app:create_app --factory
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from frontdoor import __version__
from frontdoor.accounts.sso_routes import sso_client, sso_router
from frontdoor.accounts.twofactor_routes import two_factor_router
from frontdoor.accounts.web import AccountsGate, TwoFactorConfig, install_error_handlers
from frontdoor.clock import Clock, london_today, system_clock
from frontdoor.components import site_body_rules, site_routers, staff_routers
from frontdoor.db import check_database, make_engine, make_session_factory
from frontdoor.exceptions import ConfigurationError
from frontdoor.http import DEFAULT_JSON_LIMIT, FORM_TYPES, JSON_TYPES, BodyRule, RequestGuard
from frontdoor.metrics import RequestMetrics
from frontdoor.metrics import install as install_metrics
from frontdoor.migrate import pending
from frontdoor.ratelimit import RateLimiter, install_handler, limiter_for
from frontdoor.settings import project_root
from frontdoor.stack import StackSettings
from knowledge import errors
from knowledge.metrics import KnowledgeMetrics
from knowledge.retraining import Trainer, TrainerConfig
from knowledge.routes import (
    api_docs,
    api_editorial,
    api_public,
    api_search,
    api_signals,
    editor,
    editor_admin,
    editor_auth,
    editor_missed,
    editor_reminders,
    editor_views,
    health,
    site,
)
from knowledge.routes.editor_pages import render
from knowledge.search import SearchEngine
from knowledge.search_runtime import SearchRuntime
from knowledge.settings import KnowledgeSettings
from knowledge.usage import UsageCounter, flush_usage_forever, flush_usage_once
from knowledge.web import STATIC_DIR, make_templates, origin_of, site_headers


def build_search_engine(settings: KnowledgeSettings) -> SearchEngine:
    from knowledge.search import HashingEmbedder, RecentQueries, load_minilm

    if settings.knowledge_embedder == "hashing":
        return SearchEngine(settings.index_dir, HashingEmbedder(256), progress=False)
    embedder = load_minilm(settings.knowledge_embedding_runtime, settings.onnx_dir)
    return SearchEngine(settings.index_dir, RecentQueries(embedder), progress=False)


def body_rules(settings: KnowledgeSettings) -> list[BodyRule]:
    """64 KiB of JSON for the APIs; room for a whole article (as JSON or a form) in the editor."""
    article = 3 * settings.knowledge_max_article_bytes + 65_536  # escaping can triple a body
    return [
        BodyRule("/api/", DEFAULT_JSON_LIMIT, JSON_TYPES),
        BodyRule("/api/v1/editorial/articles", article, JSON_TYPES),
        BodyRule("/api/v1/editorial/preview", article, JSON_TYPES),
        BodyRule("/editor/", article, FORM_TYPES),
        BodyRule("/editor/login", 8 * 1024, FORM_TYPES),
        *site_body_rules(),  # pages other components add (a photo with a report)
    ]


def create_app(
    settings: KnowledgeSettings | None = None,
    *,
    search_engine: SearchEngine | None = None,
    stack: StackSettings | None = None,
    engine: Engine | None = None,
    limiter: RateLimiter | None = None,
    clock: Clock = system_clock,
    trainer: Trainer | None = None,
) -> FastAPI:
    """``clock`` decides what day it is (stale articles); tests pin it. ``trainer``
    retrains the bot from the review queue (default: the configured command and Rasa)."""
    settings = settings or KnowledgeSettings.load()
    stack = stack or StackSettings.load()
    engine = engine or make_engine(settings.database_url)
    check_database(engine)
    if pending(engine):
        raise ConfigurationError("database migrations are pending; run `frontdoor db upgrade`")
    factory = make_session_factory(engine)
    if search_engine is None:  # not `or`: an empty engine has len() 0 and is falsy
        search_engine = build_search_engine(settings)
    runtime = SearchRuntime(
        search_engine,
        factory,
        interval=settings.knowledge_sync_interval_seconds,
    )

    usage = UsageCounter(clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await runtime.start(background=settings.knowledge_background_tasks)
        flusher = None
        if settings.knowledge_background_tasks:
            flusher = asyncio.create_task(
                flush_usage_forever(usage, factory, settings.knowledge_usage_flush_seconds)
            )
        try:
            yield
        finally:
            if flusher is not None:
                flusher.cancel()
            await runtime.stop()
            await flush_usage_once(usage, factory)  # nothing counted is lost on a clean stop

    app = FastAPI(
        title=f"{settings.council_name} knowledge base",
        version=__version__,
        description="Published articles, search, feedback and content gaps; the editorial API.",
        lifespan=lifespan,
        docs_url=None,  # /docs is our own page (routes/api_docs.py): no CDN, no inline script
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = factory
    app.state.search = runtime
    app.state.trainer = trainer or Trainer(
        factory,
        TrainerConfig(
            command=settings.knowledge_bot_train_command,
            training_file=settings.knowledge_reviewed_training_file,
            rasa_url=settings.knowledge_rasa_url or stack.rasa_url,
            rasa_token=settings.secret_value("rasa_api_token"),
            timeout_seconds=settings.knowledge_bot_train_timeout_seconds,
            cwd=project_root(),
        ),
    )
    app.state.clock = clock
    app.state.usage = usage
    app.state.templates = make_templates(today=lambda: london_today(clock()))
    app.state.handoff_url = widget_url = settings.knowledge_widget_url or stack.handoff_url
    app.state.accounts = AccountsGate(
        factory,
        secure_cookies=settings.secure_cookies,
        trusted_proxies=settings.trusted_proxies,
        sso=sso_client(settings, clock),
        two_factor=TwoFactorConfig.from_settings(settings, clock=clock),
    )
    app.state.limiter = limiter or limiter_for(settings, namespace="knowledge")
    app.state.metrics = metrics = KnowledgeMetrics()

    install_error_handlers(app, login_path="/editor/login")
    errors.install(app)
    install_handler(app, html=errors.page)
    app.add_middleware(RequestGuard, rules=body_rules(settings))
    app.add_middleware(
        site_headers,
        widget_origin=origin_of(widget_url),
        hsts=settings.environment == "production",
    )
    app.add_middleware(RequestMetrics, counter=metrics.requests)  # outermost: counts 413s too
    install_metrics(app, metrics, token=settings.secret_value("metrics_token"))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (
        health,
        api_docs,
        api_public,
        api_search,
        api_signals,
        api_editorial,
        editor_auth,
        editor,
        editor_admin,
        editor_reminders,
        editor_views,
        editor_missed,
        site,
    ):
        app.include_router(module.router)
    app.include_router(
        sso_router("/editor", default_next="/editor", refusal=editor_auth.sso_refusal)
    )
    app.include_router(
        two_factor_router("/editor", default_next="/editor", render=render,
                          layout="editor/base.html", landing=editor_auth.landing)
    )  # fmt: skip
    for router in staff_routers():  # privacy's pages, composed by core
        app.include_router(router)
    for router in site_routers():  # the payment pages, composed by core
        app.include_router(router)
    return app
