"""The knowledge base: one source of truth for the website, the bot and advisors.

Articles (Markdown plus metadata) move through an editorial workflow, every
save is a revision, and published content feeds the public council website,
the search engine in ``knowledge.search`` and the HTTP API the bot and the
advisor console call. ``knowledge.app.create_app`` is the composition root.
"""
