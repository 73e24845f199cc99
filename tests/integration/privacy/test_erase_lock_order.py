"""An erasure locks a resident's conversations before their rows in other tables.

The handoff service locks a conversation, then writes its events and assignments
(``handoff/store/sql.py``, the lock order). An erasure used to delete the chat's
assignments first and the conversation last: with an advisor answering in the chat
meanwhile, the erasure held the assignment and waited for the conversation while the
advisor's write held the conversation and waited for the assignment (PostgreSQL).
Here they really run at once, on two connections: the erasure pauses after its first
lock on either table until the advisor's write is seen waiting for it.
"""

from __future__ import annotations

import pytest

from handoff import assignment
from handoff.assignment import Actor
from handoff.delivery import Kind
from handoff.exceptions import NotFound
from handoff.store import SqlStore
from privacy.store import Identity, SubjectStore
from tests.contract.handoff_kit import Kit
from tests.integration.handoff.test_lock_order import (
    SAM,
    Interleaving,
    chat_with,
    kit,
    locks_a_conversation_row,
)

__all__ = ["kit"]  # the fixture, shared with the handoff lock-order tests


def locks_a_conversation_or_its_assignments(statement: str) -> bool:
    said = statement.lstrip().upper()
    return locks_a_conversation_row(statement) or said.startswith("DELETE FROM HO_ASSIGNMENTS")


def test_erasure_and_an_advisors_write_lock_one_chat_without_deadlock(kit: Kit) -> None:
    assert isinstance(kit.store, SqlStore)
    chat = chat_with(kit, SAM)

    def advisor_answers() -> None:
        assignment.advisor_write(
            kit.store, chat, Actor(SAM, "Sam"), kind=Kind.MESSAGE, client_id="a1", text="Hello"
        )

    interleaving = Interleaving(
        kit.store,
        advisor_answers,
        pauses_after=locks_a_conversation_or_its_assignments,
        name="advisor",
    )
    subject = Identity(set(), set(), set(), set(), {chat})
    with interleaving.installed():
        try:
            removed = SubjectStore(kit.store.engine).erase(subject)
        except BaseException as exc:  # reported with the other thread's below
            interleaving.errors["erasure"] = exc

    assert interleaving.fired
    raised = {k: type(getattr(e, "orig", e)).__name__ for k, e in interleaving.errors.items()}
    # the chat is gone by the time the advisor's write gets to it
    assert raised == {"advisor": "NotFound"}
    assert removed["conversations"] == 1
    with pytest.raises(NotFound):
        kit.store.get(chat)
