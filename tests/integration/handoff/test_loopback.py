"""The service as a real uvicorn process on loopback, driven by real clients.

Includes killing the process (SIGKILL) mid-conversation and resuming after the
restart with nothing lost.
"""

from __future__ import annotations

import json

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from handoff.devserver import ServerProcess
from tests.integration.handoff.conftest import TEST_SECRETS, seed_world
from tests.integration.handoff.live_clients import (
    LiveAdvisor,
    LiveResident,
    event,
    next_frame,
)

pytestmark = pytest.mark.slow


def server_env(url: str, **extra: str) -> dict[str, str]:
    return {
        "FRONTDOOR_DATABASE_URL": url, "FRONTDOOR_ENVIRONMENT": "test",
        **TEST_SECRETS,
        "FRONTDOOR_HANDOFF_DISPATCH_INTERVAL_SECONDS": "0.2",
        "FRONTDOOR_HANDOFF_ADVISOR_GRACE_SECONDS": "30", **extra,
    }  # fmt: skip


@pytest.fixture
def loopback(database, tmp_path):  # type: ignore[no-untyped-def]
    ids = seed_world(database.engine)
    server = ServerProcess(server_env(database.url), log_path=str(tmp_path / "server.log"))
    server.start()
    try:
        yield server, ids, database
    finally:
        server.stop()


async def test_handshake_origin_and_frame_limits_over_loopback(loopback):
    server, _ids, _db = loopback
    resident = await LiveResident(server.url, server.ws_url).start()
    with pytest.raises(InvalidStatus) as refused:
        await connect(
            f"{server.ws_url}/ws/resident?conversation_id={resident.conversation_id}"
            f"&token={resident.token}",
            origin="https://evil.example",  # type: ignore[arg-type]
        )
    assert refused.value.response.status_code == 403
    await resident.connect()
    await resident.ws.send(json.dumps({"type": "message", "client_id": "big", "text": "x" * 17000}))
    with pytest.raises(ConnectionClosed) as closed:
        await next_frame(resident.ws)
    assert closed.value.rcvd.code == 1009


async def test_resident_and_advisor_over_loopback_survive_a_kill(loopback):
    server, ids, database = loopback
    sam = LiveAdvisor.signed_in(database.engine, ids["sam"], server.url, server.ws_url)
    assert (await sam.call("PUT", "/availability", {"status": "available"})).status_code == 200
    await sam.connect()
    resident = await LiveResident(server.url, server.ws_url).start()
    welcome = await resident.connect()
    assert welcome["type"] == "welcome"
    await resident.send("hello bot", client_id="r1")
    await resident.expect(event("message", author="bot"))
    await resident.send("I need a human", client_id="r2")
    await resident.expect(event("state", state="waiting"))
    offer = await sam.expect(lambda f: f["type"] == "offer")
    cid = offer["conversation_id"]
    assert (await sam.call("POST", f"/conversations/{cid}/accept")).status_code == 200
    await resident.expect(event("advisor_joined", first_name="Sam"))
    await sam.expect(event("message", client_id="r2"))  # the history came with the chat
    await resident.send("my bin was missed", client_id="r3")
    await sam.expect(event("message", client_id="r3"))
    said = await sam.call("POST", f"/conversations/{cid}/messages",
                          {"client_id": "a1", "text": "Checking now"})  # fmt: skip
    await resident.expect(event("message", client_id="a1"))

    server.kill()  # no goodbye
    server.start()

    await resident.ws.close()
    await resident.connect()
    # a resend of something the client was not sure about is stored once
    await resident.send("my bin was missed", client_id="r3")
    ack = await resident.expect(lambda f: f["type"] == "ack")
    assert ack["duplicate"] is True
    await sam.ws.close()
    await sam.connect()  # resumes with its cursors: nothing replayed twice, nothing missed
    await resident.send("are you still there?", client_id="r4")
    got = await sam.expect(event("message", client_id="r4"))
    assert got["seq"] > said.json()["seq"]
    answer = await sam.call(
        "POST", f"/conversations/{cid}/messages", {"client_id": "a2", "text": "Yes!"}
    )
    assert answer.status_code == 200, answer.text
    await resident.expect(event("message", client_id="a2"))
    await resident.ws.close()
    await sam.ws.close()
