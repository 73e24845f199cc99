"""What the bot understood of a resident's message: the NLU intent and its confidence.

Rasa knows the intent of every message it handles, but its REST channel
answers only the replies. The bot's channel (``bot/secret_channel.py``, which
runs in the Rasa environment and repeats :data:`UNDERSTOOD_KEY`; a test checks
they agree) reads the intent of the message it has just handled from Rasa's
tracker and adds one more item to the reply list, ``{"custom":
{UNDERSTOOD_KEY: {"intent": ..., "confidence": ...}}}``: no second NLU pass,
no text. The handoff relay (``handoff.bot.parse_rasa_replies``) reads it with
:class:`Understood` and stores it as an advisors-only ``understood`` event, so
insight counts intents from the conversation's own events.

An item that does not validate is dropped (and logged): the resident's answer
never depends on it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

UNDERSTOOD_KEY = "frontdoor_understood"


class Understood(BaseModel):
    """One message's intent as the bot's NLU read it (name and confidence, 0 to 1)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    intent: str = Field(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.\-]+$")
    confidence: float = Field(ge=0.0, le=1.0)

    def as_event(self, seq: int) -> dict[str, object]:
        """The ``understood`` event's data: the intent of the resident's message ``seq``."""
        return {"intent": self.intent, "confidence": round(self.confidence, 4), "seq": seq}
