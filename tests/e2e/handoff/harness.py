"""A running handoff service for browser tests: the real app on a free
loopback port (uvicorn in a thread), a real migrated SQLite database, fake
bot, back office, identity and knowledge search, plus a "council website"
on another port whose page embeds the widget with one script tag.

The bot is a parameter so a real-Rasa variant can reuse all of this.
"""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import uvicorn
from sqlalchemy import insert
from sqlalchemy.orm import Session

from frontdoor.accounts.roles import Role
from frontdoor.accounts.service import create_user
from handoff import models as m
from handoff.app import create_app
from handoff.bot import BotReply, FakeBot, HandoffRequest
from handoff.identity import FakeIdentityVerifier, VerifiedResident
from handoff.search import Article, FakeKnowledgeSearch
from handoff.settings import HandoffSettings

PASSWORD = "correct horse battery staple"
COUNCIL = "Bramblefield District Council"
STAFF = {
    "sam": ("sam@example.gov.uk", "Sam Okafor", (Role.ADVISOR,), ("general", "waste")),
    "morgan": ("morgan@example.gov.uk", "Morgan Hale", (Role.SUPERVISOR,), ("general", "waste")),
}
TEAMS = (
    ("waste", "Waste and recycling", "waste,bins"),
    ("general", "Customer services", "general"),
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bin_script(text: str, metadata: Any) -> list[BotReply]:
    """A small scripted bot: answers bin questions, escalates on request."""
    lowered = text.lower()
    if "anyone free" in lowered:  # as the real bot: it checks first and says so itself
        return [
            BotReply(text="Nobody is free to chat right now. You can leave a message."),
            BotReply(
                handoff=HandoffRequest(
                    "resident_asked", "waste", "normal", "Asked who is free.", announced=True
                )
            ),
        ]
    if "person" in lowered or lowered == "/handoff":
        return [
            BotReply(text="I'll find someone from the council to help you."),
            BotReply(
                handoff=HandoffRequest(
                    "resident_asked", "waste", "normal", "Resident asked about a missed bin."
                )
            ),
        ]
    if "bin" in lowered:
        return [
            BotReply(
                text="Your bins are collected on Tuesdays.",
                buttons=({"title": "Talk to a person", "payload": "/handoff"},),
                links=({"title": "Bin collection days", "url": "/en/bins"},),
            )
        ]
    return [BotReply(text=f"You said: {text}")]


def seed(engine: Any) -> dict[str, int]:
    ids = {}
    with Session(engine) as session:
        for order, (slug, name, skills) in enumerate(TEAMS):
            session.execute(insert(m.teams).values(
                slug=slug, name=name, skills=skills, opening_hours="always",
                routing_mode="direct", sort_order=order,
            ))  # fmt: skip
        for key, (email, name, roles, teams) in STAFF.items():
            user = create_user(
                session, email=email, display_name=name, password=PASSWORD, roles=roles
            )
            ids[key] = user.id
            session.execute(insert(m.advisors).values(
                user_id=user.id, display_name=name, availability="away", connected=False,
            ))  # fmt: skip
            for slug in teams:
                session.execute(insert(m.team_members).values(team_slug=slug, user_id=user.id))
        session.commit()
    return ids


def host_page(handoff_url: str, title: str, body: str, identity: str = "") -> bytes:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - {COUNCIL}</title></head>
<body><header><p>{COUNCIL}</p></header>
<main><h1>{title}</h1><p>{body}</p>
<p><a href="/en/bins">Bin collection days</a> · <a href="/en/council-tax">Council tax</a></p></main>
<script src="{handoff_url}/widget/frontdoor-widget.js" data-frontdoor-url="{handoff_url}"
 data-council="{COUNCIL}" data-language="en"{identity} defer></script>
</body></html>""".encode()


class _Website(BaseHTTPRequestHandler):
    handoff_url = ""

    def do_GET(self) -> None:
        title = {
            "/en/bins": "Bin collection days",
            "/en/council-tax": "Council tax",
            "/en/my-account": "My account",
        }.get(self.path.split("?")[0], "Bramblefield District Council")
        # "My account" pages pass the resident's verified-account token.
        identity = ' data-identity-token="verified-token"' if "/my-account" in self.path else ""
        page = host_page(self.handoff_url, title, "Information for residents.", identity)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        # A strict policy, as a council site should have: the widget must work
        # with only the service's origin allowed (no 'unsafe-inline').
        origin, ws = self.handoff_url, self.handoff_url.replace("http", "ws", 1)
        self.send_header(
            "Content-Security-Policy",
            f"default-src 'self'; script-src 'self' {origin}; style-src 'self' {origin}; "
            f"connect-src 'self' {origin} {ws}; img-src 'self' data:; base-uri 'none'",
        )
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, *args: Any) -> None:
        pass


@dataclass
class Stack:
    handoff_url: str
    website_url: str
    bot: Any
    ids: dict[str, int]
    app: Any


@contextmanager
def running_stack(
    database_url: str,
    engine: Any,
    *,
    bot: Any = None,
    extra_settings: dict[str, str] | None = None,
    website: type[BaseHTTPRequestHandler] = _Website,
    handoff_port: int | None = None,
) -> Iterator[Stack]:
    ids = seed(engine)
    handoff_port, website_port = handoff_port or free_port(), free_port()
    handoff_url = f"http://127.0.0.1:{handoff_port}"
    website_url = f"http://127.0.0.1:{website_port}"
    settings = HandoffSettings.load({
        "FRONTDOOR_DATABASE_URL": database_url,
        "FRONTDOOR_ENVIRONMENT": "test",
        "FRONTDOOR_SECRET_KEY": secrets.token_urlsafe(48),
        "FRONTDOOR_IDENTITY_SIGNING_KEY": secrets.token_urlsafe(48),
        "FRONTDOOR_BOT_SECRET": secrets.token_urlsafe(48),
        "FRONTDOOR_HANDOFF_ALLOWED_ORIGINS": f"{website_url},{handoff_url}",
        "FRONTDOOR_HANDOFF_DISPATCH_INTERVAL_SECONDS": "0.2",
        "FRONTDOOR_HANDOFF_PORT": str(handoff_port),
        **(extra_settings or {}),
    })  # fmt: skip
    bot = bot or FakeBot(script=bin_script)
    app = create_app(
        settings, bot=bot, backoffice=_backoffice(), engine=engine,
        search=FakeKnowledgeSearch([Article("Report a missed bin", f"{website_url}/en/missed-bin",
                                            "Report a missed bin within two working days.")]),
        identity=FakeIdentityVerifier({"verified-token": VerifiedResident("R-1", "Alex Smith")}),
        intervals={"poll_interval": 0.2, "views_interval": 0.3, "presence_interval": 0.5,
                   "recovery_interval": 0.5},
    )  # fmt: skip
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=handoff_port,
                                           log_level="warning", lifespan="on"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    handler = type("Website", (website,), {"handoff_url": handoff_url})
    website = ThreadingHTTPServer(("127.0.0.1", website_port), handler)
    web_thread = threading.Thread(target=website.serve_forever, daemon=True)
    web_thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the handoff service did not start")
        time.sleep(0.05)
    try:
        yield Stack(handoff_url, website_url, bot, ids, app)
    finally:
        website.shutdown()
        website.server_close()
        server.should_exit = True
        thread.join(timeout=15)


def _backoffice() -> Any:
    from backoffice import fake_backoffice

    return fake_backoffice()
