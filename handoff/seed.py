"""Demo teams, skills, opening hours and who is in them (Bramblefield).

Called by ``frontdoor seed`` after the accounts seeder, in the same
transaction: flush, never commit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from frontdoor.contracts import service_areas
from handoff.routing import WELSH_SKILL
from handoff.store import seeding

# Opening hours (Europe/London) of each team; which service areas a team
# handles (its skills) is the one list in frontdoor.contracts.service_areas.
HOURS: dict[str, str] = {
    "waste": "mon-fri 08:30-17:00",
    "revenues": "mon-fri 09:00-17:00",
    "housing": "mon-fri 09:00-17:00",
    "planning": "mon-fri 09:00-16:30",
    "general": "mon-fri 08:30-17:30; sat 09:00-12:00",
}

# slug, name, skills (service areas, comma-separated), opening hours. The last
# team is a list, not a queue: its skill ``cy`` (handoff.routing.WELSH_SKILL)
# marks its members as Welsh speakers, offered Welsh chats first in any team.
TEAMS: tuple[tuple[str, str, str, str], ...] = (
    *(
        (team.slug, team.name, ",".join(team.areas), HOURS[team.slug])
        for team in service_areas.TEAMS
    ),
    ("cymraeg", "Welsh speakers (Cymraeg)", WELSH_SKILL, HOURS["general"]),
)

# demo staff (frontdoor.accounts.seed) -> the chat teams they answer for
MEMBERSHIPS: dict[str, tuple[str, ...]] = {
    "advisor@bramblefield.gov.uk": ("general", "waste", "revenues"),
    "advisor2@bramblefield.gov.uk": ("general", "housing", "planning", "revenues", "cymraeg"),
    "supervisor@bramblefield.gov.uk": ("general", "waste", "revenues", "housing", "planning"),
}


def is_empty(session: Session) -> bool:
    return not seeding.has_teams(session)


def seed(session: Session, *, rng_seed: int = 0, progress: Any = None) -> str:
    bar = progress("handoff teams", len(TEAMS) + len(MEMBERSHIPS)) if progress else None
    for order, (slug, name, skills, hours) in enumerate(TEAMS):
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
    return f"handoff: {len(TEAMS)} teams, {members} advisor team memberships"
