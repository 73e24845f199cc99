"""The payment pages residents see, on the council's website (knowledge service).

- ``GET /pay/demo/{id}``: the demo provider's payment page. It says plainly
  that it is a demo and no money is taken, and offers pay, decline (as a
  declined card) and cancel; ``POST`` finishes the demo payment and sends
  the resident back to the return URL (303), as GOV.UK Pay does.
- ``GET /pay/return/{reference}``: where the resident comes back. It asks the
  provider what happened (never the query string), books or releases the
  place (:meth:`payments.journey.Payments.settle`) and says what became of it.
  Reloading it books nothing twice.

Both write, anonymously, so both are rate-limited per client address. English
or Welsh follows the language the payment was started in. Mounted through
core's registry (``frontdoor.components.site_routers``).
"""

from __future__ import annotations

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
from payments.journey import Payments
from payments.ports import ProviderRefused
from payments.settings import PaymentsSettings, council_bulky, payments_from
from payments.text import day, money, text_for

router = APIRouter(prefix="/pay", tags=["payments"], include_in_schema=False)
TEMPLATES = Path(__file__).parent / "templates"


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
    limit = settings.payments_limit_demo if which == "demo" else settings.payments_limit_return
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
