"""The advisor's side of a conversation, as database transactions.

Accepting, declining, transferring, handing back and closing all take the
router lock first (then the conversation's), so two advisors, two instances
or the dispatcher (``dispatcher``) never both win the same chat, and no
advisor goes beyond their cap."""

from __future__ import annotations

from dataclasses import dataclass

from handoff.delivery import Kind
from handoff.exceptions import AlreadyTaken, AtCapacity, InvalidRequest, NotAssigned, NotFound
from handoff.lifecycle import Limits, state_data
from handoff.states import Reason, State, transition
from handoff.store import Conversation, Store, Tx

OUTCOMES = ("resolved", "case_created", "resident_left", "no_response", "referred", "abusive")


@dataclass(frozen=True)
class Actor:
    """The advisor acting (from the accounts session)."""

    user_id: int
    first_name: str
    supervisor: bool = False


def _mine(conversation: Conversation, actor: Actor) -> None:
    if conversation.state != State.WITH_ADVISOR or conversation.assigned_to != actor.user_id:
        raise NotAssigned()


def accept(store: Store, conversation_id: str, actor: Actor, limits: Limits) -> Tx:
    with store.transaction() as tx:
        tx.lock_router()
        conversation = tx.lock_conversation(conversation_id)
        if conversation.state == State.WITH_ADVISOR:
            if conversation.assigned_to == actor.user_id:
                return tx  # accepting twice is harmless
            raise AlreadyTaken()
        if conversation.state != State.WAITING:
            raise AlreadyTaken("This chat is no longer waiting.")
        offer_live = (
            conversation.offer_expires_at is not None and conversation.offer_expires_at > tx.now
        )
        if conversation.offered_to not in (None, actor.user_id) and offer_live:
            raise AlreadyTaken("This chat has been offered to another advisor.")
        if not actor.supervisor and not tx.in_team(actor.user_id, conversation.team or "general"):
            raise NotAssigned("This chat is for a team you are not in.")
        cap = tx.advisor_cap(actor.user_id) or limits.default_cap
        if tx.advisor_load(actor.user_id, excluding=conversation_id) >= cap:
            raise AtCapacity()
        transition(conversation.state, State.WITH_ADVISOR, Reason.ACCEPTED)
        tx.update_conversation(
            conversation.id,
            state=State.WITH_ADVISOR,
            assigned_to=actor.user_id,
            offered_to=None,
            offer_expires_at=None,
            requeued=False,
            declined_by="",
        )
        tx.open_assignment(conversation, actor.user_id)
        if conversation.offered_to is not None:
            tx.touched_advisors.add(conversation.offered_to)
        tx.touched_teams.add(conversation.team or "general")
        tx.append(
            conversation,
            Kind.STATE,
            state_data(State.WITH_ADVISOR, conversation.state, Reason.ACCEPTED),
        )
        tx.append(conversation, Kind.ADVISOR_JOINED, {"first_name": actor.first_name})
        return tx


def give_back(tx: Tx, conversation: Conversation, user_id: int, *, name: str) -> None:
    """A chat requeued because its advisor's console was lost goes back to them: they came
    back before anyone else accepted it. The router lock is held by the caller."""
    transition(conversation.state, State.WITH_ADVISOR, Reason.ADVISOR_BACK)
    tx.update_conversation(
        conversation.id,
        state=State.WITH_ADVISOR,
        assigned_to=user_id,
        offered_to=None,
        offer_expires_at=None,
        requeued=False,
        declined_by="",
    )
    tx.open_assignment(conversation, user_id)
    if conversation.offered_to is not None:
        tx.touched_advisors.add(conversation.offered_to)  # their offer is withdrawn
    tx.touched_teams.add(conversation.team or "general")
    tx.append(
        conversation,
        Kind.STATE,
        state_data(State.WITH_ADVISOR, conversation.state, Reason.ADVISOR_BACK),
    )
    tx.append(conversation, Kind.ADVISOR_JOINED, {"first_name": name})


def take_back(store: Store, conversation_id: str, actor: Actor, limits: Limits) -> Tx:
    """The advisor writes in a chat that was requeued when their console was lost and that
    nobody has accepted since: it is theirs again (they are evidently back). Otherwise
    ``NotAssigned``, as for any chat that is not theirs."""
    with store.transaction() as tx:
        tx.lock_router()
        conversation = tx.lock_conversation(conversation_id)
        if conversation.state == State.WITH_ADVISOR and conversation.assigned_to == actor.user_id:
            return tx  # the dispatcher gave it back first
        if conversation.state != State.WAITING:
            raise NotAssigned()
        if tx.dropped_by([conversation_id]).get(conversation_id) != actor.user_id:
            raise NotAssigned()
        cap = tx.advisor_cap(actor.user_id) or limits.default_cap
        if tx.advisor_load(actor.user_id, excluding=conversation_id) >= cap:
            raise NotAssigned()
        give_back(tx, conversation, actor.user_id, name=actor.first_name)
        return tx


def decline(store: Store, conversation_id: str, actor: Actor) -> Tx:
    with store.transaction() as tx:
        tx.lock_router()
        conversation = tx.lock_conversation(conversation_id)
        if conversation.state != State.WAITING or conversation.offered_to != actor.user_id:
            return tx
        _return_offer(tx, conversation)
        return tx


def _return_offer(tx: Tx, conversation: Conversation) -> None:
    holder = conversation.offered_to
    if holder is None:
        return
    declined = conversation.declined | {holder}
    tx.update_conversation(
        conversation.id,
        offered_to=None,
        offer_expires_at=None,
        requeued=True,
        declined_by=",".join(str(u) for u in sorted(declined))[:400],
    )
    tx.touched_advisors.add(holder)
    tx.touched_teams.add(conversation.team or "general")


def requeue(tx: Tx, conversation: Conversation, reason: Reason, *, left: str, name: str) -> None:
    """Back to the front of its team's queue (advisor lost, or transferred)."""
    transition(conversation.state, State.WAITING, reason)
    tx.end_assignment(conversation.id, conversation.assigned_to, left)
    tx.update_conversation(
        conversation.id,
        state=State.WAITING,
        assigned_to=None,
        requeued=True,
        offered_to=None,
        offer_expires_at=None,
        declined_by="",
        last_notice=None,
        queued_at=conversation.queued_at or tx.now,
        resident_seen_at=tx.now,  # judged from here: the resident was with an advisor
    )
    tx.touched_teams.add(conversation.team or "general")
    tx.append(conversation, Kind.ADVISOR_LEFT, {"first_name": name, "reason": left})
    tx.append(conversation, Kind.STATE, state_data(State.WAITING, conversation.state, reason))


def transfer(
    store: Store,
    conversation_id: str,
    actor: Actor,
    *,
    limits: Limits,
    team: str | None = None,
    advisor_id: int | None = None,
    note: str = "",
) -> Tx:
    if (team is None) == (advisor_id is None):
        raise InvalidRequest("Transfer to a team or to an advisor, not both.")
    with store.transaction() as tx:
        tx.lock_router()
        conversation = tx.lock_conversation(conversation_id)
        _mine(conversation, actor)
        tx.append(
            conversation,
            Kind.TRANSFER,
            {
                "from": actor.first_name,
                "to_team": team,
                "to_advisor": advisor_id,
                "note": note,
            },
        )
        if team is not None:
            if team not in {t.slug for t in tx.teams()}:
                raise NotFound("No such team.")
            tx.update_conversation(conversation.id, team=team)
            conversation = tx.lock_conversation(conversation_id)
            requeue(tx, conversation, Reason.TRANSFERRED, left="transferred", name=actor.first_name)
            return tx
        assert advisor_id is not None
        target = next(
            (
                a
                for a in tx.advisors(
                    default_cap=limits.default_cap, grace_seconds=limits.grace_seconds
                )
                if a.user_id == advisor_id
            ),
            None,
        )
        if target is None or not target.takes_chats:
            raise InvalidRequest("That advisor is not available.")
        if target.free <= 0:
            raise AtCapacity("That advisor already has as many chats as they can take.")
        name = tx.display_names().get(advisor_id, "")
        tx.end_assignment(conversation.id, actor.user_id, "transferred")
        tx.update_conversation(conversation.id, assigned_to=advisor_id)
        tx.open_assignment(conversation, advisor_id)
        tx.append(
            conversation,
            Kind.ADVISOR_LEFT,
            {"first_name": actor.first_name, "reason": "transferred"},
        )
        tx.append(conversation, Kind.ADVISOR_JOINED, {"first_name": (name or "").split(" ")[0]})
        return tx


def hand_back(store: Store, conversation_id: str, actor: Actor, *, note: str = "") -> Tx:
    with store.transaction() as tx:
        tx.lock_router()
        conversation = tx.lock_conversation(conversation_id)
        _mine(conversation, actor)
        transition(conversation.state, State.BOT, Reason.HANDED_BACK)
        tx.end_assignment(conversation.id, actor.user_id, "handed_back")
        tx.update_conversation(conversation.id, state=State.BOT, assigned_to=None, queued_at=None)
        if note:
            tx.append(
                conversation,
                Kind.NOTE,
                {"author_name": actor.first_name, "text": note, "client_id": None},
            )
        tx.append(
            conversation,
            Kind.ADVISOR_LEFT,
            {"first_name": actor.first_name, "reason": "handed_back"},
        )
        tx.append(
            conversation, Kind.STATE, state_data(State.BOT, conversation.state, Reason.HANDED_BACK)
        )
        return tx


def close(store: Store, conversation_id: str, actor: Actor, *, outcome: str, note: str = "") -> Tx:
    if outcome not in OUTCOMES:
        raise InvalidRequest(f"outcome must be one of {', '.join(OUTCOMES)}")
    with store.transaction() as tx:
        tx.lock_router()
        conversation = tx.lock_conversation(conversation_id)
        if not (actor.supervisor and conversation.state != State.CLOSED):
            _mine(conversation, actor)
        transition(conversation.state, State.CLOSED, Reason.CLOSED_BY_ADVISOR)
        tx.end_assignment(conversation.id, conversation.assigned_to, "closed")
        tx.update_conversation(
            conversation.id, state=State.CLOSED, closed_at=tx.now, outcome=outcome, offered_to=None
        )
        tx.touched_teams.add(conversation.team or "general")
        tx.append(conversation, Kind.CLOSED_OUTCOME, {"outcome": outcome, "note": note})
        tx.append(
            conversation, Kind.ADVISOR_LEFT, {"first_name": actor.first_name, "reason": "closed"}
        )
        tx.append(
            conversation,
            Kind.STATE,
            state_data(State.CLOSED, conversation.state, Reason.CLOSED_BY_ADVISOR),
        )
        tx.append(conversation, Kind.RATING_REQUEST, {"text": "How did we do?"})
        tx.record_outcome(conversation.id)
        return tx


def advisor_write(
    store: Store,
    conversation_id: str,
    actor: Actor,
    *,
    kind: Kind,
    client_id: str,
    text: str,
    links: tuple[dict[str, str], ...] = (),
) -> tuple[int, bool, Tx]:
    """A message to the resident, or a private note; idempotent by ``client_id``."""
    with store.transaction() as tx:
        conversation = tx.lock_conversation(conversation_id)
        existing = tx.find_client_event(conversation_id, client_id)
        if existing is not None:
            return existing.seq, True, tx
        if kind is Kind.MESSAGE:
            _mine(conversation, actor)
            data = {
                "author": "advisor",
                "author_name": actor.first_name,
                "text": text,
                "client_id": client_id,
                "buttons": [],
                "links": list(links),
            }
        else:
            if conversation.assigned_to != actor.user_id and not actor.supervisor:
                raise NotAssigned()
            data = {"author_name": actor.first_name, "text": text, "client_id": client_id}
        event = tx.append(conversation, kind, data, client_id=client_id)
        if kind is Kind.MESSAGE:  # answering means having read everything before
            tx.set_read_seq(conversation_id, actor.user_id, event.seq)
        return event.seq, False, tx


def case_created(store: Store, conversation_id: str, actor: Actor, reference: str) -> Tx:
    with store.transaction() as tx:
        conversation = tx.lock_conversation(conversation_id)
        if conversation.assigned_to != actor.user_id and not actor.supervisor:
            raise NotAssigned()
        tx.append(
            conversation,
            Kind.CASE_CREATED,
            {
                "reference": reference,
                "text": f"{actor.first_name} has opened a case for you: reference {reference}.",
            },
        )
        return tx


def mark_read(store: Store, conversation_id: str, actor: Actor, seq: int) -> None:
    store.mark_read(conversation_id, actor.user_id, seq)


def offer_expiry(conversation: Conversation) -> str | None:
    moment = conversation.offer_expires_at
    return moment.isoformat() if moment else None
