"""The service's model remembers its recent queries' vectors (``RecentQueries``)."""

from __future__ import annotations

import numpy as np
import pytest

from knowledge.search import HashingEmbedder, RecentQueries, SearchEngine
from tests.unit.search.factories import corpus


class CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__(32)
        self.queries: list[str] = []
        self.documents = 0

    def embed_query(self, text: str) -> np.ndarray:
        self.queries.append(text)
        return super().embed_query(text)

    def embed_documents(self, texts, *, batch_size: int = 32):  # type: ignore[no-untyped-def]
        self.documents += len(texts)
        return super().embed_documents(texts, batch_size=batch_size)


def test_a_repeated_query_is_embedded_once_and_gets_the_same_vector() -> None:
    model = CountingEmbedder()
    recent = RecentQueries(model)
    first = recent.embed_query("when is my bin day")
    again = recent.embed_query("when is my bin day")
    assert again is first and model.queries == ["when is my bin day"]
    assert np.array_equal(first, model.embed_query("when is my bin day"))
    with pytest.raises(ValueError):
        first[0] = 2.0  # shared between callers: nobody may change it


def test_the_least_recently_asked_query_is_forgotten_first() -> None:
    model = CountingEmbedder()
    recent = RecentQueries(model, size=2)
    for text in ("bins", "rent", "bins", "tax"):  # "bins" asked again: "rent" is oldest
        recent.embed_query(text)
    assert len(recent) == 2 and model.queries == ["bins", "rent", "tax"]
    recent.embed_query("bins")  # remembered: asked again after "rent"
    recent.embed_query("rent")  # forgotten: embedded again
    assert model.queries == ["bins", "rent", "tax", "rent"]
    recent.forget()
    recent.embed_query("rent")
    assert (len(recent), model.queries[-1], len(model.queries)) == (1, "rent", 5)


def test_documents_are_always_embedded_and_the_model_keeps_its_name() -> None:
    model = CountingEmbedder()
    recent = RecentQueries(model)
    recent.embed_documents(["a", "b"])
    recent.embed_documents(["a", "b"])
    assert model.documents == 4
    assert (recent.name, recent.dimension) == (model.name, model.dimension)


def test_a_bot_turn_searching_the_same_message_twice_embeds_it_once() -> None:
    model = CountingEmbedder()
    # the real vector index: FAISS reads the shared, read-only vector
    engine = SearchEngine(None, RecentQueries(model), progress=False)
    engine.rebuild(corpus(), progress=False)
    decided = engine.search("when is my bin day", limit=1)  # the decision policy
    answered = engine.search("when is my bin day", limit=3)  # then the answer action
    assert model.queries == ["when is my bin day"]
    assert decided.results[0].slug == answered.results[0].slug == "bin-collection-day"
