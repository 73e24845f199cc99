"""Is anyone there? The bot asks the handoff service before promising a person.

The bot's ``action_handoff`` (``actions.handover``) calls
``GET /api/v1/bot/availability?service_area=...&language=...`` on the handoff
service, showing the installation's bot secret (``X-Frontdoor-Bot-Secret``),
and reads back an :class:`AvailabilityAnswer`: whether the team that would
take the chat is open and has someone taking chats now, and if not why, with
the team's opening hours described once. The handoff route
(``handoff.api``) builds the answer with ``handoff.routing.availability``. One
model on both sides.

Failures (no answer, a refused secret, a body of another shape) raise
:class:`AvailabilityUnknown`; the bot then says it is asking, not that someone
is coming.
"""

from __future__ import annotations

from typing import Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from frontdoor.secrets import BOT_SECRET_HEADER

AVAILABILITY_PATH = "/api/v1/bot/availability"

Verdict = Literal["open", "out_of_hours", "no_advisors"]


class AvailabilityUnknown(Exception):
    """The handoff service did not say who is available."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause  # a type name or status: never a body, URL or secret


class AvailabilityQuery(BaseModel):
    service_area: str = Field(default="general", max_length=40, pattern=r"^[a-z_]{1,40}$")
    language: Literal["en", "cy"] = "en"

    def params(self) -> dict[str, str]:
        return {"service_area": self.service_area, "language": self.language}


class AvailabilityAnswer(BaseModel):
    model_config = ConfigDict(extra="ignore")

    verdict: Verdict
    team: str
    team_name: str = ""
    opening_hours: str = Field(default="", max_length=300)
    # Someone with the Welsh skill is taking chats (only asked for a Welsh chat).
    welsh_speaker: bool = False

    @property
    def available(self) -> bool:
        return self.verdict == "open"


class AvailabilityClient:
    """Blocking client (the actions run it in a worker thread)."""

    def __init__(
        self,
        base_url: str,
        *,
        bot_secret: str,
        timeout: float = 1.5,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._client = httpx.Client(
            base_url=base_url,
            timeout=timeout,
            headers={BOT_SECRET_HEADER: bot_secret, "User-Agent": "frontdoor-bot"},
            transport=transport,
        )

    def check(self, query: AvailabilityQuery) -> AvailabilityAnswer:
        try:
            response = self._client.get(AVAILABILITY_PATH, params=query.params())
        except httpx.HTTPError as exc:
            raise AvailabilityUnknown(type(exc).__name__) from None
        if response.status_code != 200:
            raise AvailabilityUnknown(f"HTTP {response.status_code}")
        try:
            return AvailabilityAnswer.model_validate_json(response.content)
        except ValidationError:
            raise AvailabilityUnknown("ValidationError") from None

    def close(self) -> None:
        self._client.close()
