"""Shared by the search benchmarks: load the content folder, describe the machine."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import yaml

from knowledge.search import IndexableArticle

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "knowledge" / "content"
DATA = Path(__file__).resolve().parent / "data"


def load_content(folder: Path = CONTENT) -> list[IndexableArticle]:
    """Every article in knowledge/content/<lang>/<area>/<slug>.md (ids "lang/slug")."""
    articles = []
    for path in sorted(folder.glob("*/*/*.md")):
        _, front, body = path.read_text("utf-8").split("---", 2)
        meta = yaml.safe_load(front)
        translation = meta.get("translation_of")
        articles.append(
            IndexableArticle(
                id=f"{meta['language']}/{meta['slug']}",
                slug=meta["slug"],
                title=meta["title"],
                summary=meta.get("summary", ""),
                body_markdown=body.strip(),
                alternative_questions=tuple(meta.get("alternative_questions") or ()),
                service_area=meta.get("service_area", ""),
                language=meta.get("language", "en"),
                tags=tuple(meta.get("tags") or ()),
                translation_of=f"en/{translation}" if translation else None,
            )
        )
    return articles


def load_questions(name: str) -> dict:
    return yaml.safe_load((DATA / name).read_text("utf-8"))


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import faiss
    import torch

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.node()} | {cpu} | {os.cpu_count()} cores | load {load:.2f} | "
        f"Python {platform.python_version()} | torch {torch.__version__} "
        f"({torch.get_num_threads()} threads) | faiss {faiss.__version__}"
    )
