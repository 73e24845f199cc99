"""Encryption at rest for the authenticator secrets of two-factor sign-in.

A TOTP secret must be readable by the server (it computes the expected code),
so it cannot be hashed like a password. It is encrypted with Fernet
(AES-128-CBC + HMAC-SHA256, from ``cryptography``) under a key derived with
HKDF-SHA256 from ``FRONTDOOR_TOTP_ENCRYPTION_KEY``, which lives in the
environment or ``var/secrets.env``, never in the database: a database dump
alone does not give the secrets away. The setting passes the one secrets rule
(:mod:`frontdoor.secrets`): a published or example value is refused.

Changing the key makes every enrolled authenticator unreadable: staff then
sign in with a recovery code or an admin resets their two-factor.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from frontdoor.accounts.exceptions import AccountsError

_INFO = b"frontdoor totp secrets v1"


class SecretUnreadable(AccountsError):
    code = "totp_secret_unreadable"

    def __init__(self) -> None:
        super().__init__(
            "The stored authenticator cannot be read with this server's "
            "FRONTDOOR_TOTP_ENCRYPTION_KEY (was the key changed?). Use a recovery code, "
            "or ask an admin to reset your two-factor authentication."
        )


class SecretBox:
    """Encrypts and decrypts short texts with a key derived from one configured secret."""

    def __init__(self, secret: str) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
            secret.encode("utf-8")
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(derived))

    def seal(self, text: str) -> str:
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError):
            raise SecretUnreadable() from None
