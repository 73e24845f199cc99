"""Two (and three) handoff instances on one PostgreSQL and Redis, as real processes.

The resident is on one instance, the advisor on another. Redis pub/sub only
wakes instances up; the database is the source of truth, so an instance that
never hears a wake-up (no Redis at all) still delivers, a little later, and
killing an instance loses nothing.
"""

from __future__ import annotations

import httpx
import pytest

from handoff.devserver import ServerProcess
from tests.conftest import DatabaseHandle
from tests.integration.handoff.conftest import seed_world
from tests.integration.handoff.live_clients import LiveAdvisor, LiveResident, event
from tests.integration.handoff.test_loopback import server_env

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def cluster(tmp_path, redis_url):  # type: ignore[no-untyped-def]
    database = DatabaseHandle("postgresql", tmp_path).migrate()
    ids = seed_world(database.engine)
    # the instances share rate-limit counts through Redis, which keeps them between runs;
    # this test is about delivery, so it sets limits no run of it reaches
    env = server_env(
        database.url,
        FRONTDOOR_REDIS_URL=redis_url,
        FRONTDOOR_HANDOFF_LIMIT_CONVERSATIONS="1000/minute",
        FRONTDOOR_HANDOFF_LIMIT_MESSAGES_PER_ADDRESS="1000/minute",
    )
    servers = {
        name: ServerProcess(
            {**env, "FRONTDOOR_HANDOFF_INSTANCE_ID": name}, log_path=str(tmp_path / f"{name}.log")
        )
        for name in ("a", "b")
    }
    lonely = ServerProcess(
        server_env(database.url, FRONTDOOR_HANDOFF_INSTANCE_ID="c"),  # no Redis: never woken
        log_path=str(tmp_path / "c.log"),
    )
    try:
        for server in servers.values():
            server.start()
        yield servers, lonely, ids, database
    finally:
        for server in (*servers.values(), lonely):
            server.stop()
        database.drop()


async def test_resident_on_one_instance_advisor_on_another(cluster):
    servers, _lonely, ids, database = cluster
    a, b = servers["a"], servers["b"]
    health = httpx.get(f"{a.url}/healthz").json()
    assert health["dependencies"]["redis"]["status"] == "ok", health
    sam = LiveAdvisor.signed_in(database.engine, ids["sam"], b.url, b.ws_url)
    assert (await sam.call("PUT", "/availability", {"status": "available"})).status_code == 200
    await sam.connect()
    resident = await LiveResident(a.url, a.ws_url).start()
    await resident.connect()
    await resident.send("I need a human", client_id="r1")
    await resident.expect(event("state", state="waiting"))
    await resident.expect(lambda f: f["type"] == "queue")
    offer = await sam.expect(lambda f: f["type"] == "offer")
    cid = offer["conversation_id"]
    assert (await sam.call("POST", f"/conversations/{cid}/accept")).status_code == 200
    await resident.expect(event("advisor_joined", first_name="Sam"))

    # Both ways across instances, in order. How fast (woken through Redis rather than
    # the poll) is a figure for benchmarks/handoff_load.py, not a test assertion.
    for i in range(10):
        client_id = await resident.send(f"resident {i}")
        await sam.expect(event("message", client_id=client_id))
        reply = await sam.call(
            "POST", f"/conversations/{cid}/messages", {"client_id": f"a{i}", "text": f"advisor {i}"}
        )
        assert reply.status_code == 200
        await resident.expect(event("message", client_id=f"a{i}"))

    # instance A dies; the resident reconnects to B and misses nothing
    a.kill()
    await resident.ws.close()
    sent = await sam.call(
        "POST",
        f"/conversations/{cid}/messages",
        {"client_id": "while-down", "text": "are you there?"},
    )
    assert sent.status_code == 200, sent.text
    resident.base, resident.ws_base = b.url, b.ws_url
    await resident.connect()
    await resident.expect(event("message", client_id="while-down"))
    assert resident.cursor == sent.json()["seq"]
    await resident.ws.close()
    await sam.ws.close()


async def test_an_instance_that_never_hears_a_wake_up_still_delivers(cluster):
    servers, lonely, ids, database = cluster
    lonely.start()
    b = servers["b"]
    sam = LiveAdvisor.signed_in(database.engine, ids["sam"], b.url, b.ws_url)
    assert (await sam.call("PUT", "/availability", {"status": "available"})).status_code == 200
    await sam.connect()
    resident = await LiveResident(lonely.url, lonely.ws_url).start()
    await resident.connect()
    await resident.send("human please")
    offer = await sam.expect(lambda f: f["type"] == "offer")
    cid = offer["conversation_id"]
    assert (await sam.call("POST", f"/conversations/{cid}/accept")).status_code == 200
    await resident.expect(event("advisor_joined"), timeout=10)  # found by the poll
    for i in range(3):
        sent = await sam.call(
            "POST", f"/conversations/{cid}/messages", {"client_id": f"p{i}", "text": f"poll {i}"}
        )
        assert sent.status_code == 200, sent.text
    for i in range(3):
        await resident.expect(event("message", client_id=f"p{i}"), timeout=10)
    client_id = await resident.send("and back?")
    await sam.expect(event("message", client_id=client_id), timeout=10)
    await resident.ws.close()
    await sam.ws.close()
