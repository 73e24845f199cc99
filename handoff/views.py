"""What the console shows, read from the store: the advisor, queues, chats,
one conversation, the supervisor's overview. Plain dicts in the shapes of
PROTOCOL.md §3; synchronous (called in worker threads)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from handoff.delivery import iso
from handoff.routing import AdvisorInfo, TeamCapacity, capacities, members, positions, wait_from
from handoff.states import State
from handoff.store import Conversation, Store


@dataclass(frozen=True)
class Staff:
    """The signed-in advisor, as far as the views need to know."""

    user_id: int
    display_name: str
    roles: tuple[str, ...] = ("advisor",)
    email: str = ""  # who the audit log names

    @property
    def first_name(self) -> str:
        return self.display_name.split(" ")[0] if self.display_name else "Advisor"

    @property
    def supervisor(self) -> bool:
        return "supervisor" in self.roles


def ensure_advisor(store: Store, staff: Staff) -> None:
    """A presence row for every advisor who signs in (away until they say otherwise)."""
    store.ensure_advisor(staff.user_id, staff.display_name)


def set_availability(store: Store, user_id: int, availability: str) -> None:
    store.set_availability(user_id, availability)


def touch_presence(store: Store, user_ids: list[int], instance_id: str) -> None:
    store.touch_presence(user_ids, instance_id)


def teams_of(store: Store, user_id: int) -> list[dict[str, str]]:
    return [{"slug": slug, "name": name} for slug, name in store.teams_of(user_id)]


def me(store: Store, staff: Staff, *, default_cap: int) -> dict[str, Any]:
    row = store.advisor(staff.user_id)
    return {
        "user_id": staff.user_id,
        "display_name": staff.display_name,
        "first_name": staff.first_name,
        "roles": list(staff.roles),
        "teams": teams_of(store, staff.user_id),
        "availability": row.availability if row else "away",
        "cap": (row.cap if row and row.cap else default_cap),
        "active": store.active_count(staff.user_id),
    }


def queue_items(
    store: Store,
    team_slugs: list[str],
    *,
    user_id: int | None,
    advisors: list[AdvisorInfo],
    handle_seconds: float,
    now: datetime,
) -> list[dict[str, Any]]:
    return queue_from(
        store.waiting(),
        team_slugs,
        user_id=user_id,
        advisors=advisors,
        handle_seconds=handle_seconds,
        now=now,
    )


def queue_from(
    everyone_waiting: list[Conversation],
    team_slugs: list[str] | set[str],
    *,
    user_id: int | None,
    advisors: list[AdvisorInfo],
    handle_seconds: float,
    now: datetime,
    capacity: dict[str, TeamCapacity] | None = None,
) -> list[dict[str, Any]]:
    """The queue items of some teams, from a list of waiting conversations (no I/O).
    ``capacity`` (``routing.capacities(advisors)``) when the caller already has it."""
    capacity = capacities(advisors) if capacity is None else capacity
    waiting = [c for c in everyone_waiting if (c.team or "general") in team_slugs]
    where = positions([c.queue_entry() for c in waiting])
    items = [
        queue_item(
            c,
            where[c.id],
            user_id=user_id,
            now=now,
            estimate=wait_from(where[c.id], capacity.get(c.team or "general"), handle_seconds),
        )
        for c in waiting
    ]
    return sorted(items, key=lambda i: (i["team"], i["position"]))


# A waiting resident heard within this long is here: presence is written every 5 s, and
# the advisors' grace (``Limits.grace_seconds``) allows for the same gaps.
RESIDENT_PRESENT_SECONDS = 20.0


def resident_away_since(c: Conversation, now: datetime) -> datetime | None:
    """When a waiting resident was last heard, if that is longer ago than the grace
    (they left the page); None while they are here, or never heard (a row older than
    migration ho_0005)."""
    seen = c.resident_seen_at
    if seen is None or (now - seen).total_seconds() <= RESIDENT_PRESENT_SECONDS:
        return None
    return seen


def queue_item(
    c: Conversation, position: int, *, user_id: int | None, now: datetime, estimate: int | None
) -> dict[str, Any]:
    since = c.queued_at or c.created_at
    away = resident_away_since(c, now)
    return {
        "conversation_id": c.id,
        "team": c.team or "general",
        "service_area": c.service_area,
        "priority": c.priority,
        "reason": c.reason,
        "summary": c.summary,
        "language": c.language,
        "waiting_since": iso(since),
        "wait_seconds": max(int((now - since).total_seconds()), 0),
        "position": position,
        "estimated_wait_seconds": estimate,
        "offered_to_me": user_id is not None and c.offered_to == user_id,
        "offer_expires_at": iso(c.offer_expires_at) if c.offer_expires_at else None,
        "verified": c.verified,
        "resident_away_since": iso(away) if away else None,
        "resident_away_seconds": int((now - away).total_seconds()) if away else None,
    }


def resident_label(c: Conversation) -> str:
    return c.verified_name or f"Resident {c.id[:4].upper()}"


def chat_statuses(store: Store, user_id: int) -> dict[str, str]:
    """{conversation id: "active" | "offered"}: one cheap query, for diffing."""
    states = store.chat_states(user_id)
    return {
        cid: "active" if state == State.WITH_ADVISOR else "offered" for cid, state in states.items()
    }


def chat_statuses_of(store: Store, user_ids: list[int]) -> dict[int, dict[str, str]]:
    """:func:`chat_statuses` of many advisors in one query (a refresh pass)."""
    return {
        user_id: {
            cid: "active" if state == State.WITH_ADVISOR else "offered"
            for cid, state in states.items()
        }
        for user_id, states in store.chat_states_of(user_ids).items()
    }


def open_offers(store: Store, user_ids: list[int]) -> set[tuple[str, int]]:
    """(conversation id, advisor) for every offer now waiting on one of ``user_ids``:
    one indexed query, so an instance can notice offers another instance made
    without hearing a wake-up."""
    return store.open_offers(user_ids) if user_ids else set()


def chats(store: Store, user_id: int, only: set[str] | None = None) -> list[dict[str, Any]]:
    """My active chats (with unread counts) and the offers waiting for my answer."""
    result = []
    for chat in store.chat_summaries(user_id):
        c = chat.conversation
        if only is not None and c.id not in only:
            continue
        result.append(
            {
                "conversation_id": c.id,
                "state": c.state,
                "status": "active" if c.state == State.WITH_ADVISOR else "offered",
                "team": c.team,
                "resident_label": resident_label(c),
                "verified": c.verified,
                "unread": chat.unread if c.state == State.WITH_ADVISOR else 0,
                "last_seq": c.last_seq,
                "last_message_at": iso(chat.last_message_at) if chat.last_message_at else None,
                "last_message_preview": chat.last_message_text[:80],
                "offer_expires_at": iso(c.offer_expires_at) if c.offer_expires_at else None,
            }
        )
    return result


def detail(store: Store, c: Conversation, *, user_id: int | None) -> dict[str, Any]:
    adv = None
    if c.assigned_to is not None:
        name = store.display_names().get(c.assigned_to)
        adv = {"user_id": c.assigned_to, "display_name": name or ""}
    read_seq = store.read_seq(c.id, user_id) if user_id is not None else 0
    unread = store.unread(c.id, read_seq)
    return {
        "conversation_id": c.id,
        "state": c.state,
        "team": c.team,
        "service_area": c.service_area,
        "priority": c.priority,
        "reason": c.reason,
        "summary": c.summary,
        "language": c.language,
        "page_url": c.page_url,
        "verified": c.verified,
        "resident_label": resident_label(c),
        "assigned_advisor": adv,
        "created_at": iso(c.created_at),
        "last_seq": c.last_seq,
        "unread": unread if c.assigned_to == user_id else 0,
        "outcome": c.outcome,
    }


def overview(store: Store, *, advisors: list[AdvisorInfo], now: datetime) -> dict[str, Any]:
    teams = store.teams(now=now)
    waiting = store.waiting()
    names = store.display_names()
    result = []
    for team in teams:
        queue = [c for c in waiting if (c.team or "general") == team.slug]
        waits = [max((now - (c.queued_at or c.created_at)).total_seconds(), 0) for c in queue]
        result.append(
            {
                "slug": team.slug,
                "name": team.name,
                "open_now": team.is_open,
                "queue_length": len(queue),
                "urgent": sum(c.priority == "urgent" for c in queue),
                "longest_wait_seconds": int(max(waits, default=0)),
                "average_wait_seconds": int(sum(waits) / len(waits)) if waits else 0,
                "advisors": [
                    {
                        "user_id": a.user_id,
                        "display_name": names.get(a.user_id, ""),
                        "availability": a.availability.value,
                        "connected": a.connected,
                        "active": a.active,
                        "offers": a.offers,
                        "cap": a.cap,
                    }
                    for a in members(team.slug, advisors)
                ],
            }
        )
    return {"teams": result, "generated_at": iso(now)}


def team_directory(
    store: Store, *, advisors: list[AdvisorInfo], now: datetime
) -> list[dict[str, Any]]:
    """Teams and their advisors, for transfers."""
    data = overview(store, advisors=advisors, now=now)["teams"]
    return [
        {
            "slug": t["slug"],
            "name": t["name"],
            "open_now": t["open_now"],
            "available_advisors": sum(
                a["availability"] == "available" and a["connected"] for a in t["advisors"]
            ),
            "advisors": [
                {k: a[k] for k in ("user_id", "display_name", "availability", "active", "cap")}
                for a in t["advisors"]
            ],
        }
        for t in data
    ]
