"""The report-a-problem pages on the council's website, and the staff view of
a report's photo.

Public (the website's look, English at ``/report``, Welsh at ``/cy/report``):

- ``GET /report``: the form. ``?q=`` searches the gazetteer for a street or
  postcode (no script needed: the addresses come back as choices);
  ``/report/location.js`` adds "use my current location" where the browser
  can and the resident allows it (progressive enhancement, this page only).
- ``POST /report``: checks everything, GOV.UK error summary on a mistake;
  the photo is cleaned (:mod:`reports.photos`) before anything is stored;
  then :func:`reports.service.submit`. The form's hidden token is the
  idempotency key: a double submit makes one case.
- ``GET /report/track``: "where is my request?" for any case reference: its
  kind and status, never who reported it or the photo.

Anonymous, so each is rate-limited per client address.

Staff (the editor's sign-in, advisors and editors): ``GET
/editor/reports/{reference}`` shows the case and its photos, each viewing
written to the audit log; ``.../photos/{id}`` serves one, never cached.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader
from sqlalchemy.orm import Session

from backoffice import references
from backoffice.casework import PROBLEM_TYPES
from backoffice.exceptions import (
    BackOfficeUnavailable,
    InvalidReference,
    InvalidRequest,
    NotFound,
)
from backoffice.ports import Cases, CaseType, Properties, Property
from backoffice.settings import backoffice_from_settings
from frontdoor.accounts.roles import Role
from frontdoor.accounts.service import SessionInfo
from frontdoor.accounts.web import require_roles
from frontdoor.audit import AuditAction, record
from frontdoor.http import FORM_TYPES, BodyRule
from frontdoor.ratelimit import Check, RateLimiter, client_address
from knowledge.routes.editor_pages import render
from knowledge.routes.site import _context
from payments.text import day
from reports import service
from reports.photos import ACCEPT, MAX_BYTES, PhotoRefused, clean_photo
from reports.settings import ReportsSettings
from reports.text import case_kind, staff_text, text_for

router = APIRouter(tags=["reports"], include_in_schema=False)
staff_router = APIRouter(prefix="/editor/reports", tags=["reports"], include_in_schema=False)
TEMPLATES = Path(__file__).parent / "templates"
SCRIPT = (Path(__file__).parent / "static" / "report-location.js").read_text(encoding="utf-8")
# Room for a photo just over the limit, so the resident is told why in the form;
# anything far bigger is refused (413) before it is read.
BODY_RULES = tuple(
    BodyRule(path, MAX_BYTES + 1024 * 1024, FORM_TYPES) for path in ("/report", "/cy/report")
)
StaffDep = Annotated[
    SessionInfo, Depends(require_roles(Role.ADVISOR, Role.EDITOR, Role.SUPERVISOR, Role.ADMIN))
]


class Office:
    """What the pages need of the back office: the cases and the gazetteer."""

    def __init__(self, cases: Cases, properties: Properties) -> None:
        self.cases = cases
        self.properties = properties


def _state(request: Request) -> tuple[Office, ReportsSettings]:
    state = request.app.state
    office = getattr(state, "report_office", None)
    settings = getattr(state, "reports_settings", None) or ReportsSettings.load()
    state.reports_settings = settings
    if office is None:
        backoffice = backoffice_from_settings(state.engine, settings=settings)
        office = state.report_office = Office(backoffice.cases, backoffice.properties)
    return office, settings


def _now(request: Request) -> datetime:
    clock = getattr(request.app.state, "clock", None)
    return clock() if clock else datetime.now(UTC)


def _templates(request: Request) -> Jinja2Templates:
    state = request.app.state
    made = getattr(state, "reports_templates", None)
    if made is None:
        site = state.templates.env
        env = site.overlay(loader=ChoiceLoader([FileSystemLoader(TEMPLATES), site.loader]))
        made = state.reports_templates = Jinja2Templates(env=env)
    return made


def _language(request: Request) -> str:
    return "cy" if request.url.path.startswith("/cy/") else "en"


def _page(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    language = _language(request)
    path = request.url.path
    other = path[3:] if language == "cy" else f"/cy{path}"
    context = _context(
        request,
        language,
        r=text_for(language),
        day=day,
        alternate_url=other,
        kinds=[(k.value, text_for(language)[f"kind_{k.value}"]) for k in PROBLEM_TYPES],
        accept=ACCEPT,
        **values,
    )
    response = _templates(request).TemplateResponse(request, template, context, status_code=status)
    if template == "reports/form.html":
        # the site denies geolocation everywhere; this form asks, on the resident's press
        response.headers["Permissions-Policy"] = (
            "camera=(), microphone=(), geolocation=(self), payment=()"
        )
    return response


def _limit(request: Request, which: str) -> None:
    _, settings = _state(request)
    limiter: RateLimiter = request.app.state.limiter
    limit = settings.reports_limit_submit if which == "submit" else settings.reports_limit_lookup
    limiter.hit(Check(limit, f"report:{which}", client_address(request)))


# --- the form ------------------------------------------------------------------------


def _search(properties: Properties, q: str) -> tuple[list[Property] | None, str | None]:
    if not q.strip():
        return None, None
    try:
        return properties.search_addresses(q, limit=20), None
    except (InvalidRequest, InvalidReference):
        return None, "err_search"


@router.get("/report", response_class=HTMLResponse)
@router.get("/cy/report", response_class=HTMLResponse)
def form_page(
    request: Request,
    q: Annotated[str, Query(max_length=100)] = "",
    kind: Annotated[str, Query(max_length=30)] = "",
) -> Response:
    office, _ = _state(request)
    errors: list[tuple[str, str]] = []
    found: list[Property] | None = None
    if q.strip():
        _limit(request, "lookup")
        found, problem = _search(office.properties, q)
        if problem:
            errors.append(("q", text_for(_language(request))[problem]))
    return _page(
        request,
        "reports/form.html",
        status=422 if errors else 200,
        title=text_for(_language(request))["title"],
        errors=errors,
        values={"kind": kind, "q": q},
        found=found,
        token=service.new_key(),
    )


def _coordinate(text: str, bound: float) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if -bound <= value <= bound else None


@router.post("/report", response_class=HTMLResponse)
@router.post("/cy/report", response_class=HTMLResponse)
def send_report(
    request: Request,
    kind: Annotated[str, Form(max_length=30)] = "",
    q: Annotated[str, Form(max_length=100)] = "",
    uprn: Annotated[str, Form(max_length=20)] = "",
    location: Annotated[str, Form(max_length=1000)] = "",
    description: Annotated[str, Form(max_length=10000)] = "",
    latitude: Annotated[str, Form(max_length=30)] = "",
    longitude: Annotated[str, Form(max_length=30)] = "",
    photo_location: Annotated[str, Form(max_length=10)] = "",
    token: Annotated[str, Form(max_length=64)] = "",
    photo: Annotated[UploadFile | None, File()] = None,
) -> Response:
    _limit(request, "submit")
    office, _ = _state(request)
    r = text_for(_language(request))
    errors: list[tuple[str, str]] = []
    chosen = CaseType(kind) if kind in {k.value for k in PROBLEM_TYPES} else None
    if chosen is None:
        errors.append((f"kind-{PROBLEM_TYPES[0].value}", r["err_kind"]))
    lat, lon = _coordinate(latitude, 90), _coordinate(longitude, 180)
    if lat is None or lon is None:
        lat = lon = None
    place: Property | None = None
    if uprn and uprn != "none":
        try:
            place = office.properties.get_property(uprn)
        except (InvalidReference, NotFound):
            place = None
    where = " ".join(location.split())
    if len(where) > service.MAX_LOCATION:
        errors.append(("location", r["err_location_long"]))
    text = description.strip()
    if not text:
        errors.append(("description", r["err_description"]))
    elif len(text) > service.MAX_DESCRIPTION:
        errors.append(("description", r["err_description_long"]))
    cleaned = None
    had_photo = photo is not None and bool(photo.filename)
    if photo is not None and photo.filename:
        data = photo.file.read(MAX_BYTES + 1)
        try:
            cleaned = clean_photo(data, keep_location=photo_location == "yes")
        except PhotoRefused as refused:
            errors.append(("photo", r[f"err_photo_{refused.code}"]))
    has_point = lat is not None or (cleaned is not None and cleaned.latitude is not None)
    if place is None and not where and not has_point:
        errors.append(("location", r["err_location"]))
    values = {
        "kind": kind,
        "q": q,
        "uprn": uprn,
        "location": location[:1000],
        "description": description[:10000],
        "latitude": latitude if lat is not None else "",
        "longitude": longitude if lon is not None else "",
        "photo_location": photo_location,
    }
    found, _ = _search(office.properties, q) if q else (None, None)
    token = token if token and len(token) >= 16 else service.new_key()
    if errors:
        return _page(request, "reports/form.html", status=422, title=r["title"], errors=errors,
                     values=values, found=found, token=token, had_photo=had_photo)  # fmt: skip
    assert chosen is not None
    words = ", ".join(p for p in (place.single_line if place else "", where) if p)
    report = service.ProblemReport(
        kind=chosen,
        description=text,
        location=words,
        idempotency_key=token,
        uprn=place.uprn if place else None,
        latitude=lat,
        longitude=lon,
        photo=cleaned,
        channel="web",
    )
    try:
        case = service.submit(request.app.state.engine, office.cases, report, now=_now(request))
    except BackOfficeUnavailable:
        return _page(request, "reports/form.html", status=503, title=r["unavailable_title"],
                     errors=[], problem=r["unavailable"], values=values, found=found,
                     token=token, had_photo=had_photo)  # fmt: skip
    except (InvalidRequest, NotFound):
        return _page(request, "reports/form.html", status=422, title=r["title"], errors=[],
                     problem=r["refused"], values=values, found=found, token=token,
                     had_photo=had_photo)  # fmt: skip
    return _page(
        request,
        "reports/done.html",
        title=r["done_title"],
        case=case,
        photo_kept=cleaned is not None,
    )


@router.get("/report/location.js")
def location_script() -> Response:
    return Response(
        SCRIPT,
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=3600"},
    )


# --- where is my request? -----------------------------------------------------------


@router.get("/report/track", response_class=HTMLResponse)
@router.get("/cy/report/track", response_class=HTMLResponse)
def track(request: Request, reference: Annotated[str, Query(max_length=40)] = "") -> Response:
    language = _language(request)
    r = text_for(language)
    title = r["track_title"]
    if not reference.strip():
        return _page(request, "reports/track.html", title=title, errors=[], case=None,
                     reference="")  # fmt: skip
    _limit(request, "lookup")
    office, _ = _state(request)
    try:
        case = office.cases.get_case(reference)
    except InvalidReference:
        return _page(request, "reports/track.html", status=422, title=title,
                     errors=[("reference", r["err_reference"])], case=None,
                     reference=reference)  # fmt: skip
    except NotFound:
        return _page(request, "reports/track.html", status=404, title=title,
                     errors=[("reference", r["err_reference_unknown"])], case=None,
                     reference=reference)  # fmt: skip
    except BackOfficeUnavailable:
        return _page(request, "reports/track.html", status=503, title=title, errors=[],
                     problem=r["unavailable"], case=None, reference=reference)  # fmt: skip
    return _page(
        request,
        "reports/track.html",
        title=title,
        errors=[],
        case=case,
        kind=case_kind(case.case_type.value, language),
        reference=case.reference,
    )


# --- staff ----------------------------------------------------------------------------


def _staff_templates(request: Request) -> Jinja2Templates:
    state = request.app.state
    made = getattr(state, "reports_staff_templates", None)
    if made is None:
        editor = state.templates.env
        env = editor.overlay(loader=ChoiceLoader([FileSystemLoader(TEMPLATES), editor.loader]))
        made = state.reports_staff_templates = Jinja2Templates(env=env)
    return made


@staff_router.get("/{reference}", response_class=HTMLResponse)
def staff_case(request: Request, reference: str, info: StaffDep) -> HTMLResponse:
    office, _ = _state(request)
    status, case = 200, None
    photos: tuple[service.StoredPhoto, ...] = ()
    try:
        case = office.cases.get_case(reference)
        photos = tuple(service.photos_for(request.app.state.engine, case.reference))
    except (InvalidReference, NotFound):
        status = 404
    except BackOfficeUnavailable:
        status = 503
    if case is not None:
        with Session(request.app.state.engine) as session:
            record(
                session,
                actor=info.user.email,
                action=AuditAction.VIEW_CASES,
                subject=f"case:{case.reference}",
                detail={"photos": len(photos)},
                client_ip=client_address(request),
                clock=getattr(request.app.state, "clock", None) or (lambda: datetime.now(UTC)),
            )
            session.commit()
    context = render(request, "editor/base.html", title=f"Case {reference[:20]}").context  # type: ignore[attr-defined]
    language = context.get("lang", "en")
    context.update(case=case, photos=photos, reference=reference[:20], staff=staff_text,
                   kind=case_kind, r=text_for(language))  # fmt: skip
    return _staff_templates(request).TemplateResponse(
        request, "reports/staff_case.html", context, status_code=status
    )


@staff_router.get("/{reference}/photos/{photo_id}")
def staff_photo(request: Request, reference: str, photo_id: str, info: StaffDep) -> Response:
    try:
        key = references.case_reference(reference)
    except InvalidReference:
        return Response(status_code=404)
    found = service.photo_bytes(request.app.state.engine, key, photo_id[:32])
    if found is None:
        return Response(status_code=404)
    content_type, data = found
    return Response(
        data,
        media_type=content_type,
        headers={
            "Cache-Control": "no-store, private",
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": "inline",
        },
    )
