"""``GET /docs`` for a service without a template set of its own: the OpenAPI
document as a plain, server-rendered HTML reference.

FastAPI's Swagger UI loads its script and styles from a CDN and runs an inline
script; the demo runs offline and our CSP allows neither. The machine-readable
document stays at the app's ``openapi_url``.
"""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse


def _operation_rows(schema: dict[str, Any]) -> list[str]:
    rows = []
    for path, methods in sorted(schema.get("paths", {}).items()):
        for method, operation in sorted(methods.items()):
            params = ", ".join(
                f"{p.get('name', '')} ({p.get('in', '')})" for p in operation.get("parameters", [])
            )
            rows.append(
                "<tr>"
                f"<td><code>{escape(method.upper())}</code></td>"
                f"<td><code>{escape(path)}</code></td>"
                f"<td>{escape(operation.get('summary', ''))}</td>"
                f"<td>{escape(params)}</td>"
                f"<td>{escape(', '.join(sorted(operation.get('responses', {}))))}</td>"
                "</tr>"
            )
    return rows


def reference_page(app: FastAPI) -> HTMLResponse:
    schema = app.openapi()
    info = schema.get("info", {})
    title = escape(f"{info.get('title', 'API')} {info.get('version', '')}".strip())
    openapi_url = escape(app.openapi_url or "")
    body = "\n".join(
        [
            '<!doctype html><html lang="en"><head><meta charset="utf-8">',
            f"<title>{title}</title>",
            "</head><body>",
            f"<h1>{title}</h1>",
            f'<p>The OpenAPI document: <a href="{openapi_url}">{openapi_url}</a>.</p>',
            "<table><thead><tr><th>Method</th><th>Path</th><th>Summary</th>"
            "<th>Parameters</th><th>Responses</th></tr></thead><tbody>",
            *_operation_rows(schema),
            "</tbody></table></body></html>",
        ]
    )
    # no styles or scripts: nothing to load, nothing the CSP has to allow
    return HTMLResponse(body)


def install(app: FastAPI, path: str = "/docs") -> None:
    """Serve the reference at ``path`` (create the app with ``docs_url=None``)."""

    @app.get(path, include_in_schema=False, response_class=HTMLResponse)
    async def api_reference() -> HTMLResponse:
        return reference_page(app)
