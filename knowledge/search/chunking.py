"""Split an article into searchable chunks.

- chunk 0, the *overview*: title, summary, alternative questions and tags, so a
  resident's phrasing that an editor recorded as an alternative question finds
  the article even when the body words it differently;
- the *intro*: the body before the first ``##`` heading (links to the page top);
- one chunk per ``##`` section (``###`` subsections stay inside their section),
  anchored with ``heading_anchor`` and numbered ``-2``, ``-3`` on repeats exactly
  as the website renderer numbers them; long sections are split at line
  boundaries into windows that keep the section's anchor.

Bump ``CHUNKER_VERSION`` whenever the output for the same article changes: a
persisted index built by another version is rebuilt on open.
"""

from __future__ import annotations

import re

from knowledge.search.domain import Chunk, IndexableArticle
from knowledge.search.text import heading_anchor, inline_markdown_to_text, markdown_to_text

CHUNKER_VERSION = "2"
MAX_CHUNK_WORDS = 160  # MiniLM reads 256 word pieces; keep sections well inside that

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def chunk_article(article: IndexableArticle) -> list[Chunk]:
    chunks = [_overview(article)]
    intro, sections = _split_sections(article.body_markdown)
    if intro.strip():
        chunks.extend(_windows(article, "intro", None, None, markdown_to_text(intro), len(chunks)))
    for title, anchor, markdown in sections:
        text = markdown_to_text(markdown)
        chunks.extend(_windows(article, "section", title, anchor, text, len(chunks)))
    return chunks


def _overview(article: IndexableArticle) -> Chunk:
    lines = [article.title, article.summary, *article.alternative_questions]
    if article.tags:
        lines.append(" ".join(tag.replace("-", " ") for tag in article.tags))
    return Chunk(
        article_id=article.id,
        ordinal=0,
        kind="overview",
        section_title=None,
        section_anchor=None,
        text="\n".join(line.strip() for line in lines if line and line.strip()),
        language=article.language,
        service_area=article.service_area,
    )


def _split_sections(body: str) -> tuple[str, list[tuple[str, str | None, str]]]:
    """The intro and each level-1/2 section as (title, anchor, markdown)."""
    intro: list[str] = []
    sections: list[tuple[str, str | None, list[str]]] = []
    used: dict[str, int] = {}
    in_fence = False
    for line in body.splitlines():
        if line.strip().startswith(("```", "~~~")):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line.strip())
        if match:
            level, title = len(match.group(1)), inline_markdown_to_text(match.group(2))
            anchor = _number_repeats(heading_anchor(title), used)
            if level <= 2:
                sections.append((title, anchor, []))
                continue
        (sections[-1][2] if sections else intro).append(line)
    return "\n".join(intro), [(t, a, "\n".join(lines)) for t, a, lines in sections]


def _number_repeats(anchor: str, used: dict[str, int]) -> str | None:
    if not anchor:
        return None
    seen = used.get(anchor, 0)
    used[anchor] = seen + 1
    return f"{anchor}-{seen + 1}" if seen else anchor


def _windows(
    article: IndexableArticle,
    kind: str,
    title: str | None,
    anchor: str | None,
    text: str,
    first_ordinal: int,
) -> list[Chunk]:
    pieces: list[list[str]] = [[]]
    words = 0
    for line in text.splitlines():
        line_words = len(line.split())
        if pieces[-1] and words + line_words > MAX_CHUNK_WORDS:
            pieces.append([])
            words = 0
        pieces[-1].append(line)
        words += line_words
    if title and not any(pieces[0]):
        pieces = [[title]]  # a heading with no text is still a place to land
    return [
        Chunk(
            article_id=article.id,
            ordinal=first_ordinal + i,
            kind=kind,
            section_title=title,
            section_anchor=anchor,
            text="\n".join(piece),
            language=article.language,
            service_area=article.service_area,
        )
        for i, piece in enumerate(pieces)
        if any(piece)
    ]
