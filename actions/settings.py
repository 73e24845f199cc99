"""Settings for the bot's action server (``FRONTDOOR_*`` variables).

Read once at start-up by ``actions.server.create_app``; tests pass a dict to
``BotSettings.load({...})``. The identity signing key is shared with the
council's account system, which signs the tokens the widget forwards; the
placeholder is refused outside development, like ``secret_key``.
"""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator

from frontdoor.settings import Environment
from frontdoor.stack import StackSettings

PLACEHOLDER_SIGNING_KEY = "change-me-identity-signing-key"
MIN_SIGNING_KEY_LENGTH = 32


class BotSettings(StackSettings):
    identity_signing_key: SecretStr = Field(
        default=SecretStr(PLACEHOLDER_SIGNING_KEY),
        description="HMAC-SHA256 key for identity tokens (shared with the account system).",
    )
    identity_token_audience: str = "frontdoor-bot"  # noqa: S105 - not a secret
    identity_token_max_minutes: int = Field(default=24 * 60, gt=0)
    verification_max_failures: int = Field(default=3, gt=0)
    verification_window_minutes: int = Field(default=60, gt=0)
    verified_session_minutes: int = Field(default=30, gt=0)
    knowledge_timeout_seconds: float = Field(default=2.5, gt=0)
    knowledge_min_score: float = Field(
        default=0.35, ge=0, le=1, description="Below this the answer counts as a failure."
    )
    actions_host: str = "127.0.0.1"

    @model_validator(mode="after")
    def _check_signing_key(self) -> Self:
        key = self.identity_signing_key.get_secret_value()
        if self.environment != Environment.DEVELOPMENT:
            if key == PLACEHOLDER_SIGNING_KEY:
                raise ValueError(
                    "identity_signing_key is still the placeholder; set "
                    "FRONTDOOR_IDENTITY_SIGNING_KEY to the key shared with the account system"
                )
            if len(key) < MIN_SIGNING_KEY_LENGTH:
                raise ValueError(
                    f"identity_signing_key must be at least {MIN_SIGNING_KEY_LENGTH} characters"
                )
        return self
