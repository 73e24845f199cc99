"""Co-browse frames, the byte budget and the outbox's bulk lane, without sockets."""

from __future__ import annotations

import asyncio
import json

import pytest

from frontdoor.exceptions import ConfigurationError
from handoff import protocol
from handoff.cobrowse import ByteBudget, widget_settings
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
