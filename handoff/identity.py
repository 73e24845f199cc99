"""Who the resident is, when they have proved it; and conversation tokens.

The widget passes the identity token the council's account system issued
("my account"); the same token goes to the bot as
``metadata.frontdoor_identity_token``. It is the JWT-shaped HS256 token of
``backoffice.identity`` (claims: ``sub`` the resident id, ``refs`` the council tax
accounts and tenancies it covers), signed with ``FRONTDOOR_IDENTITY_SIGNING_KEY``.
:class:`TokenIdentityVerifier` checks it with ``backoffice.identity.verify_token``;
the console shows personal data only within what it covers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeSerializer


@dataclass(frozen=True)
class VerifiedResident:
    resident_id: str | None
    name: str = ""
    references: tuple[str, ...] = ()  # accounts the resident proved they hold


class IdentityVerifier(ABC):
    @abstractmethod
    def verify(self, token: str | None) -> VerifiedResident | None: ...


class TokenIdentityVerifier(IdentityVerifier):
    def __init__(self, key: str, *, audience: str = "frontdoor-bot") -> None:
        self._key = key.encode("utf-8")
        self._audience = audience

    def verify(self, token: str | None) -> VerifiedResident | None:
        from backoffice.exceptions import IdentityTokenError
        from backoffice.identity import verify_token

        if not token:
            return None
        try:
            claims = verify_token(token, self._key, audience=self._audience)
        except IdentityTokenError:
            return None
        if not claims.references and not claims.subject:
            return None
        return VerifiedResident(claims.subject, "", claims.references)


@dataclass
class FakeIdentityVerifier(IdentityVerifier):
    known: dict[str, VerifiedResident] = field(default_factory=dict)

    def verify(self, token: str | None) -> VerifiedResident | None:
        return self.known.get(token or "")


# --- conversation tokens -------------------------------------------------------------

CONVERSATION_SALT = "frontdoor-conversation"


class ConversationTokens:
    """HMAC-signed tokens naming one conversation (no expiry while it exists)."""

    def __init__(self, secret: str) -> None:
        self._serializer = URLSafeSerializer(secret, salt=CONVERSATION_SALT)

    def issue(self, conversation_id: str) -> str:
        return str(self._serializer.dumps(conversation_id))

    def check(self, token: str | None, conversation_id: str) -> bool:
        if not token or len(token) > 500:
            return False
        try:
            named = self._serializer.loads(token)
        except BadSignature:
            return False
        return bool(named == conversation_id)
