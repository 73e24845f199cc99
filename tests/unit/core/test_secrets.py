"""The one rule for secrets, and the installation's generated secrets file."""

from __future__ import annotations

import re
import secrets
import stat
from pathlib import Path

import pytest

from actions.settings import BotSettings
from frontdoor.exceptions import ConfigurationError
from frontdoor.launcher import build_services, installation_secrets
from frontdoor.ratelimit import limiter_for
from frontdoor.secrets import (
    BOT_SECRET_HEADER,
    GENERATED_VARIABLES,
    PUBLISHED_SECRETS,
    ensure_secrets_file,
    secret_problem,
    secrets_file,
)
from frontdoor.settings import CommonSettings
from frontdoor.stack import StackSettings
from handoff.settings import HandoffSettings
from knowledge.settings import KnowledgeSettings

ROOT = Path(__file__).resolve().parents[3]


def fresh() -> dict[str, str]:
    return {name: secrets.token_urlsafe(48) for name in GENERATED_VARIABLES}


def test_every_value_printed_in_env_example_is_refused_as_a_secret() -> None:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    for name in GENERATED_VARIABLES:
        match = re.search(rf"^#?\s*{name}=(.*)$", text, re.M)
        assert match is not None, f"{name} is not documented in .env.example"
        assert secret_problem(match.group(1).strip()) is not None, name


@pytest.mark.parametrize("published", sorted(PUBLISHED_SECRETS))
@pytest.mark.parametrize("variable", GENERATED_VARIABLES)
def test_published_values_are_refused_in_development_naming_the_variable(
    published: str, variable: str
) -> None:
    environ = {**fresh(), "FRONTDOOR_ENVIRONMENT": "development", variable: published}
    with pytest.raises(ConfigurationError) as caught:
        HandoffSettings.load(environ)
    assert caught.value.message.startswith(variable)
    assert "\n" not in caught.value.message


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "not set"),
        ("short-but-random-Zq9", "too short"),
        ("ab" * 30, "not a random value"),
        ("change-me-please-to-something-long-enough", "published"),
    ],
)
def test_what_is_not_a_secret_says_why(value: str, reason: str) -> None:
    problem = secret_problem(value)
    assert problem is not None and reason in problem


def test_each_service_requires_its_own_secrets() -> None:
    knowledge = KnowledgeSettings.load({})  # its commands need no secret, but its service
    with pytest.raises(ConfigurationError, match="FRONTDOOR_SECRET_KEY"):
        limiter_for(knowledge, namespace="knowledge")  # salts limits' and gaps' client keys
    assert StackSettings.load({})  # nor does the launcher before it creates them
    with pytest.raises(ConfigurationError) as caught:
        HandoffSettings.load({})
    for field in HandoffSettings.required_secrets:
        assert field.upper() in caught.value.message
    with pytest.raises(ConfigurationError, match="FRONTDOOR_BOT_SECRET"):
        BotSettings.load({"FRONTDOOR_IDENTITY_SIGNING_KEY": secrets.token_urlsafe(48)})
    assert HandoffSettings.load(fresh()).require_secret("bot_secret")


def test_the_secrets_file_is_created_private_and_reused(tmp_path: Path) -> None:
    first = ensure_secrets_file(tmp_path / "var")
    path = secrets_file(tmp_path / "var")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert set(first) == set(GENERATED_VARIABLES)
    for value in first.values():
        assert secret_problem(value) is None
    assert ensure_secrets_file(tmp_path / "var") == first  # a later run reuses them
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_secret_missing_from_an_older_file_is_added_and_the_others_kept(tmp_path: Path) -> None:
    path = secrets_file(tmp_path)
    kept = secrets.token_urlsafe(48)
    path.write_text(f"FRONTDOOR_SECRET_KEY={kept}\n")
    path.chmod(0o644)
    values = ensure_secrets_file(tmp_path)
    assert values["FRONTDOOR_SECRET_KEY"] == kept
    assert secret_problem(values["FRONTDOOR_BOT_SECRET"]) is None
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_launcher_passes_the_file_secrets_and_the_operator_wins(tmp_path: Path) -> None:
    chosen = secrets.token_urlsafe(48)
    environ = {"FRONTDOOR_VAR_DIR": str(tmp_path / "var"), "FRONTDOOR_BOT_SECRET": chosen}
    settings = StackSettings.load(environ)
    given = installation_secrets(settings, environ)
    stored = ensure_secrets_file(tmp_path / "var")
    assert given["FRONTDOOR_BOT_SECRET"] == chosen
    assert given["FRONTDOOR_SECRET_KEY"] == stored["FRONTDOOR_SECRET_KEY"]
    assert given["FRONTDOOR_IDENTITY_SIGNING_KEY"] == stored["FRONTDOOR_IDENTITY_SIGNING_KEY"]
    for service in build_services(settings, given):
        assert service.env["FRONTDOOR_BOT_SECRET"] == chosen, service.name
        assert service.env["FRONTDOOR_SECRET_KEY"] == stored["FRONTDOOR_SECRET_KEY"]


def test_settings_read_the_generated_file_below_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = ensure_secrets_file(tmp_path)
    override = secrets.token_urlsafe(48)
    for name in GENERATED_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FRONTDOOR_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("FRONTDOOR_SECRET_KEY", override)
    settings = HandoffSettings.load()
    assert settings.require_secret("secret_key") == override
    assert settings.require_secret("bot_secret") == stored["FRONTDOOR_BOT_SECRET"]


def test_the_rasa_channel_uses_the_same_header() -> None:
    channel = (ROOT / "bot" / "secret_channel.py").read_text(encoding="utf-8")
    assert f'BOT_SECRET_HEADER = "{BOT_SECRET_HEADER}"' in channel


@pytest.mark.parametrize(
    ("environ", "secure"),
    [
        ({}, False),
        ({"FRONTDOOR_PUBLIC_URL": "https://www.bramblefield.gov.uk"}, True),
        ({"FRONTDOOR_PUBLIC_URL": "http://localhost:8000"}, False),
        ({"FRONTDOOR_ENVIRONMENT": "production"}, True),
    ],
)
def test_cookies_are_secure_whenever_the_public_url_is_https(
    environ: dict[str, str], secure: bool
) -> None:
    assert CommonSettings.load(environ).secure_cookies is secure
    assert KnowledgeSettings.load({**fresh(), **environ}).secure_cookies is secure
    assert HandoffSettings.load({**fresh(), **environ}).secure_cookies is secure


def test_https_public_url_wins_over_an_insecure_cookie_override() -> None:
    settings = KnowledgeSettings.load(
        {
            **fresh(),
            "FRONTDOOR_PUBLIC_URL": "https://www.bramblefield.gov.uk",
            "FRONTDOOR_KNOWLEDGE_SECURE_COOKIES": "false",
        }
    )
    assert settings.secure_cookies is True


def test_the_launcher_refuses_a_published_secret_before_starting_anything(tmp_path: Path) -> None:
    environ = {
        "FRONTDOOR_VAR_DIR": str(tmp_path / "var"),
        "FRONTDOOR_BOT_SECRET": "change-me-in-production",
    }
    with pytest.raises(ConfigurationError) as refused:
        installation_secrets(StackSettings.load(environ), environ)
    assert refused.value.message.startswith("FRONTDOOR_BOT_SECRET")
