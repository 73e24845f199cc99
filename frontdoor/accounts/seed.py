"""Demo staff for the Bramblefield demo (development only).

Every demo account uses DEMO_PASSWORD; the README lists them. Production
councils create their first admin with `frontdoor user create`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from frontdoor.accounts.models import User
from frontdoor.accounts.roles import Role
from frontdoor.accounts.service import create_user, ensure_team

DEMO_PASSWORD = "bramblefield-demo"  # noqa: S105 - documented demo credential

TEAMS = (
    "Waste Services",
    "Revenues",
    "Benefits",
    "Housing Services",
    "Planning",
    "Parking Services",
    "Electoral Services",
    "Licensing",
    "Environmental Health",
    "Customer Services",
    "Web and Communications",
)

DEMO_USERS: tuple[tuple[str, str, tuple[Role, ...], tuple[str, ...]], ...] = (
    ("editor@bramblefield.gov.uk", "Eddie Marsh", (Role.EDITOR,), ("Waste Services",)),
    ("reviewer@bramblefield.gov.uk", "Rhiannon Price", (Role.REVIEWER,), ("Waste Services",)),
    ("admin@bramblefield.gov.uk", "Ada Whitfield", (Role.ADMIN,), ("Web and Communications",)),
    ("advisor@bramblefield.gov.uk", "Sam Okafor", (Role.ADVISOR,), ("Customer Services",)),
    ("advisor2@bramblefield.gov.uk", "Priya Nair", (Role.ADVISOR,), ("Customer Services",)),
    ("supervisor@bramblefield.gov.uk", "Morgan Hale", (Role.SUPERVISOR,), ("Customer Services",)),
    ("manager@bramblefield.gov.uk", "Dana Ellis", (Role.MANAGER,), ("Customer Services",)),
    ("dpo@bramblefield.gov.uk", "Dana Okoye", (Role.DPO,), ("Information Governance",)),
)


def is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count(User.id)))


def seed(session: Session, *, rng_seed: int, progress: Any = None) -> str:
    for name in TEAMS:
        ensure_team(session, name)
    for email, name, roles, teams in DEMO_USERS:
        create_user(
            session,
            email=email,
            display_name=name,
            password=DEMO_PASSWORD,
            roles=roles,
            teams=teams,
        )
    return f"accounts: {len(DEMO_USERS)} demo staff, {len(TEAMS)} teams"
