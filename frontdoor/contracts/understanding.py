"""What the bot understood of a resident's message: the intent it acted on and the
NLU's confidence in it.

Rasa knows the intent of every message it handles, but its REST channel
answers only the replies. The bot's channel (``bot/secret_channel.py``, which
runs in the Rasa environment and repeats :data:`UNDERSTOOD_KEY`; a test checks
they agree) reads the intent of the message it has just handled from Rasa's
tracker and adds one more item to the reply list, ``{"custom":
{UNDERSTOOD_KEY: {"intent": ..., "confidence": ...}}}``: no second NLU pass,
no text. The intent is what the bot acted on: the decision policy's when it
overrode the model (a ``human`` on weak evidence answered from the knowledge
base is ``ask_question``), with the model's own reading as ``read_as``
(``actions.understanding``). Beside it, ``language`` (``en`` or ``cy``) is the
conversation's language after the turn, the bot's language slot, when it holds
one. The handoff relay (``handoff.bot.parse_rasa_replies``) reads it with
:class:`Understood` and stores it as an advisors-only ``understood`` event, so
insight counts intents from the conversation's own events; it marks the turn's
messages with the language, so the widget's own words (its queue lines, its
buttons) follow the language the bot answered in.

An item that does not validate is dropped (and logged): the resident's answer
never depends on it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

UNDERSTOOD_KEY = "frontdoor_understood"
_INTENT = r"^[A-Za-z0-9_.\-]+$"


class Understood(BaseModel):
    """The intent the bot acted on for one message, the NLU's confidence in it (0 to 1),
    the NLU's own top intent when that was another (``read_as``), and the
    conversation's language after the turn when the bot holds one (``language``)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    intent: str = Field(min_length=1, max_length=60, pattern=_INTENT)
    confidence: float = Field(ge=0.0, le=1.0)
    read_as: str | None = Field(default=None, min_length=1, max_length=60, pattern=_INTENT)
    language: Literal["en", "cy"] | None = None

    def as_event(self, seq: int) -> dict[str, object]:
        """The ``understood`` event's data: the intent of the resident's message ``seq``."""
        data: dict[str, object] = {
            "intent": self.intent,
            "confidence": round(self.confidence, 4),
            "seq": seq,
        }
        if self.read_as is not None and self.read_as != self.intent:
            data["read_as"] = self.read_as
        return data
