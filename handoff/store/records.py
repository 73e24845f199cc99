"""What the handoff Store hands back: plain frozen records, no SQL.

Both implementations (``sql`` and ``memory``) return these, so the use cases
(``lifecycle``, ``assignment``, ``dispatcher``, ``views``) never see a row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from handoff.routing import AdvisorInfo, Availability, Priority, QueueEntry

Clock = Callable[[], datetime]
# an assignment's end reason when the advisor's console was lost (``dispatcher``)
DISCONNECTED = "disconnected"


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Conversation:
    id: str
    created_at: datetime
    updated_at: datetime
    state: str
    last_seq: int
    language: str
    page_url: str
    identity_token: str | None
    verified_resident_id: str | None
    verified_name: str | None
    verified_refs: str
    verified_method: str | None
    team: str | None
    service_area: str | None
    priority: str
    reason: str | None
    summary: str | None
    queued_at: datetime | None
    requeued: bool
    offered_to: int | None
    offer_expires_at: datetime | None
    declined_by: str
    assigned_to: int | None
    last_notice: str | None
    resident_seen_at: datetime | None
    closed_at: datetime | None
    outcome: str | None
    rating: int | None

    @classmethod
    def from_row(cls, row: Any) -> Conversation:
        return cls.from_mapping(row._mapping)  # moments are aware UTC: models.Moment sees to it

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Conversation:
        return cls(**{name: values[name] for name in _CONVERSATION_FIELDS})

    def with_last_seq(self, last_seq: int) -> Conversation:
        """This conversation at ``last_seq`` (``dataclasses.replace`` walks every field
        through ``fields()``: a group commit did it for every message it stored)."""
        copy = object.__new__(Conversation)
        copy.__dict__.update(self.__dict__)
        copy.__dict__["last_seq"] = last_seq
        return copy

    @property
    def declined(self) -> frozenset[int]:
        return frozenset(int(part) for part in self.declined_by.split(",") if part)

    @property
    def references(self) -> tuple[str, ...]:
        return tuple(ref for ref in self.verified_refs.split(",") if ref)

    @property
    def verified(self) -> bool:
        return self.verified_resident_id is not None or bool(self.references)

    def queue_entry(self) -> QueueEntry:
        return QueueEntry(
            conversation_id=self.id,
            team=self.team or "general",
            queued_at=self.queued_at or self.created_at,
            priority=Priority(self.priority),
            requeued=self.requeued,
            offered_to=self.offered_to,
            offer_expires_at=self.offer_expires_at,
            declined_by=self.declined,
            language=self.language,
        )


# the names, looked up once: ``fields()`` builds its tuple anew on every call
_CONVERSATION_FIELDS = tuple(f.name for f in fields(Conversation))


@dataclass(frozen=True)
class AdvisorRecord:
    """An advisor's presence row (``ho_advisors``)."""

    user_id: int
    display_name: str
    availability: str
    cap: int | None


@dataclass(frozen=True)
class ChatSummary:
    """One of an advisor's chats (active or offered), for the console's list."""

    conversation: Conversation
    unread: int
    last_message_at: datetime | None
    last_message_text: str


@dataclass(frozen=True)
class TeamRecord:
    """A team as the admin commands list it."""

    slug: str
    name: str
    opening_hours: str
    routing_mode: str
    members: tuple[int, ...]


@dataclass(frozen=True)
class Unrelayed:
    """A resident message whose bot relay was claimed by this instance."""

    conversation_id: str
    seq: int
    text: str


@dataclass(frozen=True)
class AccountGrant:
    """An account the bot verified in this conversation, and how (its own record)."""

    reference: str
    method: str


def advisor_infos(
    people: Sequence[tuple[int, str, datetime | None, int | None, datetime | None]],
    memberships: Sequence[tuple[str, int]],
    active: dict[int, int],
    offers: dict[int, int],
    *,
    default_cap: int,
    grace_seconds: float,
    now: datetime,
) -> list[AdvisorInfo]:
    """Routing's view of every advisor (shared with the in-memory store): presence rows
    (user id, availability, last seen, cap, idle since) and team members who never
    opened the console (away)."""
    teams_of: dict[int, set[str]] = {}
    for slug, user_id in memberships:
        teams_of.setdefault(user_id, set()).add(slug)
    result = []
    for user_id, availability, seen, cap, idle_since in people:
        result.append(
            AdvisorInfo(
                user_id=user_id,
                teams=frozenset(teams_of.get(user_id, ())),
                availability=Availability(availability),
                connected=seen is not None and (now - seen).total_seconds() <= grace_seconds,
                cap=cap or default_cap,
                active=active.get(user_id, 0),
                offers=offers.get(user_id, 0),
                idle_since=idle_since,
            )
        )
    known = {person[0] for person in people}
    for user_id in sorted(set(teams_of) - known):  # members who never opened the console
        result.append(
            AdvisorInfo(
                user_id=user_id,
                teams=frozenset(teams_of[user_id]),
                availability=Availability.AWAY,
                connected=False,
                cap=default_cap,
                active=active.get(user_id, 0),
                offers=offers.get(user_id, 0),
            )
        )
    return result
