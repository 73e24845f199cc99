"""Teams, members and advisors written inside someone else's session: the demo
seeder (``frontdoor seed``, same transaction as the accounts seeder: flush,
never commit) and the benchmarks' database (``devserver.prepare_database``)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from handoff import models as m


def has_teams(session: Session) -> bool:
    return bool(session.scalar(select(func.count()).select_from(m.teams)))


def add_team(
    session: Session, *, slug: str, name: str, skills: str, opening_hours: str, sort_order: int
) -> None:
    session.execute(
        insert(m.teams).values(
            slug=slug,
            name=name,
            skills=skills,
            opening_hours=opening_hours,
            routing_mode="direct",
            sort_order=sort_order,
        )
    )


def add_advisor(session: Session, *, user_id: int, display_name: str) -> None:
    session.execute(
        insert(m.advisors).values(
            user_id=user_id, display_name=display_name, availability="away", connected=False
        )
    )


def add_member(session: Session, *, team: str, user_id: int) -> None:
    session.execute(insert(m.team_members).values(team_slug=team, user_id=user_id))


def staff_by_email(session: Session, emails: Sequence[str]) -> dict[str, tuple[int, str]]:
    """{email: (user id, display name)} of the staff accounts that exist."""
    from frontdoor.accounts.models import User

    rows = session.execute(
        select(User.email, User.id, User.display_name).where(User.email.in_(list(emails)))
    ).all()
    return {row.email: (row.id, row.display_name) for row in rows}
