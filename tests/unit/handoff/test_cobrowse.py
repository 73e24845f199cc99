"""Co-browse frames, the byte budget and the outbox's bulk lane, without sockets."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from frontdoor.exceptions import ConfigurationError
from handoff import protocol
from handoff.cobrowse import ByteBudget, Cobrowse, widget_settings
from handoff.delivery import Audience, Event, Kind
from handoff.exceptions import InvalidFrame
from handoff.hub import Outbox
from handoff.settings import HandoffSettings

CID = "a" * 32
# fixed, random-looking test secrets (the settings refuse obviously weak ones)
SECRETS = {
    "FRONTDOOR_SECRET_KEY": "Qm9yZWQgb2YgdGhlIHNhbWUgc2VjcmV0PyBIZXJlIGlzIGFub3RoZXI",
    "FRONTDOOR_IDENTITY_SIGNING_KEY": "aWRlbnRpdHkgc2lnbmluZyBrZXkgZm9yIHRoZSB1bml0IHRlc3Rz",
    "FRONTDOOR_BOT_SECRET": "Ym90IHNlY3JldCBmb3IgdGhlIHVuaXQgdGVzdHMgb2YgY29icm93c2U",
}


def parse(frame: dict, role: protocol.Role = "resident") -> protocol.Frame:
    return protocol.parse_frame(json.dumps(frame), role)


def test_resident_frames_parse_and_are_checked() -> None:
    assert parse({"type": "cobrowse_consent", "allow": True}) == protocol.CobrowseConsent(True)
    assert parse({"type": "cobrowse_stop"}) == protocol.CobrowseStop()
    assert parse({"type": "cobrowse_too_large", "size": 3_000_000}).size == 3_000_000
    mirror = parse({"type": "cobrowse_mirror", "batch": 4, "part": 1, "parts": 2, "data": "[]"})
    assert mirror == protocol.CobrowseMirror(4, 1, 2, "[]")
    bad = [
        {"type": "cobrowse_consent"},
        {"type": "cobrowse_mirror", "batch": 1, "part": 2, "parts": 2, "data": "x"},
        {"type": "cobrowse_mirror", "batch": 1, "part": 0, "parts": 0, "data": "x"},
        {"type": "cobrowse_mirror", "batch": 1, "part": 0, "parts": 1, "data": ""},
        {"type": "cobrowse_mirror", "batch": -1, "part": 0, "parts": 1, "data": "x"},
        {"type": "cobrowse_request"},  # an advisor's frame
        {"type": "cobrowse_guide", "kind": "point", "x": 1, "y": 1},
    ]
    for frame in bad:
        with pytest.raises(InvalidFrame):
            parse(frame)


def test_a_mirror_chunk_has_a_limit_under_the_frame_limit() -> None:
    data = "x" * (protocol.MIRROR_CHUNK_CHARS + 1)
    with pytest.raises(InvalidFrame):
        parse({"type": "cobrowse_mirror", "batch": 1, "part": 0, "parts": 1, "data": data})
    assert protocol.MIRROR_CHUNK_CHARS < protocol.MAX_FRAME_BYTES


def test_advisor_frames_name_the_chat_and_guides_are_checked() -> None:
    assert parse({"type": "cobrowse_request", "conversation_id": CID}, "advisor") == (
        protocol.CobrowseRequest(CID)
    )
    assert parse({"type": "cobrowse_snapshot", "conversation_id": CID}, "advisor").conversation_id
    guide = parse(
        {"type": "cobrowse_guide", "conversation_id": CID, "kind": "point", "x": 10, "y": 2.5},
        "advisor",
    )
    assert guide == protocol.CobrowseGuide("point", None, 10.0, 2.5, "", CID)
    highlight = parse(
        {"type": "cobrowse_guide", "conversation_id": CID, "kind": "highlight", "node": 7,
         "label": "  Pay here "},
        "advisor",
    )  # fmt: skip
    assert highlight.node == 7 and highlight.label == "Pay here"
    bad = [
        {"type": "cobrowse_request"},
        {"type": "cobrowse_guide", "conversation_id": CID, "kind": "highlight"},
        {"type": "cobrowse_guide", "conversation_id": CID, "kind": "highlight", "node": True},
        {"type": "cobrowse_guide", "conversation_id": CID, "kind": "point", "x": "1", "y": 1},
        {"type": "cobrowse_guide", "conversation_id": CID, "kind": "clear", "label": "x" * 81},
        {"type": "cobrowse_mirror", "conversation_id": CID, "batch": 1, "part": 0, "parts": 1,
         "data": "x"},
    ]  # fmt: skip
    for frame in bad:
        with pytest.raises(InvalidFrame):
            parse(frame, "advisor")


def test_the_byte_budget_refills_each_second() -> None:
    budget = ByteBudget(1000)
    assert budget.take(600, now=10.0)
    assert not budget.take(500, now=10.5)
    assert budget.take(400, now=10.9)
    assert budget.take(1000, now=11.0)


def test_council_selectors_reach_the_widget_and_nonsense_is_refused() -> None:
    settings = HandoffSettings.load(
        {
            "FRONTDOOR_ENVIRONMENT": "test",
            **SECRETS,
            "FRONTDOOR_HANDOFF_COBROWSE_MASK_SELECTORS": ".nino, #dob",
            "FRONTDOOR_HANDOFF_COBROWSE_PRIVATE_BY_DEFAULT": "true",
        }
    )
    sent = widget_settings(settings)
    assert sent["mask_selectors"] == [".nino", "#dob"]
    assert sent["block_selectors"] == ["iframe"] and sent["private"] is True
    with pytest.raises(ConfigurationError, match="not a CSS selector"):
        HandoffSettings.load(
            {
                "FRONTDOOR_ENVIRONMENT": "test",
                **SECRETS,
                "FRONTDOOR_HANDOFF_COBROWSE_BLOCK_SELECTORS": "p{color:red}",
            }
        )


async def test_chat_frames_overtake_waiting_mirror_frames_and_the_lane_is_bounded() -> None:
    sent: list[str] = []

    async def send(text: str) -> None:
        sent.append(json.loads(text)["type"])

    async def close(code: int, reason: str) -> None:
        sent.append(f"closed {code}")

    outbox = Outbox(send, close, bulk_bytes=200)
    assert outbox.put_bulk({"type": "cobrowse_mirror", "data": "x" * 50})
    assert outbox.put_bulk({"type": "cobrowse_mirror", "data": "y" * 50})
    assert not outbox.put_bulk({"type": "cobrowse_mirror", "data": "z" * 100})  # lane full
    outbox.put({"type": "event"})
    outbox.put({"type": "ack"})
    outbox.close_with(1012, "restart")
    await asyncio.wait_for(outbox.run(), timeout=5)
    # conversation frames first; the close follows them, whatever bulk is left
    assert sent == ["event", "ack", "closed 1012"]
    assert not outbox.put_bulk({"type": "cobrowse_mirror", "data": "late"})


async def test_bulk_frames_are_sent_when_nothing_else_waits() -> None:
    sent: list[str] = []

    async def send(text: str) -> None:
        sent.append(json.loads(text)["type"])

    async def close(code: int, reason: str) -> None:
        pass

    outbox = Outbox(send, close)
    writer = asyncio.create_task(outbox.run())
    outbox.put_bulk({"type": "cobrowse_mirror"})
    for _ in range(5):
        await asyncio.sleep(0)
    assert sent == ["cobrowse_mirror"] and outbox.bulk_queued == 0
    outbox.stop()
    await asyncio.wait_for(writer, timeout=5)


class Place:
    """One instance's side of the relay: its sockets, and what it publishes."""

    def __init__(self) -> None:
        self.published: list[dict] = []
        self.resident: list[dict] = []
        self.advisor: list[dict] = []
        self.lane_open = True
        resident = SimpleNamespace(audience=Audience.ALL, send=self.resident.append)
        outbox = SimpleNamespace(put_bulk=self.put_bulk)
        self.hub = SimpleNamespace(
            channels={CID: SimpleNamespace(connections=[resident])},
            advisors={7: [SimpleNamespace(outbox=outbox)]},
            to_advisor=lambda user_id, frame: self.advisor.append(frame),
        )

    def put_bulk(self, frame: dict) -> bool:
        if self.lane_open:
            self.advisor.append(frame)
        return self.lane_open

    async def publish(self, message: dict) -> None:
        self.published.append(message)


def relay_cobrowse(place: Place) -> Cobrowse:
    settings = HandoffSettings.load({"FRONTDOOR_ENVIRONMENT": "test", **SECRETS})
    handoff = SimpleNamespace(
        hub=place.hub,
        waker=SimpleNamespace(publish=place.publish, shared=False),
        store=SimpleNamespace(clock=lambda: datetime(2026, 12, 6, 9, 0, tzinfo=UTC)),
    )
    return Cobrowse(handoff, settings, monotonic=lambda: 100.0)  # type: ignore[arg-type]


async def test_relayed_steps_keep_a_replica_and_mirror_frames_reach_the_advisors_lane() -> None:
    place = Place()
    cobrowse = relay_cobrowse(place)
    state = {"k": "cb", "op": "s", "c": CID, "u": 7, "n": "Sam", "sharing": False}
    await cobrowse.on_relay(state)
    frame = {"type": "cobrowse_mirror", "conversation_id": CID, "batch": 1, "data": "[]"}
    await cobrowse.on_relay({"op": "m", "c": CID, "u": 7, "f": frame})
    assert place.advisor == []  # asked, not yet allowed: nothing is shown
    await cobrowse.on_relay({**state, "sharing": True, "started": 2.5})
    session = cobrowse.sessions[CID]
    assert session.sharing and session.advisor_name == "Sam"
    assert session.started_at == datetime(2026, 12, 6, 9, 0, 2, 500000, tzinfo=UTC)
    await cobrowse.on_relay({"op": "m", "c": CID, "u": 7, "f": frame})
    assert place.advisor == [frame]
    # The advisor's lane is full here: the recorder's instance is asked for a snapshot.
    place.lane_open = False
    await cobrowse.on_relay({"op": "m", "c": CID, "u": 7, "f": frame})
    assert place.published == [{"k": "cb", "op": "full", "c": CID}]
    # ... and the instance with the resident's socket asks the recorder, once per interval.
    await cobrowse.on_relay({"op": "full", "c": CID})
    await cobrowse.on_relay({"op": "full", "c": CID})
    assert place.resident == [{"type": "cobrowse", "action": "snapshot"}]
    # Frames for either side, from the instance where a step happened.
    await cobrowse.on_relay({"op": "r", "c": CID, "f": {"type": "cobrowse", "action": "x"}})
    await cobrowse.on_relay({"op": "a", "c": CID, "u": 7, "f": {"type": "cobrowse"}})
    assert place.resident[-1]["action"] == "x" and place.advisor[-1] == {"type": "cobrowse"}
    # The resident came back on another instance: this one's grace timer is cancelled.
    cancelled: list[bool] = []
    session.grace = SimpleNamespace(cancel=lambda: cancelled.append(True))
    await cobrowse.on_relay({"op": "here", "c": CID})
    assert cancelled == [True] and session.grace is None
    # Stopped elsewhere: forgotten here, and a late mirror frame is dropped.
    session.grace = SimpleNamespace(cancel=lambda: cancelled.append(True))
    await cobrowse.on_relay({"op": "x", "c": CID})
    assert CID not in cobrowse.sessions and cancelled == [True, True]
    place.lane_open = True
    await cobrowse.on_relay({"op": "m", "c": CID, "u": 7, "f": frame})
    assert place.advisor[-1] == {"type": "cobrowse"}
    await cobrowse.on_relay({"op": "nonsense", "c": CID})  # ignored


def cobrowse_event(seq: int, action: str, **data: object) -> Event:
    return Event(CID, seq, Kind.COBROWSE, {"action": action, "by": "advisor", **data}, AT)


async def test_an_end_read_from_the_store_ends_this_instances_copy_once() -> None:
    place = Place()
    cobrowse = relay_cobrowse(place)
    state = {"k": "cb", "op": "s", "c": CID, "u": 7, "n": "Sam", "sharing": True, "q": 5}
    await cobrowse.on_relay(state)
    # an older session's end, or another kind of event: this session carries on
    cobrowse.ended_elsewhere([cobrowse_event(4, "stopped", reason="advisor_stopped")])
    cobrowse.ended_elsewhere([Event(CID, 6, Kind.MESSAGE, {"text": "hello"}, AT)])
    assert CID in cobrowse.sessions and place.resident == []
    # its own end, recorded on another instance whose wake-up never came
    cobrowse.ended_elsewhere([cobrowse_event(9, "stopped", reason="advisor_stopped")])
    assert CID not in cobrowse.sessions
    stopped = {"type": "cobrowse", "action": "stopped", "reason": "advisor_stopped"}
    assert place.resident == [stopped]
    assert place.advisor == [{**stopped_for_advisor, "reason": "advisor_stopped"}]
    # the late wake-up of the same end tells nobody twice
    await cobrowse.on_relay({"op": "x", "c": CID, "q": 5, "fr": stopped, "fa": {"x": 1}})
    assert len(place.resident) == 1 and len(place.advisor) == 1


async def test_a_new_request_replaces_a_copy_whose_end_was_missed() -> None:
    place = Place()
    cobrowse = relay_cobrowse(place)
    state = {"k": "cb", "op": "s", "c": CID, "u": 7, "n": "Sam", "sharing": True, "q": 5}
    await cobrowse.on_relay(state)
    await cobrowse.on_relay({**state, "sharing": False, "q": 12})
    session = cobrowse.sessions[CID]
    assert session.seq == 12 and not session.sharing
    # the old session's end arrives late: the new one is not touched
    await cobrowse.on_relay({"op": "x", "c": CID, "q": 5, "fr": {"type": "cobrowse"}})
    assert cobrowse.sessions[CID] is session and place.resident == []


AT = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
stopped_for_advisor = {"type": "cobrowse", "conversation_id": CID, "state": "stopped"}
