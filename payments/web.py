"""The payment pages residents see, on the council's website (knowledge service).

- ``GET /pay/demo/{id}``: the demo provider's payment page. It says plainly
  that it is a demo and no money is taken, and offers pay, decline (as a
  declined card) and cancel; ``POST`` finishes the demo payment and sends
  the resident back to the return URL (303), as GOV.UK Pay does.
- ``GET /pay/return/{reference}``: where the resident comes back. It asks the
  provider what happened (never the query string), books or releases the
  place (:meth:`payments.journey.Payments.settle`) and says what became of it.
  Reloading it books nothing twice.
- ``GET /pay/fees`` (``?lang=cy``): the other fees the council's profile lists
  (``fees.other``); ``GET /pay/fees/{code}``: the form (name, email for the
  receipt, what the payment is for), ``POST`` validates it, creates the payment
  for the profile's amount (never one from the form) and sends the resident to
  the provider's page; an unknown fee is a plain 404.

All three write, anonymously, so both are rate-limited per client address. English
or Welsh follows the language the payment was started in. Mounted through
core's registry (``frontdoor.components.site_routers``).
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from frontdoor.clock import LONDON
from frontdoor.ratelimit import Check, RateLimiter, client_address
from knowledge.routes.site import _context
from payments.demo import CHOICES, DemoPay
from payments.journey import FeeOrder, Payments, PaymentUnavailable
from payments.ports import ProviderRefused
from payments.settings import PaymentsSettings, council_bulky, payments_from
from payments.text import day, money, text_for

router = APIRouter(prefix="/pay", tags=["payments"], include_in_schema=False)
TEMPLATES = Path(__file__).parent / "templates"
EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,43}$")
NAME_MAX, PURPOSE_MAX = 100, 200


def _state(request: Request) -> tuple[Payments, PaymentsSettings]:
    """The payments service, composed once per app (tests set it beforehand)."""
    state = request.app.state
    found = getattr(state, "payments", None)
    if found is None:
        settings = PaymentsSettings.load()
        clock = getattr(state, "clock", None) or (lambda: datetime.now(UTC))
        engine = state.engine
        found = state.payments = payments_from(
            engine, council_bulky(engine, settings), clock, settings=settings
        )
        state.payments_settings = settings
    settings = getattr(state, "payments_settings", None) or PaymentsSettings.load()
    state.payments_settings = settings
    return found, settings


def _templates(request: Request) -> Jinja2Templates:
    state = request.app.state
    made = getattr(state, "payments_templates", None)
    if made is None:
        site = state.templates.env
        env = site.overlay(loader=ChoiceLoader([FileSystemLoader(TEMPLATES), site.loader]))
        made = state.payments_templates = Jinja2Templates(env=env)
    return made


def _page(
    request: Request, template: str, language: str, status: int = 200, **values: Any
) -> HTMLResponse:
    context = _context(request, language, p=text_for(language), money=money, day=day, **values)
    return _templates(request).TemplateResponse(request, template, context, status_code=status)


def _limit(request: Request, which: str) -> None:
    _, settings = _state(request)
    limiter: RateLimiter = request.app.state.limiter
    limit = {
        "demo": settings.payments_limit_demo,
        "fees": settings.payments_limit_fees,
    }.get(which, settings.payments_limit_return)
    limiter.hit(Check(limit, f"pay:{which}", client_address(request)))


def _demo(request: Request) -> DemoPay | None:
    payments, _ = _state(request)
    provider = payments.provider
    return provider if isinstance(provider, DemoPay) else None


def _not_found(request: Request) -> HTMLResponse:
    return _page(request, "payments/missing.html", "en", status=404, title="Payment not found")


@router.get("/demo/{payment_id}", response_class=HTMLResponse)
def demo_page(request: Request, payment_id: str) -> Response:
    _limit(request, "demo")  # opening it starts the payment (created -> started)
    demo = _demo(request)
    if demo is None or len(payment_id) > 32:
        return _not_found(request)
    try:
        payment = demo.open(payment_id)
    except ProviderRefused:
        return _not_found(request)
    text = text_for(payment.language)
    if payment.status not in ("created", "started", "submitted"):
        return _page(
            request,
            "payments/demo_done.html",
            payment.language,
            title=text["demo_title"],
            payment=payment,
        )
    return _page(
        request,
        "payments/demo.html",
        payment.language,
        title=text["demo_title"],
        payment=payment,
        choices=tuple(CHOICES),
    )


@router.post("/demo/{payment_id}")
def demo_choose(
    request: Request, payment_id: str, choice: Annotated[str, Form(max_length=20)] = ""
) -> Response:
    _limit(request, "demo")
    demo = _demo(request)
    if demo is None or len(payment_id) > 32:
        return _not_found(request)
    if choice not in CHOICES:
        try:
            payment = demo.open(payment_id)
        except ProviderRefused:
            return _not_found(request)
        text = text_for(payment.language)
        return _page(
            request,
            "payments/demo.html",
            payment.language,
            status=422,
            title=text["demo_title"],
            payment=payment,
            choices=tuple(CHOICES),
            error=text["demo_choose"],
        )
    try:
        payment = demo.choose(payment_id, choice)
    except ProviderRefused:
        return _not_found(request)
    return RedirectResponse(payment.return_url, status_code=303)


@router.get("/return/{reference}", response_class=HTMLResponse)
def come_back(request: Request, reference: str) -> Response:
    _limit(request, "return")
    payments, _ = _state(request)
    if len(reference) > 32 or not reference.isalnum():
        return _not_found(request)
    outcome = payments.settle(reference)
    if outcome is None:
        return _not_found(request)
    text = text_for(outcome.language)
    status = 503 if outcome.state == "unavailable" else 200
    until = ""
    if outcome.state == "processing":
        record_until = payments.held_until(reference)
        until = record_until.astimezone(LONDON).strftime("%H:%M") if record_until else ""
    return _page(
        request,
        "payments/outcome.html",
        outcome.language,
        status=status,
        title=text[f"title_{outcome.state.replace('-', '_')}"],
        outcome=outcome,
        until=until,
    )


# --- any other fee the council's profile lists (fees.other) ------------------------------


def _language(value: str) -> str:
    return "cy" if value == "cy" else "en"


def _query(language: str) -> str:
    return "?lang=cy" if language == "cy" else ""


def _fee_missing(request: Request, language: str) -> HTMLResponse:
    text = text_for(language)
    return _page(request, "payments/fee_missing.html", language, status=404,
                 title=text["fee_missing_title"], query=_query(language))  # fmt: skip


@router.get("/fees", response_class=HTMLResponse)
def fees_page(request: Request, lang: str = "") -> Response:
    language = _language(lang)
    payments, _ = _state(request)
    other = "en" if language == "cy" else "cy"
    return _page(request, "payments/fees.html", language, title=text_for(language)["fees_title"],
                 fees=payments.fees, query=_query(language),
                 alternate_url=f"/pay/fees{_query(other)}")  # fmt: skip


def _fee_form(
    request: Request, code: str, language: str, *, status: int = 200,
    values: dict[str, str] | None = None, errors: list[tuple[str, str]] | None = None,
    token: str | None = None,
) -> HTMLResponse:  # fmt: skip
    payments, _ = _state(request)
    fee = payments.fee(code) if len(code) <= 40 else None
    if fee is None:
        return _fee_missing(request, language)
    other = "en" if language == "cy" else "cy"
    return _page(request, "payments/fee_form.html", language, status=status,
                 title=fee.name.in_language(language), fee=fee, values=values or {},
                 errors=errors or [], token=token or secrets.token_urlsafe(16),
                 alternate_url=f"/pay/fees/{fee.code}{_query(other)}")  # fmt: skip


@router.get("/fees/{code}", response_class=HTMLResponse)
def fee_form(request: Request, code: str, lang: str = "") -> Response:
    return _fee_form(request, code, _language(lang))


@router.post("/fees/{code}")
def fee_pay(
    request: Request,
    code: str,
    lang: Annotated[str, Form(max_length=5)] = "",
    token: Annotated[str, Form(max_length=64)] = "",
    name: Annotated[str, Form(max_length=1000)] = "",
    email: Annotated[str, Form(max_length=1000)] = "",
    purpose: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Start paying fee ``code`` for the profile's amount (no amount is read from the
    form); the same form sent twice (its token) is the same payment."""
    _limit(request, "fees")
    language = _language(lang)
    payments, _ = _state(request)
    if len(code) > 40 or payments.fee(code) is None:
        return _fee_missing(request, language)
    text = text_for(language)
    values = {"name": " ".join(name.split()), "email": email.strip(), "purpose": purpose.strip()}
    errors: list[tuple[str, str]] = []
    if not values["name"]:
        errors.append(("fee-name", text["error_fee_name"]))
    elif len(values["name"]) > NAME_MAX:
        errors.append(("fee-name", text["error_fee_name_long"]))
    if len(values["email"]) > 254 or not EMAIL.match(values["email"]):
        errors.append(("fee-email", text["error_fee_email"]))
    if not values["purpose"]:
        errors.append(("fee-purpose", text["error_fee_purpose"]))
    elif len(values["purpose"]) > PURPOSE_MAX:
        errors.append(("fee-purpose", text["error_fee_purpose_long"]))
    token = token if TOKEN.match(token) else secrets.token_urlsafe(16)
    if errors:
        return _fee_form(request, code, language, status=422, values=values, errors=errors,
                         token=token)  # fmt: skip
    order = FeeOrder(code=code, name=values["name"], email=values["email"],
                     purpose=values["purpose"], language=language)  # fmt: skip
    try:
        started = payments.start_fee(order, idempotency_key=f"fee:{code}:{token}")
    except PaymentUnavailable:
        failed = [("fee-name", text["fee_start_failed"])]
        return _fee_form(request, code, language, status=503, values=values, errors=failed,
                         token=secrets.token_urlsafe(16))  # fmt: skip
    return RedirectResponse(started.next_url, status_code=303)
