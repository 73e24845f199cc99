"""The council website of the co-browse tests and benchmark: a form page with
canary values in masked, blocked and council-configured parts, its own
stylesheet (so the mirror must load it from the site's origin), and an
element styled only by its own ``style`` attribute (as many council pages
have), which the mirror must show the same."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.e2e.handoff.harness import COUNCIL, _Website

CANARY_MASKED = "CANARYMASKED1111"
CANARY_BLOCKED = "CANARYBLOCKED2222"
CANARY_CONFIGURED = "CANARYNINO3333"
CANARY_TYPED = "CANARYTYPED4444"
CANARY_NOTES = "CANARYNOTES5555"
CANARIES = (CANARY_MASKED, CANARY_BLOCKED, CANARY_CONFIGURED, CANARY_TYPED, CANARY_NOTES)
# the council's own configuration: National Insurance numbers are masked
SETTINGS = {"FRONTDOOR_HANDOFF_COBROWSE_MASK_SELECTORS": ".nino"}

INLINE_STYLE = (
    "color: rgb(112, 0, 112); background-color: rgb(255, 221, 0); "
    "border-left: 7px solid rgb(0, 112, 60); padding: 9px 13px; font-style: italic"
)
STYLES = b"body{font-family:sans-serif;margin:0 2em}h1{color:#0b0c0c}.nino{font-weight:bold}"


def page(handoff_url: str, title: str, main: str) -> bytes:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - {COUNCIL}</title><link rel="stylesheet" href="/site.css"></head>
<body><header><p>{COUNCIL}</p></header>
<main>{main}</main>
<script src="{handoff_url}/widget/frontdoor-widget.js" data-frontdoor-url="{handoff_url}"
 data-council="{COUNCIL}" data-language="en" defer></script>
</body></html>""".encode()


APPLY = f"""<h1>Book a bulky waste collection</h1>
<p>Tell us what you would like collected.</p>
<p id="inline-styled" style="{INLINE_STYLE}">Collections are on weekdays only.</p>
<p data-frontdoor-mask>Your reference is {CANARY_MASKED}</p>
<div data-frontdoor-block><p>Card ending {CANARY_BLOCKED}</p></div>
<p>National Insurance number: <span class="nino">{CANARY_CONFIGURED}</span></p>
<form action="/en/apply">
<label for="name">Full name</label> <input id="name" name="name" autocomplete="off">
<label for="notes">Notes</label> <textarea id="notes" name="notes"></textarea>
<label for="items">Items</label>
<select id="items" name="items"><option>Sofa</option><option>Fridge</option></select>
</form>
<p><a href="/en/bins" id="bins-link">Bin collection days</a></p>
{"".join(f"<p>Paragraph {n} about bulky waste, slots and prices.</p>" for n in range(40))}"""

BINS = """<h1>Bin collection days</h1><p>Your bins are collected every week.</p>
<p><a href="/en/apply">Book a bulky waste collection</a></p>"""


class CobrowseWebsite(_Website):
    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/site.css":
            self._send(STYLES, "text/css")
            return
        body = {"/en/apply": ("Book a bulky waste collection", APPLY)}.get(
            path, ("Bin collection days", BINS)
        )
        self._send(page(self.handoff_url, *body), "text/html; charset=utf-8")

    def _send(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        origin, ws = self.handoff_url, self.handoff_url.replace("http", "ws", 1)
        self.send_header(
            "Content-Security-Policy",
            f"default-src 'self'; script-src 'self' {origin}; style-src 'self' {origin}; "
            "style-src-attr 'unsafe-inline'; "
            f"connect-src 'self' {origin} {ws}; img-src 'self' data:; base-uri 'none'",
        )
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def handler() -> type[BaseHTTPRequestHandler]:
    return CobrowseWebsite
