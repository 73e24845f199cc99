"""Text handling shared by chunking, BM25 and snippets.

``heading_anchor`` is the one rule for section ids: the website renderer gives
each heading this id, and search hits link to it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache

from knowledge.search.welsh import welsh_terms

__all__ = [
    "content_words",
    "heading_anchor",
    "inline_markdown_to_text",
    "make_snippet",
    "markdown_to_text",
    "sentences",
    "tokenize",
]

_ANCHOR_DROP = re.compile(r"[^a-z0-9\s-]")
_WORD = re.compile(r"[a-z0-9]+")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]*)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto|tel):[^>]+)>")
_TAG = re.compile(r"<[^>]+>")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|~~|`+)")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9£])")
_SPACES = re.compile(r"\s+")


def heading_anchor(text: str) -> str:
    """The id a heading gets: lowercase ASCII words joined by hyphens.

    >>> heading_anchor("If your bin is missed often")
    'if-your-bin-is-missed-often'
    >>> heading_anchor("Talu'ch treth gyngor: ar-lein")
    'taluch-treth-gyngor-ar-lein'

    Renderers must number repeated anchors within one page ``-2``, ``-3`` in
    document order, as ``chunking`` does.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(_ANCHOR_DROP.sub("", folded.lower()).split())


def inline_markdown_to_text(text: str) -> str:
    """Link text instead of links, no emphasis marks, no HTML tags, entities decoded."""
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub("", text)
    text = _EMPHASIS.sub("", text)
    return html.unescape(text).strip()


def markdown_to_text(markdown: str) -> str:
    """Plain text, one paragraph or list item per line (headings included as lines)."""
    lines: list[str] = []
    paragraph: list[str] = []
    in_fence = False

    def flush() -> None:
        if paragraph:
            lines.append(" ".join(paragraph))
            paragraph.clear()

    for raw in markdown.splitlines():
        stripped = raw.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
            flush()
            continue
        if not stripped or _TABLE_RULE.match(stripped):
            flush()
            continue
        if in_fence:
            lines.append(stripped)
            continue
        line = stripped.lstrip(">").strip()
        if line.startswith("#"):
            flush()
            lines.append(inline_markdown_to_text(line.lstrip("#").strip()))
            continue
        if _LIST_MARK.match(line) or line.startswith("|"):
            flush()
            line = _LIST_MARK.sub("", line)
            cells = [inline_markdown_to_text(cell) for cell in line.strip("|").split("|")]
            paragraph.append(" ".join(cell for cell in cells if cell))
            continue
        paragraph.append(inline_markdown_to_text(line))
    flush()
    return "\n".join(line for line in lines if line)


# ---- tokens -----------------------------------------------------------------

# English function words plus the commonest Welsh ones, so "sut ydw i'n talu" and
# "how do i pay" both reduce to their content words.
STOPWORDS = frozenset(
    """
    a about after again all also am an and any are as at be because been before being
    but by can cant could did didnt do does doesnt doing dont down during each even for
    from get gets getting got had has have having he her here hers him his how i id if
    im in into is isnt it its ive just me might more most must my myself no nor not now
    of off on once only or other our ours out over own please same shall she should so
    some such than thank thanks that the their theirs them then there these they this
    those through to too under until up us very want was wasnt we were what whats when
    where which while who whom why will with wont would you your yours yourself hi hello
    ac ar am beth ble bod chi dw dwi ei eu fy gan gyda hi i mae mewn na neu ni nhw o oes
    ond pam pryd rwy rydw sut ti wedi y yma yn yr ydw ydy ydi fe fo
    """.split()  # noqa: SIM905 - a word list reads better as prose
)


def _measure(stem: str) -> int:
    """Porter's m: the number of vowel-consonant sequences."""
    forms = "".join("v" if _is_vowel(stem, i) else "c" for i in range(len(stem)))
    return forms.count("vc")


def _is_vowel(word: str, i: int) -> bool:
    if word[i] in "aeiou":
        return True
    return word[i] == "y" and i > 0 and not _is_vowel(word, i - 1)


def _has_vowel(stem: str) -> bool:
    return any(_is_vowel(stem, i) for i in range(len(stem)))


def _ends_cvc(word: str) -> bool:
    if len(word) < 3 or word[-1] in "wxy":
        return False
    return (
        not _is_vowel(word, len(word) - 3)
        and _is_vowel(word, len(word) - 2)
        and not _is_vowel(word, len(word) - 1)
    )


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Porter's step 1 (plurals, -ed, -ing, -y): enough to match "collections" to
    "collection" and "paying" to "pay" without a dependency."""
    if len(word) <= 2 or word.isdigit():
        return word
    if len(word) > 3:
        word = _strip_inflection(word)
    if word.endswith("y") and len(word) > 2 and _has_vowel(word[:-1]):
        word = word[:-1] + "i"
    return word


def _strip_inflection(word: str) -> str:
    if word.endswith(("sses", "ies")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("eed"):
        if _measure(word[:-3]) > 0:
            word = word[:-1]
    else:
        for suffix in ("ed", "ing"):
            base = word[: -len(suffix)]
            if word.endswith(suffix) and _has_vowel(base) and len(base) >= 2:
                word = _tidy_after_suffix(base)
                break
    return word


def _tidy_after_suffix(base: str) -> str:
    if base.endswith(("at", "bl", "iz")):
        return base + "e"
    if len(base) > 1 and base[-1] == base[-2] and base[-1] not in "lsz":
        return base[:-1]
    if _measure(base) == 1 and _ends_cvc(base):
        return base + "e"
    return base


def fold(text: str) -> str:
    """Lowercase ASCII: accents and Welsh circumflexes dropped (ŵ -> w)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode().lower().replace("'", "")


def tokenize(text: str, language: str | None = "en") -> list[str]:
    """Content-word stems, in order (repeats kept: BM25 counts them).

    Welsh text (``language="cy"``) also loses its Welsh function words and has
    its initial mutations undone (``welsh.mutation_key``), so "dreth" and
    "nhreth" match "treth"; any other language is tokenised as English.
    """
    text = text.replace("\u2019", "'")
    if language == "cy":  # "dalu'r", "mae'n": the article or particle is its own word
        words = _WORD.findall(fold(text.replace("'", " ")))
        return [stem(term) for term in welsh_terms(words, STOPWORDS)]
    return [stem(word) for word in content_words(text)]


def content_words(text: str) -> list[str]:
    """The words ``tokenize`` stems for English text, as written (folded): spelling
    correction asks whether these, not their stems, are English words."""
    words = _WORD.findall(fold(text.replace("\u2019", "'")))
    return [word for word in words if word not in STOPWORDS and len(word) > 1]


# ---- snippets ---------------------------------------------------------------


def sentences(text: str) -> list[str]:
    """Lines, then sentences inside each line."""
    found: list[str] = []
    for line in text.splitlines():
        found.extend(part.strip() for part in _SENTENCE_END.split(line) if part.strip())
    return found


SnippetUnits = list[tuple[str, frozenset[str]]]


def snippet_units(text: str, language: str | None = "en") -> SnippetUnits:
    """Sentences with their token sets: computed once per chunk and cached by the index."""
    return [(unit, frozenset(tokenize(unit, language))) for unit in sentences(text)]


def make_snippet(
    text: str | SnippetUnits,
    query_terms: Iterable[str],
    weight: Callable[[str], float] = lambda _term: 1.0,
    limit: int = 250,
    language: str | None = "en",
) -> str:
    """Plain text of about ``limit`` characters around the best matching sentence."""
    split = snippet_units(text, language) if isinstance(text, str) else text
    if not split:
        return ""
    units = [unit for unit, _ in split]
    wanted = set(query_terms)
    scores = [sum(weight(t) for t in terms & wanted) for _, terms in split]
    best = max(range(len(units)), key=lambda i: (scores[i], -i))
    if len(units[best]) >= limit:
        return _cut_around(units[best], wanted, limit, leading=best > 0, language=language)
    start, end = best, best + 1
    length = len(units[best])
    while end < len(units) and length + 1 + len(units[end]) <= limit:
        length += 1 + len(units[end])
        end += 1
    while start > 0 and length + 1 + len(units[start - 1]) <= limit:
        start -= 1
        length += 1 + len(units[start])
    snippet = _join(units[start:end])
    if end < len(units):
        snippet = _cut_words(_join(units[start : end + 1]), limit)
    return ("… " if start > 0 else "") + snippet


def _join(units: list[str]) -> str:
    """Sentences joined; list items and headings (no end punctuation) get a semicolon."""
    parts = [
        u if u[-1] in ".!?:;…" or i == len(units) - 1 else u + ";" for i, u in enumerate(units)
    ]
    return " ".join(parts)


def _cut_words(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-") + " …"


def _cut_around(
    sentence: str, wanted: set[str], limit: int, *, leading: bool, language: str | None
) -> str:
    words = sentence.split()
    first = next((i for i, w in enumerate(words) if set(tokenize(w, language)) & wanted), 0)
    start = max(0, first - 8)
    window = " ".join(words[start:])
    prefix = "… " if leading or start > 0 else ""
    return prefix + _cut_words(window, limit)


def normalise_space(text: str) -> str:
    return _SPACES.sub(" ", text).strip()
