"""Co-browsing across two handoff instances on one PostgreSQL and Redis, in process.

The resident's socket is on instance A, the advisor's on instance B. The
request, the consent, the mirror frames (on the advisor's bulk lane) and Stop
cross through the Redis wake-up channel; no mirror frame reaches B after Stop.
A Stop whose wake-up is lost (A's Redis connection down) still ends sharing:
it is in the store, which A reads before relaying a frame and on resubscribing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
import uuid

import pytest
from starlette.testclient import TestClient

from handoff.app import create_app
from handoff.bot import FakeBot
from handoff.fanout import RedisWaker
from handoff.search import FakeKnowledgeSearch
from tests.integration.handoff.conftest import build_world, settings_for, until
from tests.integration.handoff.redis_proxy import CuttableProxy
from tests.integration.handoff.test_advisors import escalate, offered_to
from tests.integration.handoff.test_cobrowse import MIRROR, action, cobrowse, error

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

# the instances share rate-limit counts through Redis, which keeps them between runs
LIMITS = {
    "FRONTDOOR_HANDOFF_LIMIT_CONVERSATIONS": "1000/minute",
    "FRONTDOOR_HANDOFF_LIMIT_MESSAGES_PER_ADDRESS": "1000/minute",
}


def mirror(batch):
    return {**MIRROR, "batch": batch}


# two instances share PostgreSQL (SQLite's file is one process's)
@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_resident_on_a_advisor_on_b_request_allow_mirror_stop(database, redis_url):
    with contextlib.ExitStack() as stack:
        shared = {"FRONTDOOR_REDIS_URL": redis_url, **LIMITS}
        world = build_world(database, stack, FRONTDOOR_HANDOFF_INSTANCE_ID="a", **shared)
        other = create_app(
            settings_for(database.url, FRONTDOOR_HANDOFF_INSTANCE_ID="b", **shared),
            bot=FakeBot(),
            backoffice=world.backoffice,
            search=FakeKnowledgeSearch([]),
            engine=database.engine,
            intervals={"poll_interval": 0.2, "views_interval": 0.3},
        )
        on_b = dataclasses.replace(
            world, client=stack.enter_context(TestClient(other)), app=other, advisors={}
        )
        sam = on_b.advisor("sam")
        sam.available()
        started, ws, cm = escalate(world)  # the resident is on A
        stack.callback(cm.__exit__, None, None, None)
        cid = started["conversation_id"]
        assert offered_to(sam, cid)
        assert sam.post(f"/conversations/{cid}/accept").status_code == 200
        with sam.socket() as console:
            until(console, lambda f: f["type"] == "chat_added")
            console.send_json({"type": "cobrowse_request", "conversation_id": cid})
            asked, _ = until(ws, action("request"))
            assert asked["advisor"] == "Sam"
            until(console, cobrowse("requested"))
            ws.send_json({"type": "cobrowse_consent", "allow": True})
            until(ws, action("allowed"))
            until(console, cobrowse("sharing"))
            for batch in range(3):
                ws.send_json(mirror(batch))
                frame, _ = until(console, lambda f: f["type"] == "cobrowse_mirror")
                assert frame["batch"] == batch and frame["data"] == MIRROR["data"]
            # The advisor asks for a fresh snapshot on B: the recorder on A hears it.
            console.send_json({"type": "cobrowse_snapshot", "conversation_id": cid})
            until(ws, action("snapshot"))
            # Stop on A: the advisor on B hears it, and frames sent after are refused.
            ws.send_json({"type": "cobrowse_stop"})
            stopped, _ = until(ws, action("stopped"))
            assert stopped["reason"] == "resident_stopped"
            ended, _ = until(console, cobrowse("stopped"))
            assert ended["reason"] == "resident_stopped"
            ws.send_json(mirror(99))
            until(ws, lambda f: f.get("code") == "cobrowse_not_sharing")
            # B forgot the session too: its advisor cannot guide, and may ask again.
            console.send_json({"type": "cobrowse_guide", "conversation_id": cid, "kind": "clear"})
            until(console, lambda f: f.get("code") == "cobrowse_off")
            # Asked again and allowed; this time the advisor stops on B, which ends
            # sharing on A: the resident's recorder is told, and A refuses its frames.
            console.send_json({"type": "cobrowse_request", "conversation_id": cid})
            until(ws, action("request"))
            ws.send_json({"type": "cobrowse_consent", "allow": True})
            until(console, cobrowse("sharing"))
            ws.send_json(mirror(5))
            until(console, lambda f: f["type"] == "cobrowse_mirror" and f["batch"] == 5)
            console.send_json({"type": "cobrowse_stop", "conversation_id": cid})
            stopped, _ = until(ws, action("stopped"))
            assert stopped["reason"] == "advisor_stopped"
            ws.send_json(mirror(100))
            until(ws, lambda f: f.get("code") == "cobrowse_not_sharing")
            console.send_json({"type": "ping"})
            _, seen = until(console, lambda f: f["type"] == "pong")
            assert not any(f["type"] == "cobrowse_mirror" for f in seen)
        events = world.app.state.handoff.store.events_after(cid, 0)
        audit = [(e.data["action"], e.data["by"]) for e in events if e.kind == "cobrowse"]
        assert audit == [
            ("requested", "advisor"),
            ("allowed", "resident"),
            ("started", "resident"),
            ("stopped", "resident"),
            ("requested", "advisor"),
            ("allowed", "resident"),
            ("started", "resident"),
            ("stopped", "advisor"),
        ]


def eventually(check, what, tries=600):
    for _ in range(tries):
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(what)


def mirrors_until_pong(console):
    """Everything the console has been sent so far (a ping's pong comes after it)."""
    console.send_json({"type": "ping"})
    _, seen = until(console, lambda f: f["type"] == "pong")
    return seen


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_a_stop_whose_wake_up_is_lost_still_ends_sharing_on_the_other_instance(database, redis_url):
    tag = uuid.uuid4().hex[:8]  # other runs on the same Redis share the channel
    with contextlib.ExitStack() as stack:
        proxy = stack.enter_context(CuttableProxy(redis_url))
        shared = {"FRONTDOOR_REDIS_URL": redis_url, **LIMITS}
        # A's wake-up channel goes through the proxy; A never polls on its own, so
        # only the Stop's record in the store (read before a frame, or on
        # resubscribing) can end A's copy of the session
        waker_a = RedisWaker(proxy.url, f"a-{tag}")
        world = build_world(
            database,
            stack,
            waker=waker_a,
            intervals={"poll_interval": 3600},
            FRONTDOOR_HANDOFF_INSTANCE_ID=f"a-{tag}",
            **shared,
        )
        other = create_app(
            settings_for(database.url, FRONTDOOR_HANDOFF_INSTANCE_ID=f"b-{tag}", **shared),
            bot=FakeBot(),
            backoffice=world.backoffice,
            search=FakeKnowledgeSearch([]),
            engine=database.engine,
            intervals={"poll_interval": 0.2, "views_interval": 0.3},
        )
        on_b = dataclasses.replace(
            world, client=stack.enter_context(TestClient(other)), app=other, advisors={}
        )
        sessions_on_a = world.app.state.handoff.cobrowse.sessions
        waker_b = other.state.handoff.waker
        eventually(lambda: waker_a.subscriptions and waker_b.subscriptions, "not subscribed")
        sam = on_b.advisor("sam")
        sam.available()
        started, ws, cm = escalate(world)  # the resident is on A
        stack.callback(cm.__exit__, None, None, None)
        cid = started["conversation_id"]
        assert offered_to(sam, cid)
        assert sam.post(f"/conversations/{cid}/accept").status_code == 200
        # the advisor's console is on B, and a second tab of it landed on A
        with sam.socket() as console, world.advisor("sam").socket() as console_a:
            mirrors_until_pong(console_a)

            def share(batch):
                console.send_json({"type": "cobrowse_request", "conversation_id": cid})
                until(ws, action("request"))
                ws.send_json({"type": "cobrowse_consent", "allow": True})
                until(console, cobrowse("sharing"))
                ws.send_json(mirror(batch))
                until(console, lambda f: f["type"] == "cobrowse_mirror" and f["batch"] == batch)
                until(console_a, lambda f: f["type"] == "cobrowse_mirror" and f["batch"] == batch)

            def stop_on_b_while_a_is_cut_off():
                proxy.cut()
                console.send_json({"type": "cobrowse_stop", "conversation_id": cid})
                until(console, cobrowse("stopped"))
                # the wake-up never reached A: its copy of the session is still there
                assert cid in sessions_on_a

            # 1. The recorder, which never heard Stop, sends one more frame: A reads
            # the Stop from the store before relaying it, and relays nothing.
            share(1)
            stop_on_b_while_a_is_cut_off()
            ws.send_json(mirror(2))
            stopped, _ = until(ws, action("stopped"))
            assert stopped["reason"] == "advisor_stopped"
            until(ws, error("cobrowse_not_sharing"))
            assert cid not in sessions_on_a
            ended, seen = until(console_a, cobrowse("stopped"))
            assert ended["reason"] == "advisor_stopped"
            seen += mirrors_until_pong(console_a) + mirrors_until_pong(console)
            assert not any(f["type"] == "cobrowse_mirror" for f in seen)
            proxy.restore()
            eventually(lambda: waker_a.subscriptions >= 2, "A never resubscribed")

            # 2. The recorder stays quiet: on resubscribing, A catches up with the
            # store and tells the recorder to stop; its next frame is refused.
            share(3)
            stop_on_b_while_a_is_cut_off()
            subscribed = waker_a.subscriptions
            proxy.restore()
            stopped, _ = until(ws, action("stopped"), timeout=30)
            assert stopped["reason"] == "advisor_stopped"
            assert waker_a.subscriptions > subscribed and cid not in sessions_on_a
            ws.send_json(mirror(4))
            until(ws, error("cobrowse_not_sharing"))
            seen = mirrors_until_pong(console_a) + mirrors_until_pong(console)
            assert not any(f["type"] == "cobrowse_mirror" for f in seen)
        events = world.app.state.handoff.store.events_after(cid, 0)
        audit = [(e.data["action"], e.data["by"]) for e in events if e.kind == "cobrowse"]
        assert (
            audit
            == [
                ("requested", "advisor"),
                ("allowed", "resident"),
                ("started", "resident"),
                ("stopped", "advisor"),
            ]
            * 2
        )
