"""The public council website: home by service area, articles, search, help pages.

English pages live at ``/...``, Welsh at ``/cy/...``. Only published articles
appear. Every page carries the chat widget (one script tag, in base.html).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response

from frontdoor.clock import london_today
from frontdoor.ratelimit import client_address
from knowledge import feedback, gaps, public, site_tasks, throttle, usage
from knowledge.deps import SearchDep, SessionDep
from knowledge.exceptions import ArticleNotFound
from knowledge.rendering import render
from knowledge.routes import site_search
from knowledge.searching import run_search
from knowledge.site_text import prefix, text_for
from knowledge.vocabulary import ServiceArea, service_area_name
from knowledge.web import STATIC_DIR

router = APIRouter(tags=["website"], include_in_schema=False)

LANGUAGES = ("en", "cy")

# Editors mark a page as one of the council's top tasks with this tag (the
# editor's Tags field); residents' use orders them (knowledge.usage).
TOP_TASK_TAG = "top-task"
MAX_COMMENT = 2000


def is_top_task(item: public.LiveArticle) -> bool:
    return TOP_TASK_TAG in item.tags


def _use(request: Request, session: SessionDep) -> dict[str, int]:
    """Each task's use (page views + bot answers) over the last 28 days."""
    today = london_today(request.app.state.clock())
    return usage.use_since(session, usage.window_start(today))


def _context(request: Request, language: str, **values: Any) -> dict[str, Any]:
    state = request.app.state
    return {
        "request": request,
        "lang": language,
        "t": text_for(language),
        "prefix": prefix(language),
        "council_name": state.settings.council.council.name.in_language(language),
        "council_colour": state.settings.council.colours.primary,
        "contact": state.settings.council.contact,
        "privacy_url": state.settings.knowledge_privacy_url,
        "privacy_url_cy": state.settings.knowledge_privacy_url_cy,
        "handoff_url": state.handoff_url,
        "alternate_url": None,
        "errors": [],
        **values,
    }


def _page(
    request: Request, template: str, language: str, status: int = 200, **values: Any
) -> HTMLResponse:
    templates = request.app.state.templates
    return templates.TemplateResponse(
        request, template, _context(request, language, **values), status_code=status
    )


def render_error_page(request: Request, status: int, *, title: str, message: str) -> HTMLResponse:
    language = "cy" if request.url.path.startswith("/cy/") or request.url.path == "/cy" else "en"
    template = "site/404.html" if status == 404 else "site/error.html"
    if status == 404:
        title = text_for(language)["not_found"]
    return _page(request, template, language, status=status, title=title, message=message)


def _home(request: Request, session: SessionDep, language: str) -> HTMLResponse:
    items = public.published(session, language=language)
    use = _use(request, session)
    by_area: dict[str, list[public.LiveArticle]] = {}
    for item in items:
        by_area.setdefault(item.service_area, []).append(item)
    areas = []
    for area in ServiceArea:
        if area.value in by_area:
            tasks, rest = usage.split_top_tasks(by_area[area.value], is_top_task, use)
            areas.append((area.value, tasks + rest))
    top = usage.most_used_first((item for item in items if is_top_task(item)), use)
    other = "en" if language == "cy" else "cy"
    return _page(request, "site/home.html", language, areas=areas, top_tasks=top,
                 alternate_url=prefix(other) + "/" if language == "en" else "/")  # fmt: skip


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: SessionDep) -> HTMLResponse:
    return _home(request, session, "en")


@router.get("/cy", response_class=HTMLResponse)
@router.get("/cy/", response_class=HTMLResponse)
def home_welsh(request: Request, session: SessionDep) -> HTMLResponse:
    return _home(request, session, "cy")


def _area(request: Request, session: SessionDep, area: str, language: str) -> HTMLResponse:
    try:
        ServiceArea(area)
    except ValueError:
        raise ArticleNotFound(area) from None
    items = public.published(session, language=language, service_area=area)
    tasks, rest = usage.split_top_tasks(items, is_top_task, _use(request, session))
    other = "cy" if language == "en" else "en"
    return _page(request, "site/area.html", language, area=area, top_tasks=tasks, items=rest,
                 title=service_area_name(area, language),
                 alternate_url=f"{prefix(other)}/services/{area}")  # fmt: skip


@router.get("/services/{area}", response_class=HTMLResponse)
def area_page(area: str, request: Request, session: SessionDep) -> HTMLResponse:
    return _area(request, session, area, "en")


@router.get("/cy/services/{area}", response_class=HTMLResponse)
def area_page_welsh(area: str, request: Request, session: SessionDep) -> HTMLResponse:
    return _area(request, session, area, "cy")


def _article(
    request: Request, session: SessionDep, item: public.LiveArticle, *, status: int = 200,
    **values: Any,
) -> HTMLResponse:  # fmt: skip
    body_html, headings = render(item.body)
    translations = public.translations(session, item)
    return _page(
        request, "site/article.html", item.language, status=status, item=item,
        body_html=body_html, headings=[h for h in headings if h.level == 2],
        related=public.related(session, item), title=item.title,
        alternate_url=next(iter(translations.values()), None),
        start=site_tasks.start_button(item.tags, item.language), **values,
    )  # fmt: skip


def _count_view(request: Request, item_id: int) -> None:
    """One anonymous page view, in memory (knowledge.usage): never a write here."""
    headers = request.headers
    crawler = usage.is_crawler(headers.get("user-agent", ""))
    if request.method != "GET" or crawler or usage.is_prefetch(headers):
        return
    settings = request.app.state.settings
    address = client_address(request)
    visitor = throttle.Writer(f"view:{address}:{headers.get('user-agent', '')}", address)
    limiter = throttle.limiter(request)
    request.app.state.usage.page_view(
        item_id, visitor=visitor.key(settings),
        allowed=lambda: limiter.allows(throttle.page_view_check(settings, address)),
    )  # fmt: skip


@router.get("/articles/{slug}", response_class=HTMLResponse)
def article(
    slug: str, request: Request, session: SessionDep, feedback: str | None = None
) -> HTMLResponse:
    item = public.published_article(session, slug)
    if feedback is None:  # the page after sending feedback is not another view
        _count_view(request, item.id)
    return _article(request, session, item, thanks=feedback == "thanks")


def _feedback_errors(helpful: str, comment: str, language: str) -> list[tuple[str, str]]:
    """GOV.UK-style messages, each naming the field it links to."""
    t = text_for(language)
    errors = []
    if helpful not in ("yes", "no"):
        errors.append(("helpful-yes", t["error_choose_useful"]))
    if len(comment) > MAX_COMMENT:
        errors.append(("feedback-comment", t["error_comment_too_long"]))
    return errors


@router.post("/articles/{slug}/feedback", dependencies=[Depends(throttle.limit_feedback)])
def article_feedback(
    slug: str,
    request: Request,
    session: SessionDep,
    helpful: Annotated[str, Form()] = "",
    comment: Annotated[str, Form()] = "",
) -> Response:
    item = public.published_article(session, slug)
    errors = _feedback_errors(helpful, comment, item.language)
    if errors:
        return _article(request, session, item, status=400, errors=errors,
                        helpful=helpful, comment=comment)  # fmt: skip
    feedback.record_feedback(session, slug=slug, helpful=helpful == "yes", comment=comment)
    session.commit()
    return RedirectResponse(f"{public.article_url(slug)}?feedback=thanks#feedback", status_code=303)


def _record_gap(request: Request, session: SessionDep, q: str, language: str) -> None:
    """Beyond the client's gap limit the search still answers; it just records nothing."""
    settings = request.app.state.settings
    who = throttle.writer(request)
    if throttle.limiter(request).allows(*throttle.gap_checks(settings, who)):
        gaps.record_gap(session, question=q[:2000], source="site_search", language=language,
                        client_key=who.key(settings),
                        max_open_per_client=settings.knowledge_gaps_open_per_client,
                        embedder=gaps.embedder_of(request.app.state),
                        similarity=settings.knowledge_review_similarity)  # fmt: skip
        session.commit()


def _search(
    request: Request, session: SessionDep, runtime: SearchDep, q: str | None, language: str
) -> HTMLResponse:
    other = "cy" if language == "en" else "en"
    if q is not None and not q.strip():  # the form was sent empty
        return _page(request, "site/search.html", language, status=400, q="", response=None,
                     shown=None, title=text_for(language)["search"],
                     errors=[("search-page-q", text_for(language)["error_enter_search"])],
                     alternate_url=f"{prefix(other)}/search")  # fmt: skip
    q = q or ""
    with request.app.state.metrics.search_seconds.labels(via="site").time():
        response = run_search(session, runtime, q, language=language, limit=10)
    if q.strip() and response.no_good_answer:
        _record_gap(request, session, q, language)
    english = runtime.engine.english if language == "en" else None  # no Welsh word list
    shown = site_search.site_results(
        response, public.published(session, language=language), english
    )
    return _page(request, "site/search.html", language, q=q, response=response, shown=shown,
                 title=text_for(language)["search"],
                 alternate_url=f"{prefix(other)}/search")  # fmt: skip


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request, session: SessionDep, runtime: SearchDep,
    q: Annotated[str | None, Query(max_length=20_000)] = None,
) -> HTMLResponse:  # fmt: skip
    return _search(request, session, runtime, q, "en")


@router.get("/cy/search", response_class=HTMLResponse)
def search_welsh(
    request: Request, session: SessionDep, runtime: SearchDep,
    q: Annotated[str | None, Query(max_length=20_000)] = None,
) -> HTMLResponse:  # fmt: skip
    return _search(request, session, runtime, q, "cy")


@router.get("/accessibility", response_class=HTMLResponse)
def accessibility(request: Request) -> HTMLResponse:
    return _page(request, "site/accessibility.html", "en", title="Accessibility statement")


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """Browsers ask for /favicon.ico whatever the page says; pages link the SVG too."""
    return FileResponse(STATIC_DIR / "favicon.ico", media_type="image/x-icon",
                        headers={"Cache-Control": "public, max-age=86400"})  # fmt: skip


def _image_type(url: str) -> dict[str, str]:
    kinds = {".svg": "image/svg+xml", ".png": "image/png", ".webp": "image/webp"}
    kind = next((kinds[end] for end in kinds if url.lower().endswith(end)), None)
    return {"type": kind} if kind else {}


@router.get("/site.webmanifest")
def web_manifest(request: Request) -> JSONResponse:
    """The app name and icon a phone shows when a resident adds the site to a home screen."""
    council = request.app.state.settings.council.council
    return JSONResponse(
        {
            "name": council.name.en,
            "short_name": council.short_name.en,
            "start_url": "/",
            "display": "browser",
            "background_color": "#ffffff",
            "theme_color": "#0b0c0c",
            "icons": [
                {"src": council.logo, "sizes": "any", **_image_type(council.logo)},
                {"src": "/favicon.ico", "sizes": "16x16 32x32 48x48", "type": "image/x-icon"},
            ],
        },
        media_type="application/manifest+json",
    )
