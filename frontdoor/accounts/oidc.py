"""Staff single sign-on with OpenID Connect (Entra ID, Google Workspace, any issuer).

The flow is the authorization code flow with PKCE (S256), a one-time ``state``
and a ``nonce``: :meth:`OidcClient.begin` stores the state's hash, the nonce
and the code verifier in ``auth_sso_states`` and returns the provider's
authorization URL; :meth:`OidcClient.finish` consumes that row once, swaps the
code for tokens (client secret + verifier) and validates the ID token with
joserfc (authlib's JOSE layer): signature against the issuer's JWKS, ``iss``, ``aud``, ``exp``,
``iat`` and ``nonce``. :func:`sign_in_from_claims` then links the identity to an
account by verified email (or creates one), and sets roles and teams from the
configured claims. Every refusal raises :class:`SsoError` with a code the audit
log records and a message the sign-in page shows.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from frontdoor.accounts import service
from frontdoor.accounts.models import SsoState, User
from frontdoor.accounts.roles import Role
from frontdoor.clock import system_clock

STATE_LIFETIME = timedelta(minutes=10)
CLOCK_LEEWAY_SECONDS = 60
ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
UNUSABLE_PASSWORD = "!sso"  # noqa: S105 - not a hash: no password ever matches it


class SsoError(Exception):
    """A single sign-on refused; ``code`` for the audit log, ``message`` for staff."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str = "openid email profile"
    role_claim: str = "roles"
    role_map: Mapping[str, str] = field(default_factory=dict)
    team_claim: str = "groups"
    team_map: Mapping[str, str] = field(default_factory=dict)
    allowed_domains: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Any) -> OidcConfig | None:
        """The configuration in ``settings`` (CommonSettings), or None when SSO is off."""
        if not settings.oidc_issuer or not settings.oidc_client_id:
            return None
        known = {role.value for role in Role}
        unknown = sorted(set(settings.oidc_role_map.values()) - known)
        if unknown:
            raise ValueError(f"FRONTDOOR_OIDC_ROLE_MAP names unknown roles: {', '.join(unknown)}")
        if not settings.oidc_allowed_domains:
            raise ValueError("FRONTDOOR_OIDC_ALLOWED_DOMAINS must name the council's domains")
        return cls(
            issuer=settings.oidc_issuer.rstrip("/"),
            client_id=settings.oidc_client_id,
            client_secret=settings.require_secret("oidc_client_secret"),
            scopes=settings.oidc_scopes,
            role_claim=settings.oidc_role_claim,
            role_map=dict(settings.oidc_role_map),
            team_claim=settings.oidc_team_claim,
            team_map=dict(settings.oidc_team_map),
            allowed_domains=tuple(d.lower().lstrip("@") for d in settings.oidc_allowed_domains),
        )


def state_hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class OidcClient:
    """Talks to one issuer; discovery and keys are fetched once and kept."""

    def __init__(
        self,
        config: OidcConfig,
        *,
        clock: Callable[[], datetime] = system_clock,
        http: httpx.Client | None = None,
    ) -> None:
        self.config = config
        self._clock = clock
        self._http = http or httpx.Client(timeout=10.0)
        self._metadata: dict[str, Any] | None = None
        self._jwks: dict[str, Any] | None = None

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = self._http.get(url)
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SsoError("provider_unavailable", "The sign-in service did not answer.") from exc
        if not isinstance(body, dict):
            raise SsoError("provider_unavailable", "The sign-in service did not answer.")
        return body

    def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            body = self._get_json(self.config.issuer + "/.well-known/openid-configuration")
            if str(body.get("issuer", "")).rstrip("/") != self.config.issuer:
                raise SsoError("issuer_mismatch", "The sign-in service is misconfigured.")
            self._metadata = body
        return self._metadata

    def _keys(self, refresh: bool = False) -> Any:
        if self._jwks is None or refresh:
            self._jwks = self._get_json(self.metadata()["jwks_uri"])
        return KeySet.import_key_set(self._jwks)  # type: ignore[arg-type]

    def begin(self, db: Session, *, redirect_uri: str, next_path: str) -> str:
        """Record a new attempt; the URL to send the browser to."""
        now = self._clock()
        db.execute(delete(SsoState).where(SsoState.created_at < now - STATE_LIFETIME))
        state = secrets.token_urlsafe(32)
        nonce = secrets.token_urlsafe(32)
        verifier = secrets.token_urlsafe(64)
        db.add(
            SsoState(
                id=state_hash(state),
                nonce=nonce,
                code_verifier=verifier,
                next_path=next_path[:500],
                created_at=now,
            )
        )
        db.flush()
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.config.client_id,
                "redirect_uri": redirect_uri,
                "scope": self.config.scopes,
                "state": state,
                "nonce": nonce,
                "code_challenge": create_s256_code_challenge(verifier),
                "code_challenge_method": "S256",
            }
        )
        return f"{self.metadata()['authorization_endpoint']}?{query}"

    def finish(
        self, db: Session, *, state: str, code: str, redirect_uri: str
    ) -> tuple[dict[str, Any], str]:
        """Consume the attempt, swap the code and validate the ID token: (claims, next)."""
        now = self._clock()
        record = db.get(SsoState, state_hash(state)) if state and len(state) < 200 else None
        if record is None or record.created_at < now - STATE_LIFETIME:
            raise SsoError("bad_state", "That sign-in link has expired or was already used.")
        db.delete(record)  # once only, whatever happens next
        db.flush()
        if not code:
            raise SsoError("no_code", "The sign-in service did not sign you in.")
        try:
            response = self._http.post(
                self.metadata()["token_endpoint"],
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": redirect_uri,
                    "code_verifier": record.code_verifier,
                },
                auth=(self.config.client_id, self.config.client_secret),
            )
            tokens = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise SsoError("provider_unavailable", "The sign-in service did not answer.") from exc
        if response.status_code != 200 or not isinstance(tokens, dict):
            raise SsoError("token_refused", "The sign-in service refused the sign-in.")
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise SsoError("no_id_token", "The sign-in service sent no identity.")
        return self.validate(id_token, nonce=record.nonce), record.next_path

    def validate(self, id_token: str, *, nonce: str) -> dict[str, Any]:
        """The ID token's claims once signature, issuer, audience, times and nonce hold."""
        registry = jwt.JWTClaimsRegistry(
            now=int(self._clock().timestamp()),
            leeway=CLOCK_LEEWAY_SECONDS,
            iss={"essential": True, "value": self.config.issuer},
            aud={"essential": True, "value": self.config.client_id},
            nonce={"essential": True, "value": nonce},
            sub={"essential": True},
            exp={"essential": True},
            iat={"essential": True},
        )
        try:
            try:
                token = jwt.decode(id_token, self._keys(), algorithms=ID_TOKEN_ALGORITHMS)
            except JoseError:  # perhaps an unknown key id: the issuer may have rotated keys
                token = jwt.decode(
                    id_token, self._keys(refresh=True), algorithms=ID_TOKEN_ALGORITHMS
                )
            registry.validate(token.claims)
        except (JoseError, ValueError) as exc:
            code = getattr(exc, "error", "") or "invalid"
            raise SsoError(
                f"id_token_{code}", "The sign-in service's answer could not be trusted."
            ) from exc
        return dict(token.claims)


def _claim_values(claims: Mapping[str, Any], name: str) -> list[str]:
    value = claims.get(name)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def sign_in_from_claims(
    db: Session, config: OidcConfig, claims: Mapping[str, Any], *, now: datetime
) -> service.UserInfo:
    """The account for a validated identity: linked by subject, else by verified email.

    A new account is created on first sign-in. Roles and teams follow the claims
    at every sign-in, so removing someone from a group in the directory takes
    effect the next time they sign in.
    """
    email = service.normalise_email(str(claims.get("email") or ""))
    if not email or claims.get("email_verified") is False:
        raise SsoError("email_unverified", "Your council account has no verified email address.")
    domain = email.rpartition("@")[2]
    if domain not in config.allowed_domains:
        raise SsoError("domain_not_allowed", "Accounts from that organisation cannot sign in here.")
    subject = f"{config.issuer} {claims['sub']}"[:400]
    roles = {
        Role(config.role_map[value])
        for value in _claim_values(claims, config.role_claim)
        if value in config.role_map
    }
    teams = sorted(
        {
            config.team_map[value]
            for value in _claim_values(claims, config.team_claim)
            if value in config.team_map
        }
    )
    user = db.scalar(select(User).where(User.sso_subject == subject))
    if user is None:
        user = db.scalar(select(User).where(User.email == email))
        if user is not None and user.sso_subject is not None:
            raise SsoError("account_linked", "That email is linked to another sign-in.")
    if user is None:
        if not roles:
            raise SsoError("no_role", "Your council account has no Frontdoor role.")
        user = User(
            email=email,
            display_name=str(claims.get("name") or email)[:120],
            password_hash=UNUSABLE_PASSWORD,
            roles="",
            is_active=True,
            created_at=now,
        )
        db.add(user)
    if not user.is_active:
        raise SsoError("inactive", "That account has been switched off.")
    user.sso_subject = subject
    if roles:
        user.roles = ",".join(sorted(role.value for role in roles))
    if teams:
        user.teams = [service.ensure_team(db, name) for name in teams]
    elif config.team_map:
        user.teams = []
    if not user.roles:
        raise SsoError("no_role", "Your council account has no Frontdoor role.")
    user.last_login_at = now
    db.flush()
    return service.to_info(user)
