"""Signed identity tokens from the council's account system (sans I/O).

When a resident signed in to "my account" opens the chat, the account system
gives the widget a short-lived token naming the account references the
resident may see; the widget forwards it with every message as
``metadata.frontdoor_identity_token``. The token is JWT-shaped (HS256) and
built with the standard library only::

    base64url({"alg": "HS256", "typ": "JWT"}) . base64url(claims) . base64url(HMAC-SHA256)

Claims: ``iss``, ``aud`` ("frontdoor-bot"), ``sub`` (the resident id, optional),
``iat``, ``exp`` (seconds since the epoch), ``refs`` ({"council_tax": [...],
"tenancy": [...]}) and ``jti``.

``verify_token`` checks, in order: shape and size, the header (only HS256: no
"none", no algorithm switching), the signature with ``hmac.compare_digest``,
the audience, issue and expiry times (with a small clock leeway), the lifetime
cap and the references' formats. A token never appears in an exception message
or a log line; ``IdentityTokenError.reason`` names only the check that failed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from backoffice import references
from backoffice.exceptions import IdentityTokenError, InvalidReference

ISSUER = "bramblefield-accounts"
DEFAULT_AUDIENCE = "frontdoor-bot"
MAX_TOKEN_BYTES = 4096
CLOCK_LEEWAY = timedelta(seconds=30)
_HEADER = {"alg": "HS256", "typ": "JWT"}


@dataclass(frozen=True, slots=True)
class IdentityClaims:
    """What a verified token says the resident may see."""

    subject: str | None
    council_tax: tuple[str, ...] = ()
    tenancies: tuple[str, ...] = ()
    issued_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    expires_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    token_id: str = ""

    @property
    def references(self) -> tuple[str, ...]:
        return (*self.council_tax, *self.tenancies)

    def covers(self, reference: str) -> bool:
        """True when the (canonical) account reference is in the token's scope."""
        return any(hmac.compare_digest(reference, known) for known in self.references)


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.urlsafe_b64decode(padded.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise IdentityTokenError("malformed encoding") from None


def _sign(key: bytes, signing_input: str) -> bytes:
    return hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest()


def mint_token(
    key: bytes,
    *,
    council_tax: Iterable[str] = (),
    tenancies: Iterable[str] = (),
    subject: str | None = None,
    minutes: int = 30,
    now: datetime | None = None,
    audience: str = DEFAULT_AUDIENCE,
    issuer: str = ISSUER,
) -> str:
    """A signed token (what the account system does; ``frontdoor token mint`` for demos).
    References are normalised; a malformed one raises InvalidReference."""
    if minutes <= 0:
        raise ValueError("minutes must be positive")
    issued = (now or datetime.now(UTC)).astimezone(UTC)
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "iat": int(issued.timestamp()),
        "exp": int((issued + timedelta(minutes=minutes)).timestamp()),
        "jti": secrets.token_hex(8),
        "refs": {
            "council_tax": [references.council_tax_reference(r) for r in council_tax],
            "tenancy": [references.tenancy_reference(r) for r in tenancies],
        },
    }
    if subject:
        claims["sub"] = subject
    header = _b64encode(json.dumps(_HEADER, separators=(",", ":")).encode())
    payload = _b64encode(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    signing_input = f"{header}.{payload}"
    return f"{signing_input}.{_b64encode(_sign(key, signing_input))}"


def verify_token(
    token: object,
    key: bytes,
    *,
    now: datetime | None = None,
    audience: str = DEFAULT_AUDIENCE,
    max_lifetime: timedelta = timedelta(hours=24),
) -> IdentityClaims:
    """The claims of a valid token; IdentityTokenError otherwise."""
    if not isinstance(token, str) or not token:
        raise IdentityTokenError("missing")
    if len(token) > MAX_TOKEN_BYTES:
        raise IdentityTokenError("too long")
    parts = token.split(".")
    if len(parts) != 3:
        raise IdentityTokenError("not three parts")
    header_b64, payload_b64, signature_b64 = parts
    header = _json_object(_b64decode(header_b64))
    if header.get("alg") != "HS256" or header.get("typ", "JWT") != "JWT":
        raise IdentityTokenError("unsupported algorithm")
    expected = _sign(key, f"{header_b64}.{payload_b64}")
    if not hmac.compare_digest(expected, _b64decode(signature_b64)):
        raise IdentityTokenError("bad signature")
    claims = _json_object(_b64decode(payload_b64))
    if claims.get("aud") != audience:
        raise IdentityTokenError("wrong audience")
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    issued = _timestamp(claims.get("iat"), "iat")
    expires = _timestamp(claims.get("exp"), "exp")
    if expires <= moment - CLOCK_LEEWAY:
        raise IdentityTokenError("expired")
    if issued > moment + CLOCK_LEEWAY:
        raise IdentityTokenError("issued in the future")
    if expires - issued > max_lifetime:
        raise IdentityTokenError("lifetime too long")
    refs = claims.get("refs")
    if not isinstance(refs, dict):
        raise IdentityTokenError("no references")
    try:
        council_tax = tuple(
            references.council_tax_reference(r) for r in _strings(refs.get("council_tax"))
        )
        tenancies = tuple(references.tenancy_reference(r) for r in _strings(refs.get("tenancy")))
    except InvalidReference:
        raise IdentityTokenError("malformed reference") from None
    subject = claims.get("sub")
    return IdentityClaims(
        subject=subject if isinstance(subject, str) and subject else None,
        council_tax=council_tax,
        tenancies=tenancies,
        issued_at=issued,
        expires_at=expires,
        token_id=str(claims.get("jti", "")),
    )


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise IdentityTokenError("malformed json") from None
    if not isinstance(value, dict):
        raise IdentityTokenError("malformed json")
    return value


def _timestamp(value: object, name: str) -> datetime:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise IdentityTokenError(f"missing {name}")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise IdentityTokenError(f"bad {name}") from None


def _strings(value: object) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise IdentityTokenError("malformed reference")
    return value
