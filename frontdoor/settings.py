"""Typed settings shared by every service.

Each service subclasses :class:`CommonSettings` with its own fields. Settings
are read once, at start-up, from ``FRONTDOOR_*`` environment variables (and a
``.env`` file in the working directory). Tests pass a plain dict instead of
touching ``os.environ``: ``KnowledgeSettings.load({"FRONTDOOR_PORT": "0"})``.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Self

from pydantic import (
    BeforeValidator,
    Field,
    IPvAnyNetwork,
    SecretStr,
    ValidationError,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from frontdoor.exceptions import ConfigurationError

ENV_PREFIX = "FRONTDOOR_"
PLACEHOLDER_SECRET = "change-me-in-production"  # noqa: S105 - a marker, refused outside development

# The environment a `load()` call was given; None means os.environ.
_injected_environ: contextvars.ContextVar[Mapping[str, str] | None] = contextvars.ContextVar(
    "frontdoor_injected_environ", default=None
)


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class _MappingEnvSource(EnvSettingsSource):
    """An environment source reading a given mapping instead of ``os.environ``."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        # Same rules as pydantic-settings applies to os.environ.
        parsed: dict[str, str | None] = {}
        for key, value in self._environ.items():
            if self.env_ignore_empty and value == "":
                continue
            name = key if self.case_sensitive else key.lower()
            parsed[name] = None if value == self.env_parse_none_str else value
        return parsed


def _comma_separated(value: Any) -> Any:
    return (
        [part.strip() for part in value.split(",") if part.strip()]
        if isinstance(value, str)
        else value
    )


class CommonSettings(BaseSettings):
    """Settings every service reads."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", validate_default=True
    )

    environment: Environment = Environment.DEVELOPMENT
    var_dir: Path = Field(default=Path("var"), description="Where embedded data lives.")
    database_url: str = Field(
        default="", description="SQLAlchemy URL; empty means SQLite under var_dir."
    )
    redis_url: str | None = Field(default=None, description="Redis URL for scale-out.")
    secret_key: SecretStr = SecretStr(PLACEHOLDER_SECRET)
    log_level: str = "INFO"
    trusted_proxies: Annotated[
        tuple[IPvAnyNetwork, ...], NoDecode, BeforeValidator(_comma_separated)
    ] = Field(
        default=(),
        description="Comma-separated addresses or networks of reverse proxies whose "
        "X-Forwarded-For is believed (frontdoor.http.client_address). Default: none, "
        "not even loopback.",
    )

    @model_validator(mode="after")
    def _check(self) -> Self:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.var_dir / 'frontdoor.db').as_posix()}"
        if not self.database_url.startswith(("sqlite", "postgresql")):
            raise ValueError("database_url must be a sqlite:// or postgresql:// URL")
        if self.redis_url == "":
            self.redis_url = None
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("redis_url must start with redis://, rediss:// or unix://")
        if (
            self.environment != Environment.DEVELOPMENT
            and self.environment != Environment.TEST
            and self.secret_key.get_secret_value() == PLACEHOLDER_SECRET
        ):
            raise ValueError(
                "secret_key is still the placeholder; "
                "set FRONTDOOR_SECRET_KEY to a long random value"
            )
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        environ = _injected_environ.get()
        if environ is not None:
            return (init_settings, _MappingEnvSource(settings_cls, environ))
        return (init_settings, env_settings, dotenv_settings, file_secret_settings)

    @classmethod
    def load(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Self:
        """Read and validate settings, turning any error into a ConfigurationError.

        The message names the environment variable at fault, e.g.
        ``FRONTDOOR_KNOWLEDGE_PORT: Input should be a valid integer``.
        """
        token = _injected_environ.set(environ)
        try:
            return cls(**overrides)
        except ValidationError as exc:
            raise ConfigurationError(describe_validation_error(exc)) from None
        finally:
            _injected_environ.reset(token)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem, each naming the FRONTDOOR_ variable."""
    parts = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ()) if part != "__root__"]
        name = ENV_PREFIX + "_".join(location).upper() if location else "settings"
        message = error.get("msg", "invalid value").removeprefix("Value error, ")
        parts.append(f"{name}: {message}")
    return "; ".join(parts) or str(exc)


def project_root() -> Path:
    """The checkout's root (where pyproject.toml is), or the working directory."""
    here = Path(__file__).resolve().parent.parent
    if (here / "pyproject.toml").exists():
        return here
    return Path(os.getcwd())
