"""The bot behind a port: the Rasa REST channel, and a fake for tests.

``BotPort.send`` relays one resident message and returns the bot's replies;
``pause``/``resume`` tell Rasa an advisor has taken over or handed back (the
service never relays while an advisor is in charge, so these keep Rasa's own
tracker honest rather than being what silences it).
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import ValidationError

from frontdoor.contracts.handover import (
    HANDOVER_KEY,
    MAX_SUMMARY_TEXT,
    HandoverRequest,
    HandoverSummary,
)
from frontdoor.contracts.understanding import UNDERSTOOD_KEY, Understood
from frontdoor.secrets import BOT_SECRET_HEADER
from handoff.exceptions import DependencyUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HandoffRequest:
    """A request to pass the conversation to a person: the bot's (read from its
    :class:`~frontdoor.contracts.handover.HandoverRequest`) or the resident's."""

    reason: str = "bot_handoff"
    service_area: str = "general"
    priority: str = "normal"
    summary: str = ""  # for people: one paragraph
    details: dict[str, Any] | None = None  # the bot's structured summary, as sent
    language: str | None = None  # the language the bot last heard, when it said
    announced: bool = False  # the bot has told the resident nobody is available

    @classmethod
    def from_custom(cls, value: Any) -> HandoffRequest | None:
        """The bot's handover payload (``custom[HANDOVER_KEY]``), or None when there
        is none or it is not a :class:`HandoverRequest` (refused and logged)."""
        if value is None:
            return None
        try:
            request = HandoverRequest.model_validate(value)
        except ValidationError as exc:
            log.warning(
                "refused a malformed handover request from the bot: %s",
                "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()),
            )
            return None
        structured = request.details
        details = structured.as_sent() if structured is not None else None
        if structured is not None:
            summary = render_summary(structured) if details else ""
        else:
            summary = str(request.summary)
        return cls(
            reason=request.reason,
            service_area=request.service_area,
            priority=request.priority,
            summary=summary,
            details=details,
            language=structured.language if structured is not None else None,
            announced=request.announced,
        )

    @property
    def verified_references(self) -> tuple[str, ...]:
        identity = (self.details or {}).get("verified_identity")
        if not isinstance(identity, dict):
            return ()
        return tuple(str(r) for r in identity.get("references") or () if isinstance(r, str))

    @property
    def verified_method(self) -> str | None:
        identity = (self.details or {}).get("verified_identity")
        return str(identity.get("method")) if isinstance(identity, dict) else None


def _words(value: Any) -> str:
    return str(value).replace("_", " ")


def render_summary(details: HandoverSummary) -> str:
    """The bot's structured summary as a sentence or two for the console."""
    parts = []
    if details.language == "cy":
        parts.append("Language: Welsh (Cymraeg).")
    if details.risk:
        parts.append(f"At risk: {_words(details.risk)}.")
    # "general" is the topic of no task in particular: beside the article the resident
    # named it only contradicts the team tag the console shows (the article's)
    if details.topic and not (details.topic == "general" and details.subject):
        parts.append(f"Topic: {_words(details.topic)}.")
    if details.subject_title:
        title = details.subject_title
        parts.append(f"Closest article: {title}{'' if title.endswith(('.', '?', '!')) else '.'}")
    elif details.subject:  # a bot from before titles: the slug is all there is
        parts.append(f"Closest article: {details.subject}.")
    if details.references:
        parts.append("References: " + ", ".join(details.references) + ".")
    identity = details.verified_identity
    if identity is not None:
        how = _words(identity.method or "verified")
        parts.append(f"Verified ({how}) for " + ", ".join(identity.references) + ".")
    else:
        parts.append("Not verified.")
    if details.failed_questions:
        parts.append("Could not answer: " + "; ".join(details.failed_questions[-3:]) + ".")
    if details.articles_shown:
        parts.append("Articles shown: " + ", ".join(details.articles_shown[-3:]) + ".")
    return " ".join(parts)[:MAX_SUMMARY_TEXT]


@dataclass(frozen=True)
class BotReply:
    text: str = ""
    buttons: tuple[dict[str, str], ...] = ()
    links: tuple[dict[str, str], ...] = ()
    handoff: HandoffRequest | None = None
    prompt: str = ""  # asked after the links ("Did that help?"), with the buttons
    # what the bot understood of the resident's message (an item of its own, no text)
    understood: Understood | None = None
    author_name: str = ""  # the bot's name (the council profile's), set by the service

    def message_data(self, *, language: str | None = None) -> dict[str, Any]:
        """The ``message`` event's data; ``language``: the one the bot answered this turn
        in, when it said (``Understood.language``), so the widget's own words follow it."""
        data: dict[str, Any] = {
            "author": "bot",
            "author_name": self.author_name,
            "text": self.text,
            "client_id": None,
            "buttons": list(self.buttons),
            "links": list(self.links),
        }
        if self.prompt:
            data["prompt"] = self.prompt
        if language in {"en", "cy"}:
            data["language"] = language
        return data


@dataclass(frozen=True)
class BotMetadata:
    language: str = "en"
    identity_token: str | None = None
    page_url: str = ""
    # the resident pressed the widget's language button for ``language`` since the
    # bot last answered in another (actions.base.chosen_language)
    language_chosen: bool = False

    def as_rasa(self) -> dict[str, Any]:
        said: dict[str, Any] = {
            "language": self.language,
            "frontdoor_identity_token": self.identity_token,
            "page_url": self.page_url,
        }
        if self.language_chosen:
            said["language_chosen"] = True
        return said


class BotPort(ABC):
    @abstractmethod
    async def send(self, conversation_id: str, text: str, metadata: BotMetadata) -> list[BotReply]:
        """Relay a message; raise DependencyUnavailable("bot") if the bot does not answer."""

    @abstractmethod
    async def pause(self, conversation_id: str) -> None: ...

    @abstractmethod
    async def resume(self, conversation_id: str) -> None: ...

    @abstractmethod
    async def status(self) -> dict[str, str]:
        """For /healthz: {"status": "ok"} or {"status": "error", "detail": …}."""

    async def aclose(self) -> None:
        return None


def _link(link: dict[str, Any]) -> dict[str, str]:
    """A link card: title and url, and the article's section when there is one."""
    found = {"title": str(link.get("title", ""))[:200], "url": str(link.get("url", ""))[:2000]}
    section = link.get("section")
    if isinstance(section, str) and section.strip():
        found["section"] = section.strip()[:200]
    if link.get("language") in {"en", "cy"}:
        found["language"] = str(link["language"])
    return found


def _understood(value: Any) -> Understood | None:
    if value is None:
        return None
    try:
        return Understood.model_validate(value)
    except ValidationError:
        log.warning("ignored a malformed %s item from the bot", UNDERSTOOD_KEY)
        return None


def parse_rasa_replies(body: Any) -> list[BotReply]:
    """Rasa's REST channel answers a list of {text, buttons, custom, image, …}."""
    if not isinstance(body, list):
        raise DependencyUnavailable("bot", "the bot answered something that is not a list")
    replies = []
    for item in body:
        if not isinstance(item, dict):
            continue
        custom: dict[str, Any] = item["custom"] if isinstance(item.get("custom"), dict) else {}
        # A reply the bot sends whole (an answer with its card and buttons) carries
        # everything in ``custom``: Rasa's channels would split them otherwise.
        raw_buttons = item.get("buttons") or custom.get("buttons") or []
        buttons = tuple(
            {"title": str(b.get("title", ""))[:200], "payload": str(b.get("payload", ""))[:1000]}
            for b in (raw_buttons if isinstance(raw_buttons, list) else [])
            if isinstance(b, dict)
        )
        links = tuple(
            _link(link)
            for link in custom.get("links") or []
            if isinstance(link, dict) and str(link.get("url", "")).startswith(("http", "/"))
        )
        text = str(item.get("text") or custom.get("text") or "")
        prompt = custom.get("prompt")
        prompt = prompt.strip()[:200] if isinstance(prompt, str) else ""
        handoff = HandoffRequest.from_custom(custom.get(HANDOVER_KEY))
        understood = _understood(custom.get(UNDERSTOOD_KEY))
        if text or buttons or links or handoff or understood:
            replies.append(
                BotReply(
                    text=text,
                    buttons=buttons,
                    links=links,
                    handoff=handoff,
                    prompt=prompt,
                    understood=understood,
                )
            )
    return replies


class RasaRestBot(BotPort):
    """Rasa 3 over HTTP: the REST channel and the tracker events API.

    Rasa's webhook answers only requests carrying the installation's bot secret
    (``bot/secret_channel.py``): the handoff service is the bot's only client.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 15.0,
        api_token: str | None = None,
        bot_secret: str | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), timeout=timeout, transport=transport
        )
        self._webhook_headers = {BOT_SECRET_HEADER: bot_secret} if bot_secret else {}
        # Rasa's API (tracker events) is only enabled with --auth-token; never logged.
        self._api_params = {"token": api_token} if api_token else {}

    async def send(self, conversation_id: str, text: str, metadata: BotMetadata) -> list[BotReply]:
        body = {"sender": conversation_id, "message": text, "metadata": metadata.as_rasa()}
        try:
            response = await self._client.post(
                "/webhooks/rest/webhook", json=body, headers=self._webhook_headers
            )
            response.raise_for_status()
            return parse_rasa_replies(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            raise DependencyUnavailable(
                "bot", f"the bot did not answer: {type(exc).__name__}"
            ) from None

    async def _event(self, conversation_id: str, name: str) -> None:
        try:
            response = await self._client.post(
                f"/conversations/{conversation_id}/tracker/events",
                json={"event": name},
                params=self._api_params,
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            # Not fatal: the service itself never relays while an advisor is in charge.
            status = getattr(getattr(exc, "response", None), "status_code", type(exc).__name__)
            log.warning("could not %s the bot for %s: %s", name, conversation_id, status)

    async def pause(self, conversation_id: str) -> None:
        await self._event(conversation_id, "pause")

    async def resume(self, conversation_id: str) -> None:
        await self._event(conversation_id, "resume")

    async def status(self) -> dict[str, str]:
        try:
            response = await self._client.get("/", timeout=2.0)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            return {"status": "error", "detail": type(exc).__name__}
        return {"status": "ok"}

    async def aclose(self) -> None:
        await self._client.aclose()


Script = Callable[[str, BotMetadata], list[BotReply]]


def echo_script(text: str, metadata: BotMetadata) -> list[BotReply]:
    """The fake's default: "human"/"advisor" escalates, anything else is echoed."""
    lowered = text.lower()
    if "human" in lowered or "advisor" in lowered or lowered == "/handoff":
        area = "housing" if "housing" in lowered else "general"
        priority = "urgent" if "urgent" in lowered else "normal"
        return [
            BotReply(text="I'll find someone to help you."),
            BotReply(handoff=HandoffRequest("resident_asked", area, priority, f"Asked: {text}")),
        ]
    return [
        BotReply(
            text=f"You said: {text}",
            buttons=({"title": "Talk to a person", "payload": "/handoff"},),
            links=({"title": "Bins", "url": "http://localhost:8000/en/bins"},),
        )
    ]


@dataclass
class FakeBot(BotPort):
    """In memory: scripted replies, a record of what it was sent and paused."""

    script: Script = echo_script
    healthy: bool = True
    received: list[tuple[str, str, BotMetadata]] = field(default_factory=list)
    paused: set[str] = field(default_factory=set)
    events: list[tuple[str, str]] = field(default_factory=list)

    async def send(self, conversation_id: str, text: str, metadata: BotMetadata) -> list[BotReply]:
        if not self.healthy:
            raise DependencyUnavailable("bot")
        if conversation_id in self.paused:
            raise AssertionError("the fake bot was sent a message while paused")
        self.received.append((conversation_id, text, metadata))
        return self.script(text, metadata)

    async def pause(self, conversation_id: str) -> None:
        self.paused.add(conversation_id)
        self.events.append((conversation_id, "pause"))

    async def resume(self, conversation_id: str) -> None:
        self.paused.discard(conversation_id)
        self.events.append((conversation_id, "resume"))

    async def status(self) -> dict[str, str]:
        return {"status": "ok" if self.healthy else "error", "detail": "fake"}
