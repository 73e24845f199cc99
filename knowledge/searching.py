"""One search for the API, the website and (through the API) the bot.

Empty queries answer "no good answer" without searching; very long ones are
cut to a length the model can read. Hits are re-checked against the database
so an article unpublished a moment ago never shows, even before the index
catches up; and the index catches up first when the database's content
revision is ahead of it (published on another instance a moment ago).
"""

from __future__ import annotations

import time

from sqlalchemy.orm import Session

from knowledge import content_revision, public
from knowledge.schemas import SearchResponse, SearchResultPublic
from knowledge.search_runtime import SearchRuntime

MAX_QUERY_CHARS = 1000


def run_search(
    session: Session,
    runtime: SearchRuntime,
    query: str,
    *,
    language: str = "en",
    limit: int = 5,
    service_area: str | None = None,
) -> SearchResponse:
    started = time.perf_counter()
    cleaned = " ".join(query.split())[:MAX_QUERY_CHARS]
    if not cleaned:
        return SearchResponse(query=query, results=[], no_good_answer=True, took_ms=0.0)
    runtime.catch_up(content_revision.current(session))
    found = runtime.search(cleaned, language=language, limit=limit, service_area=service_area)
    visible = public.visible_keys(session, {(hit.slug, hit.language) for hit in found.results})
    results = [
        SearchResultPublic(
            slug=hit.slug,
            title=hit.title,
            url=hit.url,
            section_anchor=hit.section_anchor,
            section_title=hit.section_title,
            snippet=hit.snippet,
            score=round(float(hit.score), 4),
            service_area=hit.service_area,
            language=hit.language,
        )
        for hit in found.results
        if (hit.slug, hit.language) in visible
    ]
    took = (time.perf_counter() - started) * 1000
    return SearchResponse(
        query=query,
        results=results,
        no_good_answer=found.no_good_answer or not results,
        took_ms=round(took, 1),
    )
