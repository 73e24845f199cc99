from __future__ import annotations

import json
from pathlib import Path

import pytest

from knowledge.search import CHUNKER_VERSION, HashingEmbedder, NumpyVectorIndex, SearchEngine
from knowledge.search.store import content_checksum
from tests.unit.search.factories import FakeSource, corpus, fake_engine, make_article


def _manifest(index_dir: Path) -> dict:
    return json.loads((index_dir / "manifest.json").read_text())


def _file(index_dir: Path, kind: str) -> Path:
    return index_dir / _manifest(index_dir)["files"][kind]["name"]


def test_manifest_records_what_the_index_was_built_with(
    engine: SearchEngine, index_dir: Path
) -> None:
    manifest = _manifest(index_dir)
    assert manifest["identity"] == {
        "model": "hashing-fake-64",
        "dimension": 64,
        "chunker_version": CHUNKER_VERSION,
        "format_version": 1,
    }
    assert manifest["article_count"] == 2
    assert manifest["chunk_count"] == engine.chunk_count
    assert manifest["content_checksum"] == content_checksum(engine._state.stored())
    assert {"articles", "vectors"} == set(manifest["files"])


def test_reopening_loads_the_saved_index_without_embedding(
    engine: SearchEngine, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine.upsert(make_article(7, "extra", "Extra article"), revision=9)
    before = engine.search("bin collection day").results

    def no_embedding(*args: object, **kwargs: object) -> None:
        raise AssertionError("a sound index is loaded, not re-embedded")

    monkeypatch.setattr(HashingEmbedder, "embed_documents", no_embedding)
    reopened = SearchEngine(index_dir, HashingEmbedder(64), vector_index=NumpyVectorIndex)
    assert reopened.load_status == "loaded"
    assert (len(reopened), reopened.revision) == (3, 9)
    monkeypatch.undo()
    assert reopened.search("bin collection day").results == before


def test_saves_leave_one_generation_of_files(engine: SearchEngine, index_dir: Path) -> None:
    for i in range(3):
        engine.upsert(make_article(20 + i, f"a{i}", f"Article {i}"))
    names = sorted(p.name for p in index_dir.iterdir() if not p.name.startswith("."))
    assert len(names) == 3  # manifest, articles-<gen>.json, vectors-<gen>.bin


def test_another_model_means_re_embedding(engine: SearchEngine, index_dir: Path) -> None:
    reopened = SearchEngine(index_dir, HashingEmbedder(32), vector_index=NumpyVectorIndex)
    assert reopened.load_status == "re-embedded"
    assert len(reopened) == 2
    assert _manifest(index_dir)["identity"]["dimension"] == 32
    assert reopened.search("pay council tax").results[0].slug == "pay-council-tax"


def test_another_chunker_version_means_re_embedding(
    engine: SearchEngine, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("knowledge.search.engine.CHUNKER_VERSION", "999")
    reopened = fake_engine(index_dir)
    assert reopened.load_status == "re-embedded"
    assert _manifest(index_dir)["identity"]["chunker_version"] == "999"


def test_corrupt_vectors_are_detected_and_rebuilt_never_served(
    engine: SearchEngine, index_dir: Path
) -> None:
    vectors = _file(index_dir, "vectors")
    vectors.write_bytes(vectors.read_bytes()[:-10] + b"0123456789")
    reopened = fake_engine(index_dir)
    assert reopened.load_status == "re-embedded"
    assert reopened.search("pay council tax").results[0].slug == "pay-council-tax"
    assert fake_engine(index_dir).load_status == "loaded"  # the rebuilt index was saved


def test_corrupt_articles_mean_an_empty_index_until_a_full_sync(
    engine: SearchEngine, index_dir: Path
) -> None:
    _file(index_dir, "articles").write_text('{"articles": []}')
    reopened = fake_engine(index_dir)
    assert reopened.load_status == "corrupt"
    assert len(reopened) == 0
    assert reopened.search("pay council tax").no_good_answer is True
    source = FakeSource(corpus())
    assert reopened.sync(source).full is True
    assert len(reopened) == 2


@pytest.mark.parametrize("damage", ["truncate", "garbage", "delete_file"])
def test_any_damage_to_the_manifest_or_files_is_caught(
    engine: SearchEngine, index_dir: Path, damage: str
) -> None:
    if damage == "truncate":
        manifest = index_dir / "manifest.json"
        manifest.write_text(manifest.read_text()[:40])
    elif damage == "garbage":
        (index_dir / "manifest.json").write_text('["not", "a", "manifest"]')
    else:
        _file(index_dir, "articles").unlink()
    reopened = fake_engine(index_dir)
    assert reopened.load_status == "corrupt"
    assert len(reopened) == 0


def test_first_sync_after_reopen_re_embeds_only_what_changed(
    engine: SearchEngine, index_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = FakeSource(corpus())
    source.publish(make_article(summary="A new summary."))
    reopened = fake_engine(index_dir)
    embedded: list[int] = []
    real = HashingEmbedder.embed_documents

    def counting(self: HashingEmbedder, texts: list[str], **kwargs: int) -> object:
        embedded.append(len(texts))
        return real(self, texts, **kwargs)

    monkeypatch.setattr(HashingEmbedder, "embed_documents", counting)
    report = reopened.sync(source)
    assert (report.full, report.upserted, report.removed) == (True, 1, 0)
    assert sum(embedded) == 4  # the one changed article's chunks


def test_memory_only_engine_writes_nothing(tmp_path: Path) -> None:
    engine = fake_engine(None)
    engine.rebuild(corpus(), progress=False)
    assert list(tmp_path.iterdir()) == []
