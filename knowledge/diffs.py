"""Readable comparisons between two revisions (front matter and body).

Both forms escape the content: the HTML table comes from difflib.HtmlDiff,
which escapes every line, and the unified diff is plain text that templates
autoescape.
"""

from __future__ import annotations

import difflib
from typing import Literal

from knowledge.articles import revision_content
from knowledge.frontmatter import dump_front_matter
from knowledge.models import Revision


def revision_text(revision: Revision, *, slug: str, language: str) -> list[str]:
    content = revision_content(revision)
    metadata = {**content, "slug": slug, "language": language}
    text = dump_front_matter(metadata) + "\n" + content["body"]
    return text.splitlines()


def compare(
    old: Revision,
    new: Revision,
    *,
    slug: str,
    language: str,
    style: Literal["html", "unified"] = "html",
    context: int = 3,
) -> str:
    before = revision_text(old, slug=slug, language=language)
    after = revision_text(new, slug=slug, language=language)
    old_label, new_label = f"Revision {old.number}", f"Revision {new.number}"
    if style == "unified":
        return "\n".join(
            difflib.unified_diff(before, after, old_label, new_label, n=context, lineterm="")
        )
    table = difflib.HtmlDiff(wrapcolumn=70).make_table(
        before, after, old_label, new_label, context=True, numlines=context
    )
    # HtmlDiff writes presentational attributes; the stylesheet does the layout.
    return table.replace(' nowrap="nowrap"', "").replace(
        '<table class="diff"', '<table class="diff" aria-label="Changes between revisions"'
    )
