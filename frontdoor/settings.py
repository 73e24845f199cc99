"""Typed settings shared by every service.

Each service subclasses :class:`CommonSettings` with its own fields. Settings
are read once, at start-up, from ``FRONTDOOR_*`` environment variables, a
``.env`` file in the working directory and, last, the installation's generated
secrets file (``var/secrets.env``, see :mod:`frontdoor.secrets`). Tests pass a plain dict instead of
touching ``os.environ``: ``KnowledgeSettings.load({"FRONTDOOR_PORT": "0"})``.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Mapping
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    BeforeValidator,
    Field,
    IPvAnyNetwork,
    PrivateAttr,
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
from frontdoor.profile import PROFILE_ENV, CouncilProfile, load_profile
from frontdoor.secrets import SECRET_FIELDS, check_secrets, read_secrets_file, secrets_file

ENV_PREFIX = "FRONTDOOR_"

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


class _SecretsFileSource(_MappingEnvSource):
    """The generated ``<var_dir>/secrets.env``: below every other source."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        var_dir = Path(os.environ.get(ENV_PREFIX + "VAR_DIR") or "var")
        super().__init__(settings_cls, read_secrets_file(secrets_file(var_dir)))


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
    secret_key: SecretStr | None = Field(
        default=None, description="Signs conversation tokens; see frontdoor.secrets."
    )
    knowledge_bot_token: SecretStr | None = Field(
        default=None,
        description="The bot shows it when reporting a content gap, so gaps are counted per "
        "conversation rather than per the action server's address; it grants nothing else.",
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description="A scraper on another host shows it as `Authorization: Bearer ...` to read "
        "GET /metrics; unset, only scrapers on this host (loopback, no proxy) are answered.",
    )
    oidc_issuer: str = Field(
        default="",
        description="Staff single sign-on: the OpenID Connect issuer URL (Entra ID: "
        "https://login.microsoftonline.com/<tenant>/v2.0; Google: https://accounts.google.com). "
        "Empty: local accounts only.",
    )
    oidc_client_id: str = Field(default="", description="Client id registered with the issuer.")
    oidc_client_secret: SecretStr | None = Field(
        default=None, description="Client secret registered with the issuer."
    )
    oidc_scopes: str = Field(default="openid email profile", description="Scopes to request.")
    oidc_role_claim: str = Field(
        default="roles",
        description="The ID token claim listing app roles or groups (Entra: roles or groups; "
        "Google Workspace: groups).",
    )
    oidc_role_map: dict[str, str] = Field(
        default_factory=dict,
        description='JSON: claim value -> Frontdoor role, e.g. {"Frontdoor.Editors": "editor"}.',
    )
    oidc_team_claim: str = Field(default="groups", description="The claim listing teams.")
    oidc_team_map: dict[str, str] = Field(
        default_factory=dict,
        description='JSON: claim value -> team name, e.g. {"3f2a...": "Council Tax"}.',
    )
    oidc_allowed_domains: Annotated[
        tuple[str, ...], NoDecode, BeforeValidator(_comma_separated)
    ] = Field(
        default=(),
        description="Comma-separated email domains allowed to sign in by SSO (required).",
    )
    totp_encryption_key: SecretStr | None = Field(
        default=None,
        description="Encrypts staff two-factor (TOTP) secrets at rest; see "
        "frontdoor.accounts.secretbox. Unset: nobody can set up two-factor sign-in.",
    )
    two_factor_required: bool = Field(
        default=False,
        description="Every local (password) account must sign in with a code from an "
        "authenticator app; admins can also require it in the editor (Staff and teams). "
        "Single sign-on accounts are never asked: their provider does it.",
    )
    public_url: str = Field(
        default="",
        description="The address residents and staff use (https://... makes cookies Secure).",
    )
    profile: Path | None = Field(
        default=None,
        description="The council profile (TOML, see frontdoor.profile); default: the demo "
        "council's, profiles/bramblefield.toml.",
    )
    log_level: str = "INFO"
    trusted_proxies: Annotated[
        tuple[IPvAnyNetwork, ...], NoDecode, BeforeValidator(_comma_separated)
    ] = Field(
        default=(),
        description="Comma-separated addresses or networks of reverse proxies whose "
        "X-Forwarded-For is believed (frontdoor.http.client_address). Default: none, "
        "not even loopback.",
    )

    # Secret fields this service cannot start without (frontdoor.secrets.SECRET_FIELDS).
    required_secrets: ClassVar[tuple[str, ...]] = ()
    _council: CouncilProfile | None = PrivateAttr(default=None)

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
        if self.public_url and not self.public_url.startswith(("http://", "https://")):
            raise ValueError("FRONTDOOR_PUBLIC_URL must start with http:// or https://")
        if self.two_factor_required and not self.secret_value("totp_encryption_key"):
            raise ValueError(
                "FRONTDOOR_TWO_FACTOR_REQUIRED needs FRONTDOOR_TOTP_ENCRYPTION_KEY "
                "(the key that encrypts authenticator secrets)"
            )
        problems = check_secrets(
            {
                name: self.secret_value(name)
                for name in SECRET_FIELDS
                if name in type(self).model_fields
            },
            required=type(self).required_secrets,
        )
        if problems:
            raise ValueError("; ".join(problems))
        # A bad profile stops start-up with its own one line (ConfigurationError).
        self._council = load_profile(self.profile)
        return self

    @property
    def council(self) -> CouncilProfile:
        """The council profile every service reads (``FRONTDOOR_PROFILE``)."""
        if self._council is None:
            self._council = load_profile(self.profile)
        return self._council

    def secret_value(self, name: str) -> str | None:
        """A secret field's value (None when unset)."""
        value = getattr(self, name, None)
        return value.get_secret_value() if isinstance(value, SecretStr) else value

    def require_secret(self, name: str) -> str:
        """A secret the caller cannot work without (validated, so never a placeholder)."""
        value = self.secret_value(name)
        if not value:
            problem = check_secrets({name: None}, required=(name,))
            raise ConfigurationError(problem[0])
        return value

    @property
    def secure_cookies(self) -> bool:
        """Cookies are Secure whenever the public address is https, and in production."""
        return self.public_url.startswith("https://") or self.environment == Environment.PRODUCTION

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
            # An injected environment (tests) is the whole truth: no files are read.
            return (init_settings, _MappingEnvSource(settings_cls, environ))
        return (
            init_settings,
            env_settings,
            dotenv_settings,
            file_secret_settings,
            _SecretsFileSource(settings_cls),
        )

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
        message = error.get("msg", "invalid value").removeprefix("Value error, ")
        if not location:  # a rule across fields: its message names the variables itself
            parts.append(message)
            continue
        parts.append(f"{ENV_PREFIX}{'_'.join(location).upper()}: {message}")
    return "; ".join(parts) or str(exc)


def environment_profile() -> CouncilProfile:
    """The council profile ``FRONTDOOR_PROFILE`` names in the environment or ``.env``,
    for code that holds no settings (cheap: the file is read once per version)."""
    return load_profile(_profile_path(os.environ.get(PROFILE_ENV)))


@lru_cache(maxsize=4)
def _profile_path(_environment_value: str | None) -> Path | None:
    return CommonSettings.load().profile


def project_root() -> Path:
    """The checkout's root (where pyproject.toml is), or the working directory."""
    here = Path(__file__).resolve().parent.parent
    if (here / "pyproject.toml").exists():
        return here
    return Path(os.getcwd())
