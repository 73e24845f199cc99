"""One routing tick, under the router lock.

Lost advisors' chats go back to the front of the queue, lapsed offers move on
to someone else, new offers are made in queue order within every cap, and a
resident waiting for a team that closed or emptied is told so, once.
:func:`needs_dispatch` is a read-only look first, so an idle tick takes no
write lock.
"""

from __future__ import annotations

from datetime import timedelta

from handoff.assignment import _return_offer, requeue
from handoff.delivery import Kind
from handoff.lifecycle import Limits, unavailable_notice
from handoff.routing import (
    AdvisorInfo,
    Serviceable,
    TeamInfo,
    lost_advisors,
    plan,
    serviceable,
    with_live,
)
from handoff.states import Reason
from handoff.store import Conversation, Store, Tx


def needs_dispatch(store: Store, limits: Limits) -> bool:
    """A read-only look: is anyone waiting, or has an advisor with chats gone quiet?
    Most ticks find nothing, and then take no write lock at all."""
    stale = store.clock() - timedelta(seconds=limits.grace_seconds)
    return store.needs_dispatch(stale_before=stale)


def dispatch(
    store: Store, limits: Limits, *, instance_id: str = "", live: frozenset[int] = frozenset()
) -> Tx:
    """One routing tick, under the router lock. ``live``: advisors whose consoles this
    instance hears now (``routing.with_live``), never lost whatever the store says."""
    with store.transaction() as tx:
        tx.lock_router(instance_id)
        advisors = with_live(
            tx.advisors(default_cap=limits.default_cap, grace_seconds=limits.grace_seconds), live
        )
        names = tx.display_names()
        lost = set(
            lost_advisors(
                {a.user_id: None if not a.connected else tx.now for a in advisors if a.load},
                now=tx.now,
                grace=timedelta(seconds=limits.grace_seconds),
            )
        )
        if lost:
            for conversation_id in tx.active_with(sorted(lost)):
                conversation = tx.lock_conversation(conversation_id)
                holder = conversation.assigned_to
                name = (names.get(holder) if holder is not None else None) or "Your advisor"
                name = name.split(" ")[0]
                requeue(tx, conversation, Reason.ADVISOR_LOST, left="disconnected", name=name)
                tx.append(
                    conversation,
                    Kind.NOTICE,
                    {
                        "code": "advisor_lost",
                        "text": "Your advisor's connection dropped. You are back at the front "
                        "of the queue.",
                    },
                )
            for conversation in tx.waiting():
                if conversation.offered_to in lost:
                    _return_offer(tx, conversation)
            advisors = with_live(
                tx.advisors(default_cap=limits.default_cap, grace_seconds=limits.grace_seconds),
                live,
            )
        waiting = tx.waiting()
        teams = tx.teams()
        result = plan([c.queue_entry() for c in waiting], advisors, teams, now=tx.now)
        by_id = {c.id: c for c in waiting}
        for entry in result.lapsed:
            _return_offer(tx, by_id[entry.conversation_id])
        expires = tx.now + timedelta(seconds=limits.accept_timeout_seconds)
        for conversation_id, user_id in result.offers:
            if tx.offer(conversation_id, user_id, expires):
                tx.touched_advisors.add(user_id)
                tx.touched_teams.add(by_id[conversation_id].team or "general")
        _tell_the_stranded(store, tx, waiting, teams, advisors)
        return tx


def _tell_the_stranded(
    store: Store,
    tx: Tx,
    waiting: list[Conversation],
    teams: list[TeamInfo],
    advisors: list[AdvisorInfo],
) -> None:
    """A resident waiting for a team that closed or emptied is told, once per reason."""
    by_slug = {t.slug: t for t in teams}
    verdicts: dict[str, Serviceable] = {}  # one look per team, not per waiting chat
    for conversation in waiting:
        slug = conversation.team or "general"
        if slug not in verdicts:
            team = by_slug.get(slug)
            verdicts[slug] = serviceable(team, advisors) if team else Serviceable.NO_ADVISORS
        verdict = verdicts[slug]
        if verdict is Serviceable.OPEN or conversation.last_notice == verdict.value:
            continue
        locked = tx.lock_conversation(conversation.id)
        tx.update_conversation(conversation.id, last_notice=verdict.value)
        tx.append(
            locked,
            Kind.NOTICE,
            unavailable_notice(tx, verdict, locked.team or "general"),
        )
