"""How benchmarks/handoff_faults.py counts what a client received twice or out of order."""

from __future__ import annotations

from benchmarks.handoff_faults import repeats


def test_a_clean_stream_has_nothing_to_count() -> None:
    assert repeats([1, 2, 3, 4], []) == (0, 0, 0)


def test_an_event_twice_on_one_connection_is_a_duplicate_and_out_of_order() -> None:
    assert repeats([1, 2, 3, 2, 4], []) == (1, 0, 1)


def test_what_arrived_during_a_transcript_fetch_comes_again_as_a_replay() -> None:
    # 3 and 4 arrived while the console fetched the transcript (which ended at 2); the
    # reload ended at position 4, and the resume from seq 2 sent 3 and 4 again.
    assert repeats([1, 2, 3, 4, 3, 4, 5], [4]) == (0, 2, 0)


def test_a_reload_does_not_excuse_a_copy_that_came_after_it_twice() -> None:
    # the reload ended before either copy of 5 arrived: still a duplicate
    assert repeats([1, 2, 3, 5, 5], [2]) == (1, 0, 1)


def test_a_reload_before_the_first_copy_does_not_make_the_second_a_replay() -> None:
    assert repeats([1, 2, 2], [1]) == (1, 0, 1)
