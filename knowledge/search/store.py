"""The index on disk: a manifest and two checksummed files per generation.

    <index_dir>/manifest.json            model, dimension, chunker version, revision,
                                         content checksum, and each file's sha256
    <index_dir>/articles-<generation>.json  the indexed articles and their chunk ids
    <index_dir>/vectors-<generation>.bin    the vector index
    <index_dir>/.lock                    flock: one reader or writer at a time

A save writes new generation files, then atomically replaces the manifest, then
deletes the previous generation, so a crash at any point leaves either the old
or the new index readable, never a mixture. Every file is verified against the
manifest on load; a mismatch raises ``CorruptIndex`` and the engine rebuilds
instead of serving it. BM25 statistics are not stored: they are recomputed
from the articles on load (deterministic, and one less file to go stale).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knowledge.search.domain import IndexableArticle
from knowledge.search.exceptions import CorruptIndex, IncompatibleIndex

FORMAT_VERSION = 1
STRAY_FILE_AGE_SECONDS = 600


@dataclass(frozen=True)
class Identity:
    """What an index was built with; any difference means a rebuild."""

    model: str
    dimension: int
    chunker_version: str
    format_version: int = FORMAT_VERSION


@dataclass(frozen=True)
class StoredArticle:
    article: IndexableArticle
    content_hash: str
    chunk_ids: tuple[int, ...]


@dataclass(frozen=True)
class Snapshot:
    identity: Identity
    revision: int
    next_chunk_id: int
    articles: list[StoredArticle]
    vectors: bytes | None  # None when they must be recomputed (other model or chunker)


def content_checksum(articles: list[StoredArticle]) -> str:
    """One hash over every indexed article's content (order-independent)."""
    lines = sorted(f"{a.article.id!r}:{a.content_hash}" for a in articles)
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


class IndexStore:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.manifest_path = self.folder / "manifest.json"

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / ".lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def read_manifest(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.manifest_path.read_text("utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            raise CorruptIndex(f"Unreadable search manifest: {error}") from error
        if not isinstance(data, dict):
            raise CorruptIndex("The search manifest is not an object.")
        return data

    def load(self, expected: Identity) -> Snapshot | None:
        """The saved index, or None when there is none.

        Raises ``CorruptIndex`` when the articles cannot be trusted. When only
        the vectors are unusable (other model or chunker, bad checksum) the
        snapshot comes back with ``vectors=None`` so the engine re-embeds the
        stored articles instead of asking for all content again.
        """
        with self._locked():
            manifest = self.read_manifest()
            if manifest is None:
                return None
            try:
                identity = Identity(**manifest["identity"])
                files = manifest["files"]
                articles_bytes = self._verified(files["articles"])
                vectors: bytes | None
                try:
                    vectors = self._verified(files["vectors"])
                except CorruptIndex:
                    vectors = None
                revision = int(manifest["revision"])
                next_chunk_id = int(manifest["next_chunk_id"])
            except (KeyError, TypeError, ValueError) as error:
                raise CorruptIndex(f"Malformed search manifest: {error}") from error
        articles = _decode_articles(articles_bytes)
        if content_checksum(articles) != manifest.get("content_checksum"):
            raise CorruptIndex("The indexed articles do not match the manifest's checksum.")
        if identity != expected:
            vectors = None
        return Snapshot(identity, revision, next_chunk_id, articles, vectors)

    def _verified(self, entry: dict[str, str]) -> bytes:
        path = self.folder / Path(entry["name"]).name
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CorruptIndex(f"Missing search index file {path.name}: {error}") from error
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise CorruptIndex(f"Search index file {path.name} fails its checksum.")
        return data

    def save(
        self,
        identity: Identity,
        *,
        revision: int,
        next_chunk_id: int,
        articles: list[StoredArticle],
        vectors: bytes,
    ) -> dict[str, Any]:
        articles_bytes = _encode_articles(articles)
        generation = uuid.uuid4().hex[:12]
        with self._locked():
            previous = self._safe_manifest()
            files = {
                "articles": self._write(f"articles-{generation}.json", articles_bytes),
                "vectors": self._write(f"vectors-{generation}.bin", vectors),
            }
            manifest = {
                "identity": identity.__dict__,
                "revision": revision,
                "next_chunk_id": next_chunk_id,
                "content_checksum": content_checksum(articles),
                "article_count": len(articles),
                "chunk_count": sum(len(a.chunk_ids) for a in articles),
                "generation": generation,
                "files": files,
                "written_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            self._write("manifest.json", json.dumps(manifest, indent=2).encode("utf-8"))
            self._remove_old(previous, keep=files)
        return manifest

    def _safe_manifest(self) -> dict[str, Any] | None:
        try:
            return self.read_manifest()
        except CorruptIndex:
            return None

    def _write(self, name: str, data: bytes) -> dict[str, str]:
        temporary = self.folder / f".{name}.{uuid.uuid4().hex[:8]}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, self.folder / name)
        return {"name": name, "sha256": hashlib.sha256(data).hexdigest()}

    def _remove_old(self, previous: dict[str, Any] | None, keep: dict[str, dict[str, str]]) -> None:
        kept = {entry["name"] for entry in keep.values()}
        doomed: set[str] = set()
        if previous and isinstance(previous.get("files"), dict):
            entries = previous["files"].values()
            doomed |= {str(e.get("name")) for e in entries if isinstance(e, dict)}
        cutoff = time.time() - STRAY_FILE_AGE_SECONDS
        for path in self.folder.iterdir():
            stray = path.name.startswith(("articles-", "vectors-", ".")) and path.suffix in {
                ".json",
                ".bin",
                ".tmp",
            }
            if stray and path.name != ".lock" and path.stat().st_mtime < cutoff:
                doomed.add(path.name)
        for name in doomed - kept:
            with contextlib.suppress(OSError):
                (self.folder / Path(name).name).unlink()

    def clear(self) -> None:
        """Forget the saved index (its files go at the next save)."""
        with self._locked(), contextlib.suppress(FileNotFoundError):
            self.manifest_path.unlink()


def _encode_articles(articles: list[StoredArticle]) -> bytes:
    rows = [
        {"article": a.article.to_dict(), "content_hash": a.content_hash, "chunk_ids": a.chunk_ids}
        for a in articles
    ]
    return json.dumps({"articles": rows}, ensure_ascii=False).encode("utf-8")


def _decode_articles(data: bytes) -> list[StoredArticle]:
    try:
        rows = json.loads(data.decode("utf-8"))["articles"]
        return [
            StoredArticle(
                article=IndexableArticle.from_dict(row["article"]),
                content_hash=str(row["content_hash"]),
                chunk_ids=tuple(int(i) for i in row["chunk_ids"]),
            )
            for row in rows
        ]
    except (KeyError, TypeError, ValueError) as error:
        raise CorruptIndex(f"Malformed indexed articles: {error}") from error


__all__ = [
    "FORMAT_VERSION",
    "CorruptIndex",
    "Identity",
    "IncompatibleIndex",
    "IndexStore",
    "Snapshot",
    "StoredArticle",
    "content_checksum",
]
