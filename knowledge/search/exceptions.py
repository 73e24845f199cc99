"""Errors of the search engine.

SearchError                 base (code, message)
├── CorruptIndex            a persisted index file fails its checksum or cannot be read;
│                           the engine never serves it and rebuilds instead
├── IncompatibleIndex       the persisted index was built with another model, dimension
│                           or chunker; the engine rebuilds instead
├── EmbedderError           the embedding model cannot be loaded or returned bad vectors
└── LexiconError            the English word list (spelling.py) is missing or unreadable;
                            the search does not start rather than correct real words
"""

from __future__ import annotations

from frontdoor.exceptions import FrontdoorError


class SearchError(FrontdoorError):
    code = "search_error"


class CorruptIndex(SearchError):
    code = "search_index_corrupt"


class IncompatibleIndex(SearchError):
    code = "search_index_incompatible"


class EmbedderError(SearchError):
    code = "search_embedder_error"


class LexiconError(SearchError):
    code = "search_lexicon_error"
