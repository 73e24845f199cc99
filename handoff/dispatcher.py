"""One routing tick, under the router lock.

Lost advisors' chats go back to the front of the queue, an advisor who comes
back before anyone else took one of them gets it back, lapsed offers move on
to someone else, new offers are made in queue order within every cap, and a
resident waiting for a team that closed or emptied is told so, once.
:func:`needs_dispatch` is a read-only look first, so an idle tick takes no
write lock.

An advisor is lost when their console has not been heard for the grace period,
but only time the service could hear it counts: ``presence_from`` is when the
dispatching instance last started or last saw the database come back. Until a
grace period has passed since then, presence written before the fault says
nothing about the advisor (issue #12's faults benchmark: a 13 s PostgreSQL
crash plus the 5 s presence interval took chats off consoles that never left).

Residents are judged the same way: a waiting resident whose sockets no instance has
heard for ``resident_gone_seconds`` closed the tab, and their place is given up
(``lifecycle.expire_waiting``) before anyone is offered the chat; never while the
service could not hear residents for that long (issue #12, deliverable 3).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from handoff.assignment import _return_offer, give_back, requeue
from handoff.delivery import Kind
from handoff.lifecycle import Limits, expire_waiting, unavailable_notice
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
from handoff.store import DISCONNECTED, Conversation, Store, Tx

log = logging.getLogger(__name__)
# long before any real presence: with it no advisor is stale, only the queue is looked at
_NOBODY_STALE = datetime(2000, 1, 1, tzinfo=UTC)


def judging_presence(now: datetime, limits: Limits, presence_from: datetime | None) -> bool:
    """May silence be read as absence? Only once a whole grace period has passed since
    the service could last hear consoles again (``presence_from``)."""
    return presence_from is None or now - presence_from > timedelta(seconds=limits.grace_seconds)


def judging_residents(now: datetime, limits: Limits, presence_from: datetime | None) -> bool:
    """May a resident's silence be read as their leaving? As :func:`judging_presence`,
    with the residents' (much longer) limit."""
    gone = timedelta(seconds=limits.resident_gone_seconds)
    return presence_from is None or now - presence_from > gone


def resident_gone(conversation: Conversation, now: datetime, limits: Limits) -> bool:
    """Unheard for the limit; a chat that waited before residents were heard (a row
    older than migration ho_0005) is judged from when it was queued."""
    seen = conversation.resident_seen_at or conversation.queued_at or conversation.created_at
    return now - seen > timedelta(seconds=limits.resident_gone_seconds)


def needs_dispatch(store: Store, limits: Limits, *, presence_from: datetime | None = None) -> bool:
    """A read-only look: is anyone waiting, or has an advisor with chats gone quiet?
    Most ticks find nothing, and then take no write lock at all."""
    now = store.clock()
    stale = now - timedelta(seconds=limits.grace_seconds)
    if not judging_presence(now, limits, presence_from):
        stale = _NOBODY_STALE
    return store.needs_dispatch(stale_before=stale)


def dispatch(
    store: Store,
    limits: Limits,
    *,
    instance_id: str = "",
    live: frozenset[int] = frozenset(),
    presence_from: datetime | None = None,
) -> Tx:
    """One routing tick, under the router lock. ``live``: advisors whose consoles this
    instance hears now (``routing.with_live``), never lost whatever the store says;
    ``presence_from``: see the module's docstring."""
    with store.transaction() as tx:
        tx.lock_router(instance_id)
        advisors = with_live(
            tx.advisors(default_cap=limits.default_cap, grace_seconds=limits.grace_seconds), live
        )
        names = tx.display_names()
        lost: set[int] = set()
        if judging_presence(tx.now, limits, presence_from):
            lost = set(
                lost_advisors(
                    {a.user_id: None if not a.connected else tx.now for a in advisors if a.load},
                    now=tx.now,
                    grace=timedelta(seconds=limits.grace_seconds),
                )
            )
        held = _lock_what_it_may_write(tx, lost)

        def waiting() -> list[Conversation]:
            return [c for c in tx.waiting() if c.id in held]

        if judging_residents(tx.now, limits, presence_from):
            _expire_the_gone(tx, waiting(), limits)

        if lost:
            log.warning(
                "advisors %s not heard for over %.0f s: their chats go back to the queue",
                sorted(lost),
                limits.grace_seconds,
            )
            for conversation_id in tx.active_with(sorted(lost)):  # all held (see below)
                conversation = tx.lock_conversation(conversation_id)
                holder = conversation.assigned_to
                name = (names.get(holder) if holder is not None else None) or "Your advisor"
                name = name.split(" ")[0]
                requeue(tx, conversation, Reason.ADVISOR_LOST, left=DISCONNECTED, name=name)
                tx.append(
                    conversation,
                    Kind.NOTICE,
                    {
                        "code": "advisor_lost",
                        "text": "Your advisor's connection dropped. You are back at the front "
                        "of the queue.",
                    },
                )
            for conversation in waiting():
                if conversation.offered_to in lost:
                    _return_offer(tx, conversation)
            advisors = with_live(
                tx.advisors(default_cap=limits.default_cap, grace_seconds=limits.grace_seconds),
                live,
            )
        if _give_back_to_returning(tx, waiting(), advisors, names):
            advisors = with_live(
                tx.advisors(default_cap=limits.default_cap, grace_seconds=limits.grace_seconds),
                live,
            )
        queue = waiting()
        teams = tx.teams()
        result = plan([c.queue_entry() for c in queue], advisors, teams, now=tx.now)
        by_id = {c.id: c for c in queue}
        for entry in result.lapsed:
            _return_offer(tx, by_id[entry.conversation_id])
        expires = tx.now + timedelta(seconds=limits.accept_timeout_seconds)
        for conversation_id, user_id in result.offers:
            if tx.offer(conversation_id, user_id, expires):
                tx.touched_advisors.add(user_id)
                tx.touched_teams.add(by_id[conversation_id].team or "general")
        _tell_the_stranded(store, tx, queue, teams, advisors)
        return tx


def _expire_the_gone(tx: Tx, waiting: list[Conversation], limits: Limits) -> None:
    gone = [c for c in waiting if resident_gone(c, tx.now, limits)]
    if gone:
        log.info(
            "%d waiting residents not heard for over %.0f s: their places are given up",
            len(gone),
            limits.resident_gone_seconds,
        )
    for conversation in gone:
        expire_waiting(tx, tx.lock_conversation(conversation.id))


def _lock_what_it_may_write(tx: Tx, lost: set[int]) -> frozenset[str]:
    """Lock every conversation this tick may write, at once and in id order: the lost
    advisors' chats and every waiting one. The order is the store's one (a group commit
    locks its batch's chats in id order); locking them as the tick meets them (the
    store's listing, the queue's order) deadlocked with a batch holding two of them.
    No chat becomes a lost advisor's meanwhile (assigning one takes the router lock),
    but one may start waiting (a bot's handoff takes none): it is left for the next
    tick, since locking it later could cross a batch's order."""
    chats = tx.active_with(sorted(lost)) if lost else []
    held = frozenset([*chats, *(c.id for c in tx.waiting())])
    tx.lock_conversations(held)
    return held


def _give_back_to_returning(
    tx: Tx, waiting: list[Conversation], advisors: list[AdvisorInfo], names: dict[int, str]
) -> bool:
    """Chats requeued because their advisor was lost go back to that advisor, first in the
    queue, once they are heard again with room for them (nobody has accepted them yet:
    they still wait). An offer of one to someone else is withdrawn."""
    requeued = [c for c in waiting if c.requeued]
    dropped = tx.dropped_by([c.id for c in requeued]) if requeued else {}
    if not dropped:
        return False
    room = {a.user_id: a.free for a in advisors}
    here = {a.user_id for a in advisors if a.connected}
    given = False
    for conversation in requeued:
        holder = dropped.get(conversation.id)
        if holder is None or holder not in here:
            continue
        offered = conversation.offered_to
        if room.get(holder, 0) <= 0 and offered != holder:
            continue
        name = (names.get(holder) or "").split(" ")[0]
        give_back(tx, tx.lock_conversation(conversation.id), holder, name=name)
        if offered != holder:
            room[holder] -= 1
        if offered is not None and offered != holder:
            room[offered] = room.get(offered, 0) + 1
        given = True
    return given


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
