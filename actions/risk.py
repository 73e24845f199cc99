"""Signs that a resident is at risk, and signs that they wrote in Welsh.

The NLU model has an ``at_risk`` intent; these patterns are the backstop that
catches a crisis phrased as a question ("what happens to my council tax, my
husband died") or inside a form, and they say *which* risk it is, which picks
the team. They err towards a person: a false alarm costs an advisor a minute,
a missed one can cost far more.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

if sys.version_info >= (3, 11):  # noqa: UP036 - see below
    from enum import StrEnum
else:  # the Rasa environment (Python 3.10) imports this module for the decision policy
    from enum import Enum

    class StrEnum(str, Enum):  # noqa: UP042 - enum.StrEnum is 3.11+
        def __str__(self) -> str:
            return str(self.value)


class RiskKind(StrEnum):
    SUICIDE = "suicide"
    DOMESTIC_ABUSE = "domestic_abuse"
    SAFEGUARDING = "safeguarding"
    HOMELESSNESS = "homelessness"
    BEREAVEMENT = "bereavement"
    OTHER = "other"


# The team (handoff service area) for each risk; see handoff/PROTOCOL.md §4.
RISK_SERVICE_AREA = {
    RiskKind.SUICIDE: "general",
    RiskKind.DOMESTIC_ABUSE: "housing",
    RiskKind.SAFEGUARDING: "general",
    RiskKind.HOMELESSNESS: "housing",
    RiskKind.BEREAVEMENT: "revenues",
    RiskKind.OTHER: "general",
}

_PARTNER = r"(?:partner|husband|wife|boyfriend|girlfriend|ex|dad|father|mum|mother|son|daughter)"
_PATTERNS: tuple[tuple[RiskKind, re.Pattern[str]], ...] = (
    (
        RiskKind.SUICIDE,
        re.compile(
            r"\b(suicid\w*|kill(?:ing)? myself|end(?:ing)? (?:my life|it all)|"
            r"take my (?:own )?life|(?:don'?t|do not) want to (?:live|be alive|be here)|"
            r"hurt(?:ing)? myself|self[- ]?harm\w*|no point (?:in )?living|can'?t go on|"
            r"l?ladd fy hun|(?:ddim|dim) (?:eisiau|isio) byw|niweidio fy hun)",
            re.I,
        ),
    ),
    (
        RiskKind.DOMESTIC_ABUSE,
        re.compile(
            r"\b(domestic (?:abuse|violence)|abusive (?:partner|relationship|husband|wife)|"
            rf"{_PARTNER}\W+(?:\w+\W+){{0,3}}(?:hits?|hitting|beats?|beating|violent|abus\w*|"
            r"threaten\w*|hurts? me)|"
            rf"(?:scared|afraid|frightened) of my {_PARTNER}|(?:don'?t|do not) feel safe at home|"
            r"(?:partner|mhartner|phartner|ngŵr|ngwr|ngwraig|nghariad|gwraig|cariad)"
            r"\W+(?:\w+\W+){0,3}(?:mrifo|nharo|mygwth)|"
            r"cam-drin domestig)",
            re.I,
        ),
    ),
    (
        RiskKind.SAFEGUARDING,
        re.compile(
            r"\b(safeguarding|child\w* (?:is |are )?(?:being )?(?:abused|neglected|at risk|hurt)|"
            r"being (?:abused|neglected|exploited)|worried about (?:a|the) child|"
            r"(?:vulnerable|elderly) (?:adult|person|neighbour)\b.{0,60}\b(?:neglect\w*|abus\w*|"
            r"no one|nobody))",
            re.I,
        ),
    ),
    (
        RiskKind.HOMELESSNESS,
        re.compile(
            r"\b(homeless\w*|sleep(?:ing)? rough|rough sleep\w*|nowhere to (?:sleep|stay|live|go)|"
            r"sofa[- ]surf\w*|evict\w*|section 21|kicked (?:me |us )?out|thrown (?:me |us )?out|"
            r"changed the locks|bailiffs?|(?:have|got|need) to (?:be|move|get) out by|"
            r"(?:landlord|letting agent)\b.{0,40}\b"
            r"(?:wants? (?:me|us) out|notice to (?:leave|quit))|"
            r"(?:lose|losing) (?:my|our) home|digartref\w*|cysgu ar y stryd|"
            r"unman i (?:fyw|gysgu|aros|fynd))",
            re.I,
        ),
    ),
    (
        RiskKind.BEREAVEMENT,
        re.compile(
            r"\b(passed away|bereave\w*|death in the family|"
            rf"(?:my|our) (?:\w+ )?{_PARTNER}\b.{{0,20}}\b(?:died|has died|passed)|"
            r"(?:has|have|just|recently) died)",
            re.I,
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class RiskSignal:
    kind: RiskKind

    @property
    def service_area(self) -> str:
        return RISK_SERVICE_AREA[self.kind]


def detect_risk(text: str) -> RiskSignal | None:
    """The first (most serious) risk the text shows, or None."""
    if not text:
        return None
    clipped = text[:4000]
    for kind, pattern in _PATTERNS:
        if pattern.search(clipped):
            return RiskSignal(kind)
    return None


_WELSH = frozenset(
    [
        "shwmae",
        "helo",
        "diolch",
        "bore",
        "prynhawn",
        "noswaith",
        "hwyl",
        "sut",
        "ydw",
        "ydych",
        "dw",
        "i'n",
        "rydw",
        "eisiau",
        "isio",
        "siarad",
        "cymraeg",
        "gymraeg",
        "biniau",
        "bin",
        "sbwriel",
        "ailgylchu",
        "casglu",
        "casgliad",
        "cyngor",
        "treth",
        "rhent",
        "pryd",
        "ble",
        "beth",
        "pam",
        "oes",
        "mae",
        "fy",
        "ein",
        "chi",
        "yn",
        "gyda",
        "os",
        "gwelwch",
        "dda",
        "fydd",
        "dydd",
        "llun",
        "mawrth",
        "mercher",
        "iau",
        "gwener",
        "sadwrn",
        "sul",
        "tŷ",
        "nhŷ",
        "cartref",
        "angen",
        "help",
        "helpu",
        "plis",
    ]
)
_ENGLISH = frozenset(
    [
        "the",
        "is",
        "my",
        "when",
        "what",
        "where",
        "how",
        "can",
        "you",
        "i",
        "bin",
        "day",
        "please",
        "help",
        "to",
        "a",
        "of",
        "and",
        "for",
        "it",
        "was",
        "do",
        "does",
        "have",
        "has",
        "not",
        "with",
        "on",
        "in",
        "at",
        "this",
        "that",
    ]
)


def looks_welsh(text: str) -> bool:
    """A rough guess: at least two Welsh words and more Welsh than English ones.
    ("bin", "help" are shared and count for neither side.)"""
    tokens = re.findall(r"[a-zâêîôûŵŷ']+", text.lower())
    shared = {"bin", "help", "i", "plis"}
    welsh = sum(1 for t in tokens if t in _WELSH and t not in shared)
    english = sum(1 for t in tokens if t in _ENGLISH and t not in shared)
    return welsh >= 2 and welsh > english
