"""Settings of the council's account system as Frontdoor sees it: the key its
identity tokens are signed with (``FRONTDOOR_IDENTITY_SIGNING_KEY``).

``frontdoor token mint`` needs only this; the action server's settings extend
it. The key is checked by the one rule in :mod:`frontdoor.secrets`.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field, SecretStr

from frontdoor.stack import StackSettings


class IdentityKeySettings(StackSettings):
    """Enough to sign and check identity tokens (``frontdoor token mint``)."""

    required_secrets: ClassVar[tuple[str, ...]] = ("identity_signing_key",)

    identity_signing_key: SecretStr | None = Field(
        default=None,
        description="HMAC-SHA256 key for identity tokens (shared with the account system).",
    )
    identity_token_audience: str = "frontdoor-bot"  # noqa: S105 - not a secret
