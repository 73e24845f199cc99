from datetime import UTC, datetime

import pytest

from handoff.delivery import (
    Audience,
    ChannelBuffer,
    CursorVerdict,
    Event,
    GapError,
    Kind,
    Subscription,
    audience_of,
    iso,
    judge_cursor,
)

AT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def event(seq, kind="message", cid="c" * 32):
    return Event(cid, seq, kind, {"text": str(seq)}, AT, audience=audience_of(kind))


def test_cursor_verdicts():
    assert judge_cursor(0, 0) is CursorVerdict.REPLAY
    assert judge_cursor(5, 9) is CursorVerdict.REPLAY
    assert judge_cursor(9, 9) is CursorVerdict.REPLAY
    assert judge_cursor(10, 9) is CursorVerdict.UNKNOWN
    assert judge_cursor(0, 1001, window=1000) is CursorVerdict.EXPIRED
    assert judge_cursor(1, 1001, window=1000) is CursorVerdict.REPLAY


def test_subscription_sends_in_order_and_once():
    sub = Subscription("c" * 32, Audience.ALL, sent_seq=2)
    assert [e.seq for e in sub.take([event(1), event(2), event(3), event(4)])] == [3, 4]
    assert sub.take([event(4)]) == []
    assert sub.sent_seq == 4


def test_resident_skips_advisor_only_events_but_moves_past_them():
    sub = Subscription("c" * 32, Audience.ALL, sent_seq=0)
    sent = sub.take([event(1), event(2, Kind.NOTE), event(3)])
    assert [e.seq for e in sent] == [1, 3]
    assert sub.sent_seq == 3
    advisor = Subscription("c" * 32, Audience.ADVISORS, sent_seq=0)
    assert [e.seq for e in advisor.take([event(1), event(2, Kind.NOTE)])] == [1, 2]


def test_a_gap_is_an_error_never_a_skip():
    sub = Subscription("c" * 32, Audience.ALL, sent_seq=1)
    with pytest.raises(GapError):
        sub.take([event(3)])
    assert sub.sent_seq == 1


def test_channel_buffer_accepts_the_next_event_only():
    buffer = ChannelBuffer(head=3, capacity=4)
    assert buffer.offer(event(4))
    assert not buffer.offer(event(6))  # 5 is missing: read from the store
    assert buffer.head == 4
    buffer.extend([event(5), event(6)])
    assert [e.seq for e in buffer.after(4)] == [5, 6]
    assert buffer.after(2) is None  # before what memory holds
    assert buffer.after(6) == []
    for seq in range(7, 12):
        buffer.offer(event(seq))
    assert buffer.after(6) is None  # trimmed to capacity
    assert [e.seq for e in buffer.after(8)] == [9, 10, 11]


@pytest.mark.parametrize("cursor", range(0, 14))
def test_channel_buffer_after_is_every_held_event_past_the_cursor(cursor: int) -> None:
    buffer = ChannelBuffer(head=0, capacity=5)
    buffer.extend([event(seq) for seq in range(1, 13)])  # holds 8-12
    found = buffer.after(cursor)
    if cursor < 7:  # 8 is the oldest held: anything before it is read from the store
        assert found is None
    else:
        assert found is not None
        assert [e.seq for e in found] == list(range(cursor + 1, 13))


def test_event_frame_shape():
    frame = event(7).frame()
    assert frame == {
        "type": "event",
        "seq": 7,
        "conversation_id": "c" * 32,
        "kind": "message",
        "at": "2026-03-01T09:30:00.000Z",
        "data": {"text": "7"},
    }
    assert iso(datetime(2026, 3, 1, 9, 30)) == "2026-03-01T09:30:00.000Z"
