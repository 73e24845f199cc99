"""The benchmarks' guard: no evaluation message may be an exact or near duplicate
of what the bot learned from (training_data/nlu) or of an article's alternative
questions (knowledge/content), or the figures measure memory, not understanding.

A message leaks when its normalised text equals a reference's, or when the
cosine between their embeddings (the project's sentence model,
all-MiniLM-L6-v2) is at least ``NEAR_DUPLICATE_COSINE``. At 0.90 that model
puts "my bin wasn't emptied" and "my bin wasnt emptied today" at 0.95
while "my bin wasn't emptied" and "when is my bin emptied" stay below (0.87).

    if not guard(messages, embedder):       # prints the leaks, or that there are none
        return 2                            # the benchmark refuses to run
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from knowledge.search import Embedder

ROOT = Path(__file__).resolve().parent.parent
NEAR_DUPLICATE_COSINE = 0.90
_ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]+\)")


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@dataclass(frozen=True)
class Leak:
    message: str
    reference: str
    source: str  # "training:<intent>" or "article:<lang>/<slug>"
    cosine: float


def training_examples(root: Path = ROOT) -> list[tuple[str, str]]:
    """(text, "training:<intent>") for every NLU example."""
    found = []
    for path in sorted((root / "training_data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text("utf-8")).get("nlu", []):
            if "intent" not in block:
                continue
            for line in block["examples"].splitlines():
                line = line.strip()
                if line.startswith("- "):
                    text = _ANNOTATION.sub(r"\1", line[2:]).strip()
                    found.append((text, f"training:{block['intent']}"))
    return found


def alternative_questions(root: Path = ROOT) -> list[tuple[str, str]]:
    """(question, "article:<lang>/<slug>") for every article's alternative questions."""
    found = []
    for path in sorted((root / "knowledge" / "content").glob("*/*/*.md")):
        _, front, _ = path.read_text("utf-8").split("---", 2)
        meta = yaml.safe_load(front)
        for question in meta.get("alternative_questions") or ():
            found.append((str(question), f"article:{meta['language']}/{meta['slug']}"))
    return found


def references(root: Path = ROOT) -> list[tuple[str, str]]:
    return training_examples(root) + alternative_questions(root)


def find_leaks(
    messages: Sequence[str],
    refs: Sequence[tuple[str, str]],
    embedder: Embedder,
    *,
    threshold: float = NEAR_DUPLICATE_COSINE,
) -> list[Leak]:
    """Every message that is an exact (normalised) or near duplicate of a reference."""
    leaks: list[Leak] = []
    exact = {normalise(text) or text.strip(): (text, source) for text, source in refs}
    rest = []
    for message in messages:
        key = normalise(message) or message.strip()
        if key in exact:
            text, source = exact[key]
            leaks.append(Leak(message, text, source, 1.0))
        else:
            rest.append(message)
    if not rest or not refs:
        return leaks
    ours = embedder.embed_documents(list(rest))
    theirs = embedder.embed_documents([text for text, _ in refs])
    cosines = ours @ theirs.T
    best = np.argmax(cosines, axis=1)
    for row, message in enumerate(rest):
        column = int(best[row])
        cosine = float(cosines[row, column])
        if cosine >= threshold:
            text, source = refs[column]
            leaks.append(Leak(message, text, source, cosine))
    return leaks


def report(leaks: Iterable[Leak], *, limit: int = 20) -> str:
    leaks = list(leaks)
    lines = [
        f"refusing to run: {len(leaks)} evaluation messages duplicate training data or "
        f"alternative questions (cosine >= {NEAR_DUPLICATE_COSINE}):"
    ]
    for leak in leaks[:limit]:
        lines.append(f"  {leak.message!r} ~ {leak.reference!r} ({leak.source}, {leak.cosine:.2f})")
    return "\n".join(lines)


def guard(
    messages: Sequence[str],
    embedder: Embedder,
    refs: Sequence[tuple[str, str]] | None = None,
    *,
    what: str = "training examples and alternative questions",
) -> bool:
    """Print the leaks and return False, or print that the set is clean and return True."""
    refs = references() if refs is None else refs
    leaks = find_leaks(messages, refs, embedder)
    if leaks:
        print(report(leaks, limit=len(leaks)))
        return False
    print(
        f"duplicate guard: none of {len(messages)} messages within cosine "
        f"{NEAR_DUPLICATE_COSINE} of {len(refs)} {what}"
    )
    return True
