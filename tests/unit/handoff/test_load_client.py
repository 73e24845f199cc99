"""The load benchmark's client bookkeeping under ``--clients N`` (no benchmark is run here)."""

from __future__ import annotations

import pytest

from benchmarks.handoff_load import ClientProcesses, StampedStats


def test_a_stamped_message_is_measured_by_whichever_process_receives_it() -> None:
    sender, receiver = StampedStats(step=3), StampedStats(step=3)
    client_id = sender.stamped_id("r")
    assert len(client_id) <= 64  # the protocol's client_id limit
    receiver.record(client_id, receiver.to_advisor)
    assert receiver.delivered == 1 and len(receiver.to_advisor) == 1
    assert 0 <= receiver.to_advisor[0] < 60


@pytest.mark.parametrize("client_id", ["r2-123-abc", "a4-123-abc", "r3-x-abc", "", None])
def test_a_message_of_another_step_or_unstamped_is_not_counted(client_id: str | None) -> None:
    stats = StampedStats(step=3)
    stats.record(client_id, stats.to_advisor)
    assert stats.delivered == 0 and stats.to_advisor == []


@pytest.mark.parametrize(("count", "total"), [(1, 7), (3, 7), (3, 2), (4, 600)])
def test_the_chats_are_shared_out_whole_and_evenly(count: int, total: int) -> None:
    shares = ClientProcesses(count).shares(total)
    assert sum(shares) == total and max(shares) - min(shares) <= 1
