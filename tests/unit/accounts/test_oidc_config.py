"""Single sign-on settings refuse what would fail later, at start-up."""

from __future__ import annotations

import secrets
from types import SimpleNamespace
from typing import Any

import pytest

from frontdoor.accounts.oidc import OidcConfig, sign_in_from_claims

SECRET = secrets.token_urlsafe(32)


def settings(**overrides: Any) -> SimpleNamespace:
    values: dict[str, Any] = {
        "oidc_issuer": "https://login.microsoftonline.com/tenant/v2.0/",
        "oidc_client_id": "client",
        "oidc_scopes": "openid email",
        "oidc_role_claim": "roles",
        "oidc_role_map": {"Editors": "editor"},
        "oidc_team_claim": "groups",
        "oidc_team_map": {},
        "oidc_allowed_domains": ("@Example.gov.uk",),
        "require_secret": lambda name: SECRET,
    }
    values.update(overrides)
    return SimpleNamespace(**values)


def test_no_issuer_means_sso_is_off() -> None:
    assert OidcConfig.from_settings(settings(oidc_issuer="")) is None


def test_issuer_and_domains_are_normalised() -> None:
    config = OidcConfig.from_settings(settings())
    assert config is not None
    assert config.issuer == "https://login.microsoftonline.com/tenant/v2.0"
    assert config.allowed_domains == ("example.gov.uk",)
    assert config.client_secret == SECRET


def test_an_unknown_role_in_the_map_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown roles: wizard"):
        OidcConfig.from_settings(settings(oidc_role_map={"Editors": "wizard"}))


def test_allowed_domains_are_required() -> None:
    with pytest.raises(ValueError, match="ALLOWED_DOMAINS"):
        OidcConfig.from_settings(settings(oidc_allowed_domains=()))


def test_a_missing_email_is_refused_before_any_lookup() -> None:
    from frontdoor.accounts.oidc import SsoError

    config = OidcConfig.from_settings(settings())
    assert config is not None
    with pytest.raises(SsoError) as refused:
        sign_in_from_claims(None, config, {"sub": "1"}, now=None)  # type: ignore[arg-type]
    assert refused.value.code == "email_unverified"
