"""Settings for the bot's action server (``FRONTDOOR_*`` variables).

Read once at start-up by ``actions.server.create_app``; tests pass a dict to
``BotSettings.load({...})``. The identity signing key is shared with the
council's account system, which signs the tokens the widget forwards; the bot
secret is what Rasa must show to call the actions. Both are required and
checked by the one rule in :mod:`frontdoor.secrets` (no published value, in
any environment).
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr

from backoffice.settings import IdentityKeySettings


class BotSettings(IdentityKeySettings):
    required_secrets: ClassVar[tuple[str, ...]] = ("identity_signing_key", "bot_secret")

    bot_secret: SecretStr | None = Field(
        default=None, description="Rasa shows it to call the actions (frontdoor.secrets)."
    )
    identity_token_max_minutes: int = Field(default=24 * 60, gt=0)
    verification_max_failures: int = Field(default=3, gt=0)
    verification_window_minutes: int = Field(default=60, gt=0)
    verified_session_minutes: int = Field(default=30, gt=0)
    knowledge_timeout_seconds: float = Field(default=2.5, gt=0)
    knowledge_min_score: float = Field(
        default=0.35, ge=0, le=1, description="Below this the answer counts as a failure."
    )
    actions_host: str = "127.0.0.1"
