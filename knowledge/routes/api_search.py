"""GET /api/v1/search: the same search the website and the bot use."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from knowledge.deps import SearchDep, SessionDep
from knowledge.schemas import SearchResponse
from knowledge.searching import run_search
from knowledge.vocabulary import Language, ServiceArea

router = APIRouter(prefix="/api/v1", tags=["search"])


@router.get("/search", response_model=SearchResponse)
def search(
    session: SessionDep,
    runtime: SearchDep,
    q: Annotated[str, Query(max_length=20_000)] = "",
    lang: Language = Language.ENGLISH,
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
    service_area: ServiceArea | None = None,
) -> SearchResponse:
    area = service_area.value if service_area else None
    return run_search(session, runtime, q, language=lang.value, limit=limit, service_area=area)
