"""The council's service areas and the team that handles each: one list.

The bot names a service area when it hands over (``actions.handover``, from
the task or the knowledge article the resident read); the handoff service
seeds each chat team's skills from the same list (``handoff.seed``) and routes
an area no team lists to :data:`DEFAULT_TEAM` (``handoff.routing.team_for``).
Opening hours and members are the handoff service's own business, not here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Team:
    slug: str
    name: str
    # the service areas it handles (its skills in the handoff service)
    areas: tuple[str, ...]
    # words in a free-text area (a knowledge article's) that mean this team
    keywords: tuple[str, ...] = ()


DEFAULT_TEAM = "general"

TEAMS: tuple[Team, ...] = (
    Team(
        "waste",
        "Waste and recycling",
        ("waste", "bins", "recycling", "bulky_waste", "missed_bin", "garden_waste"),
        ("waste", "bin", "recycl", "refuse", "street"),
    ),
    Team(
        "revenues",
        "Council tax and benefits",
        ("council_tax", "benefits", "revenues", "business_rates"),
        ("tax", "benefit", "revenue", "business rate"),
    ),
    Team(
        "housing",
        "Housing",
        ("housing", "rent", "repairs", "tenancy", "homelessness"),
        ("housing", "rent", "homeless", "tenan"),
    ),
    Team(
        "planning",
        "Planning",
        ("planning", "building_control", "pre_application"),
        ("planning", "building control"),
    ),
    Team(
        DEFAULT_TEAM, "Customer services", ("general", "elections", "parking", "licensing", "other")
    ),
)

TEAM_SLUGS: tuple[str, ...] = tuple(team.slug for team in TEAMS)

# The service area of each task the bot runs (handoff/PROTOCOL.md §4).
TASK_SERVICE_AREAS: dict[str, str] = {
    "bin_day": "waste",
    "missed_bin": "waste",
    "bulky": "waste",
    "planning": "planning",
    "council_tax": "revenues",
    "rent": "housing",
}


def team_for_area(area: str | None) -> str:
    """The team for a service area: a team's slug, an area a team lists, or a
    free-text area (a knowledge article's) by its words; :data:`DEFAULT_TEAM` otherwise."""
    if not area:
        return DEFAULT_TEAM
    lowered = area.strip().lower()
    for team in TEAMS:
        if lowered == team.slug or lowered in team.areas:
            return team.slug
    for team in TEAMS:
        if any(key in lowered for key in team.keywords):
            return team.slug
    return DEFAULT_TEAM
