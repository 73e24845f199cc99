"""Settings of the council's systems as Frontdoor sees them: the key the account
system signs identity tokens with (``FRONTDOOR_IDENTITY_SIGNING_KEY``), and
which system takes problem reports (:class:`CasesSettings`).

``frontdoor token mint`` needs only this; the action server's settings extend
it. The key is checked by the one rule in :mod:`frontdoor.secrets`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar, Literal

from pydantic import Field, SecretStr, model_validator

from backoffice.ports import BackOffice
from backoffice.values import CaseType
from frontdoor.stack import StackSettings


class IdentityKeySettings(StackSettings):
    """Enough to sign and check identity tokens (``frontdoor token mint``)."""

    required_secrets: ClassVar[tuple[str, ...]] = ("identity_signing_key",)

    identity_signing_key: SecretStr | None = Field(
        default=None,
        description="HMAC-SHA256 key for identity tokens (shared with the account system).",
    )
    identity_token_audience: str = "frontdoor-bot"  # noqa: S105 - not a secret


class CasesSettings(StackSettings):
    """Which system takes problem reports (issue #16): the demo CRM (the default),
    or the council's own through Open311 GeoReport v2:

    - ``FRONTDOOR_CASES_SYSTEM``: ``demo`` or ``open311``;
    - ``FRONTDOOR_OPEN311_BASE_URL``: the endpoint's root (where ``services.json`` is);
    - ``FRONTDOOR_OPEN311_API_KEY`` (a secret), ``FRONTDOOR_OPEN311_JURISDICTION_ID``;
    - ``FRONTDOOR_OPEN311_SERVICE_CODES``: JSON, case type to service code, e.g.
      ``{"fly_tipping": "FLY", "graffiti": "GRAF"}``; a type without a code stays
      with the demo CRM;
    - ``FRONTDOOR_OPEN311_TIMEOUT_SECONDS``.
    """

    cases_system: Literal["demo", "open311"] = "demo"
    open311_base_url: str = ""
    open311_api_key: SecretStr | None = Field(default=None, description="Open311 API key.")
    open311_jurisdiction_id: str = Field(default="", max_length=100)
    open311_service_codes: dict[str, str] = Field(default_factory=dict)
    open311_timeout_seconds: float = Field(default=10.0, gt=0, le=60)

    @model_validator(mode="after")
    def _open311_complete(self) -> CasesSettings:
        known = {t.value for t in CaseType}
        for name in self.open311_service_codes:
            if name not in known:
                raise ValueError(
                    f"FRONTDOOR_OPEN311_SERVICE_CODES: {name!r} is not a case type "
                    f"(one of {', '.join(sorted(known))})"
                )
        if self.cases_system != "open311":
            return self
        if not self.open311_base_url.startswith(("http://", "https://")):
            raise ValueError("FRONTDOOR_OPEN311_BASE_URL (http or https) is required for open311")
        if not self.secret_value("open311_api_key"):
            raise ValueError("FRONTDOOR_OPEN311_API_KEY is required for open311")
        if not self.open311_service_codes:
            raise ValueError("FRONTDOOR_OPEN311_SERVICE_CODES is required for open311")
        return self


def backoffice_from_settings(
    engine: Any,
    *,
    settings: CasesSettings | None = None,
    environ: Mapping[str, str] | None = None,
    transport: Any = None,
    bulky_prices: Any = None,
) -> BackOffice:
    """The demo back office, with its cases behind Open311 when so configured;
    ``bulky_prices``: the council's bulky-waste tariff (``bulky_rules.price_list_from``)."""
    from backoffice import demo_backoffice
    from backoffice.open311 import Open311Cases, Open311Client

    settings = settings or CasesSettings.load(environ)
    office = demo_backoffice(engine, bulky_prices=bulky_prices)
    if settings.cases_system != "open311":
        return office
    client = Open311Client(
        settings.open311_base_url,
        api_key=settings.require_secret("open311_api_key"),
        jurisdiction_id=settings.open311_jurisdiction_id,
        timeout=settings.open311_timeout_seconds,
        transport=transport,
    )
    codes = {CaseType(k): v for k, v in settings.open311_service_codes.items()}
    return replace(office, cases=Open311Cases(office.cases, client, codes))
