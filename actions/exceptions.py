"""Errors of the bot's own logic (the back office has its own, in
``actions.backoffice.exceptions``).

BotError (a FrontdoorError)
├── IdentityTokenError     a token failed verification; ``reason`` says why for
│                          the logs (never the token itself), the resident sees
│                          one wording for every reason
├── VerificationLocked     too many failed identity checks (per conversation or
│                          per account in the window)
└── KnowledgeUnavailable   the knowledge API did not answer in time or failed

Actions catch these at the edge (``actions.base``) and answer politely; a
resident never sees a stack trace.
"""

from __future__ import annotations

from frontdoor.exceptions import FrontdoorError


class BotError(FrontdoorError):
    code = "bot_error"


class IdentityTokenError(BotError):
    code = "identity_token_invalid"

    def __init__(self, reason: str) -> None:
        super().__init__(f"identity token rejected: {reason}")
        self.reason = reason


class VerificationLocked(BotError):
    code = "verification_locked"


class KnowledgeUnavailable(BotError):
    code = "knowledge_unavailable"
