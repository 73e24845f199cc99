import pytest

from handoff.exceptions import IllegalTransition
from handoff.states import Reason, State, bot_may_speak, can_transition, transition


@pytest.mark.parametrize(
    ("current", "target", "reason"),
    [
        (State.BOT, State.WAITING, Reason.BOT_HANDOFF),
        (State.BOT, State.WAITING, Reason.RESIDENT_REQUEST),
        (State.WAITING, State.WITH_ADVISOR, Reason.ACCEPTED),
        (State.WAITING, State.BOT, Reason.LEFT_QUEUE),
        (State.WAITING, State.BOT, Reason.LEFT_MESSAGE),
        (State.WITH_ADVISOR, State.BOT, Reason.HANDED_BACK),
        (State.WITH_ADVISOR, State.WAITING, Reason.TRANSFERRED),
        (State.WITH_ADVISOR, State.WAITING, Reason.ADVISOR_LOST),
        (State.WITH_ADVISOR, State.CLOSED, Reason.CLOSED_BY_ADVISOR),
        (State.BOT, State.CLOSED, Reason.CLOSED_BY_RESIDENT),
    ],
)
def test_allowed_transitions(current, target, reason):
    assert transition(current, target, reason) is target


@pytest.mark.parametrize(
    ("current", "target", "reason"),
    [
        (State.BOT, State.WITH_ADVISOR, Reason.ACCEPTED),  # must queue first
        (State.CLOSED, State.BOT, Reason.HANDED_BACK),  # closed is terminal
        (State.CLOSED, State.WAITING, Reason.RESIDENT_REQUEST),
        (State.WAITING, State.WAITING, Reason.TRANSFERRED),
        (State.BOT, State.WAITING, Reason.ACCEPTED),  # right target, wrong reason
        (State.WITH_ADVISOR, State.WITH_ADVISOR, Reason.ACCEPTED),
    ],
)
def test_illegal_transitions_raise(current, target, reason):
    assert not can_transition(current, target, reason)
    with pytest.raises(IllegalTransition) as caught:
        transition(current, target, reason)
    assert caught.value.code == "illegal_transition"
    assert current.value in caught.value.message


def test_transition_accepts_strings_from_storage():
    assert transition("waiting", "with_advisor", "accepted") is State.WITH_ADVISOR


def test_only_the_bot_state_lets_the_bot_speak():
    assert bot_may_speak("bot")
    assert not any(bot_may_speak(s) for s in (State.WAITING, State.WITH_ADVISOR, State.CLOSED))
