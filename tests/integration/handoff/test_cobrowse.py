"""Co-browsing over the real sockets: who may send and receive mirror frames,
consent, guiding, the audit trail, and hand-back ending the session."""

from __future__ import annotations

import asyncio

from tests.integration.handoff.conftest import is_event, receive, until
from tests.integration.handoff.test_advisors import escalate, offered_to

MIRROR = {"type": "cobrowse_mirror", "batch": 1, "part": 0, "parts": 1, "data": '[{"type":4}]'}


def cobrowse(state):
    return lambda f: f.get("type") == "cobrowse" and f.get("state") == state


def action(name):
    return lambda f: f.get("type") == "cobrowse" and f.get("action") == name


def both(ws, first, second):
    """Read until both frames have come, in either order; return them."""
    found, rest = until(ws, lambda f: first(f) or second(f))
    other, more = until(ws, second if first(found) else first)
    return (found, other) if first(found) else (other, found), rest + more


def error(code):
    return lambda f: f.get("type") == "error" and f.get("code") == code


def test_consent_mirror_guide_audit_and_hand_back(world):
    sam, morgan = world.advisor("sam"), world.advisor("morgan")
    sam.available()
    started, ws, cm = escalate(world)
    cid = started["conversation_id"]
    try:
        # Before anyone asks: the resident can neither send a mirror nor consent.
        ws.send_json(MIRROR)
        until(ws, error("cobrowse_not_sharing"))
        ws.send_json({"type": "cobrowse_consent", "allow": True})
        until(ws, error("cobrowse_no_request"))
        ws.send_json({"type": "cobrowse_consent", "allow": "yes"})
        until(ws, error("invalid_frame"))
        assert offered_to(sam, cid)
        assert sam.post(f"/conversations/{cid}/accept").status_code == 200
        with sam.socket() as console, morgan.socket() as other:
            receive(console)
            until(console, lambda f: f["type"] == "chat_added")
            # Only the assigned advisor may ask.
            other.send_json({"type": "cobrowse_request", "conversation_id": cid})
            until(other, error("not_assigned"))
            console.send_json({"type": "cobrowse_request", "conversation_id": cid})
            asked, _ = until(ws, action("request"))
            assert asked["advisor"] == "Sam"
            assert asked["settings"]["bytes_per_second"] > 0
            assert "[data-frontdoor-share]" in asked["settings"]["allow_selectors"]
            until(console, cobrowse("requested"))
            console.send_json({"type": "cobrowse_request", "conversation_id": cid})
            until(console, error("cobrowse_busy"))
            # Declined, asked again, allowed.
            ws.send_json({"type": "cobrowse_consent", "allow": False})
            both(console, cobrowse("declined"), is_event("cobrowse", action="declined"))
            console.send_json({"type": "cobrowse_request", "conversation_id": cid})
            until(ws, action("request"))
            ws.send_json({"type": "cobrowse_consent", "allow": True})
            until(ws, action("allowed"))
            until(console, cobrowse("sharing"))
            ws.send_json(MIRROR)
            (mirrored, _), _ = both(
                console,
                lambda f: f["type"] == "cobrowse_mirror",
                is_event("cobrowse", action="started", by="resident"),
            )
            assert mirrored["data"] == MIRROR["data"] and mirrored["conversation_id"] == cid
            # Guiding reaches the resident; a bad guide is refused.
            console.send_json(
                {"type": "cobrowse_guide", "conversation_id": cid, "kind": "highlight",
                 "node": 12, "label": "Click here"}
            )  # fmt: skip
            guide, _ = until(ws, action("guide"))
            assert guide["node"] == 12 and guide["label"] == "Click here"
            console.send_json({"type": "cobrowse_guide", "conversation_id": cid, "kind": "x"})
            until(console, error("invalid_frame"))
            console.send_json({"type": "cobrowse_snapshot", "conversation_id": cid})
            until(ws, action("snapshot"))
            other.send_json({"type": "cobrowse_stop", "conversation_id": cid})
            until(other, error("not_assigned"))
            # Handing back to the bot ends sharing, for both sides, and is audited.
            response = sam.post(f"/conversations/{cid}/hand-back", {"note": "done"})
            assert response.status_code == 200, response.text
            stopped, seen = until(ws, action("stopped"))
            assert stopped["reason"] == "handed_back"
            assert not any(f.get("kind") == "cobrowse" for f in seen)  # advisors only
            ws.send_json(MIRROR)
            until(ws, error("cobrowse_not_sharing"))
            other.send_json({"type": "ping"})
            _, seen = until(other, lambda f: f["type"] == "pong")
            assert not any(f["type"].startswith("cobrowse") for f in seen)  # not assigned
        events = world.app.state.handoff.store.events_after(cid, 0)
        audit = [(e.data["action"], e.data["by"]) for e in events if e.kind == "cobrowse"]
        assert audit == [
            ("requested", "advisor"),
            ("declined", "resident"),
            ("requested", "advisor"),
            ("allowed", "resident"),
            ("started", "resident"),
            ("stopped", "system"),
        ]
        stopped = [e for e in events if e.kind == "cobrowse"][-1]
        assert stopped.data["reason"] == "handed_back" and stopped.data["duration_seconds"] >= 0
        assert all(e.audience == "advisors" for e in events if e.kind == "cobrowse")
    finally:
        cm.__exit__(None, None, None)


class Timers:
    """``call_later`` on a clock the test moves: callbacks run on the server's loop."""

    def __init__(self) -> None:
        self.now = 0.0
        self.pending: list[list] = []  # [due, callback, loop, cancelled]

    def call_later(self, delay, callback):
        entry = [self.now + delay, callback, asyncio.get_running_loop(), False]
        self.pending.append(entry)

        class Handle:
            def cancel(self) -> None:
                entry[3] = True

        return Handle()

    def waiting(self):
        return [e for e in self.pending if not e[3]]

    def advance(self, seconds):
        self.now += seconds
        for entry in self.waiting():
            if entry[0] <= self.now:
                entry[3] = True
                entry[2].call_soon_threadsafe(entry[1])


def test_a_closed_tab_ends_sharing_after_the_grace_period_and_a_page_load_carries_on(world):
    cobrowse_ = world.app.state.handoff.cobrowse
    timers = Timers()
    cobrowse_.call_later = timers.call_later
    grace = cobrowse_.grace_seconds
    sam = world.advisor("sam")
    sam.available()
    started, ws, cm = escalate(world)
    cid = started["conversation_id"]
    assert offered_to(sam, cid)
    assert sam.post(f"/conversations/{cid}/accept").status_code == 200
    with sam.socket() as console:
        until(console, lambda f: f["type"] == "chat_added")
        console.send_json({"type": "cobrowse_request", "conversation_id": cid})
        until(ws, action("request"))
        ws.send_json({"type": "cobrowse_consent", "allow": True})
        until(console, cobrowse("sharing"))
        # A page load: the socket goes, a new one comes back within the grace period.
        cm.__exit__(None, None, None)
        for _ in range(200):  # the server notices the closed socket on its own loop
            if timers.waiting():
                break
            console.send_json({"type": "ping"})
            until(console, lambda f: f["type"] == "pong")
        assert len(timers.waiting()) == 1 and timers.waiting()[0][0] == grace
        timers.advance(grace - 1)
        with world.resident_socket(started) as again:
            resumed, _ = until(again, action("resume"))
            assert resumed["advisor"] == "Sam"
            assert timers.waiting() == []  # the page came back: the timer is cancelled
            timers.advance(grace)
            again.send_json(MIRROR)
            until(console, lambda f: f["type"] == "cobrowse_mirror")
        # The tab closes for good: nothing ends until the grace period has passed.
        for _ in range(200):
            if timers.waiting():
                break
            console.send_json({"type": "ping"})
            until(console, lambda f: f["type"] == "pong")
        timers.advance(grace - 0.5)
        console.send_json({"type": "ping"})
        _, seen = until(console, lambda f: f["type"] == "pong")
        assert not any(cobrowse("stopped")(f) for f in seen)
        assert cid in cobrowse_.sessions
        timers.advance(0.5)
        stopped, _ = until(console, cobrowse("stopped"))
        assert stopped["reason"] == "tab_closed"
        assert cid not in cobrowse_.sessions
    events = world.app.state.handoff.store.events_after(cid, 0)
    ended = [e.data for e in events if e.kind == "cobrowse"][-1]
    assert (ended["action"], ended["by"], ended["reason"]) == ("stopped", "resident", "tab_closed")
