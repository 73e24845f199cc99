"""The handover request: the bot asks the handoff service for a person.

The bot's ``action_handoff`` (``actions.handover``) builds a
:class:`HandoverRequest` and sends ``model_dump(mode="json")`` under
:data:`HANDOVER_KEY` in a reply's ``custom`` payload; the handoff service's
Rasa relay (``handoff.bot``) reads it back with ``model_validate``
(handoff/PROTOCOL.md §5). One model on both sides, so they cannot drift.

Reading is tolerant where the service has always been tolerant (missing
fields take defaults, long texts are clipped, ``high``/``at_risk`` mean
``urgent``, a summary may be plain text), and strict about types: a payload
that is not this shape fails validation, and the relay refuses it.

``verified_identity`` is shown to people and never trusted for access: the
handoff service reads what the bot proved from its server-side record.
"""

from __future__ import annotations

from datetime import UTC
from typing import Annotated, Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
)

HANDOVER_KEY = "frontdoor_handoff"

MAX_REASON = 200
MAX_SERVICE_AREA = 40
MAX_SUMMARY_TEXT = 4000
MAX_SUBJECT_TITLE = 200  # an article's longest title (knowledge.schemas.ArticleMetadata)
URGENT_WORDS = frozenset({"urgent", "high", "at_risk"})

# Sent as ``+00:00`` ISO 8601, as the bot has always sent them.
UtcTimestamp = Annotated[
    AwareDatetime,
    PlainSerializer(lambda value: value.astimezone(UTC).isoformat(), return_type=str),
]


class GrantSummary(BaseModel):
    """One thing the bot proved: what, for what, how (never a fact's value) and when."""

    model_config = ConfigDict(extra="allow")

    kind: str
    reference: str
    purpose: str
    method: str
    facts: list[str] = Field(default_factory=list)
    verified_at: UtcTimestamp
    expires_at: UtcTimestamp


class VerifiedIdentitySummary(BaseModel):
    """The accounts the bot proved for account use, and how (``token``, ``knowledge_check``)."""

    model_config = ConfigDict(extra="allow")

    method: str = "verified"
    references: list[str] = Field(default_factory=list)
    grants: list[GrantSummary] = Field(default_factory=list)


class HandoverSummary(BaseModel):
    """The bot's structured summary of the conversation, for the advisor."""

    model_config = ConfigDict(extra="allow")

    topic: str = ""
    references: list[str] = Field(default_factory=list)
    verified_identity: VerifiedIdentitySummary | None = None
    verified_cases: list[GrantSummary] = Field(default_factory=list)
    articles_shown: list[str] = Field(default_factory=list)
    failed_questions: list[str] = Field(default_factory=list)
    risk: str | None = None
    # the slug of the article the resident's request for a person named ("talk to
    # someone about my council tax bill"), found by the bot and not shown to them
    subject: str | None = None
    # that article's title, in the language it was found in: what the advisor reads
    # (a bot from before it sends only the slug)
    subject_title: str | None = None
    language: Literal["en", "cy"] = "en"  # what the resident wrote in, last

    @field_validator("subject_title", mode="before")
    @classmethod
    def _subject_title(cls, value: object) -> object:
        if isinstance(value, str):
            return " ".join(value.split())[:MAX_SUBJECT_TITLE] or None
        return value  # None, or a type the field refuses

    def as_sent(self) -> dict[str, Any]:
        """The summary as the bot sent it (only the fields it set)."""
        return self.model_dump(mode="json", exclude_unset=True)


class HandoverRequest(BaseModel):
    """What the bot's handoff action asks the handoff service for."""

    reason: str = "bot_handoff"
    service_area: str = "general"
    priority: Literal["normal", "urgent"] = "normal"
    summary: HandoverSummary | str = ""
    # The bot has already told the resident nobody is available (it asked:
    # frontdoor.contracts.availability); the service then adds no notice text.
    announced: bool = False

    @field_validator("reason", mode="before")
    @classmethod
    def _reason(cls, value: object) -> str:
        return str(value or "bot_handoff")[:MAX_REASON]

    @field_validator("service_area", mode="before")
    @classmethod
    def _service_area(cls, value: object) -> str:
        return str(value or "general")[:MAX_SERVICE_AREA].lower()

    @field_validator("priority", mode="before")
    @classmethod
    def _priority(cls, value: object) -> str:
        return "urgent" if str(value or "normal").lower() in URGENT_WORDS else "normal"

    @field_validator("summary", mode="before")
    @classmethod
    def _summary(cls, value: object) -> object:
        if isinstance(value, dict | HandoverSummary):
            return value
        return str(value or "")[:MAX_SUMMARY_TEXT]

    @property
    def details(self) -> HandoverSummary | None:
        return self.summary if isinstance(self.summary, HandoverSummary) else None

    def payload(self) -> dict[str, Any]:
        """The reply's ``custom`` payload (``{HANDOVER_KEY: …}``)."""
        return {HANDOVER_KEY: self.model_dump(mode="json")}
