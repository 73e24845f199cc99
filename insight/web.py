"""Insight's HTTP edge, mounted into the handoff service by :func:`mount`.

- ``GET /api/v1/insight/summary?from=&to=`` (supervisor or manager; 401 without
  a session, 403 for other roles): the figures as JSON.
- ``/console/insight`` pages: the dashboard (server-rendered SVG charts, each
  beside the table of its numbers), CSV export of every table, the printable
  monthly report, the supervisor's history of past chats with transcripts,
  and the inbox of messages residents left.

Bad input never reaches the database: dates are parsed and bounded here, an
inverted range or unknown team is a 400 with a plain sentence (the pages show
it above an empty dashboard).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from frontdoor.accounts.roles import Role
from frontdoor.accounts.service import SessionInfo
from frontdoor.accounts.web import require_roles
from frontdoor.clock import LONDON, Clock, london_today, system_clock
from frontdoor.contracts.service_areas import default_teams
from insight import charts, store, tables
from insight.outcomes import OUTCOMES
from insight.report import GRANULARITIES, Costs
from insight.service import Insight
from insight.store import Filters, HistoryQuery

HERE = Path(__file__).resolve().parent
TEMPLATES = Jinja2Templates(directory=HERE / "templates")
READERS = (Role.SUPERVISOR, Role.MANAGER)
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
DEFAULT_DAYS = 90

api = APIRouter(prefix="/api/v1/insight", tags=["insight"])
pages = APIRouter(prefix="/console/insight", tags=["insight"], include_in_schema=False)
Reader = Annotated[SessionInfo, Depends(require_roles(*READERS))]


class BadInput(ValueError):
    """A request the dashboard cannot answer; its message is shown as it is."""


def mount(app: FastAPI, *, costs: Costs, clock: Clock = system_clock) -> None:
    """Add insight's routes and files to a service app (its engine is ``app.state.engine``)."""
    app.state.insight = Insight(app.state.engine, costs)
    app.state.insight_clock = clock
    app.include_router(api)
    app.include_router(pages)
    app.mount("/insight/static", StaticFiles(directory=HERE / "static"), name="insight-static")


def _insight(request: Request) -> Insight:
    found: Insight = request.app.state.insight
    return found


def _today(request: Request) -> date:
    clock: Clock = request.app.state.insight_clock
    return london_today(clock())


# --- input -------------------------------------------------------------------------


def parse_day(value: str | None, name: str) -> date | None:
    if value is None or value == "":
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"'{name}' must be a date written YYYY-MM-DD, like 2026-03-01.") from None
    if not EARLIEST <= day <= LATEST:
        raise BadInput(f"'{name}' must be between {EARLIEST} and {LATEST}.")
    return day


def moment(day: date) -> datetime:
    """The start of a council (London) day, in UTC."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def day_range(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    """[from, to] inclusive days → [start, end) moments; an inverted range is refused."""
    if start is not None and end is not None and start > end:
        raise BadInput(f"The range starts ({start}) after it ends ({end}): swap the dates.")
    return (
        moment(start) if start else None,
        moment(end + timedelta(days=1)) if end else None,
    )


def check_team(insight: Insight, team: str | None) -> str | None:
    if not team:
        return None
    known = [slug for slug, _name in insight.teams()]
    if team not in known:
        raise BadInput(f"There is no team '{team}'. Teams: {', '.join(known) or 'none yet'}.")
    return team


def check_area(area: str | None) -> str | None:
    """A service area is one of the council's list (``frontdoor.contracts.service_areas``)."""
    if not area:
        return None
    known = [a.slug for a in default_teams()]
    if area not in known:
        raise BadInput(f"There is no service area '{area}'. Service areas: {', '.join(known)}.")
    return area


def _bad(exc: BadInput) -> JSONResponse:
    return JSONResponse({"error": "invalid_request", "message": str(exc)}, status_code=400)


# --- API ---------------------------------------------------------------------------


@api.get("/summary")
def summary(
    request: Request,
    _staff: Reader,
    start: Annotated[str | None, Query(alias="from", max_length=20)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=20)] = None,
    team: Annotated[str | None, Query(max_length=40)] = None,
    area: Annotated[str | None, Query(max_length=40)] = None,
    granularity: Annotated[str, Query(max_length=10)] = "day",
) -> Response:
    """Outcomes, rates, waits, CSAT, top intents and cost avoided for conversations
    started from ``from`` to ``to`` (inclusive, council days); without them, all time.
    ``team`` is who took the chat, ``area`` the service area it was about."""
    insight = _insight(request)
    try:
        begin, finish = day_range(parse_day(start, "from"), parse_day(end, "to"))
        if granularity not in GRANULARITIES:
            raise BadInput(f"'granularity' must be one of {', '.join(GRANULARITIES)}.")
        filters = Filters(begin, finish, check_team(insight, team), area=check_area(area))
    except BadInput as exc:
        return _bad(exc)
    figures = insight.summary(filters, granularity)
    figures["from"], figures["to"] = start or None, end or None
    return JSONResponse(figures)


# --- pages -------------------------------------------------------------------------


def render(request: Request, template: str, *, status: int = 200, **values: Any) -> HTMLResponse:
    info: SessionInfo | None = request.app.state.accounts.current(request)
    settings = request.app.state.settings
    context = {
        "council_name": settings.council.council.name.en,
        "staff": info.user if info else None,
        "csrf_token": info.csrf_token if info else "",
        "is_supervisor": bool(info and info.user.has_role(Role.SUPERVISOR)),
        **values,
    }
    response = TEMPLATES.TemplateResponse(request, template, context, status_code=status)
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


def _gate(request: Request, roles: tuple[Role, ...] = READERS) -> Response | None:
    info: SessionInfo | None = request.app.state.accounts.current(request)
    if info is None:
        return RedirectResponse(f"/console/login?next={request.url.path}", status_code=303)
    if not info.user.has_role(*roles):
        return render(
            request,
            "insight/forbidden.html",
            status=403,
            title="Not for your role",
            role=" or ".join(r.value for r in roles),
        )
    return None


def _form(request: Request) -> dict[str, str]:
    q = request.query_params
    return {k: q.get(k, "")[:40] for k in ("from", "to", "team", "area", "granularity", "month")}


def _dashboard_data(request: Request, form: dict[str, str]) -> dict[str, Any]:
    insight = _insight(request)
    today = _today(request)
    error = None
    start = end = None
    granularity = form["granularity"] or "day"
    try:
        start = parse_day(form["from"], "from")
        end = parse_day(form["to"], "to")
        if start is None and end is None:
            start, end = today - timedelta(days=DEFAULT_DAYS - 1), today
        begin, finish = day_range(start, end)
        if granularity not in GRANULARITIES:
            raise BadInput(f"'granularity' must be one of {', '.join(GRANULARITIES)}.")
        team = check_team(insight, form["team"])
        filters = Filters(begin, finish, team, area=check_area(form["area"]))
    except BadInput as exc:
        error = str(exc)
        filters = Filters(start=datetime(1, 1, 2, tzinfo=UTC), end=datetime(1, 1, 2, tzinfo=UTC))
        granularity = "day"
    summary = insight.summary(filters, granularity)
    extra = {
        "knowledge": insight.knowledge(filters),
        "editor_url": request.app.state.settings.url(request.app.state.settings.knowledge_port),
        "concurrency": insight.concurrency(filters, summary),
        "pickup": insight.out_of_hours_pickup(filters),
    }
    built = tables.build(summary, extra)
    return {
        "error": error,
        "summary": summary,
        "extra": extra,
        "tables": built,
        "charts": _charts(summary),
        "form": {
            **form,
            "from": start.isoformat() if start else form["from"],
            "to": end.isoformat() if end else form["to"],
            "granularity": granularity,
        },
        "teams": insight.teams(),
        "areas": [(a.slug, a.name) for a in default_teams()],
        "granularities": GRANULARITIES,
        "query": request.url.query,
    }


def _charts(s: dict[str, Any]) -> dict[str, Any]:
    labels = [p["period"] for p in s["series"]]
    requests = [i for i in s["top_intents"] if i["kind"] == "request"][:10]
    return {
        "series": charts.stacked_bars(
            "Conversations by outcome",
            labels,
            [
                charts.Series(tables.label(k), [p[k] for p in s["series"]])
                for k in (
                    "contained",
                    "handed_over",
                    "left_message",
                    "abandoned_in_queue",
                    "unresolved",
                )
            ],
            table_id="table-series",
        ),
        "containment": charts.lines(
            "Containment and handover rates",
            labels,
            [
                charts.Series("Containment", [p["containment_rate"] for p in s["series"]]),
                charts.Series("Handover", [p["handover_rate"] for p in s["series"]]),
            ],
            table_id="table-series",
            percent=True,
        ),
        "intents": charts.bars(
            "What residents asked for (top intents)",
            [tables.intent_label(i["intent"]) for i in requests],
            [i["messages"] for i in requests],
            table_id="table-intents",
        ),
    }


@pages.get("", response_class=HTMLResponse)
def dashboard(request: Request) -> Response:
    blocked = _gate(request)
    if blocked is not None:
        return blocked
    data = _dashboard_data(request, _form(request))
    return render(
        request,
        "insight/dashboard.html",
        status=400 if data["error"] else 200,
        title="Insight",
        active="insight",
        **data,
    )


@pages.get("/export/{name}.csv")
def export(request: Request, name: str) -> Response:
    blocked = _gate(request)
    if blocked is not None:
        return blocked
    data = _dashboard_data(request, _form(request))
    if data["error"]:
        return Response(data["error"], status_code=400, media_type="text/plain")
    table = data["tables"].get(name)
    if table is None:
        return Response(f"No table called '{name}'.", status_code=404, media_type="text/plain")
    return Response(
        table.csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="insight-{name}.csv"'},
    )


@pages.get("/report", response_class=HTMLResponse)
def monthly_report(request: Request) -> Response:
    """One month on one printable page, for a council meeting."""
    blocked = _gate(request)
    if blocked is not None:
        return blocked
    today = _today(request)
    raw = request.query_params.get("month", "")[:7]
    error = None
    try:
        # by default the last whole month: what a council meeting reviews
        last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        first = date.fromisoformat(raw + "-01") if raw else last_month
        if not EARLIEST <= first <= LATEST:
            raise ValueError
    except ValueError:
        error = "'month' must be written YYYY-MM, like 2026-03."
        first = today.replace(day=1)
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    form = {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "team": "",
        "area": "",
        "granularity": "day",
        "month": first.strftime("%Y-%m"),
    }
    data = _dashboard_data(request, form)
    return render(
        request,
        "insight/report.html",
        status=400 if error else 200,
        title=f"Monthly report {first:%B %Y}",
        active="insight",
        month=first,
        **{**data, "error": error or data["error"]},
    )


def _history_query(request: Request) -> tuple[HistoryQuery, dict[str, str], str | None]:
    q = request.query_params
    form = {
        k: q.get(k, "")[:40] for k in ("from", "to", "team", "advisor", "outcome", "rating", "page")
    }
    try:
        begin, finish = day_range(parse_day(form["from"], "from"), parse_day(form["to"], "to"))
        team = check_team(_insight(request), form["team"])
        if form["outcome"] and form["outcome"] not in OUTCOMES:
            raise BadInput(f"'outcome' must be one of {', '.join(OUTCOMES)}.")
        rating = int(form["rating"]) if form["rating"] else None
        advisor = int(form["advisor"]) if form["advisor"] else None
        page = int(form["page"]) if form["page"] else 1
        if rating is not None and not 1 <= rating <= 5:
            raise BadInput("'rating' must be from 1 to 5 stars.")
        if page < 1 or page > 10_000:
            raise BadInput("'page' must be from 1 to 10000.")
    except ValueError as exc:
        message = (
            str(exc) if isinstance(exc, BadInput) else "Rating, advisor and page are whole numbers."
        )
        return HistoryQuery(limit=0), form, message
    query = HistoryQuery(
        start=begin,
        end=finish,
        team=team,
        advisor=advisor,
        outcome=form["outcome"] or None,
        rating=rating,
        limit=50,
        offset=(page - 1) * 50,
    )
    return query, form, None


@pages.get("/history", response_class=HTMLResponse)
def history(request: Request) -> Response:
    """Past chats, searchable; supervisors only (transcripts hold personal data)."""
    blocked = _gate(request, (Role.SUPERVISOR,))
    if blocked is not None:
        return blocked
    query, form, error = _history_query(request)
    insight = _insight(request)
    with insight.engine.connect() as conn:
        rows = store.history(conn, query) if error is None else []
    return render(
        request,
        "insight/history.html",
        status=400 if error else 200,
        title="Chat history",
        active="history",
        rows=rows,
        form=form,
        error=error,
        teams=insight.teams(),
        advisors=insight.advisors(),
        outcomes=OUTCOMES,
        label=tables.label,
        page=(query.offset // 50) + 1,
    )


@pages.get("/history/{conversation_id}", response_class=HTMLResponse)
def transcript(request: Request, conversation_id: str) -> Response:
    blocked = _gate(request, (Role.SUPERVISOR,))
    if blocked is not None:
        return blocked
    insight = _insight(request)
    with insight.engine.connect() as conn:
        found = store.conversation(conn, conversation_id[:32])
        events = store.transcript_events(conn, conversation_id[:32]) if found else []
        outcome = store.recorded(conn, conversation_id[:32]) if found else None
        now = outcome or (store.recompute(conn, conversation_id[:32]) if found else None)
    if found is None:
        return render(
            request, "insight/missing.html", status=404, title="No such chat", active="history"
        )
    return render(
        request,
        "insight/transcript.html",
        title="Chat transcript",
        active="history",
        conversation=found,
        events=events,
        outcome=outcome,
        intents=now["intents"] if now else (),
        label=tables.label,
        intent_label=tables.intent_label,
    )


@pages.get("/messages", response_class=HTMLResponse)
def inbox(request: Request) -> Response:
    """Messages residents left, with their age and the case's status in the back office."""
    blocked = _gate(request, (Role.SUPERVISOR,))
    if blocked is not None:
        return blocked
    insight = _insight(request)
    clock: Clock = request.app.state.insight_clock
    now = clock()
    with insight.engine.connect() as conn:
        left = store.left_messages(conn)
        statuses = store.case_statuses(conn, [m["case_reference"] for m in left])
    rows = []
    for message in left:
        status, picked = statuses.get(message["case_reference"], ("not found", None))
        rows.append(
            {
                **message,
                "status": status,
                "picked_at": picked,
                "age": _age(now - message["created_at"]),
            }
        )
    return render(
        request,
        "insight/messages.html",
        title="Left messages",
        active="messages",
        rows=rows,
        label=tables.label,
    )


def _age(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    if hours < 1:
        return "under an hour"
    if hours < 48:
        return f"{hours} hours"
    return f"{hours // 24} days"
