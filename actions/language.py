"""Which language to answer in: English or Welsh, for each message.

The resident may choose Cymraeg in the widget (the message metadata says
``cy``), or simply write in Welsh in a chat that began in English. Each message
is read by lingua-language-detector (offline, English and Welsh only) and the
conversation follows the resident: a clear Welsh message switches the chat to
Welsh, a clear English one back. Short or ambiguous messages ("yes", a
postcode, "hello", emoji) keep the language the conversation already has, so a
reply to a Welsh question is not flipped by a reference number.

The detector's models load on first use (about a second); the action server
calls :func:`warm_up` at start-up so no resident waits for it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

Lang = Literal["en", "cy"]
LANGUAGES: tuple[Lang, ...] = ("en", "cy")
LANGUAGE_SLOT = "conversation_language"

# Detection reads at most this much: a 10,000-character message is not slower.
MAX_DETECT_CHARS = 600
# Below this many words a message switches the language only when the detector
# is all but certain ("diolch yn fawr" does; "hello", "ok", "BF3 2QX" do not).
SHORT_WORDS = 3
SHORT_CONFIDENCE = 0.93
LONG_CONFIDENCE = 0.7

_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)

# When the detector is unsure, the little words decide: two of one language's
# and none of the other's ("how do i get a copy of my data" is English).
_ENGLISH = frozenset(
    [
        "the",
        "my",
        "do",
        "does",
        "how",
        "can",
        "is",
        "are",
        "to",
        "of",
        "an",
        "and",
        "what",
        "when",
        "where",
        "why",
        "get",
        "got",
        "it",
        "on",
        "in",
        "for",
        "with",
        "your",
        "me",
        "we",
        "you",
        "have",
        "has",
        "there",
        "this",
        "that",
    ]
)
_WELSH = frozenset(
    [
        "mae",
        "yn",
        "yr",
        "fy",
        "eich",
        "sut",
        "beth",
        "pryd",
        "ble",
        "oes",
        "ydw",
        "ydy",
        "rwyf",
        "dw",
        "gyda",
        "ac",
        "am",
        "ar",
        "ei",
        "eu",
        "hi",
        "fe",
        "nid",
        "dim",
        "eisiau",
        "angen",
        "gallaf",
        "gaf",
        "os",
        # a greeting or a short reply, where the detector is least sure
        "chi",
        "ti",
        "wyt",
        "dych",
        "ydych",
        "ie",
        "dyna",
        "diolch",
        "helo",
        "shwmae",
    ]
)


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    return (
        LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.WELSH)
        .with_preloaded_language_models()
        .build()
    )


def warm_up() -> None:
    """Load the language models now rather than on a resident's first message."""
    _detector()


def welsh_confidence(text: str) -> float | None:
    """0..1 that ``text`` is Welsh rather than English; None when it has no words."""
    clipped = text[:MAX_DETECT_CHARS]
    if not _WORD.search(clipped):
        return None
    return float(_detector().compute_language_confidence(clipped, Language.WELSH))


def detect(text: str, *, current: Lang = "en") -> Lang:
    """The language to answer ``text`` in, given the conversation's ``current`` one."""
    confidence = welsh_confidence(text)
    if confidence is None:
        return current
    words = len(_WORD.findall(text[:MAX_DETECT_CHARS]))
    needed = SHORT_CONFIDENCE if words < SHORT_WORDS else LONG_CONFIDENCE
    if confidence >= needed:
        return "cy"
    if 1.0 - confidence >= needed:
        return "en"
    words_seen = [w.lower() for w in _WORD.findall(text[:MAX_DETECT_CHARS])]
    english = sum(w in _ENGLISH for w in words_seen)
    welsh = sum(w in _WELSH for w in words_seen)
    if english >= 2 and not welsh:
        return "en"
    if welsh >= 2 and not english:
        return "cy"
    return current


def as_lang(value: object, default: Lang = "en") -> Lang:
    return "cy" if value == "cy" else "en" if value == "en" else default
