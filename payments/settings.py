"""Payments settings (``FRONTDOOR_*``) and the composition of the payments service.

- ``FRONTDOOR_PAYMENTS_PROVIDER``: ``demo`` (the default: the demo payment page
  served by the stack, no money moves) or ``govuk-pay``;
- ``FRONTDOOR_GOVUK_PAY_API_KEY`` (a secret, required for ``govuk-pay``),
  ``FRONTDOOR_GOVUK_PAY_BASE_URL``, ``FRONTDOOR_GOVUK_PAY_TIMEOUT_SECONDS``;
- ``FRONTDOOR_PAYMENTS_HOLD_MINUTES``: how long a bulky-waste place is held
  while the resident pays (then the payment is cancelled and the place given back);
- ``FRONTDOOR_PAYMENTS_LIMIT_RETURN``, ``FRONTDOOR_PAYMENTS_LIMIT_DEMO``,
  ``FRONTDOOR_PAYMENTS_LIMIT_FEES``: limits on the anonymous writes (coming back
  from paying; the demo page's buttons; the form paying another fee), per client
  address.

``FRONTDOOR_BOT_SECRET`` (as the bot and handoff have it) lets a booked payment be
confirmed in the chat it was paid from, through the handoff service's internal API
at the stack's handoff address (unset: only the return page says so).

Pages and return URLs are built on ``FRONTDOOR_PUBLIC_URL`` (or the knowledge
service's own address), where :mod:`payments.web` is served.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from sqlalchemy.engine import Engine

from backoffice.bulky_rules import price_list_from
from backoffice.ports import BulkyWaste
from frontdoor.contracts.conversation_messages import ConversationMessages
from frontdoor.profile import CouncilProfile
from frontdoor.ratelimit import RateLimit
from frontdoor.stack import StackSettings
from payments.demo import DemoPay
from payments.govukpay import GOVUK_PAY_API, GovUkPay
from payments.journey import Payments
from payments.ports import PaymentProvider


class PaymentsSettings(StackSettings):
    payments_provider: Literal["demo", "govuk-pay"] = "demo"
    govuk_pay_api_key: SecretStr | None = Field(default=None, description="GOV.UK Pay API key.")
    govuk_pay_base_url: str = GOVUK_PAY_API
    govuk_pay_timeout_seconds: float = Field(default=10.0, gt=0, le=60)
    payments_hold_minutes: int = Field(default=30, ge=5, le=90)
    bot_secret: SecretStr | None = Field(
        default=None,
        description="Shown to the handoff service to confirm a booking in the resident's chat.",
    )
    payments_limit_return: RateLimit = "30/minute;300/hour"
    payments_limit_demo: RateLimit = "20/minute;200/hour"
    payments_limit_fees: RateLimit = "10/minute;60/hour"

    @model_validator(mode="after")
    def _key_for_govuk_pay(self) -> PaymentsSettings:
        if self.payments_provider == "govuk-pay" and not self.secret_value("govuk_pay_api_key"):
            raise ValueError(
                "FRONTDOOR_GOVUK_PAY_API_KEY is required when FRONTDOOR_PAYMENTS_PROVIDER=govuk-pay"
            )
        return self

    @property
    def site_url(self) -> str:
        """Where residents reach the payment pages (the public website)."""
        return (self.public_url or self.url(self.knowledge_port)).rstrip("/")


def provider_from(
    settings: PaymentsSettings, engine: Engine, clock: Callable[[], datetime]
) -> PaymentProvider:
    if settings.payments_provider == "govuk-pay":
        return GovUkPay(
            settings.require_secret("govuk_pay_api_key"),
            base_url=settings.govuk_pay_base_url,
            timeout=settings.govuk_pay_timeout_seconds,
        )
    return DemoPay(engine, page_url=f"{settings.site_url}/pay/demo", clock=clock)


def payments_from(
    engine: Engine,
    bulky: BulkyWaste,
    clock: Callable[[], datetime],
    *,
    settings: PaymentsSettings | None = None,
    environ: Mapping[str, str] | None = None,
    council: CouncilProfile | None = None,
) -> Payments:
    """``council``: the profile whose fee table is charged (default: the settings')."""
    settings = settings or PaymentsSettings.load(environ)
    fees = (council or settings.council).fees
    return Payments(
        engine,
        provider_from(settings, engine, clock),
        bulky,
        clock=clock,
        return_url=f"{settings.site_url}/pay/return",
        hold_minutes=settings.payments_hold_minutes,
        chat=_chat(settings),
        bulky_prices=price_list_from(fees.bulky_waste),
        fees=fees.other,
    )


def _chat(settings: PaymentsSettings) -> ConversationMessages | None:
    secret = settings.secret_value("bot_secret")
    return ConversationMessages(settings.handoff_url, bot_secret=secret) if secret else None


def council_bulky(engine: Engine, settings: PaymentsSettings | None = None) -> BulkyWaste:
    """The back office's bulky waste priced by the council profile's fee table, so a
    late success rebooked after its hold lapsed costs what was paid."""
    from backoffice import demo_backoffice

    fees = (settings or PaymentsSettings.load()).council.fees
    return demo_backoffice(engine, bulky_prices=price_list_from(fees.bulky_waste)).bulky
