"""What the bot reports to the knowledge service's review queue of missed messages.

The bot's actions (``actions.knowledge_client``) post one :class:`MissedMessage`
to ``POST /api/v1/review/signals`` (:data:`SIGNALS_PATH`) when a resident's
message went unanswered (``fallback``), when the resident said "No" to "Did
that help?" (``not_helpful``: the question the answer was for), or when the
message routed the conversation to a person (``handover``). The knowledge
service redacts the text before it stores anything and answers
:class:`SignalAccepted`. Both sides import these models, so the shape is
checked at both ends.

``closest_slug`` names the article the bot's search thought closest, when the
bot had one at hand: the article a request for a person named (``handover``),
the article whose answer did not help (``not_helpful``), or the search's best
result that was not good enough to show (``fallback``). The bot never searches
only to fill it in. It is an article's slug (``frontdoor.contracts.knowledge``'s
format); the editors' review queue shows its title beside the group.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from frontdoor.contracts.knowledge import ArticleSlug

SIGNALS_PATH = "/api/v1/review/signals"
MAX_TEXT_CHARS = 2000


class MissSource(StrEnum):
    FALLBACK = "fallback"  # nothing the bot knew answered it
    NOT_HELPFUL = "not_helpful"  # answered, and the resident said the answer did not help
    HANDOVER = "handover"  # the message sent the conversation to a person


class MissedMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT_CHARS)
    ]
    source: MissSource
    language: Literal["en", "cy"] = "en"
    conversation_id: Annotated[str, StringConstraints(max_length=120)] | None = None
    closest_slug: ArticleSlug | None = None


class SignalAccepted(BaseModel):
    id: int
    status: Literal["recorded"] = "recorded"
