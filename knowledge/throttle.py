"""Who is writing to the knowledge service anonymously, and the limits on it.

Feedback and content gaps come from anyone: the website's forms and search,
and the bot (a service holding an API token, reporting for many residents
from one address). For limits and for counting distinct askers a writer is:

- a service with a valid token that names a conversation: that conversation
  (the bot speaks for many residents, so its address says nothing);
- anyone else: their client address (``frontdoor.ratelimit.client_address``).

Only a keyed hash of that identity is ever stored (``ContentGap.client_key``).
Beyond a limit an API write or a form gets 429 with ``Retry-After``; a website
search still answers but records no gap (searching is reading, and a resident
who searches quickly must not be refused an answer).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Request

from frontdoor.accounts.exceptions import NotAuthenticated
from frontdoor.ratelimit import Check, RateLimiter, client_address, client_key
from knowledge.deps import _service_actor
from knowledge.settings import KnowledgeSettings


@dataclass(frozen=True)
class Writer:
    identity: str  # "conversation:…" or "address:…"; never stored as such
    address: str

    def key(self, settings: KnowledgeSettings) -> str:
        return client_key(settings.require_secret("secret_key"), self.identity)


def writer(request: Request, conversation_id: str | None = None) -> Writer:
    settings: KnowledgeSettings = request.app.state.settings
    address = client_address(request)
    try:
        service = _is_the_bot(request, settings) or _service_actor(request, settings) is not None
    except NotAuthenticated:  # a wrong token is simply anonymous here
        service = False
    if service and conversation_id:
        return Writer(f"conversation:{conversation_id}", address)
    return Writer(f"address:{address}", address)


def _is_the_bot(request: Request, settings: KnowledgeSettings) -> bool:
    """The action server's bearer token (``FRONTDOOR_KNOWLEDGE_BOT_TOKEN``): it only says
    which conversation a gap comes from; it opens no editorial API."""
    expected = settings.secret_value("knowledge_bot_token")
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return bool(
        expected
        and scheme.lower() == "bearer"
        and token
        and hmac.compare_digest(token.encode(), expected.encode())
    )


def limiter(request: Request) -> RateLimiter:
    found: RateLimiter = request.app.state.limiter
    return found


def gap_checks(settings: KnowledgeSettings, who: Writer) -> tuple[Check, ...]:
    if who.identity.startswith("conversation:"):
        return (Check(settings.knowledge_limit_gaps_per_conversation, "kb:gaps:c", who.identity),)
    return (Check(settings.knowledge_limit_gaps_per_address, "kb:gaps:a", who.address),)


def limit_feedback(request: Request) -> None:
    """A dependency: one 'was this helpful?' answer counted, or 429."""
    settings: KnowledgeSettings = request.app.state.settings
    limiter(request).hit(
        Check(settings.knowledge_limit_feedback, "kb:feedback", client_address(request))
    )


def is_the_bot(request: Request) -> bool:
    """Whether the caller is the action server (its bearer token)."""
    settings: KnowledgeSettings = request.app.state.settings
    return _is_the_bot(request, settings)


def page_view_check(settings: KnowledgeSettings, address: str) -> Check:
    """Page views counted for the top tasks' order: served beyond it, not counted."""
    return Check(settings.knowledge_limit_page_views, "kb:views", address)
