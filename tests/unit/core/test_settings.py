"""Settings: read from an injected environment, errors name the variable."""

from __future__ import annotations

import secrets

import pytest

from frontdoor.exceptions import ConfigurationError
from frontdoor.settings import CommonSettings, Environment
from frontdoor.stack import StackSettings


def test_defaults_are_embedded_sqlite_without_redis():
    settings = CommonSettings.load({})
    assert settings.database_url == "sqlite:///var/frontdoor.db"
    assert settings.redis_url is None
    assert settings.environment is Environment.DEVELOPMENT


def test_injected_environment_is_used_instead_of_os_environ(monkeypatch):
    monkeypatch.setenv("FRONTDOOR_KNOWLEDGE_PORT", "1234")
    settings = StackSettings.load({"FRONTDOOR_HANDOFF_PORT": "9001"})
    assert settings.handoff_port == 9001
    assert settings.knowledge_port == 8000  # os.environ is not read when a dict is given


def test_os_environ_is_read_by_default(monkeypatch):
    monkeypatch.setenv("FRONTDOOR_RASA_PORT", "6005")
    assert StackSettings.load().rasa_port == 6005


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"FRONTDOOR_KNOWLEDGE_PORT": "eighty"}, "FRONTDOOR_KNOWLEDGE_PORT"),
        ({"FRONTDOOR_HANDOFF_PORT": "70000"}, "FRONTDOOR_HANDOFF_PORT"),
        ({"FRONTDOOR_DATABASE_URL": "mysql://x"}, "database_url"),
        ({"FRONTDOOR_REDIS_URL": "localhost:6379"}, "redis_url"),
        ({"FRONTDOOR_ENVIRONMENT": "staging"}, "FRONTDOOR_ENVIRONMENT"),
    ],
)
def test_malformed_settings_name_the_variable(environ, variable):
    with pytest.raises(ConfigurationError) as caught:
        StackSettings.load(environ)
    assert variable in caught.value.message


@pytest.mark.parametrize("environment", ["development", "test", "production"])
def test_a_published_secret_key_is_refused_in_every_environment(environment):
    for published in ("change-me-in-production", "test-secret-" + "x" * 32, "x" * 40):
        with pytest.raises(ConfigurationError, match="FRONTDOOR_SECRET_KEY"):
            CommonSettings.load(
                {"FRONTDOOR_ENVIRONMENT": environment, "FRONTDOOR_SECRET_KEY": published}
            )
    key = secrets.token_urlsafe(48)
    settings = CommonSettings.load(
        {"FRONTDOOR_ENVIRONMENT": environment, "FRONTDOOR_SECRET_KEY": key}
    )
    assert settings.secret_key is not None and settings.secret_key.get_secret_value() == key


def test_postgres_and_redis_urls_are_accepted():
    settings = CommonSettings.load(
        {
            "FRONTDOOR_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/test",
            "FRONTDOOR_REDIS_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert not settings.is_sqlite
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
