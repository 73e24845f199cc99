"""Domain errors become HTTP answers here, and only here.

APIs (``/api/...``) answer JSON ``{"error": code, "message": ...}``; pages
answer a proper HTML page (the 404 page for anything missing). Validation
errors name the field; nobody ever sees a stack trace.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from frontdoor.http import (
    UnexpectedErrors,
    internal_error_response,
    validation_error_content,
    validation_message,
)
from knowledge.exceptions import EditConflict, KnowledgeError


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _editor_page(request: Request, status: int, key: str, **values: object) -> Response | None:
    """An editor page's error in the staff member's language (never the library's text)."""
    if not request.url.path.startswith("/editor"):
        return None
    from knowledge.editor_text import text
    from knowledge.routes.editor_pages import staff_language

    language = staff_language(request)
    return page(request, status, title=text("problem", language),
                message=text(key, language, **values))  # fmt: skip


def page(request: Request, status: int, *, title: str, message: str) -> Response:
    from knowledge.routes.site import render_error_page

    return render_error_page(request, status, title=title, message=message)


def install(app: FastAPI) -> None:
    @app.exception_handler(EditConflict)
    async def _conflict(request: Request, exc: EditConflict) -> Response:
        if not _is_api(request):
            number = exc.current.get("number")
            return _editor_page(request, 409, "conflict.message", current=number,
                                base=exc.base_version) or page(
                request, 409, title="Your changes were not saved", message=exc.message
            )  # fmt: skip
        content = {"error": exc.code, "message": exc.message, "base_version": exc.base_version,
                   "current": jsonable_encoder(exc.current)}  # fmt: skip
        return JSONResponse(content, status_code=409)

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> Response:
        # two saves raced past the revision check; the loser gets the same answer
        message = "This article changed while you were saving; reload it and try again."
        if _is_api(request):
            return JSONResponse({"error": "edit_conflict", "message": message}, status_code=409)
        return _editor_page(request, 409, "conflict.raced") or page(
            request, 409, title="Your changes were not saved", message=message
        )

    @app.exception_handler(KnowledgeError)
    async def _domain(request: Request, exc: KnowledgeError) -> Response:
        if _is_api(request):
            body = {"error": exc.code, "message": exc.message}
            field = getattr(exc, "field", None)
            if field:
                body["field"] = field
            return JSONResponse(body, status_code=exc.status_code)
        if exc.status_code == 404:
            return page(request, 404, title="Page not found", message="")
        if request.url.path.startswith("/editor"):
            from knowledge.editor_forms import problem_from_error
            from knowledge.routes.editor_pages import staff_language

            _, problem = problem_from_error(exc)
            message = problem.text(staff_language(request))
            return page(request, exc.status_code, title="Sorry, that did not work", message=message)
        return page(request, exc.status_code, title="Sorry, that did not work", message=exc.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        # never the values sent: a NaN cannot be serialised, and errors do not echo requests
        editor = _editor_page(request, 422, "form.rejected")
        if editor is not None:
            return editor
        if not _is_api(request):
            return page(request, 422, title="Check your answers", message=validation_message(exc))
        return JSONResponse(validation_error_content(exc), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request) or exc.status_code not in (404, 405):
            return JSONResponse(
                {"error": "http_error", "message": str(exc.detail)},
                status_code=exc.status_code,
                headers=getattr(exc, "headers", None),
            )
        return page(request, 404, title="Page not found", message="")

    async def _unexpected(request: Request, exc: Exception) -> Response:
        if _is_api(request):
            return await internal_error_response(request, exc)
        return page(request, 500, title="Sorry, there is a problem with the service",
                    message="Try again later.")  # fmt: skip

    # innermost (install runs before the app adds its middleware): the 500 wears the site's headers
    app.add_middleware(UnexpectedErrors, answer=_unexpected)
