"""The one Markdown renderer: website, editor preview and the bot's snippets.

Markdown → HTML with the ``markdown`` package, then sanitised with an nh3
allowlist: no scripts, no event handlers, no ``style``, no iframes, and only
http(s), mailto and tel links (relative links are fine). Heading ids are
added *after* sanitising, from ``heading_anchor`` (the search engine's
function), so a search hit's ``section_anchor`` always lands on its section
and no author-written id or name survives (no DOM clobbering).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import markdown
import nh3

from knowledge.anchors import heading_anchor

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details", "dl",
    "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
    "ol", "p", "pre", "s", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
MARKDOWN_EXTENSIONS = ["tables", "fenced_code", "sane_lists", "def_list", "abbr"]

_HEADING = re.compile(r"<h([1-6])>(.*?)</h\1>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|tr|pre|blockquote|dd|dt)>|<br\s*/?>")
_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str


def _markdown_to_html(text: str) -> str:
    return markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, output_format="html").convert(text)


def sanitise(fragment: str) -> str:
    """Keep only the allowlisted tags, attributes and URL schemes."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _text_of(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment)).strip()


def _add_heading_ids(fragment: str) -> tuple[str, list[Heading]]:
    headings: list[Heading] = []
    used: dict[str, int] = {}

    def replace(match: re.Match[str]) -> str:
        level, inner = int(match.group(1)), match.group(2)
        text = _text_of(inner)
        anchor = heading_anchor(text)
        if not anchor:
            return match.group(0)
        seen = used.get(anchor, 0)
        used[anchor] = seen + 1
        if seen:  # a repeated heading: only the first one is a search target
            anchor = f"{anchor}-{seen + 1}"
        headings.append(Heading(level, text, anchor))
        return f'<h{level} id="{html.escape(anchor, quote=True)}">{inner}</h{level}>'

    return _HEADING.sub(replace, fragment), headings


def render_html(text: str) -> str:
    """Safe HTML for a Markdown body."""
    return render(text)[0]


def render(text: str) -> tuple[str, list[Heading]]:
    """Safe HTML and the headings (for a contents list)."""
    return _add_heading_ids(sanitise(_markdown_to_html(text)))


def plain_text(text: str) -> str:
    """The body as readable plain text (paragraphs separated by a blank line)."""
    cleaned = sanitise(_markdown_to_html(text))
    with_breaks = _BLOCK_END.sub("\n\n", cleaned)
    lines = [_SPACES.sub(" ", line).strip() for line in _text_of(with_breaks).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def snippet(text: str, limit: int = 300) -> str:
    """A short plain-text extract, cut at a word boundary."""
    flat = " ".join(plain_text(text).split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0].rstrip(",;:.")
    return cut + "…"
