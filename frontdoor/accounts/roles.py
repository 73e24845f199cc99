"""Staff roles. Admin implies every knowledge role; supervisor implies advisor.

A manager reads the insight dashboard and reports, and nothing else; the data
protection officer (dpo) implies nothing else."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    EDITOR = "editor"
    REVIEWER = "reviewer"
    ADMIN = "admin"
    ADVISOR = "advisor"
    SUPERVISOR = "supervisor"
    MANAGER = "manager"
    DPO = "dpo"  # data protection officer: subject access, erasure, the audit log


IMPLIED: dict[Role, frozenset[Role]] = {
    Role.ADMIN: frozenset({Role.EDITOR, Role.REVIEWER}),
    Role.SUPERVISOR: frozenset({Role.ADVISOR}),
}


def parse_roles(text: str) -> frozenset[Role]:
    """Parse a comma-separated list, raising ValueError on an unknown role."""
    roles = set()
    for part in text.split(","):
        name = part.strip().lower()
        if not name:
            continue
        try:
            roles.add(Role(name))
        except ValueError:
            known = ", ".join(role.value for role in Role)
            raise ValueError(f"unknown role {name!r} (known: {known})") from None
    return frozenset(roles)


def effective_roles(roles: frozenset[Role]) -> frozenset[Role]:
    expanded = set(roles)
    for role in roles:
        expanded |= IMPLIED.get(role, frozenset())
    return frozenset(expanded)
