"""Who the resident is, when they have proved it.

The widget passes the verified-account token it got from "my account" (or the
bot's verification flow). ``IdentityVerifier.verify`` turns it into a
:class:`VerifiedResident` or None; the console shows personal data only for a
verified resident. The real verifier checks an itsdangerous signature made
with the shared ``FRONTDOOR_SECRET_KEY`` (salt ``frontdoor-identity``) over
``{"resident_id": "...", "name": "..."}``, valid for ``max_age`` seconds;
:func:`issue_identity_token` makes one (used by tests and the demo).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeTimedSerializer

IDENTITY_SALT = "frontdoor-identity"
IDENTITY_MAX_AGE_SECONDS = 8 * 3600


@dataclass(frozen=True)
class VerifiedResident:
    resident_id: str
    name: str


class IdentityVerifier(ABC):
    @abstractmethod
    def verify(self, token: str | None) -> VerifiedResident | None: ...


class SignedIdentityVerifier(IdentityVerifier):
    def __init__(self, secret: str, *, max_age: int = IDENTITY_MAX_AGE_SECONDS) -> None:
        self._serializer = URLSafeTimedSerializer(secret, salt=IDENTITY_SALT)
        self._max_age = max_age

    def verify(self, token: str | None) -> VerifiedResident | None:
        if not token or len(token) > 2000:
            return None
        try:
            data = self._serializer.loads(token, max_age=self._max_age)
        except BadSignature:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("resident_id"), str):
            return None
        return VerifiedResident(str(data["resident_id"]), str(data.get("name") or ""))


def issue_identity_token(secret: str, resident_id: str, name: str = "") -> str:
    serializer = URLSafeTimedSerializer(secret, salt=IDENTITY_SALT)
    return serializer.dumps({"resident_id": resident_id, "name": name})


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
        self._serializer = URLSafeTimedSerializer(secret, salt=CONVERSATION_SALT)

    def issue(self, conversation_id: str) -> str:
        return self._serializer.dumps(conversation_id)

    def check(self, token: str | None, conversation_id: str) -> bool:
        if not token or len(token) > 500:
            return False
        try:
            named = self._serializer.loads(token)
        except BadSignature:
            return False
        return named == conversation_id
