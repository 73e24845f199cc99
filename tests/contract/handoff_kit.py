"""What the handoff Store's contract tests (and the use cases' unit tests) need
around a store: a clock the test moves, teams with members, and the bot's
verification record. One kit per implementation; the tests never see which."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from actions.verification import Grant, Purpose, ReferenceKind, SqlVerificationStore
from handoff import lifecycle
from handoff.bot import BotReply, HandoffRequest
from handoff.states import State
from handoff.store import AccountGrant, MemoryStore, SqlStore, Store, seeding
from insight import store as insight_store

NOW = datetime(2026, 11, 17, 10, 30, tzinfo=UTC)  # a Tuesday morning


@dataclass
class Clock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@dataclass
class Kit:
    store: Store
    clock: Clock
    _teams: int = field(default=0)

    def add_team(
        self, slug: str, *, skills: str = "", hours: str = "always", members: tuple[int, ...] = ()
    ) -> None:
        raise NotImplementedError

    def grant(self, conversation_id: str, reference: str, *, expires_at: datetime) -> None:
        raise NotImplementedError

    def outcome_recorded(self, conversation_id: str) -> bool:
        """Does insight hold an outcome for the conversation (``Tx.record_outcome``)?"""
        raise NotImplementedError


@dataclass
class MemoryKit(Kit):
    store: MemoryStore

    def add_team(
        self, slug: str, *, skills: str = "", hours: str = "always", members: tuple[int, ...] = ()
    ) -> None:
        self.store.add_team(
            slug, slug.title(), skills=skills or slug, opening_hours=hours, members=members
        )

    def grant(self, conversation_id: str, reference: str, *, expires_at: datetime) -> None:
        self.store.record_grant(
            conversation_id,
            AccountGrant(reference=reference, method="knowledge_check"),
            expires_at=expires_at,
        )

    def outcome_recorded(self, conversation_id: str) -> bool:
        return conversation_id in self.store.tables.outcomes


@dataclass
class SqlKit(Kit):
    store: SqlStore

    def add_team(
        self, slug: str, *, skills: str = "", hours: str = "always", members: tuple[int, ...] = ()
    ) -> None:
        with Session(self.store.engine) as session:
            seeding.add_team(
                session,
                slug=slug,
                name=slug.title(),
                skills=skills or slug,
                opening_hours=hours,
                sort_order=self._teams,
            )
            for user_id in members:
                seeding.add_member(session, team=slug, user_id=user_id)
            session.commit()
        self._teams += 1

    def grant(self, conversation_id: str, reference: str, *, expires_at: datetime) -> None:
        SqlVerificationStore(self.store.engine).save_grant(
            conversation_id=conversation_id,
            secret_hash="h" * 64,
            grant=Grant(
                kind=ReferenceKind.COUNCIL_TAX,
                reference=reference,
                purpose=Purpose.BALANCE,
                method="knowledge_check",
                facts=("postcode", "surname"),
                verified_at=expires_at - timedelta(minutes=30),
                expires_at=expires_at,
            ),
        )

    def outcome_recorded(self, conversation_id: str) -> bool:
        with self.store.engine.connect() as conn:
            return insight_store.recorded(conn, conversation_id) is not None


def memory_kit() -> MemoryKit:
    clock = Clock()
    return MemoryKit(MemoryStore(clock=clock), clock)


def sql_kit(engine) -> SqlKit:  # type: ignore[no-untyped-def]
    clock = Clock()
    return SqlKit(SqlStore(engine, clock=clock), clock)


def sql_kit_sam_and_priya(engine) -> SqlKit:  # type: ignore[no-untyped-def]
    """A SQL kit whose "general" team is two advisors: Sam Okafor (1), Priya Nair (2)."""
    kit = sql_kit(engine)
    kit.add_team("general", members=(1, 2))
    kit.store.ensure_advisor(1, "Sam Okafor")
    kit.store.ensure_advisor(2, "Priya Nair")
    return kit


def waiting_for(kit: Kit, user_id: int, limits: lifecycle.Limits) -> str:
    """A resident the bot passed on to a person, with advisor ``user_id`` available
    and heard: the conversation's id, waiting in the general queue."""
    kit.store.set_availability(user_id, "available")
    kit.store.touch_presence([user_id], "instance-a")
    cid = kit.store.create_conversation(language="en", page_url="/", identity_token=None).id
    stored = lifecycle.resident_message(kit.store, cid, client_id="c1", text="hi", payload=None)
    reply = BotReply(text="Passing you on", handoff=HandoffRequest(service_area="general"))
    lifecycle.bot_answered(
        kit.store, cid, relayed_seq=stored.event.seq, replies=[reply], limits=limits
    )
    assert kit.store.get(cid).state == State.WAITING
    return cid
