"""GET /healthz: the service, its version and each dependency's state."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from frontdoor import __version__
from frontdoor.db import database_status
from frontdoor.redis import redis_status

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(request: Request) -> dict[str, Any]:
    state = request.app.state
    dependencies = {
        "database": database_status(state.engine),
        "search": state.search.status(),
        "redis": redis_status(state.settings.redis_url),
    }
    search = dependencies["search"]["status"]
    if dependencies["database"]["status"] != "ok" or search not in ("ok", "starting"):
        status = "degraded"
    else:
        status = "starting" if search == "starting" else "ok"
    return {
        "service": "knowledge",
        "version": __version__,
        "status": status,
        "dependencies": dependencies,
    }
