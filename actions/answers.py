"""A direct answer taken from an article's own sentences.

The search names the best article and section; its snippet is built for a
results page (list items stitched with semicolons: "You need: your council tax
account number; the date you started…"). A resident asking "can I get a
discount if I live alone" wants the sentence that answers it: "If you are the
only adult (aged 18 or over) living in your home, you can get 25% off your
council tax bill."

:func:`extract_answer` reads the article's Markdown, keeps whole prose
sentences only (never list items, headings, tables or quotes), scores each by
the question's words it contains (a crude stem, so "living" meets "live"),
favours the article's opening sentence (the summary every article starts
with) and the section the search chose, and returns one or two consecutive
sentences of the same paragraph (the opening's second sentence always comes
after its first, which it leans on: "Tell us exactly where it is" needs
"Report fly-tipping online" before it). It never writes a word of its own: when no
sentence shares a word with the question it returns the article's first
sentence, or ``None`` when the article has no prose at all.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from actions.formatting import plain

MAX_ANSWER_CHARS = 320
LEAD_BONUS = 1.5  # the opening sentence is the article's own summary
SECTION_BONUS = 0.5  # a section the question names

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_SKIP_LINE = re.compile(r"^\s*(?:>|\||```|<|!\[)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(.+?)\1")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9£\"'(ÂÊÎÔÛŴŶ])")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_ANCHOR_DROP = re.compile(r"[^a-z0-9\s-]")

_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "am",
        "be",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "get",
        "got",
        "have",
        "how",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "this",
        "to",
        "us",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "about",
        "any",
        "anyone",
        "someone",
        "a'r",
        "ac",
        "am",
        "ar",
        "at",
        "beth",
        "ble",
        "dw",
        "fi",
        "fy",
        "gan",
        "gyda",
        "i",
        "mae",
        "mi",
        "na",
        "neu",
        "o",
        "os",
        "pa",
        "pam",
        "pryd",
        "sut",
        "y",
        "yn",
        "yr",
        "ydw",
        "ydy",
        "oes",
        "wyf",
        "rwy",
        "rwyf",
        "eisiau",
        "angen",
        "chi",
        "ei",
        "eich",
    ]
)


def _stem(token: str) -> str:
    word = token.lower()
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=4096)
def terms(text: str) -> frozenset[str]:
    """The words of ``text`` that carry meaning, crudely stemmed."""
    return frozenset(
        _stem(t) for t in _TOKEN.findall(text) if t.lower() not in _STOP and len(t) > 1
    )


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    section: str | None  # the heading anchor the sentence sits under (None: the opening)
    paragraph: int
    position: int


def _inline(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    return plain(text, limit=2000)


@lru_cache(maxsize=256)
def sentences(markdown: str) -> tuple[Sentence, ...]:
    """Whole prose sentences, each with its section and paragraph (cached: the
    client holds each article for a minute, so the same text comes again)."""
    found: list[Sentence] = []
    section: str | None = None
    paragraph = 0
    lines: list[str] = []

    def flush() -> None:
        nonlocal paragraph, lines
        if lines:
            text = _inline(" ".join(lines))
            for part in _SENTENCE_END.split(text):
                part = part.strip()
                if len(part) > 1 and part[-1] in ".!?":
                    found.append(Sentence(part, section, paragraph, len(found)))
            paragraph += 1
        lines = []

    for raw in markdown.splitlines():
        line = raw.strip()
        heading = _HEADING.match(line)
        if heading:
            flush()
            title = heading.group(2).strip()
            section = heading_anchor(title)
            continue
        if not line or _LIST_ITEM.match(raw) or _SKIP_LINE.match(line):
            flush()
            continue
        lines.append(line)
    flush()
    return tuple(found)


def heading_anchor(title: str) -> str:
    """The id the search engine gives a heading (``knowledge.search.text``, which
    the bot may not import: the same rule, checked against it by a test)."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return "-".join(_ANCHOR_DROP.sub("", folded.lower()).split())


def extract_answer(
    question: str, markdown: str, *, section_anchor: str | None = None
) -> str | None:
    """One or two of the article's own sentences that answer ``question``.

    The opening paragraph is the article's summary and answers the general
    question ("can I get a discount if I live alone"). A section speaks
    instead when the question names it (shares a word with its heading), or
    when the opening paragraph does not touch the question at all and the
    search chose that section."""
    found = sentences(markdown)
    if not found:
        return None
    wanted = terms(question)
    lead = [s for s in found if s.paragraph == found[0].paragraph]
    named = {s.section for s in found if s.section and terms(s.section.replace("-", " ")) & wanted}
    lead_touches = any(terms(s.text) & wanted for s in lead)
    if section_anchor and not lead_touches:
        named.add(section_anchor)
    candidates = lead + [s for s in found if s.section in named and s not in lead]

    def score(sentence: Sentence) -> float:
        value = float(len(terms(sentence.text) & wanted))
        if sentence.position == 0 and value:
            value += LEAD_BONUS
        elif sentence.section in named:
            value += SECTION_BONUS
        return value

    best = max(candidates, key=lambda s: (score(s), -s.position))
    answer = best.text
    if (
        best.position == 1
        and best in lead
        and len(found[0].text) + 1 + len(answer) <= MAX_ANSWER_CHARS
    ):
        # the summary's second sentence leans on its first ("Report fly-tipping
        # online…" before "Tell us exactly where it is…"): both, in order
        return f"{found[0].text} {answer}"
    following = found[best.position + 1] if best.position + 1 < len(found) else None
    if (
        following is not None
        and following.paragraph == best.paragraph
        and len(answer) + 1 + len(following.text) <= MAX_ANSWER_CHARS
        and terms(following.text) & wanted
    ):
        answer = f"{answer} {following.text}"
    if len(answer) > MAX_ANSWER_CHARS:
        answer = answer[: MAX_ANSWER_CHARS - 1].rsplit(" ", 1)[0] + "…"
    return answer
