"""Who is acting: a signed-in member of staff or a service holding an API token.

The workflow checks roles here (not in routes): editors write, reviewers
approve or send back, admins do both; a service token may write drafts and
submit them but never approve, so a human always publishes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WRITE_ROLES = frozenset({"editor", "reviewer", "admin"})
REVIEW_ROLES = frozenset({"reviewer", "admin"})


@dataclass(frozen=True)
class Actor:
    id: int | None
    name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    teams: tuple[str, ...] = ()
    is_service: bool = False
    email: str = ""  # staff only: how the audit log of staff access names them

    @property
    def audit_name(self) -> str:
        """Who, in the audit log (``frontdoor.audit``): the email, else the key."""
        return self.email or self.key

    @property
    def can_write(self) -> bool:
        return bool(self.roles & WRITE_ROLES) or self.is_service

    @property
    def can_review(self) -> bool:
        return bool(self.roles & REVIEW_ROLES) and not self.is_service

    @property
    def key(self) -> str:
        """Identifies the actor in revisions (id for staff, name for services)."""
        return f"user:{self.id}" if self.id is not None else f"service:{self.name}"


SYSTEM = Actor(id=None, name="Frontdoor scheduler", roles=frozenset(), is_service=True)


def from_user(user: object) -> Actor:
    """An Actor from ``frontdoor.accounts.service.UserInfo`` (roles expanded)."""
    from frontdoor.accounts.roles import effective_roles

    roles = effective_roles(user.roles)  # type: ignore[attr-defined]
    return Actor(
        id=user.id,  # type: ignore[attr-defined]
        name=user.display_name,  # type: ignore[attr-defined]
        roles=frozenset(role.value for role in roles),
        teams=tuple(user.teams),  # type: ignore[attr-defined]
        email=user.email,  # type: ignore[attr-defined]
    )
