"""A whole conversation through the service: bot, queue, advisor, close."""

from __future__ import annotations

from tests.integration.handoff.conftest import is_event, message, receive, until


def test_resident_talks_to_the_bot_with_metadata(world):
    started = world.start(identity_token="verified-token")
    assert started["state"] == "bot" and started["cursor"] == 0
    with world.resident_socket(started) as ws:
        welcome = receive(ws)
        assert welcome["type"] == "welcome" and welcome["last_seq"] == 0
        ws.send_json(message("When is my bin day?", client_id="m-1"))
        ack, _ = until(ws, lambda f: f["type"] == "ack")
        assert ack == {"type": "ack", "client_id": "m-1", "seq": 1, "duplicate": False}
        mine, _ = until(ws, is_event("message", author="resident"))
        assert mine["seq"] == 1 and mine["data"]["client_id"] == "m-1"
        reply, _ = until(ws, is_event("message", author="bot"))
        assert reply["seq"] == 2
        assert reply["data"]["buttons"] == [{"title": "Talk to a person", "payload": "/handoff"}]
        assert reply["data"]["links"][0]["url"].startswith("http")
    sender, text, metadata = world.bot.received[0]
    assert (sender, text) == (started["conversation_id"], "When is my bin day?")
    assert metadata.identity_token == "verified-token"
    assert metadata.page_url == "http://localhost:8000/bins" and metadata.language == "en"


def test_the_widgets_language_with_each_message_goes_to_the_bot(world):
    """The resident pressed Cymraeg on an English chat: the bot hears the widget's
    language with that message, and that they chose it; without one (or a made-up
    one), the conversation's."""
    started = world.start()  # an English page
    sent = (
        {},
        {"language": "cy", "language_chosen": True},
        {"language": "cy"},
        {"language": "fr", "language_chosen": True},
        None,
    )
    with world.resident_socket(started) as ws:
        receive(ws)
        for n, metadata in enumerate(sent):
            extra = {} if metadata is None else {"metadata": metadata}
            ws.send_json(message("ie", client_id=f"m-{n}", **extra))
            until(ws, lambda f, n=n: f.get("type") == "event" and f["seq"] == 2 * n + 2)
    heard = [(m.language, m.language_chosen) for _, _, m in world.bot.received]
    assert heard == [("en", False), ("cy", True), ("cy", False), ("en", False), ("en", False)]
    assert world.bot.received[1][2].as_rasa()["language_chosen"] is True
    assert "language_chosen" not in world.bot.received[2][2].as_rasa()


def test_quick_reply_payload_goes_to_the_bot(world):
    started = world.start()
    with world.resident_socket(started) as ws:
        receive(ws)
        ws.send_json(message("Yes please", payload="/affirm"))
        until(ws, is_event("message", author="bot"))
    assert world.bot.received[0][1] == "/affirm"


def test_no_advisor_available_is_said_honestly(world):
    started = world.start()
    with world.resident_socket(started) as ws:
        receive(ws)
        ws.send_json(message("I want a human"))
        notice, _ = until(ws, is_event("notice", code="no_advisors"))
        assert notice["data"]["can_leave_message"] is True
        ws.send_json(
            {
                "type": "leave_message",
                "client_id": "left-1",
                "text": "Please call me about my bins",
                "contact": "07700 900123",
            }
        )
        case, _ = until(ws, is_event("case_created"))
        reference = case["data"]["reference"]
        assert reference.startswith("BDC-")
        ws.send_json(
            {
                "type": "leave_message",
                "client_id": "left-1",
                "text": "Please call me about my bins",
                "contact": "07700 900123",
            }
        )
        ack, _ = until(ws, lambda f: f["type"] == "ack")
        assert ack["duplicate"] is True
    stored = world.backoffice.cases.get_case(reference)
    assert "07700 900123" in stored.description and "I want a human" in stored.description


def test_escalation_queue_accept_chat_and_close(world):
    sam = world.advisor("sam")
    sam.available()
    started = world.start()
    cid = started["conversation_id"]
    with sam.socket() as console, world.resident_socket(started) as ws:
        assert receive(console)["type"] == "welcome"
        receive(ws)
        ws.send_json(message("I need a human please"))
        state, _ = until(ws, is_event("state", state="waiting"))
        assert state["data"]["reason"] == "bot_handoff"
        queue, _ = until(ws, lambda f: f["type"] == "queue")
        assert queue["position"] == 1 and queue["estimated_wait_seconds"] is not None
        offer, _ = until(console, lambda f: f["type"] == "offer")
        assert offer["conversation_id"] == cid
        assert offer["item"]["summary"] == "Asked: I need a human please"
        detail = sam.post(f"/conversations/{cid}/accept")
        assert detail.status_code == 200, detail.text
        assert detail.json()["state"] == "with_advisor"
        joined, _ = until(ws, is_event("advisor_joined"))
        assert joined["data"] == {"first_name": "Sam"}
        added, _ = until(console, lambda f: f["type"] == "chat_added")
        assert added["chat"]["conversation_id"] == cid
        # the console gets the whole history, including the bot's handoff summary
        handoff, _ = until(console, is_event("handoff"))
        assert handoff["data"]["summary"].startswith("Asked:")
        assert cid in world.bot.paused

        ws.send_json(message("Hello, my bin was missed", client_id="r-2"))
        until(console, is_event("message", author="resident", client_id="r-2"))
        assert sam.get("/conversations").json()["items"][0]["unread"] >= 1
        before = len(world.bot.received)
        assert sam.say(cid, "Sorry to hear that, let me check.").status_code == 200
        said, _ = until(ws, is_event("message", author="advisor"))
        assert said["data"]["author_name"] == "Sam"
        assert len(world.bot.received) == before  # the bot never hears nor speaks now

        note = sam.post(f"/conversations/{cid}/notes", {"client_id": "n-1", "text": "Round B late"})
        assert note.status_code == 200
        until(console, is_event("note"))
        closed = sam.post(f"/conversations/{cid}/close", {"outcome": "resolved"})
        assert closed.json()["state"] == "closed"
        _, before_close = until(ws, is_event("rating_request"))
        assert not any(f.get("kind") == "note" for f in before_close)  # advisors only
        ws.send_json({"type": "rate", "stars": 5, "comment": "Great"})
        until(ws, is_event("rating"))


def test_hand_back_resumes_the_bot(world):
    sam = world.advisor("sam")
    sam.available()
    started = world.start()
    cid = started["conversation_id"]
    with world.resident_socket(started) as ws:
        receive(ws)
        ws.send_json(message("human"))
        until(ws, is_event("state", state="waiting"))
        _wait_for_offer(sam, cid)
        assert sam.post(f"/conversations/{cid}/accept").status_code == 200
        assert (
            sam.post(f"/conversations/{cid}/hand-back", {"note": "sorted"}).json()["state"] == "bot"
        )
        until(ws, is_event("state", state="bot", reason="handed_back"))
        ws.send_json(message("thanks bot"))
        until(ws, is_event("message", author="bot", text="You said: thanks bot"))
    assert (cid, "resume") in world.bot.events


def _wait_for_offer(advisor, cid, tries=100):
    import time

    for _ in range(tries):
        items = advisor.get("/conversations").json()["items"]
        if any(i["conversation_id"] == cid for i in items):
            return
        time.sleep(0.05)
    raise AssertionError("no offer arrived")


class _Console:
    """What the refresher needs of a console connection: its state and its frames."""

    def __init__(self, staff):  # type: ignore[no-untyped-def]
        self.state = {"staff": staff}
        self.frames: list[dict] = []

    def send(self, frame: dict) -> bool:
        self.frames.append(frame)
        return True


def test_an_offer_newer_than_the_queue_snapshot_still_carries_its_queue_item(world):
    """Dispatch can offer a chat between the refresher's queue snapshot and its read of
    the advisor's chats (seen in CI under load: the offer went out with ``item: null``).
    The refresher takes a new snapshot instead of announcing an offer it cannot show."""
    from handoff.views import Staff

    sam = world.advisor("sam")
    sam.available()
    refresher = world.app.state.live.refresher
    stale = world.client.portal.call(refresher.snapshot)  # before the resident queued
    started = world.start()
    cid = started["conversation_id"]
    with world.resident_socket(started) as ws:
        receive(ws)
        ws.send_json(message("I need a human please"))
        until(ws, is_event("state", state="waiting"))
        _wait_for_offer(sam, cid)
    assert cid not in {c.id for c in stale.waiting}
    console = _Console(Staff(sam.user_id, "Sam Okafor"))

    async def refresh() -> None:
        await refresher.refresh_advisor(console, stale)  # type: ignore[arg-type]

    world.client.portal.call(refresh)
    offer = next(f for f in console.frames if f["type"] == "offer")
    assert offer["conversation_id"] == cid
    assert offer["item"]["conversation_id"] == cid and offer["item"]["offered_to_me"] is True
    assert offer["item"]["summary"] == "Asked: I need a human please"
    queue = next(f for f in console.frames if f["type"] == "queue")
    assert cid in {item["conversation_id"] for item in queue["items"]}
