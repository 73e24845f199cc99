"""The bot's "Did that help?" answers: where insight reads them from, in one place.

Today they live in the conversation's events: the bot asks "Did that help?"
with Yes/No buttons (``actions.questions``), and the resident's next message
carries the button's payload (``/affirm`` or ``/deny``). When per-answer
helpfulness gets its own storage, only :func:`helpful_votes` changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

ASK = "Did that help?"
YES, NO = "/affirm", "/deny"


class _Event(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def data(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class HelpfulVotes:
    yes: int = 0
    no: int = 0
    last_was_no: bool = False


def _asks(data: dict[str, Any]) -> bool:
    if data.get("author") != "bot":
        return False
    payloads = {b.get("payload") for b in data.get("buttons") or () if isinstance(b, dict)}
    return ASK in str(data.get("text", "")) or {YES, NO} <= payloads


def helpful_votes(events: Iterable[_Event]) -> HelpfulVotes:
    """Count answers to "Did that help?" in events ordered by ``seq``."""
    yes = no = 0
    asked = False
    last_no = False
    for event in events:
        if event.kind != "message":
            continue
        data = event.data or {}
        if _asks(data):
            asked = True
            continue
        if data.get("author") == "resident" and asked:
            payload = data.get("payload")
            if payload == YES:
                yes, last_no = yes + 1, False
            elif payload == NO:
                no, last_no = no + 1, True
            asked = False
    return HelpfulVotes(yes, no, last_no)
