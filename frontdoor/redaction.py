"""Redaction at the door: personal data taken out of free text before it is stored
where staff read it without need (content gaps, feedback, review queues,
training exports), and card numbers out of every transcript.

Why not presidio-analyzer itself: its package requires spaCy (``spacy>=3.4.4``
is a hard dependency and ``presidio_analyzer`` imports it at start-up even with
an NLP engine switched off), and spaCy with thinc, blis, srsly, weasel and their
pins does not fit the Python 3.11 lock beside the bot's own spaCy in
``.venv-rasa``. So this module follows presidio's recogniser design in small:
each :class:`Recognizer` is a regular expression, an optional validator (the
Luhn check for cards, as presidio's ``CreditCardRecognizer``) and optional
context words that must appear near a match for weak patterns (presidio's
context enhancement), plus the UK recognisers presidio lacks: sort code and
account number, National Insurance number, UK phone numbers, dates of birth.

Everything is deterministic: the same text always comes out the same, so a
test can pin what a resident's message becomes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

CONTEXT_WINDOW = 40  # characters before a weak match in which a context word must appear


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Recognizer:
    kind: str  # also the label that replaces it: "[card number]"
    pattern: re.Pattern[str]
    validate: Callable[[str], bool] | None = None
    context: tuple[str, ...] = ()  # when given, one must appear just before the match

    def find(self, text: str) -> Iterable[Finding]:
        lowered = text.lower()
        for match in self.pattern.finditer(text):
            value = match.group(0)
            if self.validate is not None and not self.validate(value):
                continue
            if self.context:
                before = lowered[max(0, match.start() - CONTEXT_WINDOW) : match.start()]
                if not any(word in before for word in self.context):
                    continue
            yield Finding(self.kind, match.start(), match.end())


def luhn_valid(value: str) -> bool:
    digits = [int(c) for c in value if c.isdigit()]
    if not 13 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


_NI_BAD_PREFIXES = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def ni_valid(value: str) -> bool:
    return value.replace(" ", "").upper()[:2] not in _NI_BAD_PREFIXES


CARD = Recognizer(
    "card number", re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d])"), validate=luhn_valid
)
SORT_CODE = Recognizer(
    "sort code", re.compile(r"(?<![\d-])\d{2}[- ]\d{2}[- ]\d{2}(?![\d-])"),
    context=("sort", "bank", "account", "s/c"),
)  # fmt: skip
ACCOUNT_NUMBER = Recognizer(
    "account number", re.compile(r"(?<![\w-])\d{8}(?![\w-])"),
    context=("account", "acc no", "acct", "a/c", "bank", "sort code"),
)  # fmt: skip
NI_NUMBER = Recognizer(
    "national insurance number",
    re.compile(
        r"(?<![A-Za-z0-9])[A-CEGHJ-PR-TW-Za-ceghj-pr-tw-z][A-CEGHJ-NPR-TW-Za-ceghj-npr-tw-z]"
        r" ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d](?![A-Za-z0-9])"
    ),
    validate=ni_valid,
)
EMAIL = Recognizer(
    "email address",
    re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?![\w-])"),
)
UK_PHONE = Recognizer(
    "phone number",
    re.compile(r"(?<![\d+])(?:\+44[ -]?(?:\(0\)[ -]?)?|0)(?:\d[ -]?){8,9}\d(?!\d)"),
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|"
    "ionawr|chwefror|mawrth|ebrill|mai|mehefin|gorffennaf|awst|medi|hydref|tachwedd|rhagfyr"
)
DATE_OF_BIRTH = Recognizer(
    "date of birth",
    re.compile(
        r"(?<!\d)(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"
        rf"|\d{{1,2}}(?:st|nd|rd|th)? (?:{_MONTHS}),? \d{{4}}"
        rf"|(?:{_MONTHS}) \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}})(?!\d)",
        re.IGNORECASE,
    ),
    context=("born", "birth", "dob", "d.o.b", "ganwyd", "geni", "pen-blwydd"),
)

# Order matters where patterns overlap: a card before a phone number, an account
# number after the sort code it sits beside.
RECOGNIZERS: tuple[Recognizer, ...] = (
    CARD,
    EMAIL,
    NI_NUMBER,
    SORT_CODE,
    ACCOUNT_NUMBER,
    DATE_OF_BIRTH,
    UK_PHONE,
)


def analyze(text: str, recognizers: Iterable[Recognizer] = RECOGNIZERS) -> list[Finding]:
    """Non-overlapping findings in text order; the first recogniser to claim a span wins."""
    taken: list[Finding] = []
    for recognizer in recognizers:
        for finding in recognizer.find(text):
            if all(finding.end <= f.start or finding.start >= f.end for f in taken):
                taken.append(finding)
    return sorted(taken, key=lambda f: f.start)


def _replace(text: str, findings: list[Finding]) -> str:
    parts: list[str] = []
    position = 0
    for finding in findings:
        parts.append(text[position : finding.start])
        parts.append(f"[{finding.kind}]")
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)


def redact(text: str) -> str:
    """Every kind of personal data this module knows, replaced by its label."""
    return _replace(text, analyze(text)) if text else text


def mask_card_numbers(text: str) -> str:
    """Only card numbers: what a transcript must never hold (advisors still need
    the rest of what the resident wrote)."""
    return _replace(text, analyze(text, (CARD,))) if text else text


def looks_like_card_number(text: str) -> bool:
    return bool(analyze(text, (CARD,)))
