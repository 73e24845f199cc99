"""Signed identity tokens: only a genuine, current, in-scope token counts."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from backoffice.exceptions import IdentityTokenError, InvalidReference
from backoffice.identity import mint_token, verify_token

KEY = b"k" * 40
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)


def _token(**kwargs) -> str:
    kwargs.setdefault("council_tax", ["ct 4001 2345"])
    kwargs.setdefault("now", NOW)
    return mint_token(KEY, **kwargs)


def _reforge(token: str, change) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    change(claims)
    raw = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{raw}.{signature}"


def test_a_minted_token_verifies_with_normalised_references() -> None:
    claims = verify_token(_token(tenancies=["ten004512"], subject="R000001"), KEY, now=NOW)
    assert claims.council_tax == ("CT40012345",)
    assert claims.tenancies == ("TEN-004512",)
    assert claims.subject == "R000001"
    assert claims.covers("CT40012345") and claims.covers("TEN-004512")
    assert not claims.covers("CT40012346")


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (None, "missing"),
        ("", "missing"),
        ("a.b", "not three parts"),
        ("x" * 5000, "too long"),
        ("!!!.???.###", "malformed"),
    ],
)
def test_malformed_tokens_are_refused(token, reason) -> None:
    with pytest.raises(IdentityTokenError) as caught:
        verify_token(token, KEY, now=NOW)
    assert reason in caught.value.reason


def test_a_token_signed_with_another_key_is_refused() -> None:
    token = mint_token(b"other-key" * 4, council_tax=["CT40012345"], now=NOW)
    with pytest.raises(IdentityTokenError, match="bad signature"):
        verify_token(token, KEY, now=NOW)


def test_changing_the_claims_breaks_the_signature() -> None:
    forged = _reforge(_token(), lambda c: c["refs"].update(council_tax=["CT40012346"]))
    with pytest.raises(IdentityTokenError, match="bad signature"):
        verify_token(forged, KEY, now=NOW)


def test_the_none_algorithm_is_refused() -> None:
    token = _token()
    header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    _, payload, _ = token.split(".")
    with pytest.raises(IdentityTokenError, match="algorithm"):
        verify_token(f"{header}.{payload}.", KEY, now=NOW)


def test_an_expired_token_is_refused() -> None:
    token = _token(minutes=30)
    verify_token(token, KEY, now=NOW + timedelta(minutes=29))
    with pytest.raises(IdentityTokenError, match="expired"):
        verify_token(token, KEY, now=NOW + timedelta(minutes=31))


def test_a_token_from_the_future_or_too_long_lived_is_refused() -> None:
    with pytest.raises(IdentityTokenError, match="future"):
        verify_token(_token(now=NOW + timedelta(hours=1)), KEY, now=NOW)
    with pytest.raises(IdentityTokenError, match="lifetime"):
        verify_token(_token(minutes=3 * 24 * 60), KEY, now=NOW)


def test_the_audience_must_be_the_bot() -> None:
    token = mint_token(KEY, council_tax=["CT40012345"], now=NOW, audience="advisor-console")
    with pytest.raises(IdentityTokenError, match="audience"):
        verify_token(token, KEY, now=NOW)


def test_minting_refuses_a_malformed_reference() -> None:
    with pytest.raises(InvalidReference):
        mint_token(KEY, council_tax=["CT123"], now=NOW)


def test_errors_never_contain_the_token() -> None:
    token = _token()
    with pytest.raises(IdentityTokenError) as caught:
        verify_token(token, b"wrong" * 8, now=NOW)
    assert token not in str(caught.value)
    assert token.split(".")[1] not in str(caught.value)
