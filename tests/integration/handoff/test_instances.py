"""Two handoff instances on one database and no wake-ups between them, in process.

An offer made by one instance must reach an advisor connected to the other
within a catch-up poll, not only at the next views refresh: an offer lapses in
seconds. The views safety net is set to an hour here, so only the offers poll
can deliver it.
"""

from __future__ import annotations

import contextlib

from starlette.testclient import TestClient

from handoff.app import create_app
from handoff.bot import FakeBot
from handoff.search import FakeKnowledgeSearch
from tests.integration.handoff.conftest import (
    ORIGIN,
    build_world,
    message,
    settings_for,
    until,
)

AN_HOUR = 3600.0


def test_an_offer_made_on_another_instance_reaches_the_advisor_without_a_wake_up(database):
    with contextlib.ExitStack() as stack:
        world = build_world(database, stack, intervals={"views_interval": AN_HOUR})
        other = create_app(
            settings_for(database.url),
            bot=FakeBot(),
            backoffice=world.backoffice,
            search=FakeKnowledgeSearch([]),
            engine=database.engine,
            intervals={"poll_interval": 0.2, "views_interval": AN_HOUR},
        )
        elsewhere = stack.enter_context(TestClient(other))
        sam = world.advisor("sam")
        sam.available()
        with sam.socket() as console:
            until(console, lambda f: f["type"] == "queue")
            started = elsewhere.post(
                "/api/v1/conversations",
                json={"language": "en", "page_url": f"{ORIGIN}/bins"},
                headers={"origin": ORIGIN},
            ).json()
            with elsewhere.websocket_connect(
                f"/ws/resident?conversation_id={started['conversation_id']}"
                f"&token={started['conversation_token']}",
                headers={"origin": ORIGIN},
            ) as resident:
                resident.send_json(message("I need a human please"))
                until(resident, lambda f: f.get("type") == "event" and f["kind"] == "state")
                offer, _ = until(console, lambda f: f["type"] == "offer", timeout=10)
        assert offer["conversation_id"] == started["conversation_id"]
