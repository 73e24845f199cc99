"""The conversation state machine: who is in charge of a conversation.

``bot`` → ``waiting`` → ``with_advisor`` → (``bot`` | ``waiting`` | ``closed``).
Pure: no I/O. Every state change in the service goes through :func:`transition`,
so an illegal move raises before anything is stored.
"""

from __future__ import annotations

from enum import StrEnum

from handoff.exceptions import IllegalTransition


class State(StrEnum):
    BOT = "bot"
    WAITING = "waiting"
    WITH_ADVISOR = "with_advisor"
    CLOSED = "closed"


class Reason(StrEnum):
    """Why a conversation changed state (stored with the ``state`` event)."""

    BOT_HANDOFF = "bot_handoff"  # the bot's action escalated
    RESIDENT_REQUEST = "resident_request"  # the resident asked for a person
    LEFT_QUEUE = "left_queue"
    LEFT_MESSAGE = "left_message"
    ACCEPTED = "accepted"
    TRANSFERRED = "transferred"  # to another team: back in a queue
    ADVISOR_LOST = "advisor_lost"  # the advisor's connection dropped
    ADVISOR_BACK = "advisor_back"  # ... and they came back before anyone else took it
    HANDED_BACK = "handed_back"
    CLOSED_BY_ADVISOR = "closed_by_advisor"
    CLOSED_BY_RESIDENT = "closed_by_resident"
    EXPIRED = "expired"


# state -> {target: reasons allowed for that move}
_ALLOWED: dict[State, dict[State, frozenset[Reason]]] = {
    State.BOT: {
        State.WAITING: frozenset({Reason.BOT_HANDOFF, Reason.RESIDENT_REQUEST}),
        State.CLOSED: frozenset({Reason.CLOSED_BY_RESIDENT, Reason.EXPIRED}),
    },
    State.WAITING: {
        State.WITH_ADVISOR: frozenset({Reason.ACCEPTED, Reason.ADVISOR_BACK}),
        State.BOT: frozenset({Reason.LEFT_QUEUE, Reason.LEFT_MESSAGE}),
        State.CLOSED: frozenset({Reason.CLOSED_BY_RESIDENT, Reason.EXPIRED}),
    },
    State.WITH_ADVISOR: {
        State.WAITING: frozenset({Reason.TRANSFERRED, Reason.ADVISOR_LOST}),
        State.BOT: frozenset({Reason.HANDED_BACK}),
        State.CLOSED: frozenset(
            {Reason.CLOSED_BY_ADVISOR, Reason.CLOSED_BY_RESIDENT, Reason.EXPIRED}
        ),
    },
    State.CLOSED: {},
}


def can_transition(current: State, target: State, reason: Reason) -> bool:
    return reason in _ALLOWED[current].get(target, frozenset())


def transition(current: State | str, target: State | str, reason: Reason | str) -> State:
    """Return ``target`` if ``current → target`` is allowed for ``reason``; raise otherwise."""
    current, target, reason = State(current), State(target), Reason(reason)
    if not can_transition(current, target, reason):
        raise IllegalTransition(current.value, target.value, reason.value)
    return target


def bot_may_speak(state: State | str) -> bool:
    """The bot answers only while it is in charge."""
    return State(state) is State.BOT


def accepts_resident_messages(state: State | str) -> bool:
    return State(state) is not State.CLOSED
