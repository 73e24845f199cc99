"""Errors of the bot's own logic (the back office has its own, in
``backoffice.exceptions``).

BotError (a FrontdoorError)
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


class VerificationLocked(BotError):
    code = "verification_locked"


class KnowledgeUnavailable(BotError):
    code = "knowledge_unavailable"
