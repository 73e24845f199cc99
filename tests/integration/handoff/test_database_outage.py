"""While the database cannot be reached (a restart, a fail-over: issue #12's faults
benchmark), a message is refused with "send it again shortly", never with an
internal error that makes the widget show it as failed for the resident to retype:
``throttled`` with reason ``unavailable`` on the socket, 503 with ``Retry-After``
over REST. Once the database is back, the same ``client_id`` is stored once."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from sqlalchemy import Engine, event

from handoff.exceptions import CLOSE_TRY_AGAIN
from tests.integration.handoff.conftest import is_event, message, receive, until


@contextlib.contextmanager
def database_down(engine: Engine) -> Iterator[None]:
    """Every new connection is refused, as while the server restarts; the pool's idle
    connections are closed (a restarted server has dropped them)."""
    dbapi = engine.dialect.loaded_dbapi  # sqlite3 or psycopg

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise dbapi.OperationalError("connection refused (the test's database is down)")

    event.listen(engine, "do_connect", refuse)
    engine.dispose()
    try:
        yield
    finally:
        event.remove(engine, "do_connect", refuse)


def test_a_message_sent_while_the_database_is_down_is_sent_again_not_failed(world):
    started = world.start()
    sam = world.advisor("sam")  # signed in before the outage
    with world.resident_socket(started) as resident:
        assert receive(resident)["type"] == "welcome"
        resident.send_json({"type": "ping"})  # answered once the socket is subscribed
        until(resident, lambda f: f["type"] == "pong")
        frame = message("My bin was not collected", client_id="during-outage")
        with database_down(world.engine):
            resident.send_json(frame)
            refused, before = until(resident, lambda f: f["type"] in ("throttled", "error"))
            over_rest = sam.say(started["conversation_id"], "Hello")
        assert refused == {
            "type": "throttled",
            "retry_after": 2.0,
            "client_id": "during-outage",
            "reason": "unavailable",
        }, before
        assert over_rest.status_code == 503, over_rest.text
        assert over_rest.json()["error"] == "unavailable"
        assert over_rest.headers["retry-after"] == "2"

        resident.send_json(frame)  # what the widget does after retry_after
        ack, _ = until(resident, lambda f: f["type"] == "ack")
        assert ack["client_id"] == "during-outage" and not ack["duplicate"]
        until(resident, is_event("message", client_id="during-outage"))
    transcript = world.client.get(
        f"/api/v1/conversations/{started['conversation_id']}/transcript",
        headers={"authorization": f"Bearer {started['conversation_token']}"},
    ).json()
    stored = [e for e in transcript["events"] if e["data"].get("client_id") == "during-outage"]
    assert len(stored) == 1


def test_a_socket_opening_while_the_database_is_down_is_told_to_come_back(world):
    # it used to get `welcome` and then a 1011 (internal error) when its first read failed
    started = world.start()
    with database_down(world.engine), world.resident_socket(started) as resident:
        # the first frame is the close, before any `welcome`: 1013 "try again later"
        assert receive(resident) == {"type": "__closed__", "code": CLOSE_TRY_AGAIN}
    with world.resident_socket(started) as resident:  # back: a normal welcome
        assert receive(resident)["type"] == "welcome"
