"""GET /api/v1/search: the same search the website and the bot use."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from knowledge import throttle
from knowledge.deps import SearchDep, SessionDep
from knowledge.schemas import SearchResponse
from knowledge.searching import run_search
from knowledge.vocabulary import Language, ServiceArea

router = APIRouter(prefix="/api/v1", tags=["search"])


@router.get("/search", response_model=SearchResponse)
def search(
    request: Request,
    session: SessionDep,
    runtime: SearchDep,
    q: Annotated[str, Query(max_length=20_000)] = "",
    lang: Language | None = None,
    language: Annotated[Language | None, Query(description="Alias of lang.")] = None,
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
    service_area: ServiceArea | None = None,
) -> SearchResponse:
    """Published articles best answering ``q``; ``no_good_answer`` says when none does well.

    ``url`` is a site path (``/articles/<slug>``); add ``#section_anchor`` to
    land on the matching section. Empty or very long queries get an answer,
    never an error.
    """
    area = service_area.value if service_area else None
    chosen = (lang or language or Language.ENGLISH).value
    with request.app.state.metrics.search_seconds.labels(via="api").time():
        response = run_search(session, runtime, q, language=chosen, limit=limit, service_area=area)
    if response.results and not response.no_good_answer and throttle.is_the_bot(request):
        # an answer given to the bot: it orders the top tasks with page views (knowledge.usage)
        request.app.state.usage.bot_answer(response.results[0].slug)
    return response
