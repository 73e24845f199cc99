"""The staff pages of subject access, erasure and the audit log (issue #14).

Served by the knowledge service beside its editor (``/editor/privacy`` and
``/editor/audit``), in the editor's look, for the ``dpo`` and ``admin`` roles.
The pages call :mod:`privacy.subject` and :mod:`frontdoor.audit`, which do the
work and the auditing: a search, an export and an erasure each record
themselves there, so nothing here records them twice. Only the audit log's
CSV export is recorded here (``audit_export``).

Mounted through core's registry (``frontdoor.components.staff_routers``):
the knowledge service does not import privacy itself.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as Path_
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from frontdoor import audit
from frontdoor.accounts.roles import Role
from frontdoor.accounts.service import SessionInfo
from frontdoor.accounts.web import require_roles
from frontdoor.audit import AuditAction
from knowledge.deps import CsrfDep, FormDep, SessionDep
from knowledge.routes.editor_pages import render, staff_language
from privacy.holds import InvalidHold, UnderLegalHold, checked_hold, lift_hold, place_hold
from privacy.staff_text import kept_reasons, staff_text, titles
from privacy.store import Hold, PrivacyStore
from privacy.subject import KEPT, Bundle, UnknownSubject, erase, export_files, find

router = APIRouter(prefix="/editor", tags=["privacy"], include_in_schema=False)
DpoDep = Annotated[SessionInfo, Depends(require_roles(Role.DPO, Role.ADMIN))]
PAGE_SIZE = 50
CSV_LIMIT = 100_000
STORE_TITLES = titles("en")
Reference = Annotated[str, Query(max_length=400)]


def _words(request: Request) -> tuple[str, Callable[..., str], dict[str, str]]:
    """The staff member's language, its sentences and its store titles."""
    language = staff_language(request)
    return language, staff_text(language), titles(language)


def _subject_page(
    request: Request, *, reference: str = "", status: int = 200, **values: Any
) -> HTMLResponse:
    _language, p, names = _words(request)
    values.setdefault("hold_form", {"kind": "resident", "reference": reference, "reason": ""})
    values.setdefault("hold_error", None)
    notice = request.query_params.get("hold", "")
    if notice in ("placed", "lifted"):
        values.setdefault("notice", p(notice))
    holds = PrivacyStore(request.app.state.engine).recent_holds()
    return render(request, "editor/privacy.html", status=status, reference=reference,
                  p=p, titles=names, title=p("title"), holds=holds, **values)  # fmt: skip


def _missing(request: Request) -> HTMLResponse:
    return _subject_page(request, status=422, error=staff_text(staff_language(request))("missing"))


def _unknown(request: Request, reference: str) -> HTMLResponse:
    shown = " ".join(reference.split())
    message = staff_text(staff_language(request))("unknown", reference=shown)
    return _subject_page(request, reference=reference, status=404, error=message)


def _erase_page(
    request: Request, bundle: Bundle, *, reference: str, error: str = "", status: int = 200
) -> HTMLResponse:
    language, p, names = _words(request)
    return render(request, "editor/privacy_erase.html", status=status, reference=reference,
                  bundle=bundle, kept=kept_reasons(KEPT, language), titles=names, error=error,
                  p=p, title=p("erase_title"))  # fmt: skip


def _erased_page(
    request: Request,
    *,
    reference: str,
    report: dict[str, Any] | None,
    held: list[Hold],
    status: int = 200,
) -> HTMLResponse:
    language, p, names = _words(request)
    kept = kept_reasons(report["kept"], language) if report else {}
    return render(request, "editor/privacy_erased.html", status=status, reference=reference,
                  held=held, report=report, kept=kept, titles=names, p=p,
                  title=p("refused_title" if held else "erased_title"))  # fmt: skip


@router.get("/privacy", response_class=HTMLResponse)
def subject_access(request: Request, info: DpoDep, reference: Reference = "") -> HTMLResponse:
    """The search form; with ``reference``, what is held per store (the search is audited)."""
    if "reference" not in request.query_params:
        return _subject_page(request)
    if not reference.strip():
        return _missing(request)
    state = request.app.state
    try:
        bundle = find(state.engine, reference, actor=info.user.email, clock=state.clock)
    except UnknownSubject:
        return _unknown(request, reference)
    identity = bundle.identity
    held_by = sorted(identity.references) or sorted(identity.resident_ids) or [bundle.identifier]
    hold_form = {"kind": "resident", "reference": held_by[0], "reason": ""}
    return _subject_page(request, reference=bundle.identifier, bundle=bundle, hold_form=hold_form)


@router.get("/privacy/bundle", response_model=None)
def download_bundle(request: Request, info: DpoDep, reference: Reference = "") -> Response:
    """A zip of subject-access.json and .html and the photos of their reports,
    made in memory by the export command's own code (no temporary copy on disk
    to clean up)."""
    if not reference.strip():
        return _missing(request)
    state = request.app.state
    try:
        files = export_files(state.engine, reference, actor=info.user.email, clock=state.clock)
    except UnknownSubject:
        return _unknown(request, reference)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    name = "".join(c if c.isalnum() else "-" for c in " ".join(reference.split()))[:60]
    return Response(
        buffer.getvalue(),
        media_type="application/zip",
        headers={"content-disposition": f'attachment; filename="subject-access-{name}.zip"'},
    )


@router.get("/privacy/erase", response_class=HTMLResponse)
def confirm_erasure(request: Request, info: DpoDep, reference: Reference = "") -> HTMLResponse:
    """The confirmation step: what would be removed and what is kept, and why."""
    if not reference.strip():
        return _missing(request)
    state = request.app.state
    try:
        bundle = find(state.engine, reference, actor=info.user.email, clock=state.clock)
    except UnknownSubject:
        return _unknown(request, reference)
    return _erase_page(request, bundle, reference=bundle.identifier)


@router.post("/privacy/erase", response_class=HTMLResponse, dependencies=[CsrfDep])
def do_erasure(request: Request, info: DpoDep, form: FormDep) -> HTMLResponse:
    reference = str(form.get("reference", ""))[:400]
    if not reference.strip():
        return _missing(request)
    state = request.app.state
    if form.get("confirm") != "yes":
        try:
            bundle = find(state.engine, reference, actor=info.user.email, clock=state.clock)
        except UnknownSubject:
            return _unknown(request, reference)
        error = staff_text(staff_language(request))("confirm_error")
        return _erase_page(request, bundle, reference=reference, error=error, status=422)
    try:
        report = erase(state.engine, reference, actor=info.user.email, clock=state.clock)
    except UnknownSubject:
        return _unknown(request, reference)
    except UnderLegalHold as exc:
        return _erased_page(request, reference=reference, report=None, held=exc.holds,
                            status=409)  # fmt: skip
    return _erased_page(request, reference=reference, report=report, held=[])


@router.post("/privacy/holds", response_model=None, dependencies=[CsrfDep])
def place_legal_hold(request: Request, info: DpoDep, form: FormDep) -> Response:
    """Place a hold (a reason is required); audited with the hold in one transaction."""
    state = request.app.state
    values = {name: str(form.get(name, ""))[:4000] for name in ("kind", "reference", "reason")}
    try:
        wanted = checked_hold(state.engine, **values)
    except InvalidHold as exc:
        return _subject_page(request, status=422, hold_form=values, hold_error=exc)
    place_hold(state.engine, kind=wanted.kind, reference=wanted.reference, reason=wanted.reason,
               by=info.user.email, now=state.clock())  # fmt: skip
    return RedirectResponse("/editor/privacy?hold=placed#holds", status_code=303)


@router.post("/privacy/holds/{hold_id}/lift", response_model=None, dependencies=[CsrfDep])
def lift_legal_hold(
    request: Request, info: DpoDep, hold_id: Annotated[int, Path_(ge=1, le=2**62)]
) -> Response:
    state = request.app.state
    if lift_hold(state.engine, hold_id, by=info.user.email, now=state.clock()) is None:
        error = InvalidHold("holds", f"Hold {hold_id} is not in force: it was lifted already "
                            "or never placed")  # fmt: skip
        return _subject_page(request, status=409, hold_error=error)
    return RedirectResponse("/editor/privacy?hold=lifted#holds", status_code=303)


def _filters(actor: str, action: str, subject: str) -> dict[str, str]:
    return {k: v.strip() for k, v in (("actor", actor), ("action", action), ("subject", subject))}


def _entries(
    session: SessionDep, filters: dict[str, str], *, limit: int, before: int | None = None
) -> list[audit.AuditRecord]:
    return audit.list_entries(
        session,
        limit=limit,
        actor=filters["actor"] or None,
        action=filters["action"] or None,
        subject_contains=filters["subject"] or None,
        before_id=before,
    )


Filter = Annotated[str, Query(max_length=254)]


@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    session: SessionDep,
    info: DpoDep,
    actor: Filter = "",
    action: Filter = "",
    subject: Filter = "",
    before: Annotated[int | None, Query(ge=1, le=2**62)] = None,
    verify: Annotated[str, Query(max_length=10)] = "",
) -> HTMLResponse:
    """Newest first, ``PAGE_SIZE`` a page; ``verify=1`` walks the chain and shows the result."""
    filters = _filters(actor, action, subject)
    rows = _entries(session, filters, limit=PAGE_SIZE + 1, before=before)
    older = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    checked = audit.verify(session) if verify else None
    return render(request, "editor/audit.html", entries=rows[:PAGE_SIZE], filters=filters,
                  older=older, paged=before is not None, checked=checked,
                  actions=[a.value for a in AuditAction], title="Audit log")  # fmt: skip


def _safe_cell(value: str) -> str:
    """Spreadsheets run cells starting with = + - @ as formulas: quote them."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@router.get("/audit/export.csv", response_model=None)
def audit_csv(
    request: Request,
    session: SessionDep,
    info: DpoDep,
    actor: Filter = "",
    action: Filter = "",
    subject: Filter = "",
) -> Response:
    """The filtered entries, newest first, as CSV. The export is itself audited."""
    filters = _filters(actor, action, subject)
    rows = _entries(session, filters, limit=CSV_LIMIT)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "at", "actor", "action", "subject", "detail", "client_ip", "hash"])
    for row in rows:
        data = row.as_json()
        writer.writerow(
            [
                row.id,
                data["at"],
                _safe_cell(row.actor),
                row.action,
                _safe_cell(row.subject),
                _safe_cell(json.dumps(row.detail, sort_keys=True, ensure_ascii=False)),
                _safe_cell(row.client_ip),
                row.hash,
            ]
        )
    audit.record(
        session,
        actor=info.user.email,
        action=AuditAction.AUDIT_EXPORT,
        subject="audit_log",
        detail={"filters": {k: v for k, v in filters.items() if v}, "rows": len(rows)},
        clock=request.app.state.clock,
    )
    session.commit()
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": 'attachment; filename="audit-log.csv"'},
    )
