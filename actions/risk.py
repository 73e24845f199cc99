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

# People: whose violence is domestic abuse, and whose death is a bereavement.
_PARTNER = (
    r"(?:partner|husband|wife|boyfriend|girlfriend|fianc[eé]e?|ex|dad|father|stepdad|"
    r"stepfather|mum|mother|stepmum|stepmother|son|daughter|brother|sister)"
)
_FAMILY = (
    rf"(?:{_PARTNER}|mam|mom|parents?|baby|child|kids?|children|gran|grandad|granddad|"
    r"grandma|grandmother|grandfather|grandpa|nan|nana|nanna|nain|taid|granny|aunt|auntie|"
    r"uncle|cousin|friend|neighbour|neighbor|flatmate|carer|husband's|wife's)"
)
# "passed" followed by these is not a death: "my son passed his driving test"
_NOT_DEATH = (
    r"(?:the|his|her|my|their|your|a|an|it|its|all|with|through|by|over|out|me|us|him|them)"
)
_CHILDREN = r"(?:baby|babies|newborn|toddler|kids?|children|child|pregnant|little ones?)"
# Welsh partners after "fy" (my), mutated: fy mhartner, fy ngŵr, fy ngwraig, fy nghariad.
_PARTNER_CY = r"(?:partner|mhartner|phartner|ngŵr|ngwr|ngwraig|gwraig|gŵr|nghariad|cariad|nhad|mam)"

_PATTERNS: tuple[tuple[RiskKind, re.Pattern[str]], ...] = (
    (
        RiskKind.SUICIDE,
        re.compile(
            r"\b(suicid\w*|kill(?:ing)? myself|end(?:ing)? (?:my life|it all)|"
            r"tak(?:e|ing) my (?:own )?life|(?:don'?t|do not) want to (?:live|be alive|be here)|"
            r"(?:hurt(?:ing)?|harm(?:ing)?|cut(?:ting)?|hang(?:ing)?) myself|self[- ]?harm\w*|"
            r"no point (?:in )?living|(?:is ?n'?t|is not|not) worth living|can'?t go on|"
            r"better off dead|overdos(?:e|ing)\b(?! of)|"
            r"\bi (?:was|were) dead\b(?! (?:tired|on|right|set|serious|beat|easy)\b)|"
            r"want(?:s|ed)? to die\b(?! (?:my|the|a|it|your|her|his|them)\b)|"
            # Welsh: kill myself, suicide, don't want to live, want to die, harm myself
            r"l?ladd fy hun|hunanladd\w*|(?:ddim|dim) (?:eisiau|isio|moyn) byw|"
            r"(?:eisiau|isio|moyn) marw|(?:niweidio|anafu|brifo) fy hun|hunan-?niweidio|"
            r"rhoi diwedd ar fy mywyd|dim pwynt byw)",
            re.I,
        ),
    ),
    (
        RiskKind.DOMESTIC_ABUSE,
        re.compile(
            r"\b(domestic (?:abuse|violence)|abusive (?:partner|relationship|husband|wife)|"
            rf"{_PARTNER}\W+(?:\w+\W+){{0,5}}(?:hits?|hitting|beats?|beating|violent|abus\w*|"
            r"threaten\w*|hurt(?:s|ing)? me|punch\w* me|slap\w* me|kick(?:s|ed|ing)? me\b(?! out)|"
            r"strangl\w*|chok(?:es|ed|ing) me)|"
            r"\b(?:he|she)\W+(?:\w+\W+){0,2}(?:hits|hit|beats|beat|punche[sd]|kicks|strangle[sd]|"
            r"choke[sd]|hurts|threatens|threatened) me\b(?! up\b)|"
            rf"(?:scared|afraid|frightened|terrified) (?:of my {_PARTNER}|to go (?:back )?home)|"
            r"(?:don'?t|do not) feel safe (?:at home|in my (?:own )?home|with my)|"
            r"being (?:hit|beaten|hurt|abused) (?:at home|by my)|coercive control|"
            r"controll?(?:s|ing) (?:all )?(?:my|our) (?:money|finances|phone|benefits)|"
            r"controlling (?:partner|husband|wife|boyfriend|girlfriend|relationship)|"
            # Welsh: my partner hurts / hits / threatens / abuses me; afraid of my partner;
            # not safe at home; domestic abuse
            rf"{_PARTNER_CY}\W+(?:\w+\W+){{0,3}}(?:mrifo|nharo|mygwth|ngham-?\s?drin|nghamdrin)|"
            rf"ofn (?:fy |ar fy )?{_PARTNER_CY}|"
            r"(?:ddim|dim) yn (?:teimlo'?n )?ddiogel (?:gartref|adref|yn y tŷ|yn fy nghartref)|"
            r"cam-?\s?drin domestig)",
            re.I,
        ),
    ),
    (
        RiskKind.SAFEGUARDING,
        re.compile(
            r"\b(safeguarding|child\w* (?:is |are )?(?:being )?(?:abused|neglected|at risk|hurt)|"
            r"being (?:abused|neglected|exploited)|"
            r"(?:worried|concerned) (?:about|for) (?:a|the|this|that) (?:child|kid|baby|boy|girl)|"
            r"(?:vulnerable|elderly) (?:adult|person|neighbour)\b.{0,60}\b(?:neglect\w*|abus\w*|"
            r"no one|nobody)|"
            r"(?:worried|concerned) (?:about|for) (?:a|an|my|the|this) (?:\w+ )?vulnerable|"
            r"vulnerable (?:adult|person|man|woman|lady|child)\b.{0,60}\b(?:alone|exploit\w*)|"
            r"\bvulnerable\b.{0,40}\b(?:nobody|no one|no-one) (?:checks|looks|visits|cares)|"
            # Welsh: a child being abused / neglected / in danger; a safeguarding concern
            r"plentyn (?:yn cael ei (?:gam-?drin|esgeuluso|niweidio)|mewn perygl)|"
            r"cam-?drin plant|(?:pryder|pryderon|mater) diogelu)",
            re.I,
        ),
    ),
    (
        RiskKind.HOMELESSNESS,
        re.compile(
            r"\b(homeless\w*|sleep(?:ing)? rough|rough sleep\w*|"
            r"(?:nowhere|no where|no place|no ?home) to (?:sleep|stay|live|go)|"
            r"(?:sleep|sleeping|slept) in (?:my|the|our|a) (?:car|van|tent|doorway|park|"
            r"bus station)\b(?! park)|(?:living|live|staying) in (?:my|the|our|a) (?:car|tent)\b"
            r"(?! park)|"
            r"sofa[- ]surf\w*|section 21|kicked (?:me |us )?out|"
            r"thr(?:own|ew) (?:me |us )?out|"
            # an eviction of the resident or their family, not a question about
            # evictions ("can the council evict a tenant", "how do i evict a lodger")
            rf"evict(?:s|ed|ing)? (?:me|us|(?:my|our) (?:\w+ )?{_FAMILY})\b|"
            rf"(?:i|i'?m|we|we'?re|i'?ve|ive|we'?ve|me|us|{_FAMILY})\W+(?:\w+\W+){{0,3}}"
            r"evicted\b|"
            r"(?:got|get|getting|given|giving|served|received|had|have|has|sent)\W+"
            r"(?:\w+\W+){0,3}eviction\b|"
            # bailiffs at the door, not a question about them ("bailiffs for unpaid
            # council tax", "can bailiffs take my car")
            r"bailiffs?\W+(?:\w+\W+){0,3}(?:coming|came|come|here|arrived?|outside|"
            r"at (?:the|my|our) door|knock\w*|turn(?:ed|ing)? up|tomorrow|today|tonight|"
            r"evict\w*|chang\w* the locks)\b|"
            r"changed the locks|(?:have|got|need) to (?:be|move|get) out by|"
            r"(?:told|asked|forced|made) to leave (?:my|our|the) (?:home|house|flat|room|place)|"
            r"(?:have|has|had|got) to leave (?:my|our) (?:home|house|flat) (?:and|with|but)|"
            r"(?:landlord|letting agent)\b.{0,40}\b"
            r"(?:wants? (?:me|us) out|notice to (?:leave|quit))|"
            r"wants? me out (?:by|tomorrow|today|tonight)|"
            r"(?:lose|losing) (?:my|our) home|emergency accommodation|"
            r"(?:need|find|looking for) (?:somewhere|anywhere) (?:safe )?to (?:stay|sleep|live) "
            r"(?:tonight|today|now)|"
            # Welsh: homeless, sleeping on the street / in the car, nowhere to live, evicted,
            # thrown out, the locks changed
            r"d?digartref\w*|cysgu (?:ar y stryd|allan|yn y car|mewn car)|byw yn y car|"
            r"unman i (?:fyw|gysgu|aros|fynd)|troi (?:fi |ni )?allan|nhroi allan|"
            r"(?:nhaflu|taflu (?:fi|ni)) allan|newid y cloeon)",
            re.I,
        ),
    ),
    (
        RiskKind.BEREAVEMENT,
        re.compile(
            r"\b(passed away|bereave\w*|death in the family|"
            rf"(?:my|our) (?:\w+ )?{_FAMILY}\b.{{0,20}}\b(?:died|passed\b(?! {_NOT_DEATH}\b))|"
            rf"lost (?:my|our) (?:\w+ )?{_FAMILY}\b(?!'s)|"
            r"(?:someone|somebody|he|she)\b.{0,20}\bdied|"
            # Welsh: bereavement, (has) died
            r"profedigaeth|bu farw (?:fy|ein))",
            re.I,
        ),
    ),
    (
        RiskKind.OTHER,
        re.compile(
            # no heating, or nothing to eat, with children in the home; not coping
            r"\b(no (?:heating|heat|gas|electric(?:ity)?|power|hot water)\b.{0,60}\b"
            rf"{_CHILDREN}\b|"
            rf"{_CHILDREN}\b.{{0,60}}\bno (?:heating|heat|gas|electric(?:ity)?|power)|"
            rf"(?:freezing|so cold)\b.{{0,40}}\b{_CHILDREN}\b|"
            r"no (?:money|cash) (?:for|to buy) food|(?:can'?t|cannot) afford (?:to buy )?"
            r"(?:food|to eat|to feed)|haven'?t eaten (?:for|in) days|"
            rf"{_CHILDREN} (?:are |is )?(?:hungry|starving)\b.{{0,60}}\b(?:no|nothing|can'?t "
            rf"afford)\b|\b(?:no|nothing)\b.{{0,40}}\b{_CHILDREN} (?:are |is )?(?:hungry|starving)|"
            r"can'?t cope any ?more|"
            # Welsh: no food / no heating with children, no money for food
            r"(?:dim|heb) (?:bwyd|fwyd|gwres|wres)\b.{0,60}\b(?:plant|[bf]abi|b?lentyn|plentyn)|"
            r"(?:plant|[bf]abi|b?lentyn|plentyn)\b.{0,60}\b(?:dim|heb) (?:bwyd|fwyd|gwres|wres)|"
            r"dim arian (?:am|i brynu|i gael) (?:bwyd|fwyd))",
            re.I,
        ),
    ),
)
# A death that is a bereavement's only when the one who died is a person: "my car
# battery has died" is not one, "my grandad has died" is.
_DEATH = re.compile(
    r"\b(?:has|have|had|just|recently|sadly) (?:died|passed away)|\bwedi marw\b", re.I
)
_NOT_A_PERSON = re.compile(
    r"\b(?:battery|batteries|phone|mobile|car|van|engine|laptop|computer|pc|tv|telly|"
    r"television|plants?|flowers?|tree|hedge|grass|lawn|signal|wi-?fi|internet|broadband|"
    r"router|lights?|bulbs?|printer|tablet|ipad|mower|fridge|freezer|speaker|headphones|"
    r"watch|conversation|party|batri|ffôn|ffon|planhigion?)\b(?:\W+\w+){0,3}?\W+"
    r"(?:(?:has|have|had|just|recently|sadly|completely) )*(?:died|passed away|wedi marw)",
    re.I,
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
    if _DEATH.search(clipped) and not _NOT_A_PERSON.search(clipped):
        return RiskSignal(RiskKind.BEREAVEMENT)
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
