"""Two-factor pieces without a database: codes by a pinned clock, encryption, words, settings."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from frontdoor.accounts import twofactor
from frontdoor.accounts.secretbox import SecretBox, SecretUnreadable
from frontdoor.accounts.twofactor_routes import qr_data_uri, second_step_path
from frontdoor.accounts.twofactor_text import CY, EN, error_text, texts
from frontdoor.accounts.web import SecondStep, TwoFactorConfig
from frontdoor.exceptions import ConfigurationError
from frontdoor.secrets import PUBLISHED_SECRETS
from knowledge.settings import KnowledgeSettings

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # a test vector, never a real account's
# the first second of a 30-second step, so offsets land on whole steps
T0 = datetime(2026, 11, 18, 10, 30, 0, tzinfo=UTC)


def test_the_code_of_now_matches_the_current_step() -> None:
    totp = pyotp.TOTP(SECRET)
    step = twofactor.matching_step(SECRET, totp.at(T0), now=T0)
    assert step == totp.timecode(T0)


@pytest.mark.parametrize(("offset", "accepted"), [(-2, False), (-1, True), (0, True), (1, True),
                                                  (2, False)])  # fmt: skip
def test_one_step_either_side_is_accepted_and_no_more(offset: int, accepted: bool) -> None:
    totp = pyotp.TOTP(SECRET)
    code = totp.at(T0, counter_offset=offset)
    step = twofactor.matching_step(SECRET, code, now=T0)
    assert (step == totp.timecode(T0) + offset) if accepted else step is None


def test_a_code_stays_good_for_its_window_by_the_clock_not_the_machine() -> None:
    code = pyotp.TOTP(SECRET).at(T0)
    assert twofactor.matching_step(SECRET, code, now=T0 + timedelta(seconds=59)) is not None
    assert twofactor.matching_step(SECRET, code, now=T0 + timedelta(seconds=60)) is None


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "12a456", "١٢٣٤٥٦"])
def test_anything_but_six_ascii_digits_is_no_code(typed: str) -> None:
    assert twofactor.matching_step(SECRET, typed, now=T0) is None


def test_what_people_type_is_normalised() -> None:
    assert twofactor.normalise_code(" 123 456 ") == "123456"
    assert twofactor.normalise_code("ABCD-efgh 1234-5678") == "abcdefgh12345678"


def test_the_secret_box_round_trips_and_another_key_cannot_read_it() -> None:
    box = SecretBox(secrets.token_urlsafe(48))
    sealed = box.seal(SECRET)
    assert SECRET not in sealed and box.open(sealed) == SECRET
    assert box.seal(SECRET) != sealed  # a fresh IV every time
    with pytest.raises(SecretUnreadable):
        SecretBox(secrets.token_urlsafe(48)).open(sealed)


def test_welsh_and_english_have_the_same_messages() -> None:
    assert set(EN) == set(CY)
    assert texts("cy")["code_hint"] == "Rhowch y cod 6 digid o'ch ap dilysu."
    assert texts("fr") is EN
    assert error_text("login_throttled", "cy", retry_after=300) == (
        "Gormod o ymdrechion i fewngofnodi nad oedd yn gweithio. Arhoswch 5 munud, "
        "yna rhowch gynnig arall arni"
    )
    assert error_text("login_throttled", "en", retry_after=1).endswith(
        "Wait 1 second, then try again"
    )
    assert error_text("no_such_code", "en") == EN["wrong_code"]


def test_the_qr_code_is_an_svg_image_and_paths_follow_the_stage() -> None:
    uri = pyotp.TOTP(SECRET).provisioning_uri(name="tess@example.gov.uk", issuer_name="Frontdoor")
    image, size = qr_data_uri(uri)
    assert image.startswith("data:image/svg+xml") and size > 100
    assert second_step_path("/console", SecondStep("code")) == "/console/login/two-factor"
    assert second_step_path("/editor", SecondStep("enrol")) == "/editor/login/two-factor/set-up"


def _environ(**extra: str) -> dict[str, str]:
    return {"FRONTDOOR_ENVIRONMENT": "test", "FRONTDOOR_SECRET_KEY": secrets.token_urlsafe(48),
            **extra}  # fmt: skip


@pytest.mark.parametrize("published", sorted(PUBLISHED_SECRETS))
def test_a_published_encryption_key_is_refused(published: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        KnowledgeSettings.load(_environ(FRONTDOOR_TOTP_ENCRYPTION_KEY=published))
    assert caught.value.message.startswith("FRONTDOOR_TOTP_ENCRYPTION_KEY")


def test_requiring_two_factor_without_a_key_stops_start_up() -> None:
    with pytest.raises(ConfigurationError) as caught:
        KnowledgeSettings.load(_environ(FRONTDOOR_TWO_FACTOR_REQUIRED="true"))
    assert "FRONTDOOR_TOTP_ENCRYPTION_KEY" in caught.value.message
    settings = KnowledgeSettings.load(
        _environ(FRONTDOOR_TWO_FACTOR_REQUIRED="true",
                 FRONTDOOR_TOTP_ENCRYPTION_KEY=secrets.token_urlsafe(48))
    )  # fmt: skip
    config = TwoFactorConfig.from_settings(settings)
    assert config.required and config.box is not None
    assert config.issuer == f"Frontdoor ({settings.council_name})"
    assert TwoFactorConfig.from_settings(KnowledgeSettings.load(_environ())).box is None
