"""A running knowledge service (uvicorn in a thread, seeded demo data) and a browser.

The chat widget's script is served by the handoff service; these tests block
it so they check the knowledge pages alone, whatever else runs on the machine.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[3]
DEMO_PASSWORD = "bramblefield-demo"
EDITOR = "editor@bramblefield.gov.uk"
REVIEWER = "reviewer@bramblefield.gov.uk"
ADMIN = "admin@bramblefield.gov.uk"
API_TOKEN = "e2e-service-token-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Site:
    url: str
    factory: Any
    app: Any


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    import uvicorn

    from frontdoor.accounts import seed as accounts_seed
    from frontdoor.db import make_engine, make_session_factory
    from frontdoor.migrate import upgrade
    from frontdoor.stack import StackSettings
    from knowledge import seed as knowledge_seed
    from knowledge.app import create_app
    from knowledge.search import HashingEmbedder, SearchEngine
    from knowledge.settings import KnowledgeSettings

    folder = tmp_path_factory.mktemp("knowledge-e2e")
    url = f"sqlite:///{folder / 'frontdoor.db'}"
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    with factory() as session:
        accounts_seed.seed(session, rng_seed=7)
        knowledge_seed.seed(session, rng_seed=7)
        session.commit()
    environ = {
        "FRONTDOOR_ENVIRONMENT": "test",
        "FRONTDOOR_SECRET_KEY": secrets.token_urlsafe(48),
        "FRONTDOOR_DATABASE_URL": url,
        "FRONTDOOR_VAR_DIR": str(folder / "var"),
        "FRONTDOOR_KNOWLEDGE_API_TOKENS": API_TOKEN,
        "FRONTDOOR_HANDOFF_PORT": str(free_port()),
        "FRONTDOOR_TOTP_ENCRYPTION_KEY": secrets.token_urlsafe(48),
    }
    settings = KnowledgeSettings.load(environ)
    search = SearchEngine(None, HashingEmbedder(256), progress=False)
    app = create_app(
        settings, search_engine=search, stack=StackSettings.load(environ), engine=engine
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            health = httpx.get(f"{base}/healthz", timeout=1)
            if health.status_code == 200 and health.json()["status"] == "ok":
                break  # search has caught up with the seeded content
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    else:  # pragma: no cover
        raise RuntimeError("the knowledge service did not start")
    try:
        yield Site(url=base, factory=factory, app=app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()


def new_page(browser: Any, **options: Any) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
    context.route("**/widget/frontdoor-widget.js", lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    tab = new_page(browser)
    try:
        yield tab
    finally:
        tab.context.close()


def sign_in(page: Any, site: Site, email: str) -> None:
    page.goto(f"{site.url}/editor/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{site.url}/editor")
