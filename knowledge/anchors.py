"""Heading anchors: the search engine's rule, re-exported for the renderer.

Search hits link to ``url#section_anchor``; the renderer must give headings
exactly those ids, so there is one function and it lives in the search package.
"""

from __future__ import annotations

from knowledge.search.text import heading_anchor

__all__ = ["heading_anchor"]
