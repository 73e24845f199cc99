"""The council's service areas and the team that handles each: one list.

The list is the council profile's chat teams (``[[teams]]`` in the profile,
:mod:`frontdoor.profile`). The bot names a service area when it hands over
(``actions.handover``, from the task, the knowledge article the resident
read, or the one their request for a person named); the handoff service seeds
each chat team's skills from the same list (``handoff.seed``) and routes an area
no team lists to :data:`DEFAULT_TEAM` (``handoff.routing.team_for``). Callers
that hold settings pass the profile's teams (:func:`teams_of`); the others get
the profile ``FRONTDOOR_PROFILE`` names in the environment (:func:`default_teams`;
the demo council's when unset).
Opening hours and members are the handoff service's own business, not here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from frontdoor.profile import CouncilProfile
from frontdoor.settings import environment_profile


@dataclass(frozen=True, slots=True)
class Team:
    slug: str
    name: str
    # the service areas it handles (its skills in the handoff service)
    areas: tuple[str, ...]
    # words in a free-text area (a knowledge article's) that mean this team
    keywords: tuple[str, ...] = ()


DEFAULT_TEAM = "general"  # every profile has it (frontdoor.profile checks)


def teams_of(profile: CouncilProfile) -> tuple[Team, ...]:
    return tuple(Team(team.slug, team.name.en, team.areas, team.keywords) for team in profile.teams)


def default_teams() -> tuple[Team, ...]:
    """The teams of the profile the environment names (``FRONTDOOR_PROFILE``)."""
    return teams_of(environment_profile())


# The service area of each task the bot runs (handoff/PROTOCOL.md §4).
TASK_SERVICE_AREAS: dict[str, str] = {
    "bin_day": "waste",
    "missed_bin": "waste",
    "bulky": "waste",
    "planning": "planning",
    "council_tax": "revenues",
    "rent": "housing",
}


def team_for_area(area: str | None, teams: Sequence[Team] | None = None) -> str:
    """The team for a service area: a team's slug, an area a team lists, or a
    free-text area (a knowledge article's) by its words; :data:`DEFAULT_TEAM` otherwise.
    ``teams``: the council's (:func:`teams_of`); default: :func:`default_teams`."""
    if not area:
        return DEFAULT_TEAM
    teams = default_teams() if teams is None else teams
    lowered = area.strip().lower()
    for team in teams:
        if lowered == team.slug or lowered in team.areas:
            return team.slug
    for team in teams:
        if any(key in lowered for key in team.keywords):
            return team.slug
    return DEFAULT_TEAM
