"""GET /docs: a server-rendered reference of the OpenAPI document.

Swagger UI would need a CDN and inline scripts, which neither the offline
demo nor our CSP allows; the machine-readable document is at
/api/v1/openapi.json.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter(tags=["docs"], include_in_schema=False)


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for path, methods in sorted(schema.get("paths", {}).items()):
        for method, operation in methods.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            rows.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "tag": (operation.get("tags") or [""])[0],
                    "parameters": [
                        (p["name"], p.get("in", ""), p.get("required", False))
                        for p in operation.get("parameters", [])
                    ],
                    "body": body.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1],
                    "responses": sorted(operation.get("responses", {})),
                }
            )
    return rows


@router.get("/docs", response_class=HTMLResponse)
def api_reference(request: Request) -> HTMLResponse:
    schema = request.app.openapi()
    state = request.app.state
    return state.templates.TemplateResponse(
        request,
        "api_docs.html",
        {
            "request": request,
            "title": schema["info"]["title"],
            "version": schema["info"]["version"],
            "description": schema["info"].get("description", ""),
            "operations": _operations(schema),
            "schemas": sorted(schema.get("components", {}).get("schemas", {})),
        },
    )
