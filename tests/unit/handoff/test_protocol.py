import json

import pytest

from handoff import protocol
from handoff.exceptions import FrameTooLarge, InvalidFrame, Throttled


def frame(**fields):
    return json.dumps(fields)


def test_message_frame():
    parsed = protocol.parse_frame(frame(type="message", client_id="c-1", text=" hello "))
    assert parsed == protocol.Message(client_id="c-1", text="hello")


def test_quick_reply_carries_payload():
    parsed = protocol.parse_frame(
        frame(type="message", client_id="c-2", text="Yes", payload="/affirm")
    )
    assert parsed.payload == "/affirm"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not json", "invalid_json"),
        ("[1,2]", "invalid_frame"),
        (frame(type="dance"), "unknown_type"),
        (frame(type="message", text="hi"), "invalid_frame"),  # no client_id
        (frame(type="message", client_id="c", text="   "), "invalid_frame"),
        (frame(type="message", client_id="bad id!", text="x"), "invalid_frame"),
        (frame(type="ack", seq=-1), "invalid_frame"),
        (frame(type="ack", seq=True), "invalid_frame"),
        (frame(type="rate", stars=6), "invalid_frame"),
    ],
)
def test_bad_frames_raise_invalid_frame_with_a_code(raw, code):
    with pytest.raises(InvalidFrame) as caught:
        protocol.parse_frame(raw)
    assert caught.value.code == code


def test_frames_over_16k_are_too_large():
    big = frame(type="message", client_id="c", text="x" * 17000)
    with pytest.raises(FrameTooLarge):
        protocol.parse_frame(big)
    protocol.check_size("é" * 8192)  # exactly 16 KB of UTF-8 is allowed
    with pytest.raises(FrameTooLarge):
        protocol.check_size("é" * 8193)


def test_text_longer_than_limit_is_refused():
    with pytest.raises(InvalidFrame):
        protocol.parse_frame(frame(type="message", client_id="c", text="x" * 4001))


def test_advisor_frames_name_a_conversation():
    cid = "a" * 32
    parsed = protocol.parse_frame(
        frame(
            type="message",
            conversation_id=cid,
            client_id="m1",
            text="hi",
            links=[{"title": "Bins", "url": "https://x.gov.uk/bins"}],
        ),
        role="advisor",
    )
    assert parsed.conversation_id == cid
    assert parsed.links == ({"title": "Bins", "url": "https://x.gov.uk/bins"},)
    with pytest.raises(InvalidFrame):
        protocol.parse_frame(frame(type="typing", on=True), role="advisor")
    with pytest.raises(InvalidFrame) as caught:
        protocol.parse_frame(frame(type="request_human"), role="advisor")
    assert caught.value.code == "unknown_type"


def test_links_must_be_http():
    with pytest.raises(InvalidFrame):
        protocol.parse_frame(
            frame(
                type="message",
                conversation_id="a" * 32,
                client_id="m",
                text="x",
                links=[{"title": "x", "url": "javascript:alert(1)"}],
            ),
            role="advisor",
        )


def test_resume_frames():
    assert protocol.parse_frame(frame(type="resume", cursor=7)) == protocol.Resume({None: 7})
    cid = "b" * 32
    parsed = protocol.parse_frame(frame(type="resume", cursors={cid: 3}), role="advisor")
    assert parsed == protocol.Resume({cid: 3})


def test_cursor_params():
    assert protocol.parse_cursor_param(None) == 0
    assert protocol.parse_cursor_param("12") == 12
    with pytest.raises(InvalidFrame):
        protocol.parse_cursor_param("-1")
    cid = "c" * 32
    assert protocol.parse_cursors_param(f"{cid}:4") == {cid: 4}
    with pytest.raises(InvalidFrame):
        protocol.parse_cursors_param("nope:4")


def test_rate_limiter_allows_20_in_10_seconds_then_throttles():
    limiter = protocol.RateLimiter()
    for i in range(20):
        limiter.check(100.0 + i * 0.1)
    with pytest.raises(Throttled) as caught:
        limiter.check(102.5)
    assert 0 < caught.value.retry_after <= 10
    limiter.check(110.05)  # the first frame has left the window


def test_refused_frames_do_not_extend_the_throttle():
    limiter = protocol.RateLimiter(limit=2, window=10)
    limiter.check(0)
    limiter.check(1)
    for t in (2, 3, 4):
        with pytest.raises(Throttled):
            limiter.check(t)
    limiter.check(10.5)


def test_heartbeat():
    beat = protocol.Heartbeat(now=0, interval=25)
    assert not beat.ping_due(10)
    assert beat.ping_due(25)
    beat.sent(25)
    assert not beat.ping_due(30)
    assert not beat.timed_out(75)
    assert beat.timed_out(76)
    beat.received(70)
    assert not beat.timed_out(100)


def test_encode_is_compact_utf8():
    assert protocol.encode({"type": "pong"}) == '{"type":"pong"}'
    assert protocol.encode({"t": "Croeso 👋"}) == '{"t":"Croeso 👋"}'


def test_frame_limiter_gives_each_conversation_its_own_window():
    limiter = protocol.FrameLimiter(limit=2, window=10, overall=5)
    limiter.check(0, "a")
    limiter.check(0.1, "a")
    with pytest.raises(Throttled):
        limiter.check(0.2, "a")  # the busy chat is throttled
    limiter.check(0.3, "b")  # the quiet one is not
    limiter.check(0.4, "b")
    limiter.check(0.5, None)  # frames naming no chat share a window
    with pytest.raises(Throttled):
        limiter.check(0.6, "c")  # five in the window: the connection's ceiling
    limiter.check(10.5, "c")  # the refusal did not count against "c"


def test_frame_limiter_forgets_idle_windows_but_not_busy_ones():
    limiter = protocol.FrameLimiter(limit=1, window=10)
    limiter.check(0, "busy")
    for index in range(protocol.FrameLimiter.KEEP):
        limiter.check(20 + index * 0.001, f"chat-{index}")  # "busy" has gone quiet: dropped
    limiter.check(20.5, "busy")
    with pytest.raises(Throttled):
        limiter.check(20.6, "busy")  # a live window survives the clean-up


def test_throttled_frames_say_why():
    assert protocol.throttled_frame(2.0, "m1")["reason"] == "throttled"
    assert protocol.throttled_frame(2.0, "m1", "busy") == {
        "type": "throttled",
        "retry_after": 2.0,
        "client_id": "m1",
        "reason": "busy",
    }


def test_a_card_number_is_masked_on_arrival_and_feedback_is_redacted() -> None:
    import json as _json

    from handoff.protocol import parse_frame

    frame = parse_frame(
        _json.dumps(
            {"type": "message", "client_id": "c1", "text": "it's 4111 1111 1111 1111, 07700 900123"}
        ),
        role="resident",
    )
    assert frame.text == "it's [card number], 07700 900123"  # type: ignore[union-attr]
    rated = parse_frame(
        _json.dumps({"type": "rate", "stars": 4, "comment": "ring me on 07700 900123"}),
        role="resident",
    )
    assert rated.comment == "ring me on [phone number]"  # type: ignore[union-attr]


def test_a_refunded_frame_leaves_the_window_and_the_ceiling_as_they_were():
    limiter = protocol.FrameLimiter(limit=2, window=10, overall=3)
    limiter.check(0.0, "a")
    limiter.check(0.1, "a")
    limiter.refund("a")  # shed by the server: not the sender's doing
    limiter.check(0.2, "a")
    limiter.check(0.3, "b")
    with pytest.raises(Throttled):
        limiter.check(0.4, "b")  # the ceiling of 3 holds a, a, b


@pytest.mark.parametrize(
    ("raw", "too_big"),
    [
        ("x" * protocol.MAX_FRAME_BYTES, False),  # long in characters, within in bytes
        ("x" * (protocol.MAX_FRAME_BYTES + 1), True),
        ("é" * (protocol.MAX_FRAME_BYTES // 2), False),
        ("é" * (protocol.MAX_FRAME_BYTES // 2 + 1), True),
        ("😀" * (protocol.MAX_FRAME_BYTES // 4), False),  # four bytes a character
        ("😀" * (protocol.MAX_FRAME_BYTES // 4 + 1), True),
        (b"x" * protocol.MAX_FRAME_BYTES, False),
        (b"x" * (protocol.MAX_FRAME_BYTES + 1), True),
    ],
)
def test_the_size_check_counts_utf8_bytes_without_copying_short_frames(raw, too_big):
    assert protocol.too_big(raw) is too_big


def test_one_shared_encoder_writes_frames_as_before():
    frame_ = {"type": "event", "data": {"text": "Diolch, café", "n": [1, None, True]}}
    assert protocol.encode(frame_) == json.dumps(frame_, separators=(",", ":"), ensure_ascii=False)
