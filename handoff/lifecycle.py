"""The conversation's life on the resident's side, as database transactions.

Each function runs one transaction on the :class:`Store` and returns the
finished :class:`Tx` (its ``appended`` events are published after commit).
State changes go through ``states.transition``; escalation asks ``routing``
whether a team can serve the resident now, and says so honestly when not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handoff.bot import BotReply, HandoffRequest
from handoff.delivery import Event, Kind, iso
from handoff.hours import OpeningHours
from handoff.routing import Serviceable, serviceable, team_for, with_live
from handoff.states import Reason, State, transition
from handoff.store import Conversation, Store, Tx


@dataclass(frozen=True)
class Limits:
    """What the store needs from settings to judge advisors and waiting residents."""

    default_cap: int = 3
    grace_seconds: float = 20.0
    accept_timeout_seconds: float = 30.0
    resident_gone_seconds: float = 600.0  # a waiting resident unheard this long: expired


@dataclass
class Stored:
    """A resident write: its event, whether it was a resend, the state then."""

    event: Event
    duplicate: bool
    state: str
    tx: Tx | None = None


def resident_message(
    store: Store, conversation_id: str, *, client_id: str, text: str, payload: str | None
) -> Stored:
    with store.transaction() as tx:
        conversation = tx.lock_conversation(conversation_id)
        existing = tx.find_client_event(conversation_id, client_id)
        if existing is not None:
            return Stored(existing, True, conversation.state, tx)
        store.require_open(conversation)
        data: dict[str, Any] = {
            "author": "resident",
            "author_name": "You",
            "text": text,
            "client_id": client_id,
            "buttons": [],
            "links": [],
        }
        if payload:
            data["payload"] = payload
        event = tx.append(
            conversation,
            Kind.MESSAGE,
            data,
            client_id=client_id,
            bot_pending=conversation.state == State.BOT,
        )
        return Stored(event, False, conversation.state, tx)


def service_message(store: Store, conversation_id: str, *, client_id: str, text: str) -> Stored:
    """Another component's message in the conversation, as the assistant's (payments'
    confirmation); ``client_id`` stores it once however often it is sent."""
    with store.transaction() as tx:
        conversation = tx.lock_conversation(conversation_id)
        existing = tx.find_client_event(conversation_id, client_id)
        if existing is not None:
            return Stored(existing, True, conversation.state, tx)
        store.require_open(conversation)
        data = {**BotReply(text=text).message_data(), "client_id": client_id}
        event = tx.append(conversation, Kind.MESSAGE, data, client_id=client_id)
        return Stored(event, False, conversation.state, tx)


def bot_answered(
    store: Store,
    conversation_id: str,
    *,
    relayed_seq: int,
    replies: list[BotReply],
    limits: Limits,
    live: frozenset[int] = frozenset(),
) -> Tx:
    """Store the bot's replies, unless someone else took over meanwhile: then it stays silent."""
    with store.transaction() as tx:
        conversation = tx.lock_conversation(conversation_id)
        # Answered: this message. Someone else in charge now: every earlier one too, since
        # the bot will not be asked about them. (Never "everything up to here" while the
        # bot is in charge: an earlier message whose relay died in a crash must still be
        # picked up by the recovery.)
        in_charge = conversation.state == State.BOT
        tx.clear_bot_pending(conversation_id, relayed_seq, and_earlier=not in_charge)
        if not in_charge:
            return tx
        understood = next((r.understood for r in replies if r.understood is not None), None)
        if understood is not None:
            tx.append(conversation, Kind.UNDERSTOOD, understood.as_event(relayed_seq))
        spoken = understood.language if understood is not None else None
        handoff: HandoffRequest | None = None
        for reply in replies:
            if reply.text or reply.buttons or reply.links:
                tx.append(conversation, Kind.MESSAGE, reply.message_data(language=spoken))
            handoff = handoff or reply.handoff
        if handoff is not None:
            _escalate(store, tx, conversation, handoff, Reason.BOT_HANDOFF, limits, live)
        return tx


def bot_failed(store: Store, conversation_id: str, *, relayed_seq: int) -> Tx:
    """Tell the resident the bot is not answering, and offer a person instead."""
    with store.transaction() as tx:
        conversation = tx.lock_conversation(conversation_id)
        tx.clear_bot_pending(conversation_id, relayed_seq)
        if conversation.state == State.BOT:
            tx.append(
                conversation,
                Kind.NOTICE,
                {
                    "code": "bot_unavailable",
                    "text": "Sorry, the assistant is not answering at the moment. "
                    "You can ask to talk to a person.",
                    "can_request_human": True,
                },
            )
        return tx


def request_human(
    store: Store, conversation_id: str, *, limits: Limits, live: frozenset[int] = frozenset()
) -> Tx:
    with store.transaction() as tx:
        conversation = tx.lock_conversation(conversation_id)
        store.require_open(conversation)
        if conversation.state != State.BOT:
            return tx  # already waiting or with someone: asking again changes nothing
        request = HandoffRequest(
            reason="resident_request",
            service_area=conversation.service_area or "general",
            priority=conversation.priority,
            summary=conversation.summary or "",
        )
        _escalate(store, tx, conversation, request, Reason.RESIDENT_REQUEST, limits, live)
        return tx


def _escalate(
    store: Store,
    tx: Tx,
    conversation: Conversation,
    request: HandoffRequest,
    reason: Reason,
    limits: Limits,
    live: frozenset[int] = frozenset(),
) -> Serviceable:
    _note_bot_verification(tx, conversation, request)
    teams = tx.teams()
    slug = team_for(request.service_area, teams)
    team = next((t for t in teams if t.slug == slug), None)
    routing = {
        "team": slug,
        "service_area": request.service_area,
        "priority": request.priority,
        "reason": request.reason,
        "summary": request.summary or conversation.summary,
    }
    if request.language in {"en", "cy"} and request.language != conversation.language:
        routing["language"] = request.language  # the console shows it; routing reads it
    if team is None:
        verdict = Serviceable.NO_ADVISORS
    else:
        advisors = with_live(
            tx.advisors(default_cap=limits.default_cap, grace_seconds=limits.grace_seconds), live
        )
        verdict = serviceable(team, advisors)
    if verdict is not Serviceable.OPEN:
        notice = unavailable_notice(tx, verdict, slug)
        if request.announced:  # the bot has said it, in the resident's language: once
            notice = {**notice, "text": "", "opening_hours": None}
        tx.append(conversation, Kind.NOTICE, notice)
        if request.priority != "urgent":
            tx.update_conversation(conversation.id, last_notice=verdict.value, **routing)
            return verdict
        # A resident at risk is queued whatever the hour: first in the queue, so
        # the first person who can take a chat sees it before anyone else's.
        routing["last_notice"] = verdict.value
    transition(conversation.state, State.WAITING, reason)
    tx.update_conversation(
        conversation.id,
        state=State.WAITING,
        queued_at=tx.now,
        requeued=False,
        offered_to=None,
        offer_expires_at=None,
        declined_by="",
        assigned_to=None,
        resident_seen_at=tx.now,  # asking is being here
        **{"last_notice": None, **routing},
    )
    handoff_data: dict[str, Any] = {
        k: routing[k] for k in routing if k not in {"team", "last_notice"}
    }
    if request.details is not None:
        handoff_data["details"] = request.details
    tx.append(conversation, Kind.HANDOFF, handoff_data)
    tx.append(conversation, Kind.STATE, state_data(State.WAITING, conversation.state, reason))
    tx.touched_teams.add(slug)
    return verdict


def _note_bot_verification(tx: Tx, conversation: Conversation, request: HandoffRequest) -> None:
    """The bot checked who the resident is in the chat: the console may use those accounts.

    Which accounts, and how, come only from the bot's server-side record of what
    this conversation proved for account use (``actions.verification``, the same
    database, keyed by the conversation id the relay sends to Rasa as the
    sender); the handover payload is not trusted for it. A case-details check
    never appears there, so it never makes the resident "verified"."""
    grants = tx.account_grants(conversation.id)
    found = list(
        dict.fromkeys(g.reference for g in grants if g.reference not in conversation.references)
    )
    if not found:
        return
    how = "+".join(sorted({g.method for g in grants}))
    method = conversation.verified_method or f"bot:{how}"
    tx.update_conversation(
        conversation.id,
        verified_refs=",".join((*conversation.references, *found))[:400],
        verified_method=method[:40],
    )


def unavailable_notice(tx: Tx, verdict: Serviceable, slug: str) -> dict[str, Any]:
    try:
        name, hours = tx.team_hours(slug)
    except Exception:  # a team deleted meanwhile: still be honest
        name, hours = slug, OpeningHours.parse("never")
    next_open = hours.next_open(tx.now)
    if verdict is Serviceable.OUT_OF_HOURS:
        # The hours travel apart (``opening_hours``): the widget prints them once.
        text = (
            f"Our {name} advisors are not available right now. "
            "You can leave a message and we will reply."
        )
    else:
        text = (
            f"Nobody from {name} is free to chat right now. "
            "You can leave a message and we will get back to you."
        )
    return {
        "code": verdict.value,
        "text": text,
        "team": slug,
        "opening_hours": hours.describe(),
        "next_open": next_open.isoformat() if next_open else None,
        "can_leave_message": True,
    }


def state_data(state: State | str, previous: State | str, reason: Reason | str) -> dict[str, str]:
    return {"state": str(state), "previous": str(previous), "reason": str(reason)}


def leave_queue(store: Store, conversation_id: str) -> Tx:
    with store.transaction() as tx:
        conversation = tx.lock_conversation(conversation_id)
        transition(conversation.state, State.BOT, Reason.LEFT_QUEUE)
        _dequeue(tx, conversation, Reason.LEFT_QUEUE)
        return tx


def _dequeue(tx: Tx, conversation: Conversation, reason: Reason) -> None:
    tx.update_conversation(
        conversation.id,
        state=State.BOT,
        offered_to=None,
        offer_expires_at=None,
        requeued=False,
        queued_at=None,
    )
    if conversation.offered_to is not None:
        tx.touched_advisors.add(conversation.offered_to)
    tx.touched_teams.add(conversation.team or "general")
    tx.append(conversation, Kind.STATE, state_data(State.BOT, conversation.state, reason))


def left_message(
    store: Store,
    conversation_id: str,
    *,
    client_id: str,
    text: str,
    reference: str,
    transcript: str,
) -> Stored:
    """Record a message left for the back office (the case already exists)."""
    with store.transaction() as tx:
        conversation = tx.lock_conversation(conversation_id)
        existing = tx.find_client_event(conversation_id, client_id)
        if existing is not None:
            return Stored(existing, True, conversation.state, tx)
        store.require_open(conversation)
        if conversation.state == State.WAITING:
            transition(conversation.state, State.BOT, Reason.LEFT_MESSAGE)
            _dequeue(tx, conversation, Reason.LEFT_MESSAGE)
        elif conversation.state != State.BOT:
            transition(conversation.state, State.BOT, Reason.LEFT_MESSAGE)  # raises
        event = tx.append(
            conversation,
            Kind.MESSAGE,
            {
                "author": "resident",
                "author_name": "You",
                "text": text,
                "client_id": client_id,
                "buttons": [],
                "links": [],
                "left_message": True,
            },
            client_id=client_id,
        )
        tx.append(
            conversation,
            Kind.CASE_CREATED,
            {
                "reference": reference,
                "text": f"Thank you. Your message has been passed on with reference {reference}.",
            },
        )
        tx.add_transcript(conversation_id, text=transcript, reference=reference)
        return Stored(event, False, State.BOT, tx)


def close_by_resident(store: Store, conversation_id: str) -> Tx:
    with store.transaction() as tx:
        conversation = tx.lock_conversation(conversation_id)
        if conversation.state == State.CLOSED:
            return tx
        transition(conversation.state, State.CLOSED, Reason.CLOSED_BY_RESIDENT)
        tx.end_assignment(conversation.id, conversation.assigned_to, "resident_left")
        _close(tx, conversation, Reason.CLOSED_BY_RESIDENT)
        tx.append(conversation, Kind.RATING_REQUEST, {"text": "How did we do?"})
        tx.record_outcome(conversation.id)
        return tx


def expire_waiting(tx: Tx, conversation: Conversation) -> None:
    """A waiting resident unheard for ``resident_gone_seconds`` (they closed the tab):
    their place is given up, as if they had left the queue, and any offer of the chat
    goes from its advisor's console. Run by dispatch, which holds the lock. The
    returning resident's widget says why from the state event's reason (``expired``,
    in their language); nobody is asked to rate a chat no one answered. The event
    carries when the resident was last heard (``resident_last_heard``): insight counts
    their wait to then, not to the expiry (up to ``resident_gone_seconds`` later)."""
    transition(conversation.state, State.CLOSED, Reason.EXPIRED)
    heard = conversation.resident_seen_at or conversation.queued_at or conversation.created_at
    # waiting: no assignment is open to end
    _close(tx, conversation, Reason.EXPIRED, {"resident_last_heard": iso(heard)})
    tx.record_outcome(conversation.id)


def _close(
    tx: Tx, conversation: Conversation, reason: Reason, detail: dict[str, Any] | None = None
) -> None:
    """The resident's side of the chat is over; a waiting one leaves its queue (and any
    advisor it was offered to)."""
    if conversation.state == State.WAITING:
        tx.touched_teams.add(conversation.team or "general")
        if conversation.offered_to is not None:
            tx.touched_advisors.add(conversation.offered_to)
    tx.update_conversation(
        conversation.id,
        state=State.CLOSED,
        closed_at=tx.now,
        offered_to=None,
        offer_expires_at=None,
        outcome=conversation.outcome or "resident_left",
    )
    data = {**state_data(State.CLOSED, conversation.state, reason), **(detail or {})}
    tx.append(conversation, Kind.STATE, data)


def rate(store: Store, conversation_id: str, *, stars: int, comment: str) -> Tx:
    with store.transaction() as tx:
        conversation = tx.lock_conversation(conversation_id)
        tx.update_conversation(conversation.id, rating=stars)
        tx.append(conversation, Kind.RATING, {"stars": stars, "comment": comment})
        if conversation.state == State.CLOSED:
            tx.record_outcome(conversation.id)  # the stars belong in its outcome
        return tx
