"""Web plumbing shared by the website and the editor: templates and HTTP hygiene.

- one Jinja2 environment (autoescape on) with the few filters the pages use;
- security headers on every response: a CSP with no inline scripts (the
  widget's origin is allowed for its script and connections), nosniff,
  frame-ancestors, referrer and permissions policies;
- a request-size guard, so an oversized upload is a 413 before it is parsed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlsplit

from fastapi.templating import Jinja2Templates
from starlette.types import ASGIApp

from frontdoor.accounts.twofactor_routes import TEMPLATES_DIR as ACCOUNTS_TEMPLATES
from frontdoor.clock import LONDON, london_today
from frontdoor.http import SecurityHeaders
from knowledge.vocabulary import service_area_name

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"


MONTHS_EN = "January February March April May June July August September October November December"
MONTHS_CY = "Ionawr Chwefror Mawrth Ebrill Mai Mehefin Gorffennaf Awst Medi Hydref Tachwedd Rhagfyr"


def _long_date(value: date | datetime | None, language: str = "en") -> str:
    if value is None:
        return ""
    months = (MONTHS_CY if language == "cy" else MONTHS_EN).split()
    return f"{value.day} {months[value.month - 1]} {value.year}"


def _london(value: datetime | None) -> datetime | None:
    """A stored (UTC) moment as the council's clock shows it."""
    return value.astimezone(LONDON) if value is not None else None


def make_templates(*, today: Callable[[], date] = london_today) -> Jinja2Templates:
    """``today`` is the app's clock (the council's date), so pages agree with the API."""
    # the two-factor pages are shared with the console (frontdoor.accounts.twofactor_routes)
    templates = Jinja2Templates(directory=[str(TEMPLATES_DIR), str(ACCOUNTS_TEMPLATES)])
    env = templates.env
    env.filters["long_date"] = _long_date
    env.filters["london"] = _london
    env.filters["area_name"] = service_area_name
    env.globals["today"] = today
    return templates


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(widget_origin: str) -> str:
    widget = f" {widget_origin}" if widget_origin else ""
    sockets = ""
    if widget_origin.startswith("http"):
        sockets = " " + widget_origin.replace("http", "ws", 1)
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self'{widget}",
            # the chat widget sets styles on the elements it creates
            f"style-src 'self'{widget} 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src 'self'{widget}{sockets}",
            f"frame-src 'self'{widget}",
            f"frame-ancestors 'self'{widget}",
            "form-action 'self'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


def site_headers(app: ASGIApp, *, widget_origin: str, hsts: bool = False) -> SecurityHeaders:
    """The core security headers, with the site's CSP (the widget may load and
    connect) and the headers a public site wears; editor pages are never cached."""
    return SecurityHeaders(
        app,
        content_security_policy=content_security_policy(widget_origin),
        extra={
            "X-Frame-Options": "SAMEORIGIN",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
            "Cross-Origin-Opener-Policy": "same-origin",
        },
        no_store=("/editor", "/api/v1/editorial"),
        hsts=hsts,
    )
