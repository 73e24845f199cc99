"""The refunds page in the staff pages (``/editor/payments/refunds``), issue #16.

Payments recorded ``refund-due`` are listed with what became of their refund;
"Refund" asks for a confirmation, then refunds the payment in full through the
provider (:class:`payments.refunds.Refunds`: once, however many clicks). Every
refund asked for is in the audit log (``payment_refund``). For supervisors and
admins, in English or Welsh (the editor's language rule).

Served by the knowledge service beside its editor, in its look: mounted through
core's registry (``frontdoor.components.staff_routers``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Path as Path_
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from frontdoor import audit
from frontdoor.accounts.roles import Role
from frontdoor.accounts.service import SessionInfo
from frontdoor.accounts.web import require_roles
from frontdoor.audit import AuditAction
from frontdoor.ratelimit import client_address
from knowledge.deps import CsrfDep, SessionDep
from knowledge.routes.editor_pages import render, staff_language
from payments import store
from payments.refunds import NotRefundable, RefundOutcome, Refunds
from payments.staff_text import staff_text
from payments.text import money
from payments.web import _state

router = APIRouter(prefix="/editor/payments", tags=["payments"], include_in_schema=False)
FinanceDep = Annotated[SessionInfo, Depends(require_roles(Role.SUPERVISOR, Role.ADMIN))]
Reference = Annotated[str, Path_(min_length=1, max_length=32, pattern="^[A-Za-z0-9]+$")]
TEMPLATES = Path(__file__).parent / "templates"


def _templates(request: Request) -> Jinja2Templates:
    """The editor's templates with this component's folder in front (made once per app)."""
    state = request.app.state
    made = getattr(state, "payments_staff_templates", None)
    if made is None:
        editor = state.templates.env
        env = editor.overlay(loader=ChoiceLoader([FileSystemLoader(TEMPLATES), editor.loader]))
        made = state.payments_staff_templates = Jinja2Templates(env=env)
    return made


def _render(request: Request, template: str, *, status: int = 200, **values: Any) -> HTMLResponse:
    # the editor's own context (signed-in member of staff, CSRF token, language, navigation)
    context = render(request, "editor/base.html", **values).context  # type: ignore[attr-defined]
    p = staff_text(context["lang"])
    context.update(p=p, money=money, title=values.get("title") or p("title"))
    return _templates(request).TemplateResponse(request, template, context, status_code=status)


def _list(request: Request, *, status: int = 200, **values: Any) -> HTMLResponse:
    rows = store.refund_due(request.app.state.engine)
    return _render(request, "payments/refunds.html", status=status, rows=rows, **values)


def _refunds(request: Request) -> Refunds:
    payments, _ = _state(request)
    return Refunds(request.app.state.engine, payments.provider, clock=request.app.state.clock)


def _done(outcome: RefundOutcome, language: str) -> str:
    p = staff_text(language)
    values = {"reference": outcome.reference, "amount": money(outcome.amount_pence)}
    if outcome.already:
        return p("done.already", **values)
    if outcome.status in ("success", "submitted"):
        return p(f"done.{outcome.status}", **values)
    reason = p(f"status.{outcome.status}")
    if outcome.failure_code:
        key = f"code.{outcome.failure_code}"
        reason = p(key) if key in _CODES else p("code.other", code=outcome.failure_code)
    return p("done.failed", reason=reason, **values)


_CODES = {"code.P0603", "code.P0604", "code.P0602"}


@router.get("/refunds", response_class=HTMLResponse)
def refunds_page(request: Request, info: FinanceDep) -> HTMLResponse:
    return _list(request)


@router.get("/refunds/{reference}", response_class=HTMLResponse)
def confirm_refund(request: Request, info: FinanceDep, reference: Reference) -> HTMLResponse:
    payment = store.get(request.app.state.engine, reference)
    if payment is None or payment.status != store.REFUND_DUE:
        return _list(request, status=404, error_key="missing")
    asked = store.refund_get(request.app.state.engine, reference)
    if asked is not None and asked.status not in store.RETRYABLE:
        return _list(request, status=409, error_key="missing")
    return _render(request, "payments/refund_confirm.html", payment=payment)


@router.post("/refunds/{reference}", response_class=HTMLResponse, dependencies=[CsrfDep])
def do_refund(
    request: Request, info: FinanceDep, reference: Reference, session: SessionDep
) -> HTMLResponse:
    try:
        outcome = _refunds(request).refund(reference, by=info.user.email)
    except NotRefundable:
        return _list(request, status=404, error_key="missing")
    if not outcome.already:
        audit.record(
            session,
            actor=info.user.email,
            action=AuditAction.PAYMENT_REFUND,
            subject=f"payment:{reference}",
            detail={"status": outcome.status, "amount_pence": outcome.amount_pence,
                    "code": outcome.failure_code or ""},
            client_ip=client_address(request),
            clock=request.app.state.clock,
        )  # fmt: skip
        session.commit()
    language = staff_language(request)
    failed = outcome.status not in ("success", "submitted") and not outcome.already
    return _list(request, status=502 if failed else 200, notice_text=_done(outcome, language),
                 failed=failed)  # fmt: skip
