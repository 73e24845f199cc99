"""The council profile: everything that makes Frontdoor one council's and not another's.

One TOML file, read by every service through its settings (``settings.council``):
the council's names in English and Welsh, logo, colours, public address,
contact details, the bot's name, the postcode areas it serves, its chat teams
(service areas and opening hours), cost per contact by channel and the fee
table (what a bulky-waste collection, and any other fee, costs). Application
code reads these and names no council.

``FRONTDOOR_PROFILE=path`` chooses the file; the default is the demo council's,
shipped at ``profiles/bramblefield.toml``. A missing or wrong field stops
start-up with one line naming it: ``council profile council.toml: contact.phone:
Field required`` (:func:`load_profile` raises a ``ConfigurationError``);
``frontdoor profile check [path]`` prints the same problems, one a line.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic import StringConstraints as Str

from frontdoor.exceptions import ConfigurationError

PROFILE_ENV = "FRONTDOOR_PROFILE"
DEFAULT_PROFILE = Path(__file__).resolve().parent.parent / "profiles" / "bramblefield.toml"

Line = Annotated[str, Str(strip_whitespace=True, min_length=1, max_length=200)]
Slug = Annotated[str, Str(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Colour = Annotated[str, Str(pattern=r"^#[0-9a-fA-F]{6}$")]
Phone = Annotated[str, Str(pattern=r"^\+?[0-9][0-9 ]{5,18}[0-9]$")]
Email = Annotated[str, Str(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200)]
Url = Annotated[str, Str(pattern=r"^https?://[^\s/]+(/[^\s]*)?$", max_length=300)]
Pence = Annotated[int, Field(ge=0, le=10_000_000)]
Money = Annotated[float, Field(ge=0, le=1000)]
Share = Annotated[float, Field(ge=0, le=1)]

_DAY = r"(mon|tue|wed|thu|fri|sat|sun)"
_TIME = r"([01][0-9]|2[0-3]):[0-5][0-9]"  # handoff.hours reads it with time.fromisoformat
_WINDOW = rf"{_DAY}(-{_DAY})?(,{_DAY}(-{_DAY})?)* {_TIME}-{_TIME}"
_HOURS = re.compile(rf"^(always|24/7|never|closed|{_WINDOW}(; ?{_WINDOW})*)$")


def _opening_hours(value: str) -> str:
    """The handoff service's one-line spec (``handoff.hours``), checked here so that
    a typo stops start-up rather than closing a team."""
    spec = value.strip().lower()
    if not _HOURS.match(spec):
        raise ValueError("expected opening hours like 'mon-fri 09:00-17:00; sat 09:00-12:00'")
    for opens, closes in re.findall(r"(\d\d:\d\d)-(\d\d:\d\d)", spec):
        if closes <= opens:
            raise ValueError(f"{opens}-{closes} closes before it opens")
    return spec


Hours = Annotated[str, AfterValidator(_opening_hours)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """Words in English and Welsh (councils in Wales must offer Welsh)."""

    en: Line
    cy: Line

    def in_language(self, language: str) -> str:
        return self.cy if language == "cy" else self.en


class Council(_Strict):
    name: Text
    short_name: Text
    logo: Annotated[str, Str(pattern=r"^(https://|/)[^\s\"'<>]+$", max_length=300)]
    public_url: Url


class Colours(_Strict):
    primary: Colour  # the widget's and the site's brand colour
    text_on_primary: Colour = "#ffffff"


class Contact(_Strict):
    phone: Phone
    email: Email
    address: tuple[Line, ...] = Field(min_length=1, max_length=8)
    out_of_hours_phone: Phone | None = None
    emergency_phone: Phone | None = None  # e.g. housing repairs that cannot wait


class Bot(_Strict):
    name: Text  # the name its messages carry in the chat


class Area(_Strict):
    """Where the council serves: the bot's examples and its "not ours" answer."""

    postcode_areas: tuple[Annotated[str, Str(pattern=r"^[A-Z]{1,2}$")], ...] = Field(min_length=1)
    postcode_example: Annotated[str, Str(pattern=r"^[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}$")]


class Team(_Strict):
    """A chat team: the service areas it handles (its skills) and its hours."""

    slug: Slug
    name: Text
    areas: tuple[Slug, ...] = Field(min_length=1)
    keywords: tuple[Line, ...] = ()  # words in a free-text area that mean this team
    hours: Hours


class Costs(_Strict):
    """Cost per contact by channel (GBP) and what a contained chat replaces."""

    face_to_face: Money
    phone: Money
    online: Money
    phone_share: Share = 0.8
    face_to_face_share: Share = 0.1
    source: Line = "SOCITM cost per contact"


class BulkyWasteFee(_Strict):
    name: Text = Text(en="Bulky waste collection", cy="Casgliad gwastraff swmpus")
    base_pence: Pence  # the price for up to base_items
    base_items: int = Field(ge=1, le=50)
    extra_item_pence: Pence
    max_items: int = Field(ge=1, le=50)
    concession_percent: int = Field(ge=0, le=100)  # off for residents on council tax support


class Fee(_Strict):
    """Another fee the council takes online (garden waste, replacement bins, ...)."""

    code: Slug
    name: Text
    amount_pence: Pence


class Fees(_Strict):
    bulky_waste: BulkyWasteFee
    other: tuple[Fee, ...] = ()

    def fee(self, code: str) -> Fee | None:
        return next((fee for fee in self.other if fee.code == code), None)


class CouncilProfile(_Strict):
    council: Council
    colours: Colours
    contact: Contact
    bot: Bot
    area: Area
    # one of them is "general": customer services, where any other area goes
    teams: tuple[Team, ...] = Field(min_length=1)
    welsh_team: Text = Text(en="Welsh speakers (Cymraeg)", cy="Siaradwyr Cymraeg")
    welsh_team_hours: Hours | None = None  # default: the general team's hours
    costs: Costs
    fees: Fees
    schema_version: Literal[1] = 1

    @model_validator(mode="after")
    def _consistent(self) -> CouncilProfile:
        slugs = [team.slug for team in self.teams]
        if len(set(slugs)) != len(slugs):
            raise ValueError("teams: two teams have the same slug")
        if "general" not in slugs:
            raise ValueError("teams: one team must have slug 'general' (where other areas go)")
        codes = [fee.code for fee in self.fees.other]
        if len(set(codes)) != len(codes):
            raise ValueError("fees.other: two fees have the same code")
        return self

    def team(self, slug: str) -> Team:
        return next(team for team in self.teams if team.slug == slug)

    @property
    def welsh_names(self) -> dict[str, str]:
        """English proper names with their Welsh (the bot's localiser fills them in)."""
        pairs = (self.council.name, self.council.short_name, self.bot.name)
        return {text.en: text.cy for text in pairs}


def describe_profile_error(exc: ValidationError) -> str:
    """One line: ``contact.phone: Field required`` (the first problem of several)."""
    problems = profile_problems(exc)
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return problems[0] + more


def profile_problems(exc: ValidationError) -> list[str]:
    problems = []
    for error in exc.errors():
        location = ".".join(str(part) for part in error.get("loc", ()))
        message = error.get("msg", "invalid value").removeprefix("Value error, ")
        problems.append(f"{location}: {message}" if location else message)
    return problems or [str(exc)]


def read_profile(path: Path) -> CouncilProfile:
    """Parse and validate a profile file. Raises ValidationError, OSError or
    tomllib.TOMLDecodeError (see :func:`load_profile` for one line)."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return CouncilProfile.model_validate(data)


def load_profile(path: Path | str | None = None) -> CouncilProfile:
    """The profile at ``path`` (default: the demo council's), cached per file
    version. Raises ConfigurationError with one line naming the field at fault."""
    chosen = Path(path) if path else DEFAULT_PROFILE
    try:
        stamp = chosen.stat().st_mtime_ns
    except OSError:
        raise ConfigurationError(f"council profile {chosen}: no such file") from None
    return _cached(chosen.resolve(), stamp)


@lru_cache(maxsize=8)
def _cached(path: Path, _stamp: int) -> CouncilProfile:
    try:
        return read_profile(path)
    except ValidationError as exc:
        raise ConfigurationError(
            f"council profile {path.name}: {describe_profile_error(exc)}"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"council profile {path.name}: {exc}") from None
    except OSError as exc:
        raise ConfigurationError(f"council profile {path}: {exc.strerror}") from None


def check_profile(path: Path | str | None = None) -> list[str]:
    """Every problem in the file, one a line (empty: the profile is good)."""
    chosen = Path(path) if path else DEFAULT_PROFILE
    try:
        read_profile(chosen)
    except ValidationError as exc:
        return profile_problems(exc)
    except tomllib.TOMLDecodeError as exc:
        return [f"{chosen.name}: {exc}"]
    except OSError as exc:
        return [f"{chosen}: {exc.strerror or exc}"]
    return []
