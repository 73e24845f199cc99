"""Group commit on the memory store: the GroupWriter asks a store only for
``transaction()``, ``Tx.part()`` and ``serial_writers``, so the use cases' twin
batches writes the way SQLite and PostgreSQL do (tests/integration/handoff/test_group_commit.py)."""

from __future__ import annotations

import asyncio

from handoff import lifecycle
from handoff.exceptions import ConversationClosed
from handoff.groupcommit import GroupWriter
from handoff.store import MemoryStore
from tests.contract.handoff_kit import memory_kit


def _say(writer: GroupWriter, conversation_id: str, text: str, client_id: str):  # type: ignore[no-untyped-def]
    return writer.run(
        conversation_id,
        lifecycle.resident_message,
        conversation_id,
        client_id=client_id,
        text=text,
        payload=None,
    )


def _new(store: MemoryStore) -> str:
    return store.create_conversation(language="en", page_url="", identity_token=None).id


def test_the_memory_store_has_one_writer_and_batches_in_order() -> None:
    store = memory_kit().store
    commits: list[float] = []
    store.on_commit = commits.append
    batches: list[int] = []
    writer = GroupWriter(store, on_batch=batches.append)
    assert writer.writers == 1
    chats = [_new(store) for _ in range(2)]
    commits.clear()

    async def burst() -> list[lifecycle.Stored]:
        return await asyncio.gather(
            *(_say(writer, chat, f"{chat[:4]} {n}", f"m{n}") for n in range(5) for chat in chats)
        )

    stored = asyncio.run(burst())
    assert sum(batches) == 10 and len(commits) == len(batches) < 10
    assert all(s.tx.appended == [s.event] for s in stored)
    for chat in chats:
        assert [e.data["text"] for e in store.events_after(chat, 0)] == [
            f"{chat[:4]} {n}" for n in range(5)
        ]


def test_one_refused_message_is_rolled_back_alone_on_the_memory_store() -> None:
    store = memory_kit().store
    batches: list[int] = []
    writer = GroupWriter(store, on_batch=batches.append)
    open_chat, closed_chat = _new(store), _new(store)
    lifecycle.close_by_resident(store, closed_chat)
    closed_seq = store.get(closed_chat).last_seq

    async def together() -> list[object]:
        return await asyncio.gather(
            _say(writer, open_chat, "first", "a1"),
            _say(writer, closed_chat, "too late", "b1"),
            _say(writer, open_chat, "second", "a2"),
            return_exceptions=True,
        )

    first, refused, second = asyncio.run(together())
    assert isinstance(refused, ConversationClosed)
    assert isinstance(first, lifecycle.Stored) and isinstance(second, lifecycle.Stored)
    assert (first.event.seq, second.event.seq) == (1, 2)
    assert store.get(closed_chat).last_seq == closed_seq
    assert batches == [3]
