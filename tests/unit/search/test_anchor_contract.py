"""The chunker's section anchors are the ids the website renderer gives headings."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.search import chunk_article
from tests.unit.search.factories import make_article

rendering = pytest.importorskip("knowledge.rendering")
CONTENT = Path(__file__).resolve().parents[3] / "knowledge" / "content"
BODIES = sorted(CONTENT.glob("*/*/*.md"))


def _rendered_anchors(body: str) -> list[tuple[str, str]]:
    _, headings = rendering.render(body)
    return [(h.text, h.anchor) for h in headings if h.level <= 2]


def _chunk_anchors(body: str) -> list[tuple[str | None, str | None]]:
    chunks = chunk_article(make_article(body=body))
    seen: list[tuple[str | None, str | None]] = []
    for chunk in chunks:
        pair = (chunk.section_title, chunk.section_anchor)
        if chunk.kind == "section" and pair not in seen[-1:]:  # long sections: several chunks
            seen.append(pair)
    return seen


@pytest.mark.parametrize("path", BODIES, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_every_article_section_anchor_matches_the_renderer(path: Path) -> None:
    body = path.read_text("utf-8").split("---", 2)[2]
    assert _chunk_anchors(body) == _rendered_anchors(body)


def test_tricky_headings_match_the_renderer() -> None:
    body = (
        "## Pay by *card* & [phone](tel:01632960300)\nA.\n### Help\nB.\n## Help\nC.\n"
        "## Help\nD.\n## Gwasanaethau'r Cyngor: ŵ ŷ â\nE.\n"
    )
    assert _chunk_anchors(body) == _rendered_anchors(body)


def test_content_folder_is_present() -> None:
    assert BODIES, "knowledge/content has no articles"
    front = yaml.safe_load(BODIES[0].read_text("utf-8").split("---", 2)[1])
    assert "slug" in front
