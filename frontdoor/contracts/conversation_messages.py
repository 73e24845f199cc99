"""A message another component puts into a resident's conversation, as the assistant.

Payments confirms a bulky-waste booking in the chat the resident paid from:
when the provider says the payment succeeded and the place is booked, it
calls ``POST /api/v1/bot/conversations/{conversation_id}/messages`` on the
handoff service, showing the installation's bot secret
(``X-Frontdoor-Bot-Secret``; the proxy never passes ``/api/v1/bot/``), with a
:class:`ConversationMessage`. Handoff stores it as the assistant's message and
delivers it like any other; ``key`` makes a resend store nothing twice. One
model on both sides: the route (``handoff.api``) and :class:`ConversationMessages`.

Failures (no answer, a refused secret, a closed or unknown conversation) raise
:class:`MessageNotDelivered`; the sender decides what that means (payments logs
it: the resident's return page says the same thing).
"""

from __future__ import annotations

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from frontdoor.secrets import BOT_SECRET_HEADER

MESSAGES_PATH = "/api/v1/bot/conversations/{conversation_id}/messages"
CONVERSATION_ID = r"^[A-Za-z0-9_-]{1,64}$"


class MessageNotDelivered(Exception):
    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause  # a type name or status: never a body, URL or secret


class ConversationMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(pattern=r"^[A-Za-z0-9:_-]{1,60}$", description="The same key stores once.")
    text: str = Field(min_length=1, max_length=2000)


class PostedMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    seq: int
    duplicate: bool


class ConversationMessages:
    """Blocking client (payments runs it in a plain ``def`` route or a job)."""

    def __init__(
        self,
        base_url: str,
        *,
        bot_secret: str,
        timeout: float = 2.0,
        transport: httpx.BaseTransport | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self._client = client or httpx.Client(base_url=base_url, timeout=timeout,
                                              transport=transport)  # fmt: skip
        self._headers = {BOT_SECRET_HEADER: bot_secret, "User-Agent": "frontdoor-payments"}

    def post(self, conversation_id: str, message: ConversationMessage) -> PostedMessage:
        path = MESSAGES_PATH.format(conversation_id=conversation_id)
        try:
            answer = self._client.post(path, json=message.model_dump(), headers=self._headers)
        except httpx.HTTPError as exc:
            raise MessageNotDelivered(type(exc).__name__) from None
        if answer.status_code != 200:
            raise MessageNotDelivered(f"HTTP {answer.status_code}")
        try:
            return PostedMessage.model_validate(answer.json())
        except (ValueError, ValidationError):
            raise MessageNotDelivered("unexpected body") from None
