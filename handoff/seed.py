"""The council's chat teams, their skills and opening hours (from the council
profile), and the demo staff who answer them.

Called by ``frontdoor seed`` after the accounts seeder, in the same
transaction: flush, never commit. The teams come from the profile that
``FRONTDOOR_PROFILE`` names (``frontdoor.profile``; the demo council's by default).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from frontdoor.contracts import service_areas
from frontdoor.profile import CouncilProfile
from frontdoor.settings import CommonSettings
from handoff.routing import WELSH_SKILL
from handoff.store import seeding


def hours_of(profile: CouncilProfile) -> dict[str, str]:
    """Opening hours (Europe/London) of each team, by slug."""
    return {team.slug: team.hours for team in profile.teams}


def teams_of(profile: CouncilProfile) -> tuple[tuple[str, str, str, str], ...]:
    """slug, name, skills (service areas, comma-separated), opening hours. The last
    team is a list, not a queue: its skill ``cy`` (handoff.routing.WELSH_SKILL)
    marks its members as Welsh speakers, offered Welsh chats first in any team."""
    hours = hours_of(profile)
    welsh_hours = profile.welsh_team_hours or hours[service_areas.DEFAULT_TEAM]
    return (
        *(
            (team.slug, team.name, ",".join(team.areas), hours[team.slug])
            for team in service_areas.teams_of(profile)
        ),
        ("cymraeg", profile.welsh_team.en, WELSH_SKILL, welsh_hours),
    )


# demo staff (frontdoor.accounts.seed) -> the chat teams they answer for
MEMBERSHIPS: dict[str, tuple[str, ...]] = {
    "advisor@bramblefield.gov.uk": ("general", "waste", "revenues"),
    "advisor2@bramblefield.gov.uk": ("general", "housing", "planning", "revenues", "cymraeg"),
    "supervisor@bramblefield.gov.uk": ("general", "waste", "revenues", "housing", "planning"),
}


def is_empty(session: Session) -> bool:
    return not seeding.has_teams(session)


def seed(
    session: Session,
    *,
    rng_seed: int = 0,
    progress: Any = None,
    profile: CouncilProfile | None = None,
) -> str:
    chat_teams = teams_of(profile or CommonSettings.load().council)
    bar = progress("handoff teams", len(chat_teams) + len(MEMBERSHIPS)) if progress else None
    for order, (slug, name, skills, hours) in enumerate(chat_teams):
        seeding.add_team(
            session, slug=slug, name=name, skills=skills, opening_hours=hours, sort_order=order
        )
        if bar:
            bar.update(1)
    members = 0
    users = seeding.staff_by_email(session, list(MEMBERSHIPS))
    for email, teams in MEMBERSHIPS.items():
        user = users.get(email)
        if user is not None:
            user_id, display_name = user
            seeding.add_advisor(session, user_id=user_id, display_name=display_name)
            for slug in teams:
                seeding.add_member(session, team=slug, user_id=user_id)
                members += 1
        if bar:
            bar.update(1)
    if bar:
        bar.close()
    session.flush()
    return f"handoff: {len(chat_teams)} teams, {members} advisor team memberships"
